"""The documents kept for one child (scanned prescriptions, later others): a list without their content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.models import Document


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    kind: str  # "prescription_scan", …
    filename: str
    media_type: str
    size: int
    added_at: datetime


def list_documents(sessions: sessionmaker[Session], child_id: int) -> list[DocumentInfo]:
    """The child's documents, newest first; the content stays in the database (get_document reads it)."""
    columns = (Document.id, Document.kind, Document.filename, Document.media_type, Document.size,
               Document.added_at)
    with sessions() as session:
        rows = session.execute(select(*columns).where(Document.child_id == child_id)
                               .order_by(Document.added_at.desc(), Document.id.desc())).all()
        return [DocumentInfo(*row) for row in rows]
