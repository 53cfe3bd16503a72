"""Attestations for the family: their kinds, their numbers and the periods they cover (pure rules, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cocon_desktop.domain.limits import year_allowed
from cocon_desktop.errors import FieldError, ValidationError

KINDS = {
    "prise_en_charge": "Attestation de prise en charge",
    "seances": "Attestation de séances",
    "annuelle": "Attestation annuelle",
}
# the spelling of the command line (`--kind prise-en-charge`) → the code
CLI_KINDS = {"prise-en-charge": "prise_en_charge", "seances": "seances", "annuelle": "annuelle"}
PREFIX = "ATT"
# séance kinds an attestation lists: acts of care given to the child (absences and RCPs are not care given)
ATTESTED_KINDS = ("seance", "bilan_initial", "bilan_renouvellement")
COCON_MENTION = "financé intégralement par le parcours COCON — aucune somme n'est due par la famille"

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def is_calendar_year(self) -> bool:
        return self.first == date(self.first.year, 1, 1) and self.last == date(self.first.year, 12, 31)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def number(year: int, sequence: int) -> str:
    """"ATT-2026-0001": one gap-free sequence per calendar year of issue."""
    return f"{PREFIX}-{year}-{sequence:04d}"


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def _invalid(text: str) -> ValidationError:
    return ValidationError([FieldError("period", "period_invalid", {"value": text})])


def _bound(text: str, end: bool) -> date:
    """One side of a period: "2026", "2026-03" or "2026-03-15" (the start or the end of it), in the years a date may
    take (limits.FIRST_YEAR…LAST_YEAR)."""
    text = text.strip()
    match = _DAY.match(text) or _MONTH.match(text) or _YEAR.match(text)
    if match is None or not year_allowed(int(match[1])):
        raise _invalid(text)
    try:
        if match := _DAY.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _MONTH.match(text):
            first = date(int(match[1]), int(match[2]), 1)
            return month_end(first) if end else first
        if match := _YEAR.match(text):
            return date(int(match[1]), 12, 31) if end else date(int(match[1]), 1, 1)
    except ValueError as exc:
        raise _invalid(text) from exc
    raise _invalid(text)


def parse_period(text: str) -> Period:
    """"2026-01..2026-06", "2026-03" (one month), "2026" (a calendar year), days allowed: "2026-03-01..2026-03-15"."""
    start, separator, end = text.partition("..")
    if not start.strip() or (separator and not end.strip()):
        raise _invalid(text)
    period = Period(_bound(start, False), _bound(end if separator else start, True))
    if period.last < period.first:
        raise ValidationError([FieldError("period", "period_reversed", {"value": text})])
    return period


def period_for(kind: str, period: Period) -> Period:
    """An annual attestation covers the calendar year of the period's start; the others, the period itself."""
    if kind not in KINDS:
        raise ValidationError([FieldError("kind", "choice_invalid")])
    if kind == "annuelle":
        if period.first.year != period.last.year:
            raise ValidationError([FieldError("period", "period_not_one_year")])
        return year_period(period.first.year)
    return period
