"""What `cocon info` shows: schema version, counts, encryption parameters — never a key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from cocon_desktop.db import migrate
from cocon_desktop.db.engine import cipher_facts
from cocon_desktop.models import Base
from cocon_desktop.security import keychain, vault
from cocon_desktop.services.practice_handle import Practice


@dataclass(frozen=True)
class PracticeInfo:
    data_dir: str
    vault_id: str
    schema_revision: str | None
    schema_head: str
    counts: dict[str, int]
    database_bytes: int
    cipher: dict[str, str]
    kdf: dict[str, int | str]
    remembered_in_keychain: bool
    keychain_backend: str


def practice_info(practice: Practice) -> PracticeInfo:
    counts: dict[str, int] = {}
    with practice.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = int(conn.scalar(select(func.count()).select_from(table)) or 0)
    keyfile = vault.load_keyfile(practice.data_dir)
    slot = keyfile.slots["passphrase"]
    kdf: dict[str, int | str] = dict(slot.kdf.to_json()) if slot.kdf else {}
    db = practice.paths.database
    return PracticeInfo(
        data_dir=str(practice.data_dir),
        vault_id=keyfile.vault_id,
        schema_revision=migrate.current_revision(practice.engine),
        schema_head=migrate.head_revision(),
        counts=counts,
        database_bytes=db.stat().st_size if db.exists() else 0,
        cipher=cipher_facts(practice.engine),
        kdf=kdf,
        remembered_in_keychain=keyfile.remembered,
        keychain_backend=keychain.status().backend,
    )
