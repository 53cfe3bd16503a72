"""The key file (vault.json): the data key wrapped with AES-256-GCM under each unlock method.

It holds no secret in clear: a salt, the KDF parameters, a nonce and a ciphertext per slot, and a
SHA-256 of its own content so that a damaged file is told apart from a wrong passphrase.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cocon_desktop.errors import VaultError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.security.kdf import Argon2Params

FORMAT = "cocon-vault"
VERSION = 1
NONCE_BYTES = 12
DATA_KEY_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class Slot:
    """The data key wrapped under one unlock method ("passphrase" or "recovery")."""

    name: str
    salt: bytes
    nonce: bytes
    wrapped: bytes
    kdf: Argon2Params | None = None  # None: HKDF (recovery key)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = self.kdf.to_json() if self.kdf else {"kdf": "hkdf-sha256"}
        out.update(salt=_b64(self.salt), nonce=_b64(self.nonce), wrapped=_b64(self.wrapped))
        return out

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> Slot:
        kdf = None if data.get("kdf") == "hkdf-sha256" else Argon2Params.from_json(data)
        slot = cls(name, _unb64(data["salt"]), _unb64(data["nonce"]), _unb64(data["wrapped"]), kdf)
        if len(slot.nonce) != NONCE_BYTES or len(slot.wrapped) != DATA_KEY_BYTES + 16:
            raise ValueError("bad slot lengths")
        return slot


def _aad(vault_id: str, slot: str) -> bytes:
    return f"{FORMAT}/{VERSION}/{vault_id}/{slot}".encode()


def seal(vault_id: str, name: str, wrapping_key: bytes, data_key: bytes, salt: bytes,
         kdf: Argon2Params | None) -> Slot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # here: not needed to show the first window

    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(wrapping_key).encrypt(nonce, data_key, _aad(vault_id, name))
    return Slot(name, salt, nonce, wrapped, kdf)


def open_slot(vault_id: str, slot: Slot, wrapping_key: bytes) -> bytes | None:
    """The data key, or None when the wrapping key is wrong."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(wrapping_key).decrypt(slot.nonce, slot.wrapped, _aad(vault_id, slot.name))
    except InvalidTag:
        return None


@dataclass(frozen=True)
class KeyFile:
    vault_id: str
    created: str
    slots: dict[str, Slot] = field(default_factory=dict)
    remembered: bool = False  # the data key is also in the OS keychain
    demo: bool = False  # the demo practice (passphrase "demo"): the unlock window says so

    def with_slot(self, slot: Slot) -> KeyFile:
        return replace(self, slots={**self.slots, slot.name: slot})

    def _body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "created": self.created,
            "database": {"cipher": "SQLCipher 4 (AES-256-CBC, HMAC-SHA512)", "key": "raw 256-bit"},
            "wrap": "AES-256-GCM",
            "remembered_in_keychain": self.remembered,
            "demo": self.demo,
            "slots": {name: slot.to_json() for name, slot in sorted(self.slots.items())},
        }

    def to_bytes(self) -> bytes:
        body = self._body()
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        return (json.dumps({**body, "sha256": digest}, indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        try:
            data = json.loads(raw.decode("utf-8"))
            digest = data.pop("sha256")
            if hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest() != digest:
                raise ValueError("checksum")
            if data["format"] != FORMAT:
                raise ValueError("format")
            if data["version"] > VERSION:
                raise VaultError("vault_too_new", version=data["version"])
            slots = {name: Slot.from_json(name, s) for name, s in data["slots"].items()}
            return cls(str(data["vault_id"]), str(data["created"]), slots,
                       bool(data.get("remembered_in_keychain", False)), bool(data.get("demo", False)))
        except VaultError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError,
                OverflowError) as exc:  # RecursionError: "[[[[…" deeper than the parser goes
            raise VaultError("vault_file_corrupted") from exc

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise VaultError("vault_missing", path=str(path.parent)) from exc
        return cls.from_bytes(raw)

    def save(self, path: Path) -> None:
        atomic_write(path, self.to_bytes())
