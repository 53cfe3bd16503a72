"""A practice for the dashboard: October 2026 séances in RPO and RPM, the first half of October invoiced to RPM on
16/10 (due 15/11: overdue on 23/11), one of those invoices paid on 20/11, RPM's invoices closed in a batch, and a
child with 2 séances left on its forfait."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic

from PySide6.QtTest import QTest

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import batches, children, invoice_documents, payments, prescriptions, seances
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.pages.dashboard_page import Charts, DashboardPage
from tests.db.invoice_helpers import TODAY, fill

ISSUED_ON = date(2026, 10, 16)
PAID_ON = date(2026, 11, 20)
LOW_INCLUSION = "RPO-2025-0777"


def dashboard_data(practice: Practice) -> dict[str, object]:
    fill(practice)
    for code in ("RPO", "RPM"):
        invoice_documents.set_network_address(practice.sessions, code,
                                              NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
    issued = invoice_documents.issue_period(practice, "RPM", date(2026, 10, 1), date(2026, 10, 15), ISSUED_ON)
    paid = issued[0]
    payments.record_payment(practice.sessions, paid.number, PAID_ON, paid.total, TODAY, reference="VIR-1")
    batch = batches.close_batch(practice, "RPM", datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    low = children.create_child(practice.sessions, ChildData(
        last_name="Petit", first_name="Jules", birth_date=date(2025, 6, 1), sex="M", gestational_weeks=29,
        inclusion_number=LOW_INCLUSION, network="RPO"), TODAY)
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=low, discipline="orthophonie", forfait_kind="precoce_0_24", sessions_authorised=6,
        valid_from=date(2026, 9, 1), valid_until=date(2027, 6, 30), prescribed_on=date(2026, 8, 25)), TODAY)
    for week in range(4):
        seances.record_seance(practice.sessions, SeanceData(low, date(2026, 10, 5) + timedelta(weeks=week),
                                                            time(14, 0)))
    return {"issued": issued, "paid": paid, "batch": batch, "low": low, "total_paid": Decimal(paid.total)}


def charts_of(page: DashboardPage) -> Charts:
    """The dashboard's charts, once loaded: at the page's first load they are asked for after the action lines are
    painted (a short timer), not with them."""
    deadline = monotonic() + 10
    while page.charts_data is None and monotonic() < deadline:
        QTest.qWait(5)
    assert page.charts_data is not None
    return page.charts_data
