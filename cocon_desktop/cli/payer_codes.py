"""`--network` of the batch commands (issue 22): a COCON network, or a payer the practice configured for another
pathway (PCO1, PCO2…: `cocon payer add`). The parser cannot know the practice's payers (it is built before the
practice is opened), so its `choices` list the COCON networks — the help says exactly what it said before pathways —
and contain anything shaped like a payer's code (2 to 8 capitals or digits: PCO1, or BASE, a payer a pathway file
of the practice's folder lists), which the services check once the practice is open (services/batch_payers.py:
« Payeur inconnu : PCO9 (…) » or, in a practice without other payers, « Réseau inconnu : … », exit 1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cocon_desktop.domain.networks import NETWORKS

PAYER_CODE = re.compile(r"[A-Z0-9]{2,8}")  # domain/pathways.PAYER_CODE: a column of 8 characters


class PayerCodes:
    """A `choices` container: iterates over the COCON networks (what --help lists), contains every payer code's
    shape."""

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(NETWORKS))

    def __len__(self) -> int:
        return len(NETWORKS)

    def __contains__(self, value: Any) -> bool:
        return isinstance(value, str) and PAYER_CODE.fullmatch(value) is not None


PAYER_CODES = PayerCodes()
