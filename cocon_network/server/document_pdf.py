"""A received document's signed PDF. Each PDF is stored once: in its batch's ZIP (kept whole, byte for byte, as
the practice signed and sent it), which the ingest does not copy into document.pdf (empty then); rows that carry
their own bytes (the demo's, the generated region's, older receptions) give those.

    pdf_of(session, document_id) -> (pdf bytes, number) | None      None: no such document, or its PDF is lost
"""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select
from sqlalchemy.orm import Session

from cocon_exchange.batch_format import document_file
from cocon_exchange.protocol import sha256_hex
from cocon_network.server.models import Batch, Document


def pdf_of(session: Session, document_id: int) -> tuple[bytes, str] | None:
    row = session.execute(select(Document.pdf, Document.number, Document.sha256, Document.batch_id)
                          .where(Document.id == document_id)).first()
    if row is None:
        return None
    if row.pdf:
        return bytes(row.pdf), row.number
    data = session.scalar(select(Batch.data).where(Batch.batch_id == row.batch_id))
    try:
        with zipfile.ZipFile(io.BytesIO(data or b"")) as archive:
            pdf = archive.read(document_file(row.number))
    except (KeyError, zipfile.BadZipFile):
        return None
    return (pdf, row.number) if sha256_hex(pdf) == row.sha256 else None
