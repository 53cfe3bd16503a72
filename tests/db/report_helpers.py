"""A small practice with known séances, invoices, a credit note and payments, built through the services, for the
dashboard, journal and activity-report tests. Every figure the tests assert was computed by hand from this
description (tariff of the shipped example values: séance 39 €, bilan 140 €; payment term 30 days):

Children (practice: orthophoniste), orthophonie prescriptions 30 séances 01/09/2026–28/02/2027:
  RPO-2025-0000, RPO-2025-0001, RPM-2025-0000, RPM-2025-0001 (tests.db.invoice_helpers.fill, 2 per network):
  October 2026: bilan 01/10 (140) + séances 08, 15, 22/10 (3 × 39) = 257 € each; 16 acts held.
  RPO-2025-0000: séance 05/11/2026 (billable), absence non excusée 12/11 (hors forfait, not held),
                 séance 19/11 hors forfait (held, never billed).
  RPM-2025-0001: séance 05/11/2026 (billable, left to invoice).
January 2027 (RPNA):
  RPNA-2025-0100 Nour ANDRÉ, born 01/02/2025: prescription 3 séances without bilan, 01/01–10/02/2027;
                 séances 05/01 and 12/01/2027 → 1 left, ends 10/02, leaves the 0–24 months band 01/02/2027.
  RPNA-2025-0101 Léo BRUN, born 01/06/2025: prescription 2 séances without bilan, 01/01–30/06/2027;
                 séances 06/01 and 13/01/2027 → used up.

Documents:
  FAC-2026-0001 RPO-2025-0000 257.00  issued 05/11/2026 (due 05/12/2026)
  FAC-2026-0002 RPO-2025-0001 257.00  issued 05/11/2026 (due 05/12/2026)
  FAC-2026-0003 RPM-2025-0000 257.00  issued 06/11/2026 (due 06/12/2026)
  FAC-2026-0004 RPM-2025-0001 257.00  issued 06/11/2026 (due 06/12/2026)
  AV-2026-0001  on FAC-2026-0002 line 4 (séance 22/10) 39.00, issued 20/11/2026 (the séance is to invoice again)
  FAC-2026-0005 RPO-2025-0000  39.00  issued 03/12/2026 (November, due 02/01/2027)
Payments:
  10/12/2026 FAC-2026-0001 257.00 virement VIR-RPO-1210
  15/12/2026 FAC-2026-0003 100.00 chèque   CHQ-4521
  28/12/2026 FAC-2026-0002 218.00 virement VIR-RPO-1228
  12/01/2027 FAC-2026-0003 157.00 virement VIR-RPM-0112
  20/01/2027 FAC-2026-0005  39.00 autre    (no reference)
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import children, invoice_documents, payments, prescriptions, seances
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice
from tests.db.invoice_helpers import fill

RECORDED_ON = date(2027, 3, 1)  # "today" when the data was entered: every date above is in the past


def _child(practice: Practice, last: str, first: str, birth: date, inclusion: str, sessions: int,
           valid: tuple[date, date], days: list[date]) -> int:
    child_id = children.create_child(practice.sessions, ChildData(
        last_name=last, first_name=first, birth_date=birth, sex="F", gestational_weeks=31,
        inclusion_number=inclusion, network="RPNA"), RECORDED_ON)
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline="orthophonie", forfait_kind="precoce_0_24", sessions_authorised=sessions,
        bilan_included=False, valid_from=valid[0], valid_until=valid[1], prescribed_on=date(2026, 12, 20)),
        RECORDED_ON)
    for day in days:
        seances.record_seance(practice.sessions, SeanceData(child_id, day, time(10, 0)))
    return child_id


def build_fixed_practice(practice: Practice) -> dict[str, int]:
    """The data set described in the module docstring; returns the children's ids by inclusion number."""
    ids = fill(practice, per_network=2)
    names = ["RPO-2025-0000", "RPO-2025-0001", "RPM-2025-0000", "RPM-2025-0001"]
    found = dict(zip(names, ids, strict=True))
    rpo0, rpm1 = found["RPO-2025-0000"], found["RPM-2025-0001"]
    seances.record_seance(practice.sessions, SeanceData(rpo0, date(2026, 11, 5), time(9, 0)))
    seances.record_seance(practice.sessions, SeanceData(rpo0, date(2026, 11, 12), time(9, 0),
                                                        kind="absence_non_excusee", out_of_forfait=True))
    seances.record_seance(practice.sessions, SeanceData(rpo0, date(2026, 11, 19), time(9, 0), out_of_forfait=True))
    seances.record_seance(practice.sessions, SeanceData(rpm1, date(2026, 11, 5), time(11, 0)))
    for code in ("RPO", "RPM"):
        invoice_documents.set_network_address(practice.sessions, code,
                                              NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
    numbers = [d.number for d in invoice_documents.issue_period(
        practice, "RPO", date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 5))]
    numbers += [d.number for d in invoice_documents.issue_period(
        practice, "RPM", date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 6))]
    assert numbers == ["FAC-2026-0001", "FAC-2026-0002", "FAC-2026-0003", "FAC-2026-0004"]
    note = invoice_documents.issue_credit_note(practice, "FAC-2026-0002", [4], date(2026, 11, 20))
    assert (note.number, note.total) == ("AV-2026-0001", Decimal("39.00"))
    november = invoice_documents.issue_period(practice, "RPO", date(2026, 11, 1), date(2026, 11, 30),
                                              date(2026, 12, 3))
    assert [(d.number, d.total) for d in november] == [("FAC-2026-0005", Decimal("39.00"))]
    for number, day, amount, reference, means in (
            ("FAC-2026-0001", date(2026, 12, 10), "257.00", "VIR-RPO-1210", "virement"),
            ("FAC-2026-0003", date(2026, 12, 15), "100.00", "CHQ-4521", "cheque"),
            ("FAC-2026-0002", date(2026, 12, 28), "218.00", "VIR-RPO-1228", "virement"),
            ("FAC-2026-0003", date(2027, 1, 12), "157.00", "VIR-RPM-0112", "virement"),
            ("FAC-2026-0005", date(2027, 1, 20), "39.00", "", "autre")):
        payments.record_payment(practice.sessions, number, day, Decimal(amount), RECORDED_ON, reference, means)
    found["RPNA-2025-0100"] = _child(practice, "André", "Nour", date(2025, 2, 1), "RPNA-2025-0100", 3,
                                     (date(2027, 1, 1), date(2027, 2, 10)), [date(2027, 1, 5), date(2027, 1, 12)])
    found["RPNA-2025-0101"] = _child(practice, "Brun", "Léo", date(2025, 6, 1), "RPNA-2025-0101", 2,
                                     (date(2027, 1, 1), date(2027, 6, 30)), [date(2027, 1, 6), date(2027, 1, 13)])
    return found
