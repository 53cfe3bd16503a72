"""How long a child's file is kept, and when its data may be erased.

Sources (shared/DOMAIN.md, "Health data"): the CNIL référentiel for medical and paramedical practices
(délibération 2020-081) keeps the patient file 5 years active after the last care, then archived for the
medical-file duration, which the Ordre des médecins and CSP R.1112-7 set to at least 20 years after the last
care and, for a minor, until the 28th birthday when that comes later. The children of COCON are 0–7 years old:
in practice the file may be erased from the later of (last care + 20 years) and (28th birthday).

Invoices are kept as issued whatever happens (10 years, and they hold the inclusion number and initials only)."""

from __future__ import annotations

from datetime import date

YEARS_AFTER_LAST_CARE = 20
MINOR_UNTIL_AGE = 28


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_end(birth_date: date, last_activity: date) -> date:
    """The first day the child's data may be erased."""
    return max(add_years(last_activity, YEARS_AFTER_LAST_CARE), add_years(birth_date, MINOR_UNTIL_AGE))


def may_erase(birth_date: date, last_activity: date, today: date) -> bool:
    return today >= retention_end(birth_date, last_activity)
