"""Batches of issued documents for a network (the file sent, kept as built), their documents, the outbox that
sends them, and each network's access token (kept here, in the encrypted database, never in the settings).

Triggers (migration 0006) refuse to change a batch's file or identifier once written, to change the documents
of a batch, to put a document in a second batch that is not rejected, and to revive a rejected batch."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Batch(Base):
    __tablename__ = "batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), unique=True)  # uuid4 text, the idempotence key
    network: Mapped[str] = mapped_column(String(8), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    file_name: Mapped[str] = mapped_column(String(120))
    zip: Mapped[bytes] = mapped_column(LargeBinary)
    zip_sha256: Mapped[str] = mapped_column(String(64))
    documents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), index=True)  # services/batches.STATES
    receipt_id: Mapped[str] = mapped_column(String(100), default="")
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BatchDocument(Base):
    __tablename__ = "batch_document"

    batch_pk: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="RESTRICT"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"), primary_key=True,
                                            index=True)


class OutboxEntry(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_pk: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="RESTRICT"), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class NetworkCredential(Base):
    __tablename__ = "network_credential"

    network: Mapped[str] = mapped_column(String(8), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
