"""A payer the practice types in Paramètres, for a pathway whose payers are configured (PCO-TND: one per
plateforme): its name, invoicing address, SIRET and convention number, checked here; and the code it gets (the
pathway's prefix and the next number: PCO1, PCO2…, never given twice, since invoices keep it). Pure: no I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from cocon_desktop.domain import identifiers, limits
from cocon_desktop.errors import FieldError

CODE_LENGTH = 8  # payer.code is String(8), like every column that holds a network code
REFERENCE = 40  # payer.reference: the convention's number
LIMITS = {"name": limits.PRACTICE_NAME, "street": limits.ADDRESS, "postcode": limits.POSTCODE,
          "city": limits.CITY, "reference": REFERENCE}
REQUIRED = ("name", "street", "postcode", "city")  # the buyer on every invoice to this payer


@dataclass(frozen=True)
class PayerData:
    """What is typed for a payer (Paramètres › Payeurs): the buyer of its invoices."""

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    siret: str = ""  # 14 digits, or "" when the convention does not give it
    reference: str = ""  # the convention's number (n° de convention)


def normalised(data: PayerData) -> PayerData:
    """Spaces trimmed; the SIRET reduced to its digits when it is written as printed (« 123 456 789 00012 »)."""
    siret = re.sub(r"[\s.]", "", data.siret)
    return replace(data, name=data.name.strip(), street=data.street.strip(), postcode=data.postcode.strip(),
                   city=data.city.strip(), siret=siret, reference=data.reference.strip())


def _control(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in value)


def validate_payer(data: PayerData) -> list[FieldError]:
    """Every problem of a (normalised) payer, each next to its field."""
    errors = [FieldError(name, "required") for name in REQUIRED if not getattr(data, name)]
    errors += [FieldError(item.name, "text_has_control_characters") for item in fields(data)
               if _control(getattr(data, item.name))]
    said = {error.field for error in errors}
    if "postcode" not in said and data.postcode:
        code = identifiers.check_postcode(data.postcode)
        if code:
            errors.append(FieldError("postcode", code))
    if "siret" not in said and data.siret:
        code = identifiers.check_siret(data.siret) if re.fullmatch(r"[0-9]+", data.siret) else "siret_length"
        if code == "siret_checksum":
            code = "payer_siret_checksum"  # the practice's own sentence sends to its « avis de situation »
        if code:
            errors.append(FieldError("siret", code))
    return errors + limits.check_lengths(data, LIMITS, already=errors)


def next_code(prefix: str, taken: Iterable[str]) -> str | None:
    """The code a new payer gets: `prefix` and one more than the highest number any code with that prefix ever
    had (`taken`: every code of the payer table, disabled ones too, and the pathways' fixed codes), so a code is
    never given twice; None when it would not fit in CODE_LENGTH characters."""
    pattern = re.compile(rf"{re.escape(prefix)}(\d+)")
    numbers = [int(match[1]) for code in taken if (match := pattern.fullmatch(code))]
    code = f"{prefix}{max(numbers, default=0) + 1}"
    return code if len(code) <= CODE_LENGTH else None
