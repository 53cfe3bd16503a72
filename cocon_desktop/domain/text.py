"""Text helpers for search: lower case, accents removed, dates typed the French way."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from cocon_desktop.domain.limits import year_allowed

_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def fold(text: str) -> str:
    """"Éloïse  D'Aubigné" → "eloise d'aubigne"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def parse_date_fr(text: str, pivot_year: int = 2000) -> date | None:
    """A date typed as 12/03/2024, 12.03.24, 2024-03-12; None when it is not one, is impossible, or falls outside
    the years a person's dates may take (limits.FIRST_YEAR…LAST_YEAR: year 1 or 9999 is a typing slip, and a
    month's end computed from it would leave what a date can hold)."""
    text = text.strip()
    try:
        match = _DATE_ISO.match(text)
        if match:
            found = date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _DATE_FR.match(text):
            year = int(match[3])
            if len(match[3]) == 2:  # "24" is 2024; "0001" is year 1, refused below
                year += pivot_year
            found = date(year, int(match[2]), int(match[1]))
        else:
            return None
    except ValueError:
        return None
    return found if year_allowed(found.year) else None
