"""Pathways: the shipped files (resources/pathways/*.toml) and the ones the practice works with (its setting).

For COCON the program still uses its built-in rules (domain/networks.NETWORKS, domain/disciplines.DISCIPLINES, the
documents' texts), which cocon.toml reproduces; the « Relais vers une PCO » (services/relays.py, the child's file)
reads the PCO-TND pathway and the setting (issue 22, slice S4)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.domain.pathways import Pathway, chosen_ids, load_pathway_toml
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.paths import resources_dir
from cocon_desktop.services import settings_store
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.pathway_files import known_pathways


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
    known = known_pathways(sessions) if available is None else available
    value = str(settings_store.get(sessions, settings.PATHWAYS))
    return tuple(known[pathway_id] for pathway_id in chosen_ids(value, tuple(known)))


def checked_ids(names: Iterable[str], available: dict[str, Pathway] | None = None) -> tuple[str, ...]:
    """The pathway ids `names` gives (« PCO-TND », « cocon »…), known, in the order of the shipped files;
    ValidationError on the field « pathways » when one is unknown or none is given (a practice always works with
    at least one pathway)."""
    known = shipped_pathways() if available is None else available
    named = [name.strip().lower() for name in names if name.strip()]
    unknown = [name for name in named if name not in known]
    if unknown:
        raise ValidationError([FieldError("pathways", "pathways_unknown",
                                          {"names": ", ".join(unknown)[:80], "known": ", ".join(known)})])
    if not named:
        raise ValidationError([FieldError("pathways", "pathways_none")])
    return tuple(pathway_id for pathway_id in known if pathway_id in named)


# The setting, and with it the payers offered for invoices and batches (PROFILE: the buyers of invoices), the child's
# « Relais vers une PCO » and the tariffs shown (SETTINGS).
@writes(Changes.SETTINGS | Changes.PROFILE)
def set_enabled_pathways(sessions: sessionmaker[Session], ids: Iterable[str],
                         available: dict[str, Pathway] | None = None) -> tuple[Pathway, ...]:
    """The pathways the practice works with from now on (Paramètres › Parcours et payeurs, the first-run wizard,
    `cocon pathways --set`): at least one, each known (checked_ids); the chosen pathways, in the files' order."""
    known = known_pathways(sessions) if available is None else available
    chosen = checked_ids(ids, known)
    settings_store.put(sessions, settings.PATHWAYS, ",".join(chosen))
    return tuple(known[pathway_id] for pathway_id in chosen)
