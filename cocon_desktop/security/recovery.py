"""The recovery key: 160 random bits shown once, in groups made for writing down, with a check group."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cocon_desktop.errors import VaultError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

# Crockford's base32: no I, L, O, U, so that nothing written by hand reads as something else.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READS_AS = {"O": "0", "I": "1", "L": "1", "U": "V"}
SECRET_BYTES = 20  # 160 bits → 32 characters
GROUP = 4
CHECK_CHARS = 4


def _b32(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(len(data) * 8 // 5):
        chars.append(ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def _unb32(text: str) -> bytes:
    number = 0
    for char in text:
        number = (number << 5) | ALPHABET.index(char)
    return number.to_bytes(len(text) * 5 // 8, "big")


def _check(body: str) -> str:
    return _b32(hashlib.sha256(body.encode("ascii")).digest()[:5])[:CHECK_CHARS]


@dataclass(frozen=True)
class RecoveryKey:
    secret: bytes

    @classmethod
    def generate(cls) -> RecoveryKey:
        return cls(secrets.token_bytes(SECRET_BYTES))

    @property
    def groups(self) -> list[str]:
        """Nine groups of four characters: eight of secret, the last a check against typing errors."""
        body = _b32(self.secret)
        chars = body + _check(body)
        return [chars[i:i + GROUP] for i in range(0, len(chars), GROUP)]

    def formatted(self) -> str:
        return "-".join(self.groups)

    @classmethod
    def parse(cls, text: str) -> RecoveryKey:
        """Read a key as typed: case, spaces and dashes ignored, O/I/L read as 0/1/1."""
        chars = "".join(_READS_AS.get(c, c) for c in text.upper() if c.isalnum())
        expected = SECRET_BYTES * 8 // 5 + CHECK_CHARS
        if len(chars) != expected or any(c not in ALPHABET for c in chars):
            raise VaultError("recovery_key_malformed", expected=expected, length=len(chars))
        body, check = chars[:-CHECK_CHARS], chars[-CHECK_CHARS:]
        if _check(body) != check:
            raise VaultError("recovery_key_typo")
        return cls(_unb32(body))

    def _private(self) -> X25519PrivateKey:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"cocon-desktop recovery x25519/2").derive(self.secret)
        return X25519PrivateKey.from_private_bytes(seed)

    def public_bytes(self) -> bytes:
        """The public half kept in vault.json: a new data key is wrapped for this recovery key without it."""
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return bytes(self._private().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def agreed_wrapping_key(self, ephemeral_public: bytes) -> bytes:
        """The key that wrapped a data key for this recovery key (keyfile.seal_for_public)."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

        from cocon_desktop.security.keyfile import x25519_wrapping_key

        shared = self._private().exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        return x25519_wrapping_key(shared, ephemeral_public, self.public_bytes())

    def wrapping_key(self, salt: bytes) -> bytes:
        """The key that wrapped the data key in a version 1 file. The secret is random: HKDF suffices."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                    info=b"cocon-desktop recovery key").derive(self.secret)
