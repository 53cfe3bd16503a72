"""A credit note cancels invoice lines by their own id: two lines without a séance (a forfait's milestones, issue 22
S5) are each credited once, by their own line of the credit note (the former key, `seance_id or 0`, made them one)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from cocon_desktop.models import Invoice, InvoiceLine, Prescription
from cocon_desktop.services import invoice_verify, invoicing
from cocon_desktop.services.invoice_drafts import DraftLine
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from tests.db.invoice_helpers import OCTOBER, TODAY, fill, plain_render


def _seanceless_invoice(practice: Practice) -> str:
    """FAC-2026-0001: two lines of one prescription, no séance on either."""
    child_id = fill(practice, per_network=1, weeks=1)[0]
    with practice.sessions.begin() as session:
        prescription_id = session.scalar(select(Prescription.id).where(Prescription.child_id == child_id))
        lines = tuple(DraftLine(None, date(2026, 10, 5) + timedelta(days=n), child_id, "PCO33-0042", "N. R.",
                                "psychomotricite", kind, amount, prescription_id=prescription_id)
                      for n, (kind, amount) in enumerate((("jalon_bilan", Decimal("140.00")),
                                                          ("jalon_versement_2", Decimal("680.00")))))
        sequence, number = invoicing._next_number(session, "invoice", TODAY.year)
        request = invoicing.RenderRequest(number, "invoice", TODAY, TODAY + timedelta(days=30), *OCTOBER, "RPO",
                                          load_profile(practice.sessions), lines)
        invoicing._store(session, request, sequence, plain_render(request), child_id, None)
    return number


def test_a_credit_note_credits_each_seanceless_line_by_its_own_id(practice: Practice) -> None:
    number = _seanceless_invoice(practice)
    note = invoicing.credit_note(practice.sessions, number, None, TODAY, plain_render)
    assert note.total == Decimal("820.00")
    with practice.sessions() as session:
        original = session.scalar(select(Invoice.id).where(Invoice.number == number))
        credited = session.execute(select(InvoiceLine.id, InvoiceLine.seance_kind).where(
            InvoiceLine.invoice_id == original).order_by(InvoiceLine.line_no)).all()
        credit = session.execute(select(InvoiceLine.credited_line_id, InvoiceLine.seance_id, InvoiceLine.seance_kind,
                                        InvoiceLine.prescription_id).where(InvoiceLine.invoice_id == note.id)
                                 .order_by(InvoiceLine.line_no)).all()
    # each credit line cancels its own line: both milestones are free again, none twice
    assert [(c.credited_line_id, c.seance_kind) for c in credit] == [(r.id, r.seance_kind) for r in credited]
    assert all(c.seance_id is None and c.prescription_id is not None for c in credit)
    invoice_verify.write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    assert invoice_verify.verify(practice.sessions, practice.data_dir, practice.key.data_key).ok


def test_a_credit_note_on_one_seanceless_line_leaves_the_other(practice: Practice) -> None:
    number = _seanceless_invoice(practice)
    invoicing.credit_note(practice.sessions, number, [2], TODAY, plain_render)
    again = invoicing.credit_note(practice.sessions, number, None, TODAY, plain_render)
    assert again.total == Decimal("140.00")  # line 1 only: line 2 was credited already
