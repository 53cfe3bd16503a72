"""The key file (vault.json): the data key wrapped with AES-256-GCM under each unlock method.

It holds no secret in clear: a salt, the KDF parameters, a nonce and a ciphertext per slot, the recovery key's
public half (a new data key is wrapped for the recovery key without knowing it), and an HMAC of its own content
under a key derived from the data key (HKDF-SHA256, info "cocon-vault-mac/2"): a file edited by hand (KDF
parameters, the recovery key's public half, the keychain flag) is refused once the data key is known.

During a key rotation (services/key_rotation.py) it also holds the `pending` slots: the new data key wrapped under
the passphrase and the recovery key, and under the current data key (slot "rekey"), with a second HMAC under the new
key, so that a kill at any moment leaves a practice that opens (docs/vault.md, « Key rotation »).

Version 1 files (an unkeyed SHA-256, a symmetric recovery slot) are still read; the first unlock rewrites them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cocon_desktop.errors import VaultError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.security.kdf import Argon2Params

FORMAT = "cocon-vault"
VERSION = 2
AAD_VERSION = 1  # the slots' associated data keeps version 1's form: old slots open unchanged
NONCE_BYTES = 12
DATA_KEY_BYTES = 32
MAX_BYTES = 64 * 1024


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
    kdf: Argon2Params | None = None  # None: the scheme says how the wrapping key is made
    scheme: str = "argon2id"  # or HKDF (recovery, version 1), X25519 (recovery), the current data key (rekey)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = self.kdf.to_json() if self.kdf else {"kdf": self.scheme}
        out.update(salt=_b64(self.salt), nonce=_b64(self.nonce), wrapped=_b64(self.wrapped))
        return out

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> Slot:
        scheme = str(data.get("kdf"))
        kdf = None if scheme in WRAP_SCHEMES else Argon2Params.from_json(data)
        slot = cls(name, _unb64(data["salt"]), _unb64(data["nonce"]), _unb64(data["wrapped"]), kdf,
                   "argon2id" if kdf else scheme)
        if len(slot.nonce) != NONCE_BYTES or len(slot.wrapped) != DATA_KEY_BYTES + 16:
            raise ValueError("bad slot lengths")
        return slot


HKDF_RECOVERY = "hkdf-sha256"  # version 1's recovery slot: HKDF of the recovery secret
X25519_RECOVERY = "x25519-hkdf-sha256"  # an ephemeral X25519 key (the salt) agreed with the recovery key's public half
REKEY = "data-key-hkdf-sha256"  # the next data key under the current one, only while a rotation is pending
WRAP_SCHEMES = (HKDF_RECOVERY, X25519_RECOVERY, REKEY)
MAC_INFO = b"cocon-vault-mac/2"


def _aad(vault_id: str, slot: str) -> bytes:
    return f"{FORMAT}/{AAD_VERSION}/{vault_id}/{slot}".encode()


def _hkdf(secret: bytes, salt: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def mac_key(data_key: bytes, vault_id: str) -> bytes:
    """The key of vault.json's HMAC: HKDF-SHA256(data key, salt = vault id, info = "cocon-vault-mac/2")."""
    return _hkdf(data_key, vault_id.encode(), MAC_INFO)


def rekey_wrapping_key(current_key: bytes, vault_id: str) -> bytes:
    return _hkdf(current_key, vault_id.encode(), b"cocon-vault-rekey/2")


def seal(vault_id: str, name: str, wrapping_key: bytes, data_key: bytes, salt: bytes,
         kdf: Argon2Params | None, scheme: str = "argon2id") -> Slot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # here: not needed to show the first window

    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(wrapping_key).encrypt(nonce, data_key, _aad(vault_id, name))
    return Slot(name, salt, nonce, wrapped, kdf, scheme if kdf is None else "argon2id")


def x25519_wrapping_key(shared: bytes, ephemeral_public: bytes, public: bytes) -> bytes:
    return _hkdf(shared, ephemeral_public + public, b"cocon-vault-recovery-wrap/2")


def seal_for_public(vault_id: str, name: str, public: bytes, data_key: bytes) -> Slot:
    """Wrap `data_key` for the holder of the X25519 private key whose public half is `public` (the recovery key):
    an ephemeral key pair, its public half stored as the slot's salt."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    return seal(vault_id, name, x25519_wrapping_key(shared, ephemeral_public, public), data_key, ephemeral_public,
                None, X25519_RECOVERY)


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
    recovery_public: bytes | None = None  # the recovery key's X25519 public half (None: a version 1 file)
    pending: dict[str, Slot] = field(default_factory=dict)  # a key rotation under way: the next key's slots
    pending_public: bytes | None = None  # the recovery key's public half after the rotation
    # as read: the canonical body the HMACs cover, the HMACs, and whether it is a version 1 file (unkeyed SHA-256)
    signed: bytes = field(default=b"", compare=False, repr=False)
    macs: tuple[str, ...] = field(default=(), compare=False, repr=False)
    legacy: bool = field(default=False, compare=False)

    def with_slot(self, slot: Slot) -> KeyFile:
        return replace(self, slots={**self.slots, slot.name: slot})

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
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
        if self.recovery_public is not None:
            body["recovery_public"] = _b64(self.recovery_public)
        if self.pending:
            body["pending"] = {name: slot.to_json() for name, slot in sorted(self.pending.items())}
            if self.pending_public is not None:
                body["pending_recovery_public"] = _b64(self.pending_public)
        return body

    def to_bytes(self, *data_keys: bytes) -> bytes:
        """The file, its HMAC under each of `data_keys` (the current one; the next one too during a rotation)."""
        if not data_keys:
            raise ValueError("vault.json is written with its HMAC: the data key is needed")
        body = self._body()
        signed = json.dumps(body, sort_keys=True).encode()
        macs = [hmac.new(mac_key(k, self.vault_id), signed, hashlib.sha256).hexdigest() for k in data_keys]
        sealed = {**body, "hmac": macs}
        digest = hashlib.sha256(json.dumps(sealed, sort_keys=True).encode()).hexdigest()  # damage, not forgery
        return (json.dumps({**sealed, "sha256": digest}, indent=2, sort_keys=True) + "\n").encode()

    def authentic(self, data_key: bytes) -> bool:
        """Whether the file as read carries an HMAC under `data_key` (a version 1 file: its checksum held)."""
        if self.legacy:
            return True
        expected = hmac.new(mac_key(data_key, self.vault_id), self.signed, hashlib.sha256).hexdigest()
        return any(hmac.compare_digest(expected, mac) for mac in self.macs)

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("format")
            version = data["version"]
            if not isinstance(version, int):
                raise ValueError("version")
            if version > VERSION:
                raise VaultError("vault_too_new", version=version)
            legacy = version < 2
            # the unkeyed checksum tells a damaged file apart from a wrong passphrase (it proves nothing: the HMAC,
            # checked once the data key is known, does)
            digest = data.pop("sha256")
            if hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest() != digest:
                raise ValueError("checksum")
            macs: tuple[str, ...] = ()
            if not legacy:
                macs = tuple(str(m) for m in data.pop("hmac"))
                if not 1 <= len(macs) <= 2:
                    raise ValueError("hmac")
            signed = json.dumps(data, sort_keys=True).encode()
            slots = {name: Slot.from_json(name, s) for name, s in data["slots"].items()}
            pending = {name: Slot.from_json(name, s) for name, s in data.get("pending", {}).items()}
            public = _unb64(data["recovery_public"]) if "recovery_public" in data else None
            pending_public = (_unb64(data["pending_recovery_public"]) if "pending_recovery_public" in data
                              else None)
            if legacy and (public or pending):
                raise ValueError("a version 1 file has neither")
            if any(len(k) != 32 for k in (public, pending_public) if k is not None):
                raise ValueError("public key length")
            return cls(str(data["vault_id"]), str(data["created"]), slots,
                       bool(data.get("remembered_in_keychain", False)), bool(data.get("demo", False)),
                       public, pending, pending_public, signed, macs, legacy)
        except VaultError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError,
                OverflowError) as exc:  # RecursionError: "[[[[…" deeper than the parser goes
            raise VaultError("vault_file_corrupted") from exc

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)  # a key file is about 2 KB: never read a huge one whole
        except FileNotFoundError as exc:
            raise VaultError("vault_missing", path=str(path.parent)) from exc
        except IsADirectoryError as exc:
            raise VaultError("vault_file_corrupted") from exc
        if len(raw) > MAX_BYTES:
            raise VaultError("vault_file_corrupted")
        return cls.from_bytes(raw)

    def save(self, path: Path, *data_keys: bytes) -> None:
        atomic_write(path, self.to_bytes(*data_keys))
