"""Batches on real encrypted files with real signed PDFs: closing, what verify_batch says of the file, the pending
set, concurrent closing, rejection, receipt, paid, export, the triggers."""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import exc, func, select

from cocon_desktop.errors import CoconError
from cocon_desktop.models import Batch, BatchDocument, InvoiceEvent
from cocon_desktop.security.certificate import create_self_signed
from cocon_desktop.services import batch_signing, batches, invoice_documents, outbox, payments, signing_identities
from cocon_desktop.services.practice_handle import Practice
from cocon_exchange.batch_verify import verify_batch
from tests.db.batch_helpers import NOW, issue_october
from tests.db.invoice_helpers import TODAY
from tests.softhsm import Token


def _states(practice: Practice) -> dict[str, str]:
    return {s.number: s.state for s in payments.statuses(practice.sessions)}


def test_a_closed_batch_verifies_and_empties_the_pending_set(practice: Practice) -> None:
    issued = issue_october(practice)
    note = invoice_documents.issue_credit_note(practice, issued["RPO"][0].number, [1], TODAY)
    pending = batches.pending_documents(practice.sessions, "RPO")
    assert [p.number for p in pending] == [d.number for d in issued["RPO"]] + [note.number]
    assert batches.pending_count(practice.sessions) == len(issued["RPO"]) + 1 + len(issued["RPM"])

    batch = batches.close_batch(practice, "RPO", NOW)
    expected = sum((d.total for d in issued["RPO"]), Decimal("0.00")) - note.total
    assert (batch.state, batch.documents, batch.total, batch.network) == ("prepare", 4, expected, "RPO")
    assert batch.created_at == NOW and batch.next_attempt_at == NOW and batch.attempts == 0
    assert batch.file_name.startswith("COCON-RPO-2026-10-") and batch.file_name.endswith(".zip")
    name, data = batches.batch_file(practice.sessions, batch.id)
    assert name == batch.file_name
    check = verify_batch(data)
    assert check.ok, check.first_fault
    assert (check.batch_id, check.network, check.documents, check.total) == (batch.batch_id, "RPO", 4, expected)

    assert batches.pending_documents(practice.sessions, "RPO") == []
    assert len(batches.pending_documents(practice.sessions, "RPM")) == len(issued["RPM"])
    assert batches.pending_count(practice.sessions) == len(issued["RPM"]) + 1  # + the batch waiting
    with pytest.raises(CoconError) as caught:
        batches.close_batch(practice, "RPO", NOW)
    assert caught.value.code == "batch_empty" and caught.value.data == {"network": "RPO"}
    other = batches.close_batch(practice, "RPM", NOW.replace(hour=10))
    assert [b.id for b in batches.list_batches(practice.sessions)] == [other.id, batch.id]  # newest first
    assert [b.id for b in batches.list_batches(practice.sessions, "RPO")] == [batch.id]
    assert batches.get_batch(practice.sessions, batch.id) == batch
    assert [i.batch_pk for i in outbox.waiting(practice.sessions)] == [batch.id, other.id]


def test_two_concurrent_closings_never_share_a_document(practice: Practice,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    issue_october(practice, ("RPO",))
    both_read = threading.Barrier(2, timeout=30)
    real_signer = batch_signing.manifest_signer

    def signer_after_both_read(sessions: object, pin: str | None = None) -> Callable[[bytes], bytes]:
        both_read.wait()  # each thread has read the pending set: the race is certain
        return real_signer(sessions, pin)  # type: ignore[arg-type]

    monkeypatch.setattr(batches, "manifest_signer", signer_after_both_read)
    outcomes: list[object] = []

    def close() -> None:
        try:
            outcomes.append(batches.close_batch(practice, "RPO", NOW))
        except CoconError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(map(str, [o if isinstance(o, str) else "closed" for o in outcomes])) == ["batch_changed",
                                                                                          "closed"]
    with practice.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Batch)) == 1
        assert session.scalar(select(func.count()).select_from(BatchDocument)) == 3


def test_a_rejected_batch_gives_its_documents_back(practice: Practice) -> None:
    issued = issue_october(practice, ("RPO",))
    first = batches.close_batch(practice, "RPO", NOW)
    outbox.record_rejection(practice.sessions, first.id, "Numéro d'inclusion inconnu", NOW)
    rejected = batches.get_batch(practice.sessions, first.id)
    assert (rejected.state, rejected.reason, rejected.state_label) == ("rejete", "Numéro d'inclusion inconnu",
                                                                        "Rejeté")
    assert outbox.waiting(practice.sessions) == []
    assert all(_states(practice)[d.number] == "rejetee" for d in issued["RPO"])
    assert len(batches.pending_documents(practice.sessions, "RPO")) == 3
    outbox.record_receipt(practice.sessions, first.id, "R-LATE", NOW, NOW)  # too late: stays rejected
    assert batches.get_batch(practice.sessions, first.id).state == "rejete"

    second = batches.close_batch(practice, "RPO", NOW.replace(hour=11))
    assert second.documents == 3 and verify_batch(batches.batch_file(practice.sessions, second.id)[1]).ok
    assert batches.pending_documents(practice.sessions, "RPO") == []
    with practice.sessions.begin() as session, pytest.raises(exc.DBAPIError, match="rejected batch"):
        session.get(Batch, first.id).state = "recu"  # type: ignore[union-attr]
        session.flush()


def test_receipt_then_paid(practice: Practice) -> None:
    issued = issue_october(practice, ("RPO",))
    batch = batches.close_batch(practice, "RPO", NOW)
    outbox.mark_attempt(practice.sessions, batch.id, NOW)
    received_at = NOW.replace(minute=31)
    outbox.record_receipt(practice.sessions, batch.id, "RCPT-1", received_at, NOW)
    outbox.record_receipt(practice.sessions, batch.id, "RCPT-1", received_at, NOW)  # a duplicate
    got = batches.get_batch(practice.sessions, batch.id)
    assert (got.state, got.receipt_id, got.received_at, got.attempts) == ("recu", "RCPT-1", received_at, 1)
    assert got.next_attempt_at is None and outbox.waiting(practice.sessions) == []
    assert all(_states(practice)[d.number] == "envoyee" for d in issued["RPO"])
    with practice.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InvoiceEvent)) == 3  # not twice
    assert batches.pending_count(practice.sessions) == 0

    for document in issued["RPO"][:-1]:
        payments.record_payment(practice.sessions, document.number, TODAY, document.total, TODAY)
    assert batches.get_batch(practice.sessions, batch.id).state == "recu"
    last = issued["RPO"][-1]
    payments.record_payment(practice.sessions, last.number, TODAY, last.total, TODAY)
    assert batches.get_batch(practice.sessions, batch.id).state == "paye"  # derived from the payments


def test_the_network_reports_paid_or_rejected_later(practice: Practice) -> None:
    issue_october(practice)
    rpo = batches.close_batch(practice, "RPO", NOW)
    rpm = batches.close_batch(practice, "RPM", NOW)
    outbox.record_receipt(practice.sessions, rpo.id, "R1", NOW, NOW)
    outbox.record_network_status(practice.sessions, rpo.id, "paye", "", NOW)
    assert batches.get_batch(practice.sessions, rpo.id).state == "paye"
    outbox.record_network_status(practice.sessions, rpm.id, "rejete", "Lot incomplet", NOW)
    assert batches.get_batch(practice.sessions, rpm.id).reason == "Lot incomplet"
    assert len(batches.pending_documents(practice.sessions, "RPM")) == 3
    with pytest.raises(CoconError, match="batch_status_unknown"):
        outbox.record_network_status(practice.sessions, rpo.id, "perdu", "", NOW)


def test_export_writes_a_private_file_and_keeps_the_batch_in_the_outbox(practice: Practice,
                                                                        tmp_path: Path) -> None:
    issued = issue_october(practice, ("RPO",))
    batch = batches.close_batch(practice, "RPO", NOW)
    assert batches.pending_count(practice.sessions) == 1  # the batch « Préparé »
    drive = tmp_path / "cle-usb"
    drive.mkdir(mode=0o755)
    path = batches.export_batch(practice.sessions, batch.id, drive, NOW.replace(hour=12))
    assert path == drive / batch.file_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(drive.stat().st_mode) == 0o755
    assert path.read_bytes() == batches.batch_file(practice.sessions, batch.id)[1]
    assert verify_batch(path.read_bytes()).ok
    assert [p.name for p in drive.iterdir()] == [batch.file_name]  # no temporary file left
    got = batches.get_batch(practice.sessions, batch.id)
    assert (got.state, got.exported_at) == ("exporte", NOW.replace(hour=12))  # « à remettre au réseau »
    assert [i.batch_pk for i in outbox.waiting(practice.sessions)] == [batch.id]
    assert all(_states(practice)[d.number] == "envoyee" for d in issued["RPO"])
    assert batches.last_unreceived(practice.sessions, "RPO") == got
    assert batches.pending_count(practice.sessions) == 0  # exported, to hand over: no longer « à envoyer »
    fresh = batches.export_batch(practice.sessions, batch.id, tmp_path / "nouveau", NOW)
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700


def test_triggers_keep_the_file_and_the_documents(practice: Practice) -> None:
    issue_october(practice, ("RPO",))
    batch = batches.close_batch(practice, "RPO", NOW)
    with practice.sessions.begin() as session, pytest.raises(exc.DBAPIError, match="immutable"):
        row = session.get(Batch, batch.id)
        assert row is not None
        row.zip = b"PK-forged"
        session.flush()
    with practice.sessions.begin() as session, pytest.raises(exc.DBAPIError, match="immutable"):
        session.get(Batch, batch.id).zip_sha256 = "0" * 64  # type: ignore[union-attr]
        session.flush()
    with practice.sessions.begin() as session, pytest.raises(exc.DBAPIError, match="already in a batch"):
        invoice_id = session.scalars(select(BatchDocument.invoice_id)).first()
        copy = Batch(**{c.name: getattr(session.get(Batch, batch.id), c.name) for c in Batch.__table__.columns
                        if c.name not in ("id", "batch_id")}, batch_id="00000000-0000-4000-8000-000000000000")
        session.add(copy)
        session.flush()
        session.add(BatchDocument(batch_pk=copy.id, invoice_id=invoice_id))
        session.flush()
    with practice.sessions.begin() as session:  # the state and the receipt may change, the file may not
        session.get(Batch, batch.id).receipt_id = "R-9"  # type: ignore[union-attr]
    assert verify_batch(batches.batch_file(practice.sessions, batch.id)[1]).ok


def test_a_practice_on_a_token_signs_its_batches_there(practice: Practice, softhsm_token: Token) -> None:
    t = softhsm_token
    signing_identities.use_token(practice.sessions, t.module, t.label, t.key_label, t.pin)
    issue_october(practice, ("RPO",), pin=t.pin)
    with pytest.raises(CoconError, match="pkcs11_pin_required"):
        batches.close_batch(practice, "RPO", NOW)
    with pytest.raises(CoconError, match="pkcs11_wrong_pin"):
        batches.close_batch(practice, "RPO", NOW, pin="0000")
    assert batches.list_batches(practice.sessions) == []
    batch = batches.close_batch(practice, "RPO", NOW, pin=t.pin)
    check = verify_batch(batches.batch_file(practice.sessions, batch.id)[1])
    assert check.ok, check.first_fault


def test_documents_signed_by_an_earlier_certificate_still_make_a_valid_batch(practice: Practice) -> None:
    """A practice that changed identity (here a .p12) batches what its earlier certificate signed: the signed
    manifest lists both certificates; a certificate it does not list is refused (test_batch_verify)."""
    issue_october(practice, ("RPO",))
    certificate_pem, key_der = create_self_signed("Alice Dupont EI", "Nouveau certificat", "91234567500017")
    p12 = pkcs12.serialize_key_and_certificates(
        b"cabinet", serialization.load_der_private_key(key_der, None),  # type: ignore[arg-type]
        x509.load_pem_x509_certificate(certificate_pem), None,
        serialization.BestAvailableEncryption(b"mot-de-passe"))
    signing_identities.import_identity(practice.sessions, p12, "mot-de-passe")
    summary = batches.close_batch(practice, "RPO", NOW)
    _, data = batches.batch_file(practice.sessions, summary.id)
    check = verify_batch(data)
    assert check.ok, check.first_fault
    assert len(check.manifest["practice"]["signing_certificates"]) == 2  # type: ignore[index]
    assert batches.pending_documents(practice.sessions, "RPO") == []
