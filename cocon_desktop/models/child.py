"""The child followed in the COCON pathway, and its guardians."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cocon_desktop.models.base import Base


class Child(Base):
    __tablename__ = "child"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(1))
    gestational_weeks: Mapped[int] = mapped_column(Integer)
    gestational_days: Mapped[int] = mapped_column(Integer, default=0)
    birth_weight_g: Mapped[int | None] = mapped_column(Integer, nullable=True)
    inclusion_number: Mapped[str] = mapped_column(String(40), unique=True)
    inclusion_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    network: Mapped[str] = mapped_column(String(8), index=True)
    risk_group: Mapped[str] = mapped_column(String(10), default="")
    inclusion_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("prescriber.id", ondelete="SET NULL"),
                                                    nullable=True)
    nir: Mapped[str] = mapped_column(String(15), default="")
    birth_place_code: Mapped[str] = mapped_column(String(5), default="")
    identity_status: Mapped[str] = mapped_column(String(12), default="provisoire")
    identity_source: Mapped[str] = mapped_column(String(200), default="")
    consent_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    exit_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    exit_reason: Mapped[str] = mapped_column(String(20), default="")
    # lower-case, accent-free "name first-name inclusion-number" for search as you type (LIKE, in SQL)
    search_key: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # set when the child's data was erased after the retention period (services/child_erasure.py)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    guardians: Mapped[list[Guardian]] = relationship(back_populates="child", cascade="all, delete-orphan",
                                                     order_by="Guardian.id")


class Guardian(Base):
    __tablename__ = "guardian"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    relation: Mapped[str] = mapped_column(String(20), default="mere")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    receives_attestations: Mapped[bool] = mapped_column(Boolean, default=True)

    child: Mapped[Child] = relationship(back_populates="guardians")
