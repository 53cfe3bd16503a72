"""How the UI writes dates, ages and amounts, the French way."""

from __future__ import annotations

from datetime import date, time, timedelta

from cocon_desktop import settings
from cocon_desktop.domain.ages import age_between, corrected_age, correction_days, shows_corrected_age
from cocon_desktop.domain.money import euros

# The corrected age is shown for premature children until this chronological age (DOMAIN.md: "until 24 months
# at least", often longer for very premature children). The settings page sets it from the stored setting.
_cutoff: dict[str, int] = {"months": int(settings.CORRECTED_AGE_CUTOFF_MONTHS.default)}

# Babel's fr_FR names, written out: loading Babel's French data costs ~60 ms (at the first date shown, on the GUI
# thread, while the window opens); tests/ui/test_responsiveness.py checks these give Babel's very text
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SHORT_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def set_corrected_age_cutoff(months: int) -> None:
    _cutoff["months"] = int(settings.CORRECTED_AGE_CUTOFF_MONTHS.coerce(months))


def corrected_age_cutoff() -> int:
    return _cutoff["months"]


def french_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def day_month(day: date, *, year: bool = True) -> str:
    """"24 novembre 2026" (Babel's "d MMMM y"), or "24 novembre"."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def month_year(day: date) -> str:
    """"novembre 2026" (Babel's "MMMM y")."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def long_date(day: date) -> str:
    """"mardi 24 novembre 2026"."""
    return f"{DAYS[day.weekday()]} {day_month(day)}"


def short_day(day: date) -> str:
    """"mar. 24/11" (a column of the week)."""
    return f"{SHORT_DAYS[day.weekday()]} {day:%d/%m}"


def week_text(monday: date) -> str:
    """"du 23 au 29 novembre 2026", "du 30 novembre au 6 décembre 2026", across years too."""
    sunday = monday + timedelta(days=6)
    if monday.year != sunday.year:
        start = day_month(monday)
    elif monday.month != sunday.month:
        start = day_month(monday, year=False)
    else:
        start = str(monday.day)
    return f"du {start} au {day_month(sunday)}"


def clock(at: time) -> str:
    """10:05 → "10:05"."""
    return at.strftime("%H:%M")


money = euros  # the name the pages use: domain/money.py


def age_text(birth: date, gestational_weeks: int | None, today: date) -> str:
    """"8 mois 3 j (âge corrigé 5 mois 12 j)" for a premature child under the cut-off, else the age."""
    text = age_between(birth, today).french()
    if gestational_weeks is not None and shows_corrected_age(birth, gestational_weeks, today,
                                                             corrected_age_cutoff()):
        term = birth + timedelta(days=correction_days(gestational_weeks))
        if term > today:  # not yet at term: no corrected age, the expected term instead
            text += f" (terme prévu le {french_date(term)})"
        else:
            text += f" (âge corrigé {corrected_age(birth, gestational_weeks, today).french()})"
    return text


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} Ko".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
