"""The care pathways a batch may belong to, as both sides name them: the id a manifest's optional `pathway` key
holds (absent: COCON, which every batch made before issue 22 is) and the label a sentence shows.

The program reads its pathways from resources/pathways/*.toml; the network's server has no such files, so the labels
of the shipped pathways are repeated here (tests/unit/test_batch_pathway.py checks they agree). An id not listed is
shown as it is."""

from __future__ import annotations

import re

DEFAULT_PATHWAY = "cocon"  # a manifest without `pathway`
PATHWAY_PATTERN = re.compile(r"[a-z0-9-]{2,20}")  # the pathway files' id (domain/pathways.ID_PATTERN)
LABELS: dict[str, str] = {"cocon": "COCON", "pco-tnd": "PCO-TND"}


def pathway_label(pathway_id: str) -> str:
    """« COCON », « PCO-TND »; the id itself for a pathway this version does not know."""
    return LABELS.get(pathway_id, pathway_id)
