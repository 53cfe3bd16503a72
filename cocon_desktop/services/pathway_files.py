"""The practice's own pathway and tariff files: a pathway the program does not ship (a regional experiment, say
« BASE ») is added by putting its files in the folder `parcours/` of the practice's data folder — the folder
`--data-dir` (or COCON_DATA_DIR) names, where the database lives —, with no change to the program (issue 22,
docs/pathways.md « Ajouter un parcours »):

    <dossier de données>/parcours/base.toml          a pathway (the format of resources/pathways/*.toml)
    <dossier de données>/parcours/tarifs/BASE.toml   a tariff it names (the format of resources/tariffs/*.toml)

The folder travels with the practice, and the program's own files (inside a bundle, read-only) are never written.
It is named when the practice is opened (services/practice_handle.Practice.open puts it in the sessionmaker's
`info`), so every use case finds it from the `sessions` it is given.

A wrong file never stops the practice from opening: it is left out, with a French sentence naming it
(`pathway_problems`; `cocon pathways` prints them), and COCON works as before. Refused: a file that is not a valid
pathway or tariff, an id the program ships already or that another file of the folder took first, a pathway naming
a tariff nobody provides. The files are read once per folder and process (a file added is seen at the next start).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import messages
from cocon_desktop.domain.pathways import Pathway, load_pathway_toml
from cocon_desktop.domain.tariffs import NetworkTariff, load_tariff_toml
from cocon_desktop.errors import CoconError

T = TypeVar("T")

PATHWAY_FOLDER = "parcours"  # in the practice's data folder
TARIFF_FOLDER = "tarifs"  # in PATHWAY_FOLDER
FOLDER_KEY = "pathway_folder"  # the sessionmaker's info key naming the folder
MAX_FILES = 50  # files read from each folder: a folder filled by mistake is not read to the end
MAX_BYTES = 1_000_000  # a pathway or tariff file is a few kilobytes


@dataclass(frozen=True)
class FileProblem:
    """A file of the folder left out, and why (an error's code and data: messages.describe makes the sentence)."""

    file: str  # "parcours/base.toml", as the practice sees it in its data folder
    error: CoconError


@dataclass(frozen=True)
class ExtraFiles:
    pathways: dict[str, Pathway]  # by id, in the order of the file names
    tariffs: dict[str, NetworkTariff]  # by tariff id
    problems: tuple[FileProblem, ...]


NO_FILES = ExtraFiles({}, {}, ())


def folder_of(sessions: sessionmaker[Session] | Session) -> Path | None:
    """The practice's extra folder, as named when it was opened; None for sessions made elsewhere."""
    info = sessions.info if isinstance(sessions, Session) else sessions.kw.get("info") or {}
    folder = info.get(FOLDER_KEY)
    return Path(folder) if folder else None


def folder_in(data_dir: Path) -> Path:
    """The extra folder of the practice whose data folder is `data_dir`."""
    return data_dir / PATHWAY_FOLDER


def _files(folder: Path) -> list[Path]:
    try:
        return sorted(path for path in folder.glob("*.toml") if path.is_file())[:MAX_FILES]
    except OSError:
        return []


def _read(path: Path, load: Callable[[bytes], T], name: str, problems: list[FileProblem]) -> T | None:
    """The file read by `load`, or None with its problem noted."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CoconError("pathway_file_unreadable", detail="fichier de plus de 1 Mo")
        return load(path.read_bytes())
    except CoconError as error:  # ValidationError too: every problem of the file, each with its key
        problems.append(FileProblem(name, error))
    except OSError as error:
        problems.append(FileProblem(name, CoconError("pathway_file_unreadable", detail=str(error)[:200])))
    return None


def _named_tariffs(pathway: Pathway) -> tuple[str, ...]:
    return (pathway.payers.tariff,) if pathway.payers.mode == "configured" else tuple(
        payer.tariff for payer in pathway.payers.fixed)


def _shipped() -> tuple[dict[str, Pathway], dict[str, NetworkTariff]]:
    from cocon_desktop.services.pathway_store import shipped_pathways  # they read this module's folder
    from cocon_desktop.services.tariff_store import shipped_tariffs

    return shipped_pathways(), shipped_tariffs()


@functools.cache
def extra_files(folder: Path) -> ExtraFiles:
    """The pathways and tariffs of `folder` that can be used, and the files left out (read once per folder)."""
    shipped_pathways, shipped_tariffs = _shipped()
    problems: list[FileProblem] = []
    tariffs: dict[str, NetworkTariff] = {}
    for path in _files(folder / TARIFF_FOLDER):
        name = f"{PATHWAY_FOLDER}/{TARIFF_FOLDER}/{path.name}"
        tariff = _read(path, load_tariff_toml, name, problems)
        if tariff is None:
            continue
        if tariff.tariff_id in shipped_tariffs or tariff.tariff_id in tariffs:
            code = "tariff_id_shipped" if tariff.tariff_id in shipped_tariffs else "tariff_id_taken"
            problems.append(FileProblem(name, CoconError(code, value=tariff.tariff_id)))
            continue
        tariffs[tariff.tariff_id] = tariff
    pathways: dict[str, Pathway] = {}
    codes = {code for pathway in shipped_pathways.values() for code in pathway.payers.codes()}
    for path in _files(folder):
        name = f"{PATHWAY_FOLDER}/{path.name}"
        pathway = _read(path, load_pathway_toml, name, problems)
        if pathway is None:
            continue
        missing = [t for t in _named_tariffs(pathway) if t not in shipped_tariffs and t not in tariffs]
        taken = [code for code in pathway.payers.codes() if code in codes]
        if pathway.id in shipped_pathways or pathway.id in pathways:
            code = "pathway_id_shipped" if pathway.id in shipped_pathways else "pathway_id_taken"
            problems.append(FileProblem(name, CoconError(code, value=pathway.id)))
        elif taken:  # a payer code names one payer: RPM is COCON's network whatever the file says
            problems.append(FileProblem(name, CoconError("pathway_payer_code_taken", value=taken[0])))
        elif missing:
            problems.append(FileProblem(name, CoconError("pathway_tariff_missing", value=missing[0],
                                                         folder=f"{PATHWAY_FOLDER}/{TARIFF_FOLDER}")))
        else:
            pathways[pathway.id] = pathway
            codes |= set(pathway.payers.codes())
    return ExtraFiles(pathways, tariffs, tuple(problems))


def practice_files(sessions: sessionmaker[Session] | Session) -> ExtraFiles:
    """The extra files of the practice the sessions belong to (none for sessions made elsewhere)."""
    folder = folder_of(sessions)
    return extra_files(folder) if folder is not None else NO_FILES


def known_pathways(sessions: sessionmaker[Session] | Session) -> dict[str, Pathway]:
    """The shipped pathways then the practice's own, by id."""
    return {**_shipped()[0], **practice_files(sessions).pathways}


def known_tariffs(sessions: sessionmaker[Session] | Session) -> dict[str, NetworkTariff]:
    """The shipped tariff files then the practice's own, by tariff id (no local version applied)."""
    return {**_shipped()[1], **practice_files(sessions).tariffs}


def pathways_at(data_dir: Path) -> dict[str, Pathway]:
    """The pathways known to the practice of `data_dir`, before it is opened (`cocon pathways --set` checks the
    names before asking the passphrase)."""
    return {**_shipped()[0], **extra_files(folder_in(data_dir)).pathways}


def problems_at(data_dir: Path) -> tuple[FileProblem, ...]:
    """The files of the practice of `data_dir` left out, before it is opened."""
    return extra_files(folder_in(data_dir)).problems


def pathway_problems(sessions: sessionmaker[Session] | Session) -> tuple[FileProblem, ...]:
    """The practice's files left out, each with its error (to show; never raised)."""
    return practice_files(sessions).problems


def problem_text(problem: FileProblem) -> str:
    """« parcours/base.toml n'est pas utilisé. … » (the file, then each problem with its key)."""
    return f"{messages.text('pathway_file_left_out', {'file': problem.file})} {messages.describe(problem.error)}"
