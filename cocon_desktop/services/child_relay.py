"""What the child's file says of a relay (« Relais vers une PCO », issue 22): the payer the child was handed over
to, from which day, with which dossier number — and who pays each of its forfaits once there are two pathways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.models import Child, Enrolment, Payer, Prescription
from cocon_desktop.services.pathway_files import known_pathways


@dataclass(frozen=True)
class RelayInfo:
    payer: str  # PCO1
    payer_name: str  # « PCO-TND de la Gironde »
    pathway_label: str  # « PCO-TND »
    started_on: date
    reference: str  # the child's dossier number there, "" when not given


def _latest(session: Session, child_id: int) -> Enrolment | None:
    return session.scalar(select(Enrolment).where(Enrolment.child_id == child_id, Enrolment.ended_on.is_(None))
                          .order_by(Enrolment.started_on.desc(), Enrolment.id.desc()).limit(1))


def relay_info(sessions: sessionmaker[Session], child_id: int) -> RelayInfo | None:
    """The child's open enrolment in another pathway than COCON; None while COCON alone holds it."""
    with sessions() as session:
        enrolment = _latest(session, child_id)
        if enrolment is None:
            return None
        payer = session.get(Payer, enrolment.payer)
        pathway = known_pathways(session).get(enrolment.pathway)  # the practice's own files too
        fixed = {p.code: p.name for p in pathway.payers.fixed} if pathway else {}
        return RelayInfo(enrolment.payer, payer.name if payer else fixed.get(enrolment.payer, enrolment.payer),
                         pathway.label if pathway else enrolment.pathway, enrolment.started_on,
                         enrolment.reference or "")


def prescription_payers(sessions: sessionmaker[Session], child_id: int) -> dict[int, str]:
    """Prescription id → the code of who pays it: the child's COCON network, or another pathway's payer (PCO1)."""
    with sessions() as session:
        network = session.scalar(select(Child.network).where(Child.id == child_id)) or ""
        rows = session.execute(select(Prescription.id, Prescription.pathway, Prescription.payer)
                               .where(Prescription.child_id == child_id))
        return {pid: network if pathway == "cocon" or not payer else payer for pid, pathway, payer in rows}
