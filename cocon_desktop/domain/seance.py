"""Séances: kinds, places, and the rules that decide whether one may be recorded and billed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cocon_desktop.domain import limits
from cocon_desktop.errors import FieldError

KINDS = {
    "seance": "Séance",
    "bilan_initial": "Bilan initial",
    "bilan_renouvellement": "Bilan de renouvellement",
    "rcp": "RCP (réunion de concertation)",
    "absence_excusee": "Absence excusée",
    "absence_non_excusee": "Absence non excusée",
}
PLACES = {
    "cabinet": "Cabinet",
    "domicile": "Domicile",
    "creche_ecole": "Crèche / école",
    "teleconsultation": "Téléconsultation",
}
BILLING_STATES = {"a_facturer": "À facturer", "facturee": "Facturée", "non_facturable": "Non facturable",
                  "au_forfait": "Compris dans le forfait"}  # a PCO package's séance: its milestones are invoiced
BILANS = ("bilan_initial", "bilan_renouvellement")
ABSENCES = ("absence_excusee", "absence_non_excusee")
DEFAULT_DURATION = 45


@dataclass(frozen=True)
class SeanceData:
    child_id: int
    day: date
    start: time
    duration_min: int = DEFAULT_DURATION
    kind: str = "seance"
    place: str = "cabinet"
    note: str = ""
    out_of_forfait: bool = False  # "hors forfait": recorded, never billed to COCON
    id: int | None = None

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_min)

    @property
    def is_bilan(self) -> bool:
        return self.kind in BILANS


def overlaps(a_start: datetime, a_minutes: int, b_start: datetime, b_minutes: int) -> bool:
    return a_start < b_start + timedelta(minutes=b_minutes) and b_start < a_start + timedelta(minutes=a_minutes)


def counts_on_forfait(kind: str, absence_excused_billable: bool, absence_unexcused_billable: bool) -> bool:
    """Whether a séance of this kind uses the forfait (and is billed): RCPs never; absences per tariff."""
    if kind == "rcp":
        return False
    if kind == "absence_excusee":
        return absence_excused_billable
    if kind == "absence_non_excusee":
        return absence_unexcused_billable
    return True


def validate_seance(seance: SeanceData, birth: date, exit_date: date | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if seance.kind not in KINDS:
        errors.append(FieldError("kind", "choice_invalid"))
    if seance.place not in PLACES:
        errors.append(FieldError("place", "choice_invalid"))
    if not 5 <= seance.duration_min <= 480:
        errors.append(FieldError("duration_min", "duration_range"))
    if seance.day < birth:
        errors.append(FieldError("day", "date_before_birth"))
    if exit_date is not None and seance.day > exit_date:
        errors.append(FieldError("day", "seance_after_exit", {"exit": exit_date.strftime("%d/%m/%Y")}))
    if len(seance.note) > limits.NOTE:
        errors.append(FieldError("note", "note_too_long"))
    return errors
