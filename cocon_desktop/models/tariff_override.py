"""A tariff version edited on the settings page; it adds to (or replaces, same date) the shipped ones."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class TariffOverride(Base):
    __tablename__ = "tariff_override"
    __table_args__ = (UniqueConstraint("network", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(8))
    effective_from: Mapped[date] = mapped_column(Date)
    version_json: Mapped[dict[str, object]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
