"""The backup file (.coconbak): one file holding vault.json (wrapped keys only), practice.db (SQLCipher, the
vault's data key) and chain-head.json, with a small header, an HMAC under a key derived from the data key
(tampering) and a SHA-256 of everything (damage, seen before any passphrase is asked).

    b"COCONBAK" | u32 header length (big-endian) | header JSON (UTF-8) | members, in the header's order
    | HMAC-SHA256(mac key, everything before) | SHA-256(everything before, HMAC included)

mac key = HKDF-SHA256(data key, salt = vault id, info = "cocon-backup-mac/1"). See docs/security.md."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cocon_desktop.errors import CoconError
from cocon_desktop.fsutil import FILE_MODE

MAGIC = b"COCONBAK"
FORMAT = "cocon-backup"
VERSION = 1
DIGEST = 32
CHUNK = 1024 * 1024
SUFFIX = ".coconbak"
MAX_HEADER_BYTES = 1024 * 1024  # a header is a few hundred bytes


def mac_key(data_key: bytes, vault_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=vault_id.encode(),
                info=b"cocon-backup-mac/1").derive(data_key)


@dataclass(frozen=True)
class Member:
    name: str
    offset: int
    size: int
    sha256: str


@dataclass(frozen=True)
class Container:
    """A backup file whose checksum holds (its HMAC is checked once the data key is known)."""

    path: Path
    header: dict[str, Any]
    members: dict[str, Member]
    body_end: int  # where the HMAC starts
    mac: bytes

    @property
    def vault_id(self) -> str:
        return str(self.header["vault_id"])

    @property
    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.header["counts"].items()}

    def read_member(self, name: str) -> bytes:
        member = self.members[name]
        with open(self.path, "rb") as handle:
            handle.seek(member.offset)
            return handle.read(member.size)

    def extract(self, name: str, target: Path) -> None:
        """Copy a member into a new 0600 file, checking its SHA-256."""
        member = self.members[name]
        digest = hashlib.sha256()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out, open(self.path, "rb") as handle:
            handle.seek(member.offset)
            for chunk in _chunks(handle, member.size):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != member.sha256:
            raise CoconError("backup_corrupted", path=str(self.path))

    def check_mac(self, data_key: bytes) -> None:
        """CoconError('backup_tampered') unless the HMAC under this vault's data key holds."""
        signer = hmac.new(mac_key(data_key, self.vault_id), digestmod=hashlib.sha256)
        with open(self.path, "rb") as handle:
            for chunk in _chunks(handle, self.body_end):
                signer.update(chunk)
        if not hmac.compare_digest(signer.digest(), self.mac):
            raise CoconError("backup_tampered", path=str(self.path))


def _chunks(handle: IO[bytes], size: int) -> Iterator[bytes]:
    left = size
    while left > 0:
        chunk = handle.read(min(CHUNK, left))
        if not chunk:
            raise CoconError("backup_corrupted", path=getattr(handle, "name", ""))
        left -= len(chunk)
        yield chunk


def _count(value: Any) -> int | None:
    """A whole number ≥ 0, else None (JSON's true is no count)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _checked_header(header: Any, path: Path, first_offset: int) -> dict[str, Member]:
    """The members a header announces, once every field has its type (a crafted header whose checksum holds, as the
    SHA-256 is not keyed: `"version": "x"`, a negative size, counts that are no numbers): CoconError, never a
    traceback (issue 19 #6)."""
    corrupted = CoconError("backup_corrupted", path=str(path))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise corrupted
    version = _count(header.get("version"))
    if version is None or version < 1:
        raise corrupted
    if version > VERSION:
        raise CoconError("backup_too_new", version=version)
    entries, counts, vault_id = header.get("members"), header.get("counts"), header.get("vault_id")
    if not (isinstance(entries, list) and isinstance(counts, dict) and isinstance(vault_id, str) and vault_id):
        raise corrupted
    if not all(isinstance(table, str) and _count(rows) is not None for table, rows in counts.items()):
        raise corrupted
    members: dict[str, Member] = {}
    offset = first_offset
    for entry in entries:
        if not isinstance(entry, dict):
            raise corrupted
        name, size, sha256 = entry.get("name"), _count(entry.get("size")), entry.get("sha256")
        if not (isinstance(name, str) and size is not None and isinstance(sha256, str)) or name in members:
            raise corrupted
        members[name] = Member(name, offset, size, sha256)
        offset += size
    return members


def write(target: Path, header: dict[str, Any], members: list[tuple[str, Path]], data_key: bytes) -> None:
    """Write the container to the new file `target` (0600, fsynced); the caller renames it into place."""
    entries = []
    for name, path in members:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda h=handle: h.read(CHUNK), b""):  # type: ignore[misc]
                digest.update(chunk)
        entries.append({"name": name, "size": path.stat().st_size, "sha256": digest.hexdigest()})
    head = json.dumps({**header, "format": FORMAT, "version": VERSION, "members": entries},
                      sort_keys=True).encode()
    signer = hmac.new(mac_key(data_key, str(header["vault_id"])), digestmod=hashlib.sha256)
    total = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        def put(data: bytes) -> None:
            signer.update(data)
            total.update(data)
            out.write(data)

        put(MAGIC + struct.pack(">I", len(head)) + head)
        for _, path in members:
            with open(path, "rb") as handle:
                for chunk in iter(lambda h=handle: h.read(CHUNK), b""):  # type: ignore[misc]
                    put(chunk)
        mac = signer.digest()
        total.update(mac)
        out.write(mac + total.digest())
        out.flush()
        os.fsync(out.fileno())


def read(path: Path) -> Container:
    """The container at `path`: CoconError('backup_corrupted') when it is not one or its checksum fails."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            start = handle.read(len(MAGIC) + 4)
            if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
                raise CoconError("backup_not_a_backup", path=str(path))
            (length,) = struct.unpack(">I", start[len(MAGIC):])
            body_end = size - 2 * DIGEST
            if length > min(body_end, MAX_HEADER_BYTES):
                raise CoconError("backup_corrupted", path=str(path))
            handle.seek(0)
            total = hashlib.sha256()
            for chunk in _chunks(handle, body_end + DIGEST):
                total.update(chunk)
            handle.seek(body_end)
            mac, checksum = handle.read(DIGEST), handle.read(DIGEST)
            if not hmac.compare_digest(total.digest(), checksum):
                raise CoconError("backup_corrupted", path=str(path))
            handle.seek(len(MAGIC) + 4)
            header = json.loads(handle.read(length).decode("utf-8"))
    except FileNotFoundError as exc:
        raise CoconError("file_missing", path=str(path)) from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: "[[[[…" nested deep
        raise CoconError("backup_corrupted", path=str(path)) from exc
    members = _checked_header(header, path, len(MAGIC) + 4 + length)
    offset = len(MAGIC) + 4 + length + sum(member.size for member in members.values())
    if offset != body_end:
        raise CoconError("backup_corrupted", path=str(path))
    return Container(path, header, members, body_end, mac)
