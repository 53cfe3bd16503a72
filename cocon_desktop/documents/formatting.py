"""How documents write amounts, dates and identifiers, the French way (Babel fr_FR)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date


def short_date(day: date) -> str:
    """"23/11/2026"."""
    return day.strftime("%d/%m/%Y")


def long_date(day: date) -> str:
    """"23 novembre 2026"."""
    return str(format_date(day, "d MMMM y", locale="fr_FR"))


def date_time(moment: datetime) -> str:
    """"23/11/2026 à 14 h 05" in the moment's own time zone."""
    return f"{short_date(moment.date())} à {moment.hour:02d} h {moment.minute:02d}"


def grouped(text: str, size: int = 4) -> str:
    """An IBAN as printed: "FR76 3000 6000 0112 3456 7890 189"."""
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


def siret(text: str) -> str:
    """"912 345 675 00017" (SIREN in threes, then the NIC)."""
    return f"{text[0:3]} {text[3:6]} {text[6:9]} {text[9:]}" if len(text) == 14 else text
