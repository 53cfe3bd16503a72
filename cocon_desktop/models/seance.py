"""Séances (acts of care) and appointments (planned slots that become séances)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Seance(Base):
    __tablename__ = "seance"
    __table_args__ = (Index("ix_seance_child_day", "child_id", "day"),
                      Index("ix_seance_billing", "day", "kind", "out_of_forfait", "prescription_id", "child_id"),
                      Index("ix_seance_forfait", "prescription_id", "out_of_forfait", "kind"))  # schema 0010

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="RESTRICT"))
    prescription_id: Mapped[int | None] = mapped_column(ForeignKey("prescription.id", ondelete="RESTRICT"),
                                                        nullable=True, index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    start: Mapped[time] = mapped_column(Time)
    duration_min: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    place: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    out_of_forfait: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Appointment(Base):
    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    start: Mapped[time] = mapped_column(Time)
    duration_min: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(20), default="cabinet")
    # planned, present (a séance was recorded), absence_excusee, absence_non_excusee, cancelled
    status: Mapped[str] = mapped_column(String(24), default="planned")
    seance_id: Mapped[int | None] = mapped_column(ForeignKey("seance.id", ondelete="SET NULL"), nullable=True)
    series_id: Mapped[str] = mapped_column(String(36), default="", index=True)  # recurring slots share it
    # The calendar UID (RFC 5545): a uuid4 given at creation and never changed, so that an exported calendar
    # updates its events instead of doubling them, across practices and restores (schema 0015).
    uid: Mapped[str] = mapped_column(String(64), default=lambda: str(uuid.uuid4()), unique=True, index=True)
