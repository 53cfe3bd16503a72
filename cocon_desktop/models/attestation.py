"""Attestations issued to a child's family (kept as issued: triggers refuse UPDATE and DELETE), and the image of the
therapist's handwritten signature that they carry (kept only inside the encrypted database)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Attestation(Base):
    __tablename__ = "attestation"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # ATT-2026-0001
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # prise_en_charge, seances, annuelle
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="RESTRICT"), index=True)
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    seance_count: Mapped[int] = mapped_column(Integer, default=0)
    signed_pades: Mapped[bool] = mapped_column(Boolean, default=False)  # PAdES signature of the practice
    signature_image: Mapped[bool] = mapped_column(Boolean, default=False)  # the handwritten signature's image
    pdf: Mapped[bytes] = mapped_column(LargeBinary)  # as issued: a reprint stamps these very bytes
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the attestations' own hash chain (schema 0014; services/chains.py), in the order they were issued
    prev_chain: Mapped[str] = mapped_column(String(64), server_default="")
    chain_hash: Mapped[str] = mapped_column(String(64), server_default="")


class SignatureImage(Base):
    """One row at most: the PNG or JPEG of the therapist's handwritten signature."""

    __tablename__ = "signature_image"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_type: Mapped[str] = mapped_column(String(20))
    width_px: Mapped[int] = mapped_column(Integer)
    height_px: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
