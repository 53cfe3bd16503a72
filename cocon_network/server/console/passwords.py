"""Console passwords: Argon2id (argon2-cffi's PasswordHasher, its encoded form holds the parameters and salt).

    hash_password("…") -> "$argon2id$v=19$m=65536,t=3,p=4$…"
    verify_password(encoded, "…") -> bool           (never raises on a wrong or malformed hash)
    needs_rehash(encoded) -> bool                    (parameters older than today's: rehash at the next login)

Used by the console's login and by `cocon-network user add` (part A's CLI imports it from here)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # Argon2id, RFC 9106's second recommended parameters (64 MiB, 3 passes)

MIN_LENGTH = 12

# A hash of a password nobody knows: verified when the login is unknown, so that an unknown login takes the
# same time as a wrong password (no way to learn which logins exist by timing the answer).
_DUMMY = _HASHER.hash("cocon-network: no such user")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(encoded: str, password: str) -> bool:
    try:
        return _HASHER.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend a verification's time for an unknown login."""
    verify_password(_DUMMY, password)


def needs_rehash(encoded: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def password_problem(password: str) -> str | None:
    """Why a new password is refused (French), or None."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    if password.strip() != password:
        return "Le mot de passe ne doit ni commencer ni finir par une espace."
    return None
