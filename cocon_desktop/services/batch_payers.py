"""Who a batch is for (issue 22): a COCON network (RPM, RPO, RPNA), a payer the practice configured for another
pathway (PCO1, PCO2… of PCO-TND, disabled ones too: what was invoiced to them must still go out in a batch), or a
payer another pathway's file lists (BASE, from the practice's folder `parcours/`: services/pathway_files.py).

The payer's pathway says how its batches leave: `sync = true` (COCON) puts them in the outbox for the network's
server; `sync = false` (PCO-TND: no platform has a server) exports them only, never queued. It also gives the start
of the file's name (`batch_prefix`) and the manifest's `pathway`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Payer
from cocon_desktop.services.pathway_files import known_pathways
from cocon_exchange.batch_format import DEFAULT_PREFIX
from cocon_exchange.pathway_labels import DEFAULT_PATHWAY


@dataclass(frozen=True)
class BatchPayer:
    code: str  # "RPM", "PCO1": Batch.network, the manifest's `network`
    pathway: str  # "cocon", "pco-tnd": the manifest's `pathway`
    prefix: str  # the file name's start: "COCON", "PCO-TND"
    sync: bool  # False: exported only, never put in the outbox

    @property
    def configured(self) -> bool:
        return self.pathway != DEFAULT_PATHWAY


def _of_row(row: Payer, known: dict[str, Pathway]) -> BatchPayer:
    pathway = known.get(row.pathway)
    if pathway is None:  # its pathway's file is gone: its batches are still made, and never sent anywhere
        return BatchPayer(row.code, row.pathway, row.pathway.upper(), False)
    return BatchPayer(row.code, pathway.id, pathway.batch_prefix, pathway.sync)


def _fixed(known: dict[str, Pathway]) -> dict[str, BatchPayer]:
    """The payers listed in the files of the pathways other than COCON (BASE), by code."""
    return {payer.code: BatchPayer(payer.code, pathway.id, pathway.batch_prefix, pathway.sync)
            for pathway in known.values() if pathway.id != DEFAULT_PATHWAY for payer in pathway.payers.fixed
            if payer.code not in NETWORKS}


def batch_payer(session: Session, value: str) -> BatchPayer:
    """The payer `value` names (case and spaces aside). CoconError: `network_unknown` in a practice that has
    configured no payer (what it said before pathways), `batch_payer_unknown` naming the practice's payers else."""
    code = value.strip().upper()
    if code in NETWORKS:
        return BatchPayer(code, DEFAULT_PATHWAY, DEFAULT_PREFIX, True)
    row = session.get(Payer, code) if code else None
    known = known_pathways(session)
    if row is not None:
        return _of_row(row, known)
    fixed = _fixed(known)
    if code in fixed:
        return fixed[code]
    others = [*configured_codes(session), *fixed]
    if not others:
        raise CoconError("network_unknown", value=value)
    raise CoconError("batch_payer_unknown", value=value[:40], payers=", ".join(others))


def configured_codes(session: Session) -> list[str]:
    """Every configured payer's code (disabled ones too), PCO2 before PCO10."""
    return sorted(session.scalars(select(Payer.code)), key=lambda c: (len(c), c))


def configured_payers(sessions: sessionmaker[Session]) -> list[str]:
    """Every payer outside COCON's networks, in a session of its own (`practice.read`): the configured ones
    (configured_codes), then those the other pathways' files list (BASE)."""
    with sessions() as session:
        return [*configured_codes(session), *_fixed(known_pathways(session))]


def export_only_codes(session: Session) -> frozenset[str]:
    """The payers whose batches are exported only (their pathway says `sync = false`): the configured ones (a
    handful of rows) and those the other pathways' files list."""
    known = known_pathways(session)
    rows = [_of_row(row, known) for row in session.scalars(select(Payer))]
    return frozenset(payer.code for payer in [*rows, *_fixed(known).values()] if not payer.sync)
