"""The practice: one row, the therapist's identity as it appears on invoices and attestations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Practice(Base):
    __tablename__ = "practice"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    trade_name: Mapped[str] = mapped_column(String(200), default="")
    profession: Mapped[str] = mapped_column(String(40))
    civility: Mapped[str] = mapped_column(String(4), default="", server_default="")  # "Mme", "M.", "" not given
    rpps: Mapped[str] = mapped_column(String(11), default="")
    adeli: Mapped[str] = mapped_column(String(9), default="")
    siret: Mapped[str] = mapped_column(String(14))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11), default="")
    network: Mapped[str] = mapped_column(String(8))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
