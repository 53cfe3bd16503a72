"""The batches of the payers whose pathway exports them only (PCO-TND's platforms, issue 22): which ones the window
offers, and « close what is pending and write it to a folder » in one step — the window's counterpart of
`cocon export-batch --network PCO1` (a payer without a server has nothing else to do with its batch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.errors import CoconError
from cocon_desktop.models import Invoice, Payer
from cocon_desktop.services import batches
from cocon_desktop.services.batch_payers import export_only_codes
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.pathway_store import enabled_pathways
from cocon_desktop.services.practice_handle import Practice


@dataclass(frozen=True)
class PayerBatchChoice:
    code: str  # PCO1
    name: str  # « PCO-TND de la Gironde »
    pending: int  # its issued documents in no batch yet


def payer_batch_choices(sessions: sessionmaker[Session]) -> list[PayerBatchChoice]:
    """The export-only payers of the pathways the practice works with — configured (PCO1…) by pathway then PCO2
    before PCO10, then those the pathways' files list (BASE) —, and any other one (disabled, or of a pathway no
    longer chosen) that still has documents waiting for a batch. Empty for a practice that works with COCON alone."""
    enabled = {pathway.id for pathway in enabled_pathways(sessions)}
    with sessions() as session:
        manual = export_only_codes(session)
        if not manual:
            return []
        waiting: dict[str, int] = {code: int(count) for code, count in session.execute(
            select(Invoice.network, func.count(Invoice.id))
            .where(Invoice.network.in_(manual), Invoice.id.not_in(batches.in_live_batch()))
            .group_by(Invoice.network))}
        rows = session.scalars(select(Payer).where(Payer.code.in_(manual))).all()
        configured = [PayerBatchChoice(row.code, row.name, int(waiting.get(row.code, 0)))
                      for row in sorted(rows, key=lambda r: (r.pathway, len(r.code), r.code))
                      if (row.pathway in enabled and row.active) or waiting.get(row.code)]
        listed = [PayerBatchChoice(payer.code, payer.name, int(waiting.get(payer.code, 0)))
                  for pathway in known_pathways(session).values() for payer in pathway.payers.fixed
                  if payer.code in manual and (pathway.id in enabled or waiting.get(payer.code))]
        return configured + listed


@dataclass(frozen=True)
class ExportedBatch:
    batch: batches.BatchSummary
    path: Path
    closed: bool  # False: nothing was pending, the last batch not yet acknowledged was written again


@writes(Changes.BATCHES | Changes.INVOICES, takes=HANDLE)
def export_payer_batch(practice: Practice, code: str, folder: Path, now: datetime,
                       pin: str | None = None) -> ExportedBatch:
    """Close a batch of what `code` has pending (batches.close_batch) and write it into `folder`
    (batches.export_batch); with nothing pending, write its last batch not yet acknowledged again. CoconError
    `payer_batch_nothing_to_export` when there is neither."""
    sessions = practice.sessions
    if batches.pending_documents(sessions, code):
        batch, closed = batches.close_batch(practice, code, now, pin), True
    else:
        found = batches.last_unreceived(sessions, code)
        if found is None:
            raise CoconError("payer_batch_nothing_to_export", payer=code)
        batch, closed = found, False
    path = batches.export_batch(sessions, batch.id, folder, now)
    return ExportedBatch(batches.get_batch(sessions, batch.id), path, closed)
