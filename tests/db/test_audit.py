"""The audit log on a real encrypted practice: one entry per change, with who, when and what, written in the
change's own transaction; the database refuses to change or delete an entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from cocon_desktop.domain.attestation import parse_period
from cocon_desktop.domain.child import GuardianData
from cocon_desktop.domain.prescription import PrescriberData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.errors import ValidationError
from cocon_desktop.models import AuditEntry
from cocon_desktop.services import (
    appointments,
    attestations,
    audit,
    children,
    invoicing,
    prescribers,
    prescriptions,
    seances,
)
from cocon_desktop.services.audit import AuditRecord
from cocon_desktop.services.children_import import import_children
from cocon_desktop.services.practice_handle import Practice
from tests.db.attestation_helpers import TODAY, make_child
from tests.db.invoice_helpers import OCTOBER, plain_render

ACTOR = "Alice Dupont"  # tests/conftest.py PROFILE


def log(practice: Practice, entity: str | None = None) -> list[AuditRecord]:
    return audit.entries(practice.sessions, entity)


def only(practice: Practice, entity: str, action: str) -> AuditRecord:
    found = [e for e in log(practice, entity) if e.action == action]
    assert len(found) == 1, found
    return found[0]


def test_each_kind_of_change_leaves_one_entry(practice: Practice) -> None:
    before = datetime.now(UTC)
    child = make_child(practice, days=[date(2026, 10, 1)])
    # the helper made: a prescriber, a child, a prescription, a séance
    assert [(e.entity, e.action) for e in log(practice)] == [
        ("prescriber", "create"), ("child", "create"), ("prescription", "create"), ("seance", "create")]
    created = only(practice, "child", "create")
    assert (created.entity_id, created.child_id, created.actor, created.origin) == (child, child, ACTOR, "application")
    assert before <= created.at.replace(tzinfo=created.at.tzinfo or UTC) <= datetime.now(UTC)
    assert created.changes["last_name"] == (None, "Dupont") and created.changes["birth_date"] == (None, "2025-03-01")
    assert only(practice, "prescriber", "create").child_id is None

    record = children.get_child(practice.sessions, child)
    sarah = replace(record.data.guardians[0], phone="06 11 22 33 44")
    children.update_child(practice.sessions, child, replace(record.data, first_name="Léna",
                                                            guardians=(sarah, record.data.guardians[1])), TODAY)
    change = only(practice, "child", "update")
    assert change.changes == {"first_name": ("Léa", "Léna"), "guardians[0].phone": ("", "06 11 22 33 44")}
    assert change.fields == ("first_name", "guardians[0].phone")
    children.update_child(practice.sessions, child, children.get_child(practice.sessions, child).data, TODAY)
    assert len([e for e in log(practice, "child") if e.action == "update"]) == 1  # nothing changed, no entry

    [prescription] = prescriptions.list_prescriptions(practice.sessions, child)
    # séances count against it: only its end date (and note) may change (issue 18, #3)
    prescriptions.save_prescription(practice.sessions, replace(prescription.data, valid_until=date(2027, 3, 31)),
                                    TODAY, prescriptions.Scan("ordonnance.pdf", b"%PDF-1.4 ordonnance"))
    assert only(practice, "prescription", "update").changes["valid_until"] == ("2027-02-28", "2027-03-31")
    document = only(practice, "document", "create")
    assert document.child_id == child and document.changes["filename"] == (None, "ordonnance.pdf")

    seance_id = seances.child_seances(practice.sessions, child)[0].data.id
    assert seance_id is not None
    data = seances.get_seance(practice.sessions, seance_id)
    seances.record_seance(practice.sessions, replace(data, duration_min=30, note="Très agitée, pleure."))
    changed = only(practice, "seance", "update")
    assert changed.changes == {"duration_min": (45, 30), "note": (None, "note modifiée")}
    assert "agitée" not in str(log(practice))  # the note's content never enters the log
    seances.delete_seance(practice.sessions, seance_id)
    deleted = only(practice, "seance", "delete")
    assert deleted.entity_id == seance_id and deleted.changes["day"] == ("2026-10-01", None)

    doctor = only(practice, "prescriber", "create").entity_id
    prescribers.save_prescriber(practice.sessions, PrescriberData(id=doctor, last_name="Achard", first_name="Hélène",
                                                                  city="Albi"))
    assert only(practice, "prescriber", "update").changes == {"city": ("", "Albi")}


def test_a_seance_from_an_appointment_and_issued_documents(practice: Practice) -> None:
    child = make_child(practice, days=[])
    [slot] = appointments.plan(practice.sessions, child, date(2026, 10, 6), time(10, 0))
    seance_id = appointments.mark(practice.sessions, slot, "present")
    assert only(practice, "seance", "create").entity_id == seance_id
    marked = only(practice, "appointment", "update")
    assert marked.changes == {"status": ("planned", "present"), "seance_id": (None, seance_id)}

    [invoice] = invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, plain_render)
    issued = only(practice, "invoice", "issue")
    assert (issued.entity_id, issued.child_id, issued.changes["number"]) == (invoice.id, child, (None, invoice.number))
    invoicing.credit_note(practice.sessions, invoice.number, None, TODAY, plain_render)
    assert only(practice, "credit_note", "issue").changes["number"] == (None, "AV-2026-0001")

    result = attestations.issue(practice.sessions, child, "seances", parse_period("2026-10"), TODAY, pades=False)
    assert only(practice, "attestation", "issue").changes["number"] == (None, result.attestation.number)
    assert all(e.child_id == child for e in audit.child_history(practice.sessions, child))


def test_one_entry_per_imported_child(practice: Practice) -> None:
    raw = ("N° d'inclusion;Nom;Prénom;Né(e) le;Sexe;AG;Réseau\n"
           "RPO-2026-0101;Lefèvre;Léa;12/03/2026;F;28;RPO\n"
           "RPO-2026-0102;Martin;Noah;31/02/2026;M;30;RPO\n"
           "RPO-2026-0103;Nguyen;Inès;05/01/2026;F;32;RPO\n").encode()
    report = import_children(practice.sessions, raw, TODAY, "RPO")
    entries = log(practice, "child")
    assert [(e.action, e.entity_id, e.changes["inclusion_number"][1]) for e in entries] == [
        ("import", report.child_ids[0], "RPO-2026-0101"), ("import", report.child_ids[1], "RPO-2026-0103")]


def test_a_refused_change_leaves_no_entry(practice: Practice) -> None:
    child = make_child(practice, days=[])
    count = len(log(practice))
    record = children.get_child(practice.sessions, child)
    with pytest.raises(ValidationError):
        children.update_child(practice.sessions, child, replace(record.data, last_name=""), TODAY)
    with pytest.raises(ValidationError):
        seances.record_seance(practice.sessions, SeanceData(child, date(2020, 1, 1), time(9, 0)))
    assert len(log(practice)) == count


def test_the_command_line_is_told_apart(practice: Practice) -> None:
    audit.set_origin(practice.sessions, audit.ORIGIN_CLI)
    child = make_child(practice, days=[])
    entry = only(practice, "child", "create")
    assert (entry.child_id, entry.origin, entry.origin_label) == (child, "cli", "cocon (ligne de commande)")


def test_the_database_refuses_to_change_or_delete_an_entry(practice: Practice) -> None:
    make_child(practice, days=[], exit_date=None)
    with practice.sessions() as session:
        entry_id = session.scalar(select(func.min(AuditEntry.id)))
    for statement in (update(AuditEntry).where(AuditEntry.id == entry_id).values(actor="Quelqu'un d'autre"),
                      update(AuditEntry).where(AuditEntry.id == entry_id).values(changes="", redacted=True),
                      delete(AuditEntry).where(AuditEntry.id == entry_id)):
        with pytest.raises(SQLDatabaseError, match="append-only"), practice.sessions.begin() as session:
            session.execute(statement)
    with pytest.raises(SQLDatabaseError, match="append-only"), practice.sessions.begin() as session:
        row = session.get(AuditEntry, entry_id)
        assert row is not None
        row.action = "delete"
        session.flush()
    with pytest.raises(SQLDatabaseError, match="append-only"), practice.sessions.begin() as session:
        session.execute(text("DELETE FROM audit_entry"))
    assert log(practice)[0].actor == ACTOR and len(log(practice)) == 3  # prescriber, child, prescription


def test_a_guardian_added_then_removed(practice: Practice) -> None:
    child = make_child(practice, days=[])
    data = children.get_child(practice.sessions, child).data
    children.update_child(practice.sessions, child, replace(data, guardians=data.guardians[:1]), TODAY)
    removed = only(practice, "child", "update").changes
    assert removed["guardians[1].last_name"] == ("Oubli", None)
    third = GuardianData(last_name="Dupont", first_name="Mamie", relation="autre")
    children.update_child(practice.sessions, child, replace(data, guardians=(data.guardians[0], third)),
                          TODAY + timedelta(days=1))
    added = [e for e in log(practice, "child") if e.action == "update"][-1].changes
    assert added["guardians[1].first_name"] == (None, "Mamie")
