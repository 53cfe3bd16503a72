"""How long a value typed by a person or brought by a file may be, and which years a date may fall in: one place
declares them (issue 19 #11), the rules of each record (child.py, seance.py, prescription.py, practice.py) and the
import of a list (csv_children.py, csv_reading.py) check against them, the forms and the command line say the
same. The lengths follow the database's columns (models/); a value above them is refused, never cut."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from cocon_desktop.errors import FieldError

NAME = 100  # a child's, a guardian's, a prescriber's last or first name
INCLUSION_NUMBER = 40
NIR = 30  # 15 characters, spaced as on the card when typed
INSEE_CODE = 10
IDENTITY_SOURCE = 200
ADDRESS = 300
POSTCODE = 10
CITY = 100
PHONE = 30
EMAIL = 200
PLACE = 200  # a prescriber's place of practice
IDENTIFIER = 40  # SIRET, RPPS, ADELI, IBAN, BIC, as typed
PRACTICE_NAME = 200
NOTE = 2000  # a séance's or a prescription's note (clinical free text)
REASON = 500  # why a prescription grants more séances than its forfait
REFERENCE = 200  # a payment's reference

# The years a date given by a person or a file may fall in: far enough for any birth, prescription or invoice, near
# enough that a month's end or a year's end never leaves what `datetime.date` can hold (9999-12-31).
FIRST_YEAR = 1900
LAST_YEAR = 2199

# A list of children to import: a network's list of a whole region is a few megabytes at most.
IMPORT_FILE_BYTES = 10 * 1024 * 1024
IMPORT_ROWS = 50_000

CHILD = {"last_name": NAME, "first_name": NAME, "inclusion_number": INCLUSION_NUMBER, "nir": NIR,
         "birth_place_code": INSEE_CODE, "identity_source": IDENTITY_SOURCE}
GUARDIAN = {"last_name": NAME, "first_name": NAME, "phone": PHONE, "email": EMAIL, "address": ADDRESS,
            "postcode": POSTCODE, "city": CITY}
PRESCRIBER = {"last_name": NAME, "first_name": NAME, "rpps": IDENTIFIER, "place": PLACE, "city": CITY,
              "phone": PHONE, "email": EMAIL}
PRACTICE = {"name": PRACTICE_NAME, "trade_name": PRACTICE_NAME, "rpps": IDENTIFIER, "adeli": IDENTIFIER,
            "siret": IDENTIFIER, "address": ADDRESS, "postcode": POSTCODE, "city": CITY, "phone": PHONE,
            "email": EMAIL, "iban": IDENTIFIER, "bic": IDENTIFIER}


def too_long(field: str, value: str, limit: int) -> FieldError | None:
    """FieldError(field, "too_long", {max}) when `value` has more than `limit` characters."""
    return FieldError(field, "too_long", {"max": limit}) if len(value) > limit else None


def check_lengths(record: Any, limits: dict[str, int], prefix: str = "",
                  already: Iterable[FieldError] = ()) -> list[FieldError]:
    """Each text field of a dataclass `record` named in `limits` that is too long, as `prefix + field`; a field
    with a problem `already` found keeps that one (it says more)."""
    said = {error.field for error in already}
    found = []
    for item in fields(record):
        if prefix + item.name in said:
            continue
        limit = limits.get(item.name)
        value = getattr(record, item.name)
        if limit is not None and isinstance(value, str):
            error = too_long(prefix + item.name, value, limit)
            if error is not None:
                found.append(error)
    return found


def year_allowed(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def all_years_allowed(years: Iterable[int]) -> bool:
    return all(year_allowed(year) for year in years)
