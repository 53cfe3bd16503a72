"""Identifier checks with python-stdnum where it has them; each returns an error code or None."""

from __future__ import annotations

import re

from stdnum import bic, iban, luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir, siren, siret

_DIGITS = re.compile(r"\D")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def digits(text: str) -> str:
    return _DIGITS.sub("", text)


def check_siret(value: str) -> str | None:
    compact = digits(value)
    if len(compact) != 14:
        return "siret_length"
    try:
        siret.validate(compact)
    except StdnumError:
        return "siret_checksum"
    return None


def check_siren(value: str) -> str | None:
    try:
        siren.validate(digits(value))
    except StdnumError:
        return "siren_invalid"
    return None


def check_rpps(value: str) -> str | None:
    """RPPS: 11 digits. Real ones pass Luhn, but no rule is official: a Luhn failure is a warning."""
    compact = digits(value)
    if len(compact) != 11 or compact != value.replace(" ", ""):
        return "rpps_length"
    if not luhn.is_valid(compact):
        return "rpps_luhn_warning"
    return None


def check_adeli(value: str) -> str | None:
    compact = value.replace(" ", "")
    if not re.fullmatch(r"\d{9}", compact):
        return "adeli_format"
    return None


def check_nir(value: str) -> str | None:
    """NIR with its key; Corsica 2A/2B handled by stdnum. Months 20–42 and 50+ exist: not checked."""
    try:
        nir.validate(value)
    except StdnumError:
        compact = nir.compact(value)
        if len(compact) != 15:
            return "nir_length"
        return "nir_key"
    return None


def check_iban(value: str) -> str | None:
    try:
        iban.validate(value)
    except StdnumError:
        return "iban_invalid"
    return None


def check_bic(value: str) -> str | None:
    try:
        bic.validate(value)
    except StdnumError:
        return "bic_invalid"
    return None


def check_email(value: str) -> str | None:
    return None if _EMAIL.match(value.strip()) else "email_invalid"


def check_phone(value: str) -> str | None:
    compact = digits(value)
    if value.strip().startswith("+"):
        return None if 8 <= len(compact) <= 15 else "phone_invalid"
    return None if len(compact) == 10 and compact.startswith("0") else "phone_invalid"


def check_postcode(value: str) -> str | None:
    return None if re.fullmatch(r"\d{5}", value.strip()) else "postcode_invalid"
