"""Rows for the payment runs' tests: therapists, a batch each, invoices and credit notes inserted through the
models (a payment run needs accepted documents, not the way they arrived)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cocon_network.server.config import Settings
from cocon_network.server.db import init_schema
from cocon_network.server.models import DOC_ACCEPTED, Base, Batch, Document, Therapist

SETTINGS = Settings(network="RPM", network_name="Réseau Périnatal Méditerranée",
                    debtor_iban="FR76 3000 4000 0312 3456 7890 143", debtor_bic="BNPAFRPPXXX")
EXECUTION = date.today() + timedelta(days=3)


def create_schema(engine: Engine) -> None:
    """The migrations when part A's are there, else the models' tables (the same schema)."""
    try:
        init_schema(engine)
    except ModuleNotFoundError:
        Base.metadata.create_all(engine)


@dataclass(frozen=True)
class Sample:
    therapists: dict[str, int]  # name → id
    documents: dict[str, int]  # number → id


THERAPISTS = (
    # name, siret, iban, bic
    ("Émilie Durand-Lefèvre", "91234567500017", "FR7630006000011234567890189", "AGRIFRPP"),
    ("Jean-Noël Ménard", "82345678900025", "FR1420041010050500013M02606", "PSSTFRPPMAR"),
    ("Zoé Ørsted", "73456789000034", "FR3910096000301234567890123", ""),
)


def _document(batch: Batch, therapist_id: int, number: str, kind: str, cents: int, status: str,
              corrects: str = "") -> Document:
    pdf = f"%PDF-1.7 {number}".encode()
    return Document(batch_id=batch.batch_id, therapist_id=therapist_id, number=number, series=number[:8],
                    sequence=int(number[-4:]), kind=kind, corrects=corrects, issue_date=date(2026, 11, 30),
                    amount_cents=cents, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), status=status)


def seed(session: Session, plan: dict[str, list[tuple[Any, ...]]] | None = None) -> Sample:
    """Three therapists, one batch each; `plan`: therapist's name → (number, kind, cents, status[, corrects])."""
    plan = plan or {
        THERAPISTS[0][0]: [("FAC-2026-0001", "invoice", 12_000, DOC_ACCEPTED),
                           ("FAC-2026-0002", "invoice", 4_550, DOC_ACCEPTED)],
        THERAPISTS[1][0]: [("FAC-2026-0011", "invoice", 90_000, DOC_ACCEPTED),
                           ("AV-2026-0001", "credit_note", -15_005, DOC_ACCEPTED, "FAC-2026-0010"),
                           ("FAC-2026-0010", "invoice", 15_005, DOC_ACCEPTED)],
        THERAPISTS[2][0]: [("FAC-2026-0021", "invoice", 1, DOC_ACCEPTED)],
    }
    therapists, documents = {}, {}
    for name, siret, iban, bic in THERAPISTS:
        therapist = Therapist(name=name, discipline="psychomotricite", siret=siret, iban=iban, bic=bic,
                              departement="13", convention_start=date(2025, 1, 1))
        session.add(therapist)
        session.flush()
        therapists[name] = therapist.id
        batch = Batch(batch_id=f"LOT-{siret}-2026-11", therapist_id=therapist.id, siret=siret, network="RPM",
                      sha256="0" * 64, size=1, data=b"z", receipt_id=f"R-{siret}", status="recu",
                      received_at=datetime(2026, 12, 1, tzinfo=UTC))
        session.add(batch)
        session.flush()
        for row in plan.get(name, []):
            number, kind, cents, status, *corrects = row
            document = _document(batch, therapist.id, number, kind, cents, status, "".join(corrects))
            session.add(document)
            session.flush()
            documents[number] = document.id
    return Sample(therapists, documents)
