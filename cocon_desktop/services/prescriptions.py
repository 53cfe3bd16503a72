"""Prescriptions and their scanned copy (kept encrypted inside the database)."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.prescription import (
    EDITABLE_AFTER_FIRST_SEANCE,
    PrescriptionData,
    locked_changes,
    normalised,
    validate_prescription,
)
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Child, Document, Prescription, Seance
from cocon_desktop.services import audit
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.enrolments import COCON, enrolment_on, pathway_tariff
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.tariff_store import load_tariffs

FIELDS = [name for name in PrescriptionData.__dataclass_fields__ if name != "id"]
MAX_SCAN_BYTES = 20 * 1024 * 1024
SCAN_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp"}
_MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg",
          b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff", b"RIFF": "image/webp"}


@dataclass(frozen=True)
class PrescriptionRecord:
    data: PrescriptionData
    document_id: int | None
    document_name: str
    seance_count: int = 0  # séances referring to it (hors forfait too): past 0, its terms are locked
    last_seance: date | None = None

    @property
    def locked(self) -> bool:
        """Séances count against it: only the end date and the note may change, and it cannot be deleted."""
        return self.seance_count > 0


@dataclass(frozen=True)
class Scan:
    filename: str
    content: bytes

    @property
    def media_type(self) -> str:
        for magic, media in _MAGIC.items():
            if self.content.startswith(magic):
                return media
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"


@dataclass(frozen=True)
class StoredDocument:
    id: int
    filename: str
    media_type: str
    content: bytes


def _data(row: Prescription) -> PrescriptionData:
    return PrescriptionData(id=row.id, **{name: getattr(row, name) for name in FIELDS})


def _check_scan(scan: Scan) -> None:
    if len(scan.content) > MAX_SCAN_BYTES:
        raise ValidationError([FieldError("document", "scan_too_large", {"mb": MAX_SCAN_BYTES // (1024 * 1024)})])
    if scan.media_type not in SCAN_TYPES:
        raise ValidationError([FieldError("document", "scan_type_invalid")])


def _store_scan(session: Session, child_id: int, scan: Scan) -> Document:
    document = Document(child_id=child_id, kind="prescription_scan", filename=scan.filename[-255:],
                        media_type=scan.media_type, size=len(scan.content),
                        sha256=hashlib.sha256(scan.content).hexdigest(), content=scan.content,
                        added_at=datetime.now(UTC))
    session.add(document)
    session.flush()
    audit.record(session, "document", document.id, "create", child_id,
                 {"kind": (None, document.kind), "filename": (None, document.filename),
                  "size": (None, document.size), "sha256": (None, document.sha256)})
    return document


def _seances_of(session: Session, prescription_id: int) -> tuple[int, date | None]:
    """How many séances refer to the prescription, and the latest one's day."""
    count, last = session.execute(select(func.count(Seance.id), func.max(Seance.day))
                                  .where(Seance.prescription_id == prescription_id)).one()
    return int(count or 0), last


def _judged(errors: list[FieldError], before: PrescriptionData | None, after: PrescriptionData,
            locked: bool) -> list[FieldError]:
    """The blocking errors; once séances lock a prescription, a field that did not change is not judged again
    (an end date may still move on a prescription entered before the bounds existed)."""
    kept = [e for e in errors if e.blocking]
    if not locked or before is None:
        return kept
    unchanged = {name for name in PrescriptionData.__dataclass_fields__
                 if name not in EDITABLE_AFTER_FIRST_SEANCE and getattr(before, name) == getattr(after, name)}
    return [e for e in kept if e.field not in unchanged]


@writes(Changes.PRESCRIPTIONS | Changes.DOCUMENTS)
def save_prescription(sessions: sessionmaker[Session], data: PrescriptionData, today: date,
                      scan: Scan | None = None) -> int:
    """Create (id None) or update a prescription, with its scan if given, in one transaction.

    The séances are bounded by the network's forfait (domain/prescription.py: a reason above it, refused above
    twice it). Once a séance refers to the prescription, only its end date and note may change."""
    tariffs = load_tariffs(sessions)
    if scan is not None:
        _check_scan(scan)
    with sessions.begin() as session:
        child = session.get(Child, data.child_id)
        if child is None:
            raise CoconError("child_missing", id=data.child_id)
        if child.erased_at is not None:
            raise CoconError("child_erased", inclusion=child.inclusion_number)
        row = session.get(Prescription, data.id) if data.id is not None else None
        if data.id is not None and (row is None or row.child_id != data.child_id):
            raise CoconError("prescription_missing", id=data.id)
        # the pathway holding the child on its first day (a PCO after a relay: its tariff, its payer); a prescription
        # keeps the pathway it was entered in
        enrolment = enrolment_on(session, child.id, data.valid_from) if row is None else None
        pathway = row.pathway if row is not None else enrolment.pathway if enrolment is not None else COCON
        payer = row.payer if row is not None else enrolment.payer if enrolment is not None else ""
        tariff = pathway_tariff(tariffs, pathway, child.network, known_pathways(session), payer)
        data = normalised(data, tariff)
        old = _data(row) if row is not None else None
        count, last = _seances_of(session, row.id) if row is not None else (0, None)
        errors = validate_prescription(data, tariff, child.birth_date, today)
        blocking = _judged(errors, old, data, count > 0)
        if old is not None:
            blocking += locked_changes(old, data, last if count else None)
        if blocking:
            raise ValidationError(blocking)
        before = audit.flatten(old) if old is not None else None
        if row is None:
            row = Prescription(created_at=datetime.now(UTC), pathway=pathway, payer=payer)
            session.add(row)
        for name in FIELDS:
            setattr(row, name, getattr(data, name))
        if scan is not None:
            row.document_id = _store_scan(session, data.child_id, scan).id
        session.flush()
        changes = audit.diff(before, audit.flatten(_data(row)))
        if changes or before is None:
            audit.record(session, "prescription", row.id, "create" if before is None else "update", row.child_id,
                         changes)
        return int(row.id)


@writes(Changes.PRESCRIPTIONS)
def delete_prescription(sessions: sessionmaker[Session], prescription_id: int) -> None:
    """Delete a prescription entered by mistake, while no séance refers to it (CoconError("prescription_in_use")
    otherwise). Its scanned copy stays among the child's documents."""
    with sessions.begin() as session:
        row = session.get(Prescription, prescription_id)
        if row is None:
            raise CoconError("prescription_missing", id=prescription_id)
        count, _ = _seances_of(session, prescription_id)
        if count:
            raise CoconError("prescription_in_use", count=count)
        old = audit.flatten(_data(row))
        child_id = row.child_id
        session.delete(row)
        audit.record(session, "prescription", prescription_id, "delete", child_id,
                     {name: (value, None) for name, value in old.items()})


def list_prescriptions(sessions: sessionmaker[Session], child_id: int) -> list[PrescriptionRecord]:
    with sessions() as session:
        rows = session.execute(
            select(Prescription, Document.filename)
            .outerjoin(Document, Document.id == Prescription.document_id)
            .where(Prescription.child_id == child_id)
            .order_by(Prescription.valid_from.desc(), Prescription.id.desc())).all()
        used = {pid: (int(count), last) for pid, count, last in session.execute(
            select(Seance.prescription_id, func.count(Seance.id), func.max(Seance.day))
            .where(Seance.child_id == child_id, Seance.prescription_id.is_not(None))
            .group_by(Seance.prescription_id))}
        return [PrescriptionRecord(_data(row), row.document_id, name or "", *used.get(row.id, (0, None)))
                for row, name in rows]


def get_document(sessions: sessionmaker[Session], document_id: int) -> StoredDocument:
    with sessions() as session:
        row = session.get(Document, document_id)
        if row is None:
            raise CoconError("document_missing", id=document_id)
        return StoredDocument(row.id, row.filename, row.media_type, bytes(row.content))
