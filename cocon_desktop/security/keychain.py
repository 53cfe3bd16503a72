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
