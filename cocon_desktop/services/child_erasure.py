"""Erasing a child's data once the retention period is over (domain/retention.py), keeping what the issued
invoices, credit notes and attestations' register need.

Kept: the child's row as a billing stub — inclusion number, initials (first letter of each name, as the invoices
print them), birth date and term, network, inclusion and exit dates — the invoices and credit notes as issued (they
hold the inclusion number and initials only), the séances on an invoice line (date, time, kind, place, without
their note), the prescriptions those séances are billed on, the register of attestations (number, date, kind,
period: the numbering stays gap-free) and the audit log's who / when / what (its values blanked).
Erased: the names, sex, NIR and birth place, birth weight, identity source, inclusion criteria, risk group, referent
and consent date; the guardians; every note; the scanned documents; the appointments; the séances no invoice
line refers to and the prescriptions left without séance; the attestations' PDFs (they carry the child's and the
guardians' names). All in one transaction, then an "erase" entry in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.db.engine import IMMEDIATE
from cocon_desktop.domain.retention import retention_end
from cocon_desktop.domain.text import fold
from cocon_desktop.errors import CoconError
from cocon_desktop.messages import french_date
from cocon_desktop.models import (
    Appointment,
    Attestation,
    Child,
    Document,
    Guardian,
    InvoiceLine,
    Prescription,
    Seance,
)
from cocon_desktop.services import audit
from cocon_desktop.services.changes import Changes, writes


@dataclass(frozen=True)
class RetentionStatus:
    child_id: int
    inclusion_number: str
    last_activity: date
    erasable_from: date
    erased_at: datetime | None

    def allows(self, today: date) -> bool:
        return self.erased_at is None and today >= self.erasable_from


@dataclass(frozen=True)
class ErasureReport:
    child_id: int
    inclusion_number: str
    guardians: int
    documents: int
    appointments: int
    seances_deleted: int
    seances_kept: int  # on an invoice line: kept without their note
    prescriptions_deleted: int
    attestation_pdfs: int
    audit_entries_blanked: int


def _last_activity(session: Session, child: Child) -> date:
    days: list[date] = []
    for column, where in ((Seance.day, Seance.child_id == child.id),
                          (Appointment.day, Appointment.child_id == child.id),
                          (Attestation.issue_date, Attestation.child_id == child.id)):
        found = session.scalar(select(func.max(column)).where(where))
        if found is not None:
            days.append(found)
    days += [d for d in (child.exit_date, child.inclusion_date) if d is not None]
    return max(days) if days else child.created_at.date()  # no date of care at all: when the file was opened


def _status(session: Session, child: Child) -> RetentionStatus:
    last = _last_activity(session, child)
    return RetentionStatus(child.id, child.inclusion_number, last, retention_end(child.birth_date, last),
                           child.erased_at)


def retention_status(sessions: sessionmaker[Session], child_id: int) -> RetentionStatus:
    with sessions() as session:
        child = session.get(Child, child_id)
        if child is None:
            raise CoconError("child_missing", id=child_id)
        return _status(session, child)


def _count(session: Session, statement: Any) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def _initial(name: str) -> str:
    return name.strip()[:1].upper()


def _strip_identity(child: Child, now: datetime) -> None:
    child.last_name, child.first_name = _initial(child.last_name), _initial(child.first_name)
    child.sex, child.birth_weight_g, child.nir, child.birth_place_code = "", None, "", ""
    child.identity_source, child.inclusion_criteria, child.risk_group = "", [], ""
    child.referent_id, child.consent_date, child.identity_status = None, None, "provisoire"
    child.search_key = fold(child.inclusion_number)
    child.updated_at = child.erased_at = now


@writes(Changes.CHILDREN | Changes.PRESCRIPTIONS | Changes.SEANCES | Changes.APPOINTMENTS
        | Changes.ATTESTATIONS | Changes.DOCUMENTS)
def erase_child(sessions: sessionmaker[Session], child_id: int, today: date) -> ErasureReport:
    """Erase what the retention period no longer requires (see the module); refused before the period's end with
    CoconError("retention_not_over", date=…)."""
    with sessions.begin() as session:
        session.connection(execution_options={IMMEDIATE: True})
        child = session.get(Child, child_id)
        if child is None:
            raise CoconError("child_missing", id=child_id)
        status = _status(session, child)
        if child.erased_at is not None:
            raise CoconError("child_erased", inclusion=child.inclusion_number)
        if today < status.erasable_from:
            raise CoconError("retention_not_over", inclusion=child.inclusion_number,
                             date=french_date(status.erasable_from), last=french_date(status.last_activity))
        billed = select(InvoiceLine.seance_id).where(InvoiceLine.seance_id.is_not(None))
        seance_ids = set(session.scalars(select(Seance.id).where(Seance.child_id == child_id)))
        kept = set(session.scalars(select(Seance.id).where(Seance.child_id == child_id, Seance.id.in_(billed))))
        guardians = _count(session, delete(Guardian).where(Guardian.child_id == child_id))
        appointments = _count(session, delete(Appointment).where(Appointment.child_id == child_id))
        session.execute(update(Seance).where(Seance.id.in_(kept)).values(note=""))
        session.execute(delete(Seance).where(Seance.id.in_(seance_ids - kept)))
        still_used = select(Seance.prescription_id).where(Seance.prescription_id.is_not(None))
        session.execute(update(Prescription).where(Prescription.child_id == child_id)
                        .values(document_id=None, note="", over_forfait_reason=""))
        prescriptions = _count(session, delete(Prescription).where(Prescription.child_id == child_id,
                                                                   Prescription.id.not_in(still_used)))
        documents = _count(session, delete(Document).where(Document.child_id == child_id))
        pdfs = _count(session, update(Attestation).where(Attestation.child_id == child_id,
                                                         func.length(Attestation.pdf) > 0).values(pdf=b""))
        session.expire(child, ["guardians"])
        _strip_identity(child, datetime.now(UTC))
        session.flush()  # erased_at is set before the log's values are blanked (the database checks it)
        blanked = audit.redact_child(session, child_id)
        report = ErasureReport(child_id, child.inclusion_number, guardians, documents,
                               appointments, len(seance_ids - kept), len(kept), prescriptions,
                               pdfs, blanked)
        audit.record(session, "child", child_id, "erase", child_id,
                     {name: (None, getattr(report, name)) for name in ("guardians", "documents", "appointments",
                                                                       "seances_deleted", "seances_kept",
                                                                       "prescriptions_deleted", "attestation_pdfs",
                                                                       "audit_entries_blanked")})
        return report
