"""Everything held about one child, for a family's access request (RGPD article 15): a ZIP built in memory.

dossier.json holds the child, the guardians, the prescriptions, the séances with their notes, the appointments,
the audit entries, the register of attestations, the documents' descriptions and, of the invoices and credit
notes, only the lines that concern this child; attestations/ and documents/ hold the attestations' PDFs as issued
and the scanned documents as received. Bytes out: no temporary file; the file is written where the user chose
(fsutil.atomic_write: `export_child_to`). The export itself enters the audit log."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import __version__
from cocon_desktop.errors import CoconError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.models import (
    Appointment,
    Attestation,
    AuditEntry,
    Child,
    Document,
    Guardian,
    Invoice,
    InvoiceLine,
    Prescription,
    Seance,
)
from cocon_desktop.services import audit
from cocon_desktop.services.changes import Changes, writes

FORMAT = "cocon-dossier-enfant"
VERSION = 1
README = """Dossier d'un enfant exporté par COCON Desktop (droit d'accès de la famille).

dossier.json     tout ce que le cabinet conserve sur l'enfant : identité, représentants légaux, prescriptions,
                 séances et leurs notes, rendez-vous, historique des modifications, attestations, documents,
                 et les lignes des factures qui concernent l'enfant (numéro d'inclusion et initiales seulement)
attestations/    les attestations remises à la famille, telles qu'émises
documents/       les documents numérisés (ordonnances…), tels que reçus

Ces fichiers contiennent des données de santé : conservez-les en lieu sûr.
"""
_UNSAFE = re.compile(r"[^0-9A-Za-zÀ-ÿ._ -]+")


def _columns(row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: audit.plain(getattr(row, c.key)) for c in row.__table__.columns
            if c.key not in skip and not isinstance(getattr(row, c.key), bytes)}


def safe_name(name: str) -> str:
    """A file name that stays inside its folder of the archive."""
    cleaned = _UNSAFE.sub("_", name.replace("/", "_").replace("\\", "_")).strip(" .")
    return cleaned[:120] or "document"


def _invoice_lines(session: Session, child: Child, seance_ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(InvoiceLine, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.network)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(or_(InvoiceLine.inclusion_number == child.inclusion_number, InvoiceLine.seance_id.in_(seance_ids)))
        .order_by(Invoice.issue_date, Invoice.number, InvoiceLine.line_no)).all()
    return [{"document": number, "document_kind": kind, "issue_date": issue.isoformat(), "network": network,
             **_columns(line, ("id", "invoice_id", "credited_line_id"))}
            for line, number, kind, issue, network in rows]


def _content(session: Session, child: Child) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    files: list[tuple[str, bytes]] = []
    where = Seance.child_id == child.id
    seance_rows = session.scalars(select(Seance).where(where).order_by(Seance.day, Seance.start)).all()
    documents = []
    for doc in session.scalars(select(Document).where(Document.child_id == child.id).order_by(Document.id)):
        path = f"documents/{doc.id:04d}_{safe_name(doc.filename)}"
        files.append((path, bytes(doc.content)))
        documents.append({**_columns(doc, ("child_id",)), "file": path})
    attestations = []
    for att in session.scalars(select(Attestation).where(Attestation.child_id == child.id)
                               .order_by(Attestation.year, Attestation.sequence)):
        stored: str | None = None  # None: the PDF was erased with the child's data, the register row stays
        if att.pdf:
            stored = f"attestations/{safe_name(att.number)}.pdf"
            files.append((stored, bytes(att.pdf)))
        attestations.append({**_columns(att, ("child_id",)), "file": stored})
    history = session.scalars(select(AuditEntry).where(AuditEntry.child_id == child.id).order_by(AuditEntry.id))
    content = {
        "format": FORMAT, "version": VERSION, "program": f"COCON Desktop {__version__}",
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "child": _columns(child, ("search_key",)),
        "guardians": [_columns(g, ("child_id",)) for g in
                      session.scalars(select(Guardian).where(Guardian.child_id == child.id).order_by(Guardian.id))],
        "prescriptions": [_columns(p, ("child_id",)) for p in session.scalars(
            select(Prescription).where(Prescription.child_id == child.id).order_by(Prescription.valid_from))],
        "seances": [_columns(s, ("child_id",)) for s in seance_rows],
        "appointments": [_columns(a, ("child_id",)) for a in session.scalars(
            select(Appointment).where(Appointment.child_id == child.id).order_by(Appointment.day, Appointment.start))],
        "attestations": attestations,
        "documents": documents,
        "invoice_lines": _invoice_lines(session, child, [s.id for s in seance_rows]),
        "audit": [{**_columns(e, ("child_id", "changes")), "changes": json.loads(e.changes) if e.changes else {}}
                  for e in history],
    }
    return content, files


@writes(Changes.DOCUMENTS)
def export_child(sessions: sessionmaker[Session], child_id: int) -> bytes:
    """The ZIP's bytes (README.txt, dossier.json, attestations/*.pdf, documents/*); the export is logged."""
    with sessions.begin() as session:
        child = session.get(Child, child_id)
        if child is None:
            raise CoconError("child_missing", id=child_id)
        content, files = _content(session, child)
        audit.record(session, "child", child_id, "export", child_id,
                     {"files": (None, len(files)), "seances": (None, len(content["seances"]))})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("dossier.json", json.dumps(content, ensure_ascii=False, indent=2))
        for path, data in files:
            archive.writestr(path, data)
    return out.getvalue()


@writes(Changes.DOCUMENTS)
def export_child_to(sessions: sessionmaker[Session], child_id: int, path: Path) -> int:
    """The child's ZIP written to `path` (a file the user chose, its folder left as it is); its size in bytes."""
    data = export_child(sessions, child_id)
    atomic_write(path, data, private_dir=False)
    return len(data)


def export_name(inclusion_number: str, today: date) -> str:
    """The file name the program suggests: "dossier_RPO-2025-0001_2026-11-30.zip"."""
    return f"dossier_{safe_name(inclusion_number)}_{today.isoformat()}.zip"
