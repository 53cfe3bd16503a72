"""The optional second factor: TOTP (RFC 6238, 30 s, 6 digits; pyotp), each code accepted once only."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp

ISSUER = "COCON Réseau"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, login: str, network: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=f"{login} ({network})", issuer_name=ISSUER)


def accepted_counter(secret: str, code: str, last_counter: int, now: datetime | None = None) -> int | None:
    """The time step `code` belongs to (this one, or one step either side for a clock drift), when it is newer than
    the last code accepted; None otherwise."""
    code = "".join(code.split())
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = now or datetime.now(UTC)
    current = totp.timecode(moment)
    for counter in (current, current - 1, current + 1):
        if counter > last_counter and pyotp.utils.strings_equal(totp.generate_otp(counter), code):
            return counter
    return None
