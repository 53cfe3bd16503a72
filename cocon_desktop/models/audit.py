"""The audit log: who changed what, and when, for children, prescriptions, séances and documents.

Append-only: the migration's triggers refuse any DELETE and any UPDATE, except the one erasure makes
(services/child_erasure.py): the values of a child's entries blanked (`changes` emptied, `redacted` set), the
rest of the row — who, when, what, which fields, the digest of the values and the chain — unchanged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))  # the practitioner's name, from the practice profile
    origin: Mapped[str] = mapped_column(String(20))  # "application" or "cli"
    entity: Mapped[str] = mapped_column(String(30))  # child, prescription, prescriber, seance, appointment, …
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete, import, issue, export, erase
    # no foreign key: the log outlives what it describes (a deleted séance, an erased child's identity)
    child_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    fields: Mapped[str] = mapped_column(String(2000), default="")  # the changed fields, comma-separated
    changes: Mapped[str] = mapped_column(Text, default="")  # JSON {field: [old, new]}; "" once redacted
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    # the audit log's own hash chain (schema 0014; services/chains.py): the SHA-256 of `changes` as written (kept
    # when an erasure blanks them), then each entry's link over the one before
    changes_sha256: Mapped[str] = mapped_column(String(64), server_default="")
    prev_chain: Mapped[str] = mapped_column(String(64), server_default="")
    chain_hash: Mapped[str] = mapped_column(String(64), server_default="")
