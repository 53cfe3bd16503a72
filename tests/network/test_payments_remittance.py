"""The remittance advice of a payment run: one PDF per therapist, its text read back with pdftotext."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cocon_network.server import payments, remittance_pdf
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.models import DOC_ACCEPTED, DOC_REJECTED, Act, Document
from tests.network.payment_samples import EXECUTION, SETTINGS, THERAPISTS, create_schema, seed


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    create_schema(engine)
    yield engine
    engine.dispose()


def pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "avis.pdf"
    path.write_bytes(pdf)
    return subprocess.run([shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout


def flat(text: str) -> str:
    """Lines and layout spaces folded to one space (pdftotext gives the amounts' no-break spaces as spaces)."""
    return re.sub(r"\s+", " ", text)


def test_one_advice_per_therapist_lists_her_documents_and_the_total(engine: Engine, tmp_path: Path) -> None:
    factory = session_factory(engine)
    first, second, third = (t[0] for t in THERAPISTS)
    plan = {
        first: [("FAC-2026-0001", "invoice", 12_000, DOC_ACCEPTED), ("FAC-2026-0002", "invoice", 4_550, DOC_ACCEPTED)],
        second: [("FAC-2026-0010", "invoice", 15_005, DOC_REJECTED),
                 ("AV-2026-0002", "credit_note", -15_005, DOC_ACCEPTED, "FAC-2026-0010"),
                 ("FAC-2026-0011", "invoice", 90_000, DOC_ACCEPTED),
                 ("AV-2026-0003", "credit_note", -1_000, DOC_ACCEPTED, "FAC-2026-0011")],
        third: [("FAC-2026-0021", "invoice", 1_234_567, DOC_ACCEPTED)],
    }
    with transaction(factory) as session:
        sample = seed(session, plan)
        for line, (number, inclusion) in enumerate([("FAC-2026-0001", "RPM-13-000123"),
                                                    ("FAC-2026-0001", "RPM-13-000456"),
                                                    ("FAC-2026-0011", "RPM-13-000789")], start=1):
            document = session.get(Document, sample.documents[number])
            assert document is not None
            session.add(Act(document_id=document.id, therapist_id=document.therapist_id, line=line,
                            act_date=date(2026, 11, 3), inclusion_number=inclusion, initials="L. M.",
                            discipline="psychomotricite", nature="seance", amount_cents=6_000))
        ids = list(session.scalars(select(Document.id).where(Document.kind == "invoice",
                                                             Document.status == DOC_ACCEPTED)))
    with transaction(factory) as session:
        created = payments.create_run(session, SETTINGS, ids, EXECUTION)
        run_id, message_id = created.run.id, created.run.message_id
    with transaction(factory) as session:
        advices = remittance_pdf.run_remittances(session, SETTINGS, run_id)
        archive = remittance_pdf.remittance_zip(session, SETTINGS, run_id)
    assert [name for name, _ in advices] == [f"avis-de-paiement-{message_id}-{t[1]}.pdf" for t in THERAPISTS]
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.namelist() == [name for name, _ in advices]
        assert opened.read(advices[0][0]) == advices[0][1]
    texts = [pdf_text(pdf, tmp_path) for _, pdf in advices]
    (tmp_path / "second.pdf").write_bytes(advices[1][1])  # kept to look at as PNG (pdftoppm) when in doubt
    one = flat(texts[0])
    assert "Avis de paiement" in one and "Réseau Périnatal Méditerranée" in one
    assert "Bénéficiaire : Émilie Durand-Lefèvre — SIRET 91234567500017" in one
    assert "FR76 •••• •••• 0189" in one and "FR7630006000011234567890189" not in one
    assert f"Virement : {message_id} — date d'exécution demandée le {EXECUTION:%d/%m/%Y}" in one
    assert "FAC-2026-0001" in one and "RPM-13-000123," in one and "RPM-13-000456" in one and "FAC-2026-0002" in one
    assert "Montant viré : 165,50 €" in one
    assert "L. M." not in one  # inclusion numbers only, not even initials
    two = flat(texts[1])
    assert "Avoir sur" in two and "FAC-2026-0010" in two and "-150,05 € 0,00 € *" in two
    assert "-10,00 € -10,00 €" in two and "Montant viré : 890,00 €" in two
    assert "Avoir d'une facture que le réseau a rejetée" in two
    assert " 150,05 € 150,05 €" not in two  # the rejected invoice itself is not paid
    three = flat(texts[2])
    assert "Montant viré : 12 345,67 €" in three
