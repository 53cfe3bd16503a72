"""Rows for the controls' and reporting's tests, inserted through the models on a real PostgreSQL: therapists,
batches, invoices and credit notes with their acts, inclusions."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cocon_network.server.db import init_schema, make_engine
from cocon_network.server.models import DOC_RECEIVED, Act, Batch, Document, Inclusion, Therapist

_siret = itertools.count(10_000_000_000_000)
_document = itertools.count(1)


class A(NamedTuple):
    """One act: day, child, discipline, nature, euros (positive; a credit note's are made negative)."""

    day: date
    child: str
    discipline: str = "psychomotricite"
    nature: str = "seance"
    euros: int = 39


def schema(url: str) -> Engine:
    engine = make_engine(url)
    init_schema(engine)
    return engine


def therapist(session: Session, name: str, discipline: str = "psychomotricite", departement: str = "13") -> Therapist:
    row = Therapist(name=name, discipline=discipline, siret=str(next(_siret)), iban="FR7630006000011234567890189",
                    departement=departement, convention_start=date(2022, 9, 1))
    session.add(row)
    session.flush()
    return row


def batch(session: Session, who: Therapist, network: str = "RPM") -> Batch:
    batch_id = str(uuid.uuid4())
    row = Batch(batch_id=batch_id, therapist_id=who.id, siret=who.siret, network=network, sha256="0" * 64, size=0,
                data=b"", receipt_id="R-" + batch_id, status="recu")
    session.add(row)
    session.flush()
    return row


def document(session: Session, in_batch: Batch, who: Therapist, acts: Sequence[A], *, number: str = "",
             kind: str = "invoice", corrects: str = "", status: str = DOC_RECEIVED,
             issued: date | None = None) -> Document:
    sign = -1 if kind == "credit_note" else 1
    number = number or f"{'AV' if kind == 'credit_note' else 'FAC'}-2026-{next(_document):04d}"
    pdf = number.encode()
    row = Document(batch_id=in_batch.batch_id, therapist_id=who.id, number=number, kind=kind, corrects=corrects,
                   issue_date=issued or max(a.day for a in acts), amount_cents=sign * 100 * sum(a.euros for a in acts),
                   pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), status=status)
    session.add(row)
    session.flush()
    for line, act in enumerate(acts, 1):
        session.add(Act(document_id=row.id, therapist_id=who.id, line=line, act_date=act.day,
                        inclusion_number=act.child, initials="A. B.", discipline=act.discipline, nature=act.nature,
                        amount_cents=sign * 100 * act.euros))
    session.flush()
    return row


def inclusion(session: Session, number: str, birth: date, included: date, *, ended: date | None = None,
              weeks: int | None = None, departement: str = "13") -> Inclusion:
    row = Inclusion(inclusion_number=number, initials="A. B.", birth_date=birth, gestational_weeks=weeks,
                    included_on=included, ended_on=ended, departement=departement)
    session.add(row)
    session.flush()
    return row
