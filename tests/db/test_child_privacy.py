"""A family's access request (everything about one child in a ZIP) and the erasure of a child's data once the
retention period is over, on a real encrypted practice with invoices and attestations issued."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import date, time

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from cocon_desktop.domain.attestation import parse_period
from cocon_desktop.domain.retention import retention_end
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.errors import CoconError
from cocon_desktop.messages import describe
from cocon_desktop.models import Appointment, Attestation, Child, Document, Guardian, Invoice, Prescription, Seance
from cocon_desktop.services import (
    appointments,
    attestations,
    audit,
    children,
    invoice_verify,
    invoicing,
    prescriptions,
    seances,
)
from cocon_desktop.services.child_erasure import erase_child, retention_status
from cocon_desktop.services.child_export import export_child, safe_name
from cocon_desktop.services.practice_handle import Practice
from tests.db.attestation_helpers import OCTOBER_DAYS, TODAY, make_child
from tests.db.invoice_helpers import OCTOBER, plain_render

SCAN = b"%PDF-1.4 ordonnance du Dr Achard"
LATER = date(2053, 3, 1)  # the 28th birthday of a child born on 2025-03-01


@pytest.fixture
def followed(practice: Practice) -> tuple[int, int]:
    """A child with a scan, notes, an appointment, an issued invoice and attestation; and another child."""
    child = make_child(practice)
    other = make_child(practice, "Martin", "Noah", "RPO-2025-0002", days=[date(2026, 10, 2)])
    [prescription] = prescriptions.list_prescriptions(practice.sessions, child)
    prescriptions.save_prescription(practice.sessions, prescription.data, TODAY,
                                    prescriptions.Scan("../ordonnance.pdf", SCAN))
    first = seances.child_seances(practice.sessions, child)[-1].data
    seances.record_seance(practice.sessions, replace(first, note="Bilan : retard de langage."))
    appointments.plan(practice.sessions, child, date(2026, 12, 1), time(10, 0))
    invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, plain_render)
    invoice_verify.write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    # a séance after the invoices: never billed
    seances.record_seance(practice.sessions, replace(first, id=None, day=date(2026, 11, 5), kind="seance",
                                                     note="Progrès nets."))
    attestations.issue(practice.sessions, child, "seances", parse_period("2026-10"), TODAY, pades=False)
    return child, other


def read_zip(data: bytes) -> tuple[dict, dict[str, bytes]]:  # type: ignore[type-arg]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("dossier.json")), files


def test_export_holds_everything_about_the_child_and_nothing_else(practice: Practice,
                                                                   followed: tuple[int, int]) -> None:
    child, _ = followed
    content, files = read_zip(export_child(practice.sessions, child))
    assert content["child"]["last_name"] == "Dupont" and content["child"]["inclusion_number"] == "RPO-2025-0001"
    assert [g["first_name"] for g in content["guardians"]] == ["Sarah", "Marc"]
    assert len(content["prescriptions"]) == 1 and len(content["appointments"]) == 1
    assert {s["note"] for s in content["seances"]} == {"", "Bilan : retard de langage.", "Progrès nets."}
    assert len(content["seances"]) == 5
    # only this child's invoice lines (the other child is on another invoice)
    assert len(content["invoice_lines"]) == 4
    assert {line["inclusion_number"] for line in content["invoice_lines"]} == {"RPO-2025-0001"}
    assert {line["document"] for line in content["invoice_lines"]} == {"FAC-2026-0001"}
    [attestation] = content["attestations"]
    assert files[attestation["file"]].startswith(b"%PDF")
    [document] = content["documents"]
    assert document["file"] == "documents/0001__ordonnance.pdf" and files[document["file"]] == SCAN
    assert "README.txt" in files and not any(".." in name for name in files)
    actions = [(e["entity"], e["action"]) for e in content["audit"]]
    assert ("child", "create") in actions and ("attestation", "issue") in actions and ("invoice", "issue") in actions
    assert "Martin" not in json.dumps(content) and "RPO-2025-0002" not in json.dumps(content)
    # the export itself is in the log
    assert audit.child_history(practice.sessions, child)[0].action == "export"


def test_safe_names_stay_in_their_folder() -> None:
    assert safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_name("C:\\Windows\\ordonnance.pdf") == "C__Windows_ordonnance.pdf"
    assert safe_name("..") == "document"


def test_erasure_is_refused_before_the_end_of_the_retention_period(practice: Practice,
                                                                    followed: tuple[int, int]) -> None:
    child, _ = followed
    status = retention_status(practice.sessions, child)
    assert status.last_activity == date(2026, 12, 1)  # the appointment
    assert status.erasable_from == retention_end(date(2025, 3, 1), date(2026, 12, 1)) == LATER
    with pytest.raises(CoconError) as caught:
        erase_child(practice.sessions, child, date(2053, 2, 28))
    assert describe(caught.value) == ("Le dossier de l'enfant RPO-2025-0001 doit être conservé jusqu'au 01/03/2053 "
                                      "(dernière activité le 01/12/2026) : rien n'a été effacé.")
    assert children.get_child(practice.sessions, child).data.last_name == "Dupont"


def test_erasure_keeps_what_the_invoices_need_and_nothing_more(practice: Practice,
                                                               followed: tuple[int, int]) -> None:
    child, other = followed
    with practice.sessions() as session:
        invoices_before = [(i.number, bytes(i.pdf)) for i in session.scalars(select(Invoice).order_by(Invoice.id))]
    assert "Sarah" in repr(audit.child_history(practice.sessions, child))  # the guardian, as created
    report = erase_child(practice.sessions, child, LATER)
    assert (report.guardians, report.documents, report.appointments) == (2, 1, 1)
    assert (report.seances_kept, report.seances_deleted, report.prescriptions_deleted) == (4, 1, 0)
    assert report.attestation_pdfs == 1 and report.audit_entries_blanked > 5

    record = children.get_child(practice.sessions, child)
    assert (record.data.last_name, record.data.first_name, record.data.inclusion_number) == ("D", "L", "RPO-2025-0001")
    assert record.data.birth_date == date(2025, 3, 1) and record.data.guardians == () and record.erased_at
    with practice.sessions() as session:
        assert session.scalar(select(Child.nir).where(Child.id == child)) == ""
        assert session.scalars(select(Guardian).where(Guardian.child_id == child)).all() == []
        assert session.scalars(select(Document).where(Document.child_id == child)).all() == []
        assert session.scalars(select(Appointment).where(Appointment.child_id == child)).all() == []
        assert {s.note for s in session.scalars(select(Seance).where(Seance.child_id == child))} == {""}
        assert len(session.scalars(select(Prescription).where(Prescription.child_id == child)).all()) == 1
        attestation = session.scalar(select(Attestation).where(Attestation.child_id == child))
        assert attestation is not None and attestation.pdf == b"" and attestation.number == "ATT-2026-0001"
        invoices_after = [(i.number, bytes(i.pdf)) for i in session.scalars(select(Invoice).order_by(Invoice.id))]
    assert invoices_after == invoices_before  # as issued
    assert invoice_verify.verify(practice.sessions, practice.data_dir, practice.key.data_key).ok
    with pytest.raises(CoconError, match="attestation_erased"):
        attestations.original_pdf(practice.sessions, "ATT-2026-0001")

    history = audit.child_history(practice.sessions, child)
    assert history[0].action == "erase" and not history[0].redacted
    assert all(e.redacted and e.changes == {} for e in history[1:])
    assert ("last_name" in history[-1].fields) and "Sarah" not in repr(history)
    assert not any(e.redacted for e in audit.child_history(practice.sessions, other))
    assert children.get_child(practice.sessions, other).data.last_name == "Martin"
    with pytest.raises(CoconError, match="child_erased"):
        erase_child(practice.sessions, child, LATER)
    with pytest.raises(CoconError, match="child_erased"):
        children.update_child(practice.sessions, child, record.data, TODAY)
    with pytest.raises(CoconError, match="child_erased"):
        seances.record_seance(practice.sessions, SeanceData(child, date(2053, 3, 2), time(9, 0), out_of_forfait=True))
    [kept] = prescriptions.list_prescriptions(practice.sessions, child)
    with pytest.raises(CoconError, match="child_erased"):
        prescriptions.save_prescription(practice.sessions, kept.data, LATER)


def test_the_database_allows_only_the_erasure_s_narrow_changes(practice: Practice,
                                                               followed: tuple[int, int]) -> None:
    child, _ = followed
    with practice.sessions() as session:
        billed = session.scalar(select(Seance.id).where(Seance.child_id == child, Seance.note != ""))
    for sql in (f"UPDATE seance SET day = '2026-10-02' WHERE id = {billed}",
                f"UPDATE seance SET note = 'autre' WHERE id = {billed}",
                "UPDATE attestation SET kind = 'annuelle'",
                "UPDATE attestation SET pdf = X'00'",
                f"UPDATE audit_entry SET changes = '', redacted = 1 WHERE child_id = {child}"):  # not erased yet
        with pytest.raises(SQLDatabaseError), practice.sessions.begin() as session:
            session.execute(text(sql))
    assert OCTOBER_DAYS[0] in {s.data.day for s in seances.child_seances(practice.sessions, child)}
