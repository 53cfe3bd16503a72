"""Issued invoices and credit notes (immutable: triggers refuse UPDATE and DELETE), their lines, payments
and the events of their life (sent, rejected) — the state of an invoice is derived from those."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from cocon_desktop.models.base import Base


class Invoice(Base):
    __tablename__ = "invoice"
    # schema 0009: the lists of documents read these indexes, not the rows and their inline PDF
    __table_args__ = (UniqueConstraint("kind", "year", "sequence"),
                      Index("ix_invoice_listing", "issue_date", "id", "number", "kind", "due_date", "network",
                            "total_cents", "corrects_id"),
                      Index("ix_invoice_corrects", "corrects_id", "kind", "total_cents"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # "invoice" or "credit_note"
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    network: Mapped[str] = mapped_column(String(8), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="RESTRICT"), nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"), nullable=True)
    total_cents: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    prev_chain: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvoiceLine(Base):
    __tablename__ = "invoice_line"
    __table_args__ = (Index("ix_invoice_line_seance", "seance_id", "credited_line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    seance_id: Mapped[int | None] = mapped_column(ForeignKey("seance.id", ondelete="RESTRICT"), nullable=True,
                                                  index=True)
    credited_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_line.id", ondelete="RESTRICT"),
                                                         nullable=True, index=True)
    service_day: Mapped[date] = mapped_column(Date)
    inclusion_number: Mapped[str] = mapped_column(String(40))
    initials: Mapped[str] = mapped_column(String(10))
    discipline: Mapped[str] = mapped_column(String(20))
    seance_kind: Mapped[str] = mapped_column(String(24))
    amount_cents: Mapped[int] = mapped_column(Integer)
    # schema 0017: the forfait a milestone line pays (seance_id NULL, seance_kind = the milestone's code)
    prescription_id: Mapped[int | None] = mapped_column(ForeignKey("prescription.id", ondelete="RESTRICT"),
                                                        nullable=True, index=True)


class Payment(Base):
    __tablename__ = "payment"
    # schema 0010: each invoice's paid sum read from the index alone (overdue invoices, the unpaid list)
    __table_args__ = (Index("ix_payment_invoice_amount", "invoice_id", "amount_cents"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"), index=True)
    day: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100), default="")
    means: Mapped[str] = mapped_column(String(20), default="virement")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvoiceEvent(Base):
    __tablename__ = "invoice_event"
    # schema 0016: the few invoices a network rejected on their own (services/document_decisions.py), by a partial
    # index that only a query saying `kind = 'refused'` as a literal uses (REFUSED_ONLY), never a bound parameter
    __table_args__ = (Index("ix_invoice_event_refused", "invoice_id", sqlite_where=text("kind = 'refused'")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "sent", "received", "rejected"; "refused", "accepted" (issue 21)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str] = mapped_column(Text, default="")
