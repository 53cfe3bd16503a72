"""Payment runs on a real PostgreSQL: the SEPA file (pain.001.001.09, validated against the ISO 20022 XSD), the
netting of credit notes, execution, and what is refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import Engine, func, select

from cocon_network.server import payments, sepa
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.models import DOC_ACCEPTED, DOC_PAID, DOC_REJECTED, AuditEntry, Batch, Document, PaymentRun
from tests.network.payment_samples import EXECUTION, SETTINGS, THERAPISTS, create_schema, seed

NS = {"p": sepa.NAMESPACE}


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    create_schema(engine)
    yield engine
    engine.dispose()


def invoice_ids(engine: Engine) -> list[int]:
    with transaction(session_factory(engine)) as session:
        return list(session.scalars(select(Document.id).where(Document.kind == "invoice")))


def test_a_run_over_three_therapists_pays_each_her_net_in_a_valid_file(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        seed(session)
    with transaction(factory) as session:
        created = payments.create_run(session, SETTINGS, invoice_ids(engine), EXECUTION, None)
        run_id, xml = created.run.id, created.run.sepa_xml
    assert sepa.validation_errors(xml) == []
    document = etree.fromstring(xml)
    assert document.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    transactions = document.findall(".//p:CdtTrfTxInf", NS)
    amounts = {t.findtext("p:Cdtr/p:Nm", namespaces=NS): t.findtext("p:Amt/p:InstdAmt", namespaces=NS)
               for t in transactions}
    # 120,00 + 45,50; 900,00 + 150,05 − 150,05 (its credit note netted); 0,01
    assert amounts == {"Emilie Durand-Lefevre": "165.50", "Jean-Noel Menard": "900.00", "Zoe Orsted": "0.01"}
    control = document.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS)
    assert control == "1065.51"
    assert Decimal(control) == sum(Decimal(a) for a in amounts.values())
    assert sepa.totals(xml) == (3, 106_551)
    remittances = sorted(t.findtext("p:RmtInf/p:Ustrd", namespaces=NS) for t in transactions)
    assert "COCON RPM FAC-2026-0010 FAC-2026-0011 AV-2026-0001" in remittances
    assert document.findtext(".//p:ReqdExctnDt/p:Dt", namespaces=NS) == EXECUTION.isoformat()
    assert document.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "FR7630004000031234567890143"
    with transaction(factory) as session:
        run = session.get(PaymentRun, run_id)
        assert run is not None and run.total_cents == 106_551 and run.executed_at is None
        in_run = session.scalar(select(func.count()).where(Document.payment_run_id == run_id))
        assert in_run == 6  # every invoice and the credit note
        assert set(session.scalars(select(Document.status))) == {DOC_ACCEPTED}  # paid only once executed


def test_a_broken_file_does_not_validate() -> None:
    debtor = sepa.Debtor(SETTINGS.network_name, "FR7630004000031234567890143", "BNPAFRPPXXX")
    transfer = sepa.CreditTransfer("E2E-1", "Émilie", "FR7630006000011234567890189", "", 1234, "COCON FAC-1")
    xml = sepa.build_pain001(debtor, [transfer], message_id="RPM-1", execution_date=EXECUTION,
                             created_at=payments.datetime.now(payments.UTC))
    assert sepa.validation_errors(xml) == []
    for broken in (xml.replace(b">12.34<", b">12,34<"),  # a decimal comma
                   xml.replace(b"<Cd>SEPA</Cd>", b""),  # an empty service level
                   xml.replace(b"<ChrgBr>SLEV</ChrgBr>", b"<ChrgBr>SLEV</ChrgBr><Extra/>"),
                   xml[:-20]):  # cut short
        assert sepa.validation_errors(broken) != []
        with pytest.raises(sepa.SepaInvalid, match=r"pas conforme au schéma ISO 20022 pain\.001\.001\.09"):
            sepa.validate(broken)
    with pytest.raises(sepa.SepaInvalid):  # the writer refuses what the schema refuses: nothing is offered
        sepa.build_pain001(debtor, [replace(transfer, iban="FR76 3000")], message_id="RPM-2",
                           execution_date=EXECUTION, created_at=payments.datetime.now(payments.UTC))


def test_executing_marks_documents_and_batches_paid_once(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        seed(session)
    with transaction(factory) as session:
        run_id = payments.create_run(session, SETTINGS, invoice_ids(engine), EXECUTION, None).run.id
    with transaction(factory) as session:
        executed = payments.execute_run(session, run_id, None)
        assert executed.documents == 6 and len(executed.batches_paid) == 3
    with transaction(factory) as session:
        assert set(session.scalars(select(Document.status))) == {DOC_PAID}
        assert set(session.scalars(select(Batch.status))) == {"paye"}
        run = session.get(PaymentRun, run_id)
        assert run is not None and run.executed_at is not None
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == ["payment_run_created", "payment_run_executed"]
    with pytest.raises(payments.PaymentError, match="déjà marqué exécuté"), transaction(factory) as session:
        payments.execute_run(session, run_id, None)
    with pytest.raises(payments.PaymentError, match="ne peut plus être annulé"), transaction(factory) as session:
        payments.cancel_run(session, run_id, None)


def test_a_batch_stays_received_while_one_of_its_invoices_is_unpaid(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        sample = seed(session)
    with transaction(factory) as session:
        run_id = payments.create_run(session, SETTINGS, [sample.documents["FAC-2026-0001"]], EXECUTION).run.id
        payments.execute_run(session, run_id)
    with transaction(factory) as session:
        first = session.get(Document, sample.documents["FAC-2026-0001"])
        second = session.get(Document, sample.documents["FAC-2026-0002"])
        assert first is not None and second is not None
        assert (first.status, second.status) == (DOC_PAID, DOC_ACCEPTED)
        assert session.get(Batch, first.batch_id).status == "recu"  # type: ignore[union-attr]


def test_a_document_cannot_be_in_two_runs(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        sample = seed(session)
    first, second = sample.documents["FAC-2026-0001"], sample.documents["FAC-2026-0002"]
    with transaction(factory) as session:
        run_id = payments.create_run(session, SETTINGS, [first], EXECUTION).run.id
    with pytest.raises(payments.PaymentError, match="FAC-2026-0001 est déjà dans un autre virement"), \
            transaction(factory) as session:
        payments.create_run(session, SETTINGS, [first, second], EXECUTION)
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(PaymentRun)) == 1
        assert session.get(Document, second).payment_run_id is None  # type: ignore[union-attr]
    with transaction(factory) as session:  # cancelled, the invoice is payable again
        payments.cancel_run(session, run_id)
    with transaction(factory) as session:
        assert payments.create_run(session, SETTINGS, [first, second], EXECUTION).run.total_cents == 16_550


def test_two_accountants_at_once_cannot_pay_the_same_invoice(engine: Engine) -> None:
    """The second transaction waits on the first one's row locks, then finds the invoice taken."""
    factory = session_factory(engine)
    with transaction(factory) as session:
        sample = seed(session)
    invoice = sample.documents["FAC-2026-0001"]
    outcome: list[object] = []
    first_holds = threading.Event()

    def second_accountant() -> None:
        first_holds.wait()
        try:
            with transaction(factory) as session:
                outcome.append(payments.create_run(session, SETTINGS, [invoice], EXECUTION).run.id)
        except payments.PaymentError as error:
            outcome.append(error)

    thread = threading.Thread(target=second_accountant)
    thread.start()
    with transaction(factory) as session:
        run_id = payments.create_run(session, SETTINGS, [invoice], EXECUTION).run.id
        first_holds.set()
        time.sleep(1.0)  # the second accountant is now blocked on the invoice's row lock
        assert outcome == []
    thread.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], payments.PaymentError), outcome
    with transaction(factory) as session:
        assert session.get(Document, invoice).payment_run_id == run_id  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(PaymentRun)) == 1


def test_an_invalid_iban_is_said_in_french_and_nothing_is_made(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        sample = seed(session)
        therapist = session.get(payments.Therapist, sample.therapists[THERAPISTS[1][0]])
        assert therapist is not None
        therapist.iban = "FR1420041010050500013M02607"  # one digit off
    with pytest.raises(payments.PaymentError) as raised, transaction(factory) as session:
        payments.create_run(session, SETTINGS, invoice_ids(engine), EXECUTION)
    assert str(raised.value) == ("L'IBAN de Jean-Noël Ménard (« FR1420041010050500013M02607 ») n'est pas valide : "
                                 "corrigez-le dans sa fiche avant de lui virer quoi que ce soit.")
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(PaymentRun)) == 0
        assert session.scalar(select(func.count()).where(Document.payment_run_id.is_not(None))) == 0
        dues = {due.name: due.account_problem for due in payments.payable(session)}
        assert dues[THERAPISTS[1][0]].startswith("L'IBAN de Jean-Noël Ménard") and dues[THERAPISTS[0][0]] == ""
    with pytest.raises(payments.PaymentError, match="Le compte du réseau n'est pas réglé"), \
            transaction(factory) as session:
        payments.create_run(session, replace(SETTINGS, debtor_iban=""), [sample.documents["FAC-2026-0001"]],
                            EXECUTION)


def test_credit_notes_net_never_below_zero_and_a_rejected_invoices_credit_note_moves_no_money(
        engine: Engine) -> None:
    factory = session_factory(engine)
    first, second, third = (t[0] for t in THERAPISTS)
    plan = {
        # credit notes outweigh the invoice: left out, nothing negative
        first: [("FAC-2026-0001", "invoice", 5_000, DOC_ACCEPTED),
                ("AV-2026-0001", "credit_note", -8_000, DOC_ACCEPTED, "FAC-2026-0000")],
        # the invoice was rejected, its credit note and the new invoice accepted: the new invoice is paid whole
        second: [("FAC-2026-0010", "invoice", 15_005, DOC_REJECTED),
                 ("AV-2026-0002", "credit_note", -15_005, DOC_ACCEPTED, "FAC-2026-0010"),
                 ("FAC-2026-0012", "invoice", 14_000, DOC_ACCEPTED)],
        # an invoice and its credit note cancel out: settled without a transfer
        third: [("FAC-2026-0020", "invoice", 7_000, DOC_ACCEPTED),
                ("AV-2026-0003", "credit_note", -7_000, DOC_ACCEPTED, "FAC-2026-0020"),
                ("FAC-2026-0021", "invoice", 100, DOC_REJECTED)],
    }
    with transaction(factory) as session:
        sample = seed(session, plan)
    chosen = [sample.documents[n] for n in ("FAC-2026-0001", "FAC-2026-0012", "FAC-2026-0020")]
    with transaction(factory) as session:
        created = payments.create_run(session, SETTINGS, chosen, EXECUTION)
        assert [d.name for d in created.paid] == [second] and created.run.total_cents == 14_000
        assert [d.name for d in created.settled] == [third]
        assert created.left_out == [f"{first} : ses avoirs (80,00\u00a0€) dépassent ses factures choisies "
                                    "(50,00\u00a0€) ; aucun virement négatif, ses documents attendent ses "
                                    "prochaines factures."]
        run_id = created.run.id
    with transaction(factory) as session:
        payments.execute_run(session, run_id)
    with transaction(factory) as session:
        status = {row[0]: row[1] for row in session.execute(select(Document.number, Document.status))}
    assert status == {"FAC-2026-0001": DOC_ACCEPTED, "AV-2026-0001": DOC_ACCEPTED,
                      "FAC-2026-0010": DOC_REJECTED, "AV-2026-0002": DOC_PAID, "FAC-2026-0012": DOC_PAID,
                      "FAC-2026-0020": DOC_PAID, "AV-2026-0003": DOC_PAID, "FAC-2026-0021": DOC_REJECTED}
    with pytest.raises(payments.PaymentError, match="Rien à virer"), transaction(factory) as session:
        payments.create_run(session, SETTINGS, [sample.documents["FAC-2026-0001"]], EXECUTION)
    with pytest.raises(payments.PaymentError, match="n'est pas acceptée"), transaction(factory) as session:
        payments.create_run(session, SETTINGS, [sample.documents["FAC-2026-0010"]], EXECUTION)
    with pytest.raises(payments.PaymentError, match="est passée"), transaction(factory) as session:
        payments.create_run(session, SETTINGS, chosen, date(2020, 1, 1))


def test_a_credit_note_waits_for_its_invoice_when_that_invoice_is_not_chosen(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        sample = seed(session)
    with transaction(factory) as session:  # FAC-2026-0011 alone: AV-2026-0001 corrects FAC-2026-0010, not chosen
        created = payments.create_run(session, SETTINGS, [sample.documents["FAC-2026-0011"]], EXECUTION)
        assert created.run.total_cents == 90_000
        assert [line.number for due in created.paid for line in due.documents] == ["FAC-2026-0011"]
    with transaction(factory) as session:  # then FAC-2026-0010: its credit note comes with it, they cancel out
        created = payments.create_run(session, SETTINGS, [sample.documents["FAC-2026-0010"],
                                                          sample.documents["FAC-2026-0001"]], EXECUTION)
        assert created.run.total_cents == 12_000
        assert [[line.number for line in due.documents] for due in created.settled] == [
            ["FAC-2026-0010", "AV-2026-0001"]]
