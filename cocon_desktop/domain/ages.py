"""Chronological and corrected age (âge corrigé).

corrected age = chronological age − (40 weeks − gestational age at birth), the gestational age counted in
completed weeks (25 SA + 5 days counts 25). Used for the follow-up of children born premature (before 37 SA)
until a cut-off (24 months by default, a setting); never for vaccination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

TERM_WEEKS = 40
PREMATURE_BEFORE_WEEKS = 37
DEFAULT_CUTOFF_MONTHS = 24


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for candidate_day in range(day.day, 27, -1):  # 31 → 30 → 29 → 28 at month ends
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


@dataclass(frozen=True)
class AgeSpan:
    months: int
    days: int

    @property
    def years(self) -> int:
        return self.months // 12

    def french(self) -> str:
        """"3 semaines", "5 mois 12 j", "1 an 3 mois", "4 ans"."""
        if self.months < 0 or self.days < 0:
            return "—"
        if self.months == 0:
            if self.days < 14:
                return f"{self.days} j"
            return f"{self.days // 7} semaines"
        if self.months < 24:
            years, months = divmod(self.months, 12)
            head = f"{years} an " if years else ""
            tail = f"{months} mois" if months else ""
            if not years:
                return f"{months} mois {self.days} j" if self.days else f"{months} mois"
            return (head + tail).strip()
        years, months = divmod(self.months, 12)
        return f"{years} ans {months} mois" if months else f"{years} ans"


def age_between(birth: date, on: date) -> AgeSpan:
    """Whole months then days from `birth` to `on` (negative months when `on` is before birth)."""
    if on < birth:
        return AgeSpan(-1, (on - birth).days)
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if _add_months(birth, months) > on:
        months -= 1
    return AgeSpan(months, (on - _add_months(birth, months)).days)


def months_between(birth: date, on: date) -> int:
    return age_between(birth, on).months


def correction_days(gestational_weeks: int) -> int:
    """Days to subtract from the chronological age: (40 − GA in completed weeks) weeks."""
    return max(0, TERM_WEEKS - gestational_weeks) * 7


def is_premature(gestational_weeks: int | None) -> bool:
    return gestational_weeks is not None and gestational_weeks < PREMATURE_BEFORE_WEEKS


def corrected_age(birth: date, gestational_weeks: int, on: date) -> AgeSpan:
    return age_between(birth + timedelta(days=correction_days(gestational_weeks)), on)


def shows_corrected_age(birth: date, gestational_weeks: int | None, on: date,
                        cutoff_months: int = DEFAULT_CUTOFF_MONTHS) -> bool:
    """The corrected age is shown for a premature child until the cut-off (chronological months)."""
    return is_premature(gestational_weeks) and 0 <= months_between(birth, on) < cutoff_months


def date_at_age(birth: date, months: int) -> date:
    """The day the child reaches `months` months (chronological)."""
    return _add_months(birth, months)
