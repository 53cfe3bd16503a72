"""A child's enrolment in a pathway other than COCON (a PCO-TND forfait after a relay, schema 0017).

The COCON enrolment stays in the child's row (network, inclusion number and date, exit date and reason): no
data moved when this table came. A row here says from which day a payer of another pathway takes the child on,
under which of its numbers (the PCO's dossier number), and until when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Enrolment(Base):
    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    pathway: Mapped[str] = mapped_column(String(20))
    payer: Mapped[str] = mapped_column(String(8))  # a payer code: payer.code, or a fixed payer of the pathway
    reference: Mapped[str] = mapped_column(String(40), default="")  # the child's number with that payer
    started_on: Mapped[date] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
