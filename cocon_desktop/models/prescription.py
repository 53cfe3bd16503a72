"""A prescription of care for one discipline, which opens a forfait; its scanned copy is a Document."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Document(Base):
    """A file kept inside the encrypted database (a scanned prescription, later other documents)."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Prescription(Base):
    __tablename__ = "prescription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    prescriber_id: Mapped[int | None] = mapped_column(ForeignKey("prescriber.id", ondelete="SET NULL"),
                                                      nullable=True)
    prescribed_on: Mapped[date] = mapped_column(Date)
    discipline: Mapped[str] = mapped_column(String(20), index=True)
    forfait_kind: Mapped[str] = mapped_column(String(30))
    sessions_authorised: Mapped[int] = mapped_column(Integer)
    bilan_included: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    over_forfait_reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # above the forfait
    # schema 0017: the forfait's pathway and payer; payer "" = the child's COCON network, read at query time
    pathway: Mapped[str] = mapped_column(String(20), default="cocon", server_default="cocon")
    payer: Mapped[str] = mapped_column(String(8), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
