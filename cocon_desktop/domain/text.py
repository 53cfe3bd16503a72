"""Text helpers for search: lower case, accents removed, dates typed the French way."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def fold(text: str) -> str:
    """"Éloïse  D'Aubigné" → "eloise d'aubigne"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def parse_date_fr(text: str, pivot_year: int = 2000) -> date | None:
    """A date typed as 12/03/2024, 12.03.24, 2024-03-12; None when it is not one (or impossible)."""
    text = text.strip()
    try:
        match = _DATE_ISO.match(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DATE_FR.match(text)
        if match:
            year = int(match[3])
            if year < 100:
                year += pivot_year
            return date(year, int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None
