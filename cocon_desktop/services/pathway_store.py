"""Pathways: the shipped files (resources/pathways/*.toml) and the ones the practice works with (its setting).

For COCON the program still uses its built-in rules (domain/networks.NETWORKS, domain/disciplines.DISCIPLINES, the
documents' texts), which cocon.toml reproduces; the « Relais vers une PCO » (services/relays.py, the child's file)
reads the PCO-TND pathway and the setting (issue 22, slice S4)."""

from __future__ import annotations

import functools
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.domain.pathways import Pathway, chosen_ids, load_pathway_toml
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.paths import resources_dir
from cocon_desktop.services import settings_store


def read_pathways(folder: Path) -> dict[str, Pathway]:
    """Every `*.toml` pathway of `folder` by id, in the order of the file names; ValidationError when two files
    hold the same id, CoconError or ValidationError (domain/pathways.py) when one is wrong."""
    pathways: dict[str, Pathway] = {}
    for path in sorted(folder.glob("*.toml")):
        pathway = load_pathway_toml(path.read_bytes())
        if pathway.id in pathways:
            raise ValidationError([FieldError(path.name, "pathway_id_duplicate", {"value": pathway.id})])
        pathways[pathway.id] = pathway
    return pathways


@functools.cache
def shipped_pathways() -> dict[str, Pathway]:
    """The pathways shipped with the program (read once)."""
    return read_pathways(resources_dir() / "pathways")


def enabled_pathways(sessions: sessionmaker[Session],
                     available: dict[str, Pathway] | None = None) -> tuple[Pathway, ...]:
    """The pathways the practice works with: those its setting names among `available` (the shipped ones by
    default), COCON alone while it has not chosen."""
    known = shipped_pathways() if available is None else available
    value = str(settings_store.get(sessions, settings.PATHWAYS))
    return tuple(known[pathway_id] for pathway_id in chosen_ids(value, tuple(known)))
