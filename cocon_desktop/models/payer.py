"""A payer typed in Paramètres, for a pathway whose payers are configured (one row per PCO: PCO1, PCO2…).

The fixed payers (COCON's networks) stay in their pathway file; these rows hold the others. A code is never
deleted nor given again: invoices, batches and the invoices' lines keep it (schema 0017, docs/pathways.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Payer(Base):
    __tablename__ = "payer"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # the pathway's code_prefix + a number
    pathway: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    reference: Mapped[str] = mapped_column(String(40), default="")  # the convention's number with this payer
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # disabled, never deleted
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
