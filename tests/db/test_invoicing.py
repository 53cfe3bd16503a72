"""Invoices: gap-free numbering, immutability enforced by the database, credit notes, tamper evidence."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
import sqlcipher3
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from cocon_desktop.errors import CoconError
from cocon_desktop.models import Invoice, InvoiceLine, Seance
from cocon_desktop.services import invoice_drafts, invoice_verify, invoicing, seances
from cocon_desktop.services.practice_handle import Practice
from tests.db.invoice_helpers import OCTOBER, TODAY, fill, plain_render


def _issue(practice: Practice, network: str = "RPO") -> list[invoicing.IssuedDocument]:
    docs = invoicing.issue_run(practice.sessions, network, *OCTOBER, TODAY, plain_render)
    invoice_verify.write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    return docs


def _verify(practice: Practice) -> invoice_verify.VerifyReport:
    return invoice_verify.verify(practice.sessions, practice.data_dir, practice.key.data_key)


def test_preview_groups_per_child_and_prices_from_the_tariff(practice: Practice) -> None:
    fill(practice)
    drafts = invoice_drafts.preview(practice.sessions, "RPO", *OCTOBER)
    assert len(drafts) == 3 and all(len(d.lines) == 4 for d in drafts)
    assert drafts[0].total == Decimal("257.00")  # bilan 140 + 3 × 39


def test_issue_numbers_without_gap_and_marks_seances_invoiced(practice: Practice) -> None:
    ids = fill(practice)
    docs = _issue(practice)
    assert [d.number for d in docs] == ["FAC-2026-0001", "FAC-2026-0002", "FAC-2026-0003"]
    assert invoice_drafts.preview(practice.sessions, "RPO", *OCTOBER) == []
    assert {r.billing_state for r in seances.child_seances(practice.sessions, ids[0])} == {"facturee"}
    more = _issue(practice, "RPM")
    assert [d.number for d in more] == ["FAC-2026-0004", "FAC-2026-0005", "FAC-2026-0006"]
    assert _verify(practice).ok


def test_the_database_refuses_changes_to_issued_documents(practice: Practice) -> None:
    fill(practice)
    _issue(practice)
    for statement in (update(Invoice).values(total_cents=1), delete(Invoice),
                      update(InvoiceLine).values(amount_cents=1), delete(InvoiceLine)):
        with pytest.raises(DBAPIError, match="immutable"), practice.sessions.begin() as session:
            session.execute(statement)
    with pytest.raises(DBAPIError, match="invoiced seance"), practice.sessions.begin() as session:
        session.execute(update(Seance).values(duration_min=30))
    first = seances.child_seances(practice.sessions, 1)[0].data
    with pytest.raises(CoconError) as caught:
        seances.delete_seance(practice.sessions, first.id or 0)
    assert caught.value.code == "seance_invoiced"


def test_credit_note_cancels_lines_and_frees_their_seances(practice: Practice) -> None:
    fill(practice)
    _issue(practice)
    note = invoicing.credit_note(practice.sessions, "FAC-2026-0002", [2, 3], TODAY, plain_render)
    invoice_verify.write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    assert note.number == "AV-2026-0001" and note.total == Decimal("78.00")
    again = invoice_drafts.preview(practice.sessions, "RPO", *OCTOBER)
    assert len(again) == 1 and len(again[0].lines) == 2  # the two credited séances are billable again
    with pytest.raises(CoconError) as caught:
        invoicing.credit_note(practice.sessions, "FAC-2026-0002", [2], TODAY, plain_render)
    assert caught.value.code == "nothing_to_credit"
    whole = invoicing.credit_note(practice.sessions, "FAC-2026-0002", None, TODAY, plain_render)
    assert whole.number == "AV-2026-0002" and whole.total == Decimal("179.00")  # the lines left: 140 + 39
    invoice_verify.write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    assert _verify(practice).ok


def _tamper(practice: Practice, *statements: str) -> None:
    """What someone with an SQLCipher shell and the key could do: drop the triggers, change, put them back."""
    from cocon_desktop.db.engine import connect

    raw = connect(practice.paths.database, practice.key.data_key)
    triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        raw.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        raw.execute(statement)
    for _, sql in triggers:
        raw.execute(sql)
    raw.close()


@pytest.mark.parametrize(("statements", "code"), [
    (["UPDATE invoice SET pdf = CAST(pdf || x'00' AS BLOB) WHERE number = 'FAC-2026-0002'"], "pdf_altered"),
    (["UPDATE invoice_line SET amount_cents = 4500 WHERE id = 2"], "document_altered"),
    (["DELETE FROM invoice_line WHERE invoice_id = 2", "DELETE FROM invoice WHERE number = 'FAC-2026-0002'"],
     "chain_broken"),
    (["DELETE FROM invoice_line WHERE invoice_id = 3", "DELETE FROM invoice WHERE number = 'FAC-2026-0003'"],
     "documents_deleted"),
])
def test_verify_sees_changes_made_behind_the_programs_back(practice: Practice, statements: list[str],
                                                          code: str) -> None:
    fill(practice)
    _issue(practice)
    assert _verify(practice).ok
    _tamper(practice, *statements)
    report = _verify(practice)
    assert report.code == code, report


@pytest.mark.parametrize("trigger", ["invoice_no_update", "batch_document_no_delete", "batch_file_no_update",
                                     "attestation_no_update", "audit_entry_no_delete"])
def test_verify_sees_removed_triggers(practice: Practice, trigger: str) -> None:
    fill(practice)
    _issue(practice)
    assert _verify(practice).ok
    with practice.sessions.begin() as session:
        session.execute(text(f"DROP TRIGGER {trigger}"))
    report = _verify(practice)
    assert report.code == "triggers_missing" and report.data == {"name": trigger}


def test_two_writers_at_once_never_share_or_skip_a_number(practice: Practice) -> None:
    fill(practice, per_network=4)
    errors: list[BaseException] = []

    def run(network: str) -> None:
        try:
            invoicing.issue_run(practice.sessions, network, *OCTOBER, TODAY, plain_render)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("RPO", "RPM")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with practice.sessions() as session:
        numbers = sorted(session.scalars(text("SELECT sequence FROM invoice WHERE kind = 'invoice'")))
    assert numbers == list(range(1, 9))
    invoice_verify.write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    assert _verify(practice).ok


def test_a_cancelled_run_issues_nothing(practice: Practice) -> None:
    fill(practice)
    with pytest.raises(invoicing.RunCancelled):
        invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, plain_render,
                            progress=lambda done, total: done < 2)
    assert _issue(practice)[0].number == "FAC-2026-0001"


def test_sqlcipher_is_the_real_engine(practice: Practice) -> None:
    with practice.engine.connect() as conn:
        assert isinstance(conn.connection.dbapi_connection, sqlcipher3.Connection)
    assert date(2026, 10, 1) == OCTOBER[0]
