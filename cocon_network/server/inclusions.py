"""The network's inclusion list, imported from its coordination tool's CSV export (SPICO Dossiers, AZUREZO,
PaacoGlobule): the children the controls know (birth date, term, inclusion and exit dates, département).

The file (docs/network-server.md, « Liste d'inclusion »): semicolon-separated, UTF-8 with or without a BOM, a
header line naming these columns in any order (other columns are ignored and said so):

    numero_inclusion;initiales;date_naissance;terme_sa;date_inclusion;date_sortie;departement
    RPM-2025-00789;J.-P. R.;03/02/2025;31;20/02/2025;;13

dates JJ/MM/AAAA or AAAA-MM-JJ; terme_sa in completed weeks (« 31 » or « 31+4 »), may be empty; date_sortie
empty while the child is in the pathway; departement « 13 », « 2A », « 974 », or « MC » (Monaco), may be empty.

All or nothing: one bad line and nothing is written; every bad line is reported with its line number and
column. The export is machine-made: a bad line means a wrong export or a hand-edited file, better corrected at
its source and imported again whole (the import is idempotent) than leaving the network's list half old, half new
— the controls would flag children for the half that is missing. A child absent from the file is kept (an export
may cover one département)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from cocon_network.server.models import Inclusion, utcnow

COLUMNS = ("numero_inclusion", "initiales", "date_naissance", "terme_sa", "date_inclusion", "date_sortie",
           "departement")
MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 200  # listed; the count says how many more
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
_WEEKS = re.compile(r"(\d{2})(?:\s*\+\s*[0-6])?")
_DEPARTEMENT = re.compile(r"0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8]|MC")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRENCH = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


@dataclass(frozen=True)
class LineError:
    line: int  # in the file, the header being line 1
    column: str  # "" when about the whole line
    message: str

    def french(self) -> str:
        where = f"ligne {self.line}" + (f", colonne {self.column}" if self.column else "")
        return f"{where[0].upper()}{where[1:]} : {self.message}"


@dataclass(frozen=True)
class InclusionRow:
    inclusion_number: str
    initials: str
    birth_date: date
    gestational_weeks: int | None
    included_on: date
    ended_on: date | None
    departement: str


@dataclass(frozen=True)
class ImportReport:
    imported: bool
    lines: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[LineError, ...] = ()
    error_count: int = 0
    ignored_columns: tuple[str, ...] = ()
    batches_checked: int = 0

    def french(self) -> str:
        if not self.imported:
            more = self.error_count - len(self.errors)
            head = (f"Liste d'inclusion refusée, rien n'a été importé : {self.error_count} erreur"
                    f"{'s' if self.error_count > 1 else ''}.")
            tail = [f"… et {more} autre{'s' if more > 1 else ''}."] if more > 0 else []
            return "\n".join([head, *(e.french() for e in self.errors), *tail])
        text = (f"Liste d'inclusion importée : {self.lines} enfant{'s' if self.lines > 1 else ''} "
                f"({self.created} nouveau{'x' if self.created > 1 else ''}, {self.updated} mis à jour, "
                f"{self.unchanged} inchangé{'s' if self.unchanged > 1 else ''}).")
        if self.ignored_columns:
            text += f" Colonnes ignorées : {', '.join(self.ignored_columns)}."
        if self.batches_checked:
            text += f" Contrôles refaits sur {self.batches_checked} lot{'s' if self.batches_checked > 1 else ''}."
        return text


def _date(text: str) -> date | None:
    try:
        if _ISO.fullmatch(text):
            return date.fromisoformat(text)
        if _FRENCH.fullmatch(text):
            return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None
    return None


def _decode(data: bytes) -> tuple[str, LineError | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return "", LineError(line, "", "le fichier n'est pas en UTF-8 (dans le tableur : enregistrer sous « CSV UTF-8 "
                                       "(délimité par des points-virgules) »)")


def _header(cells: list[str]) -> tuple[dict[str, int], list[str], LineError | None]:
    names = [c.strip().lower() for c in cells]
    if len(names) == 1 and ("," in names[0] or "\t" in names[0]):
        return {}, [], LineError(1, "", "le séparateur des colonnes doit être le point-virgule « ; »")
    index = {name: names.index(name) for name in COLUMNS if name in names}
    missing = [name for name in COLUMNS if name not in index]
    if missing:
        return {}, [], LineError(1, "", f"colonne{'s' if len(missing) > 1 else ''} manquante"
                                        f"{'s' if len(missing) > 1 else ''} : {', '.join(missing)} (attendu : "
                                        f"{';'.join(COLUMNS)})")
    doubled = sorted({n for n in names if names.count(n) > 1 and n in COLUMNS})
    if doubled:
        return {}, [], LineError(1, "", f"colonne en double : {', '.join(doubled)}")
    return index, [c for c in cells if c.strip().lower() not in COLUMNS and c.strip()], None


def _row(line: int, cells: Sequence[str], errors: list[LineError]) -> InclusionRow | None:
    value = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
    before = len(errors)

    def fault(column: str, message: str) -> None:
        errors.append(LineError(line, column, message))

    def day(column: str, required: bool) -> date | None:
        text = value[column]
        if not text:
            if required:
                fault(column, "date manquante")
            return None
        parsed = _date(text)
        if parsed is None:
            fault(column, f"date illisible « {text} » (JJ/MM/AAAA ou AAAA-MM-JJ attendu)")
        return parsed

    number = value["numero_inclusion"]
    if not number:
        fault("numero_inclusion", "numéro d'inclusion manquant")
    elif not _NUMBER.fullmatch(number):
        fault("numero_inclusion", f"numéro d'inclusion invalide « {number[:60]} » (lettres, chiffres, . _ / -, "
                                  "40 caractères au plus)")
    if len(value["initiales"]) > 20:
        fault("initiales", "20 caractères au plus")
    birth, included, ended = day("date_naissance", True), day("date_inclusion", True), day("date_sortie", False)
    if birth and birth > date.today():
        fault("date_naissance", f"date de naissance dans le futur ({value['date_naissance']})")
    if birth and included and included < birth:
        fault("date_inclusion", "date d'inclusion antérieure à la naissance")
    if included and ended and ended < included:
        fault("date_sortie", "date de sortie antérieure à la date d'inclusion")
    weeks: int | None = None
    if value["terme_sa"]:
        match = _WEEKS.fullmatch(value["terme_sa"])
        weeks = int(match.group(1)) if match else None
        if weeks is None or not 22 <= weeks <= 44:
            fault("terme_sa", f"terme illisible « {value['terme_sa']} » (semaines d'aménorrhée révolues, de 22 à 44, "
                              "par exemple 31 ou 31+4)")
    departement = value["departement"].upper()
    if departement and not _DEPARTEMENT.fullmatch(departement):
        fault("departement", f"département inconnu « {value['departement']} » (13, 2A, 974, MC…)")
    if len(errors) > before or birth is None or included is None:
        return None
    return InclusionRow(number, value["initiales"], birth, weeks, included, ended, departement)


def parse_inclusions(data: bytes) -> tuple[list[InclusionRow], list[LineError], list[str]]:
    """The rows, every error, and the ignored columns of an export."""
    if len(data) > MAX_BYTES:
        return [], [LineError(1, "", f"fichier trop gros ({len(data) // 1_000_000} Mo, 50 Mo au plus)")], []
    text, bad = _decode(data)
    if bad is not None:
        return [], [bad], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = next(reader)
    except StopIteration:
        return [], [LineError(1, "", "fichier vide : la première ligne doit nommer les colonnes")], []
    index, ignored, bad = _header(header)
    if bad is not None:
        return [], [bad], []
    rows: list[InclusionRow] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < len(header):
                errors.append(LineError(line, "", f"{len(cells)} cellule{'s' if len(cells) > 1 else ''} au lieu de "
                                                  f"{len(header)} (un point-virgule manque ?)"))
                continue
            row = _row(line, [cells[index[name]] for name in COLUMNS], errors)
            if row is None:
                continue
            if row.inclusion_number in seen:
                errors.append(LineError(line, "numero_inclusion", f"« {row.inclusion_number} » déjà à la ligne "
                                                                  f"{seen[row.inclusion_number]}"))
                continue
            seen[row.inclusion_number] = line
            rows.append(row)
    except csv.Error as error:
        errors.append(LineError(reader.line_num, "", f"ligne illisible ({error})"))
    return rows, errors, ignored


_FIELDS = [f.name for f in fields(InclusionRow)]


def import_inclusions(session: Session, data: bytes, *, recheck: bool = True) -> ImportReport:
    """Check the whole file, then upsert every row in `session`'s transaction (nothing when one line is bad);
    with `recheck`, the controls of the batches still awaiting a decision are run again for the children that
    changed (a child now known, a date corrected)."""
    rows, errors, ignored = parse_inclusions(data)
    if errors:
        return ImportReport(imported=False, lines=len(rows) + len(errors), errors=tuple(errors[:MAX_ERRORS]),
                            error_count=len(errors), ignored_columns=tuple(ignored))
    existing: dict[str, tuple[object, ...]] = {}
    numbers = [r.inclusion_number for r in rows]
    for start in range(0, len(numbers), 2000):
        for found in session.scalars(select(Inclusion).where(
                Inclusion.inclusion_number.in_(numbers[start:start + 2000]))):
            existing[found.inclusion_number] = tuple(getattr(found, name) for name in _FIELDS)
    now = utcnow()
    new = [dict(zip(_FIELDS, _values(r), strict=True)) | {"imported_at": now} for r in rows
           if r.inclusion_number not in existing]
    changed = [dict(zip(_FIELDS, _values(r), strict=True)) | {"imported_at": now} for r in rows
               if r.inclusion_number in existing and existing[r.inclusion_number] != _values(r)]
    if new:
        session.execute(insert(Inclusion), new)
    if changed:
        session.execute(update(Inclusion), changed)
    session.flush()
    moved = [str(r["inclusion_number"]) for r in new] + [  # a child's département is the report's
        str(r["inclusion_number"]) for r in changed
        if existing[str(r["inclusion_number"])][_FIELDS.index("departement")] != r["departement"]]
    if moved:
        from cocon_network.server.report_aggregate import refresh

        refresh(session, moved, None)
    checked = 0
    if recheck and (new or changed):
        from cocon_network.server.controls import rerun_pending_for_children

        checked = rerun_pending_for_children(session, [str(r["inclusion_number"]) for r in new + changed])
    return ImportReport(imported=True, lines=len(rows), created=len(new), updated=len(changed),
                        unchanged=len(rows) - len(new) - len(changed), ignored_columns=tuple(ignored),
                        batches_checked=checked)


def _values(row: InclusionRow) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in _FIELDS)
