"""The OS keychain through keyring — real OS backends only, never a plaintext fallback.

keyring is imported on first use (its backends are found through entry points: 50–100 ms), not at start."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cocon_desktop.errors import VaultError

if TYPE_CHECKING:
    import keyring.backend

SERVICE = "cocon-desktop"
# Backends that keep nothing, refuse everything, or store secrets in a readable file.
_REJECTED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


@dataclass(frozen=True)
class KeychainStatus:
    available: bool
    reason: str  # a message code: "keychain_ok", "keychain_none", "keychain_plaintext"
    backend: str


def _acceptable(backend: keyring.backend.KeyringBackend) -> tuple[bool, str]:
    module = type(backend).__module__
    if module.startswith("keyrings.alt"):
        return False, "keychain_plaintext"
    if module.startswith(_REJECTED_MODULES):
        return False, "keychain_none"
    if module == "keyring.backends.chainer":
        inner = list(getattr(backend, "backends", []))
        if any(type(b).__module__.startswith("keyrings.alt") for b in inner):
            return False, "keychain_plaintext"  # the chain could fall through to a plaintext file
        if not any(_acceptable(b)[0] for b in inner):
            return False, "keychain_none"
    return True, "keychain_ok"


def status() -> KeychainStatus:
    import keyring

    backend = keyring.get_keyring()
    ok, reason = _acceptable(backend)
    return KeychainStatus(ok, reason, f"{type(backend).__module__}.{type(backend).__name__}")


def _require() -> None:
    current = status()
    if not current.available:
        raise VaultError(current.reason)


def store(vault_id: str, data_key: bytes) -> None:
    _require()
    import keyring
    import keyring.errors

    try:
        keyring.set_password(SERVICE, vault_id, data_key.hex())
    except keyring.errors.KeyringError as exc:
        raise VaultError("keychain_failed") from exc


def fetch(vault_id: str) -> bytes | None:
    if not status().available:
        return None
    import keyring
    import keyring.errors

    try:
        value = keyring.get_password(SERVICE, vault_id)
    except keyring.errors.KeyringError:
        return None
    try:
        return bytes.fromhex(value) if value else None
    except ValueError:
        return None


def delete(vault_id: str) -> None:
    if not status().available:
        return
    import keyring
    import keyring.errors

    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(SERVICE, vault_id)


# The numbering's witness (services/number_witness.py, issue 19, #1): a small MACed JSON per vault, under a service
# of its own, so that an old practice.db put back in the data folder is seen. It holds no secret.
WITNESS_SERVICE = "cocon-desktop-witness"
WITNESS_MAX_CHARS = 65_536  # a witness is a few hundred characters: anything longer is not ours


def store_witness(vault_id: str, text: str) -> bool:
    """Keep `text` for this vault; False when there is no real keychain or it refused (never raises)."""
    if not status().available or len(text) > WITNESS_MAX_CHARS:
        return False
    import keyring
    import keyring.errors

    try:
        keyring.set_password(WITNESS_SERVICE, vault_id, text)
    except keyring.errors.KeyringError:
        return False
    return True


def fetch_witness(vault_id: str) -> str | None:
    """The text kept for this vault, None when there is none, no real keychain, or it cannot be read."""
    if not status().available:
        return None
    import keyring
    import keyring.errors

    try:
        value = keyring.get_password(WITNESS_SERVICE, vault_id)
    except keyring.errors.KeyringError:
        return None
    return value if value and len(value) <= WITNESS_MAX_CHARS else None
