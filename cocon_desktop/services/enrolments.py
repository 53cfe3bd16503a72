"""A child's enrolment on a day: COCON (the child's own row: network, inclusion, exit) or another pathway's payer
(a row of `enrolment`, written by a relay: services/relays.py), and the tariff a prescription of that pathway
follows. Issue 22, slice S4: séances and prescriptions dated on or after a relay's first day belong to the PCO."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.models import Enrolment
from cocon_desktop.services.pathway_store import shipped_pathways

COCON = "cocon"


def enrolment_on(session: Session, child_id: int, day: date) -> Enrolment | None:
    """The enrolment of another pathway in force on `day` (started on or before it, not ended before it), the
    latest started; None while COCON (or nothing) holds the child that day."""
    return session.scalar(select(Enrolment).where(
        Enrolment.child_id == child_id, Enrolment.started_on <= day,
        or_(Enrolment.ended_on.is_(None), Enrolment.ended_on >= day))
        .order_by(Enrolment.started_on.desc(), Enrolment.id.desc()).limit(1))


def open_enrolment(session: Session, child_id: int) -> Enrolment | None:
    """The child's enrolment in another pathway that has not ended (started or still to start)."""
    return session.scalar(select(Enrolment).where(Enrolment.child_id == child_id, Enrolment.ended_on.is_(None))
                          .order_by(Enrolment.started_on.desc(), Enrolment.id.desc()).limit(1))


def pathway_tariff(tariffs: dict[str, NetworkTariff], pathway_id: str, child_network: str,
                   available: dict[str, Pathway] | None = None, payer: str = "") -> NetworkTariff | None:
    """The tariff a prescription of `pathway_id` follows: the child's network's for COCON, the pathway's shared
    tariff (PCO-TND) for a pathway whose payers are configured, the tariff of its fixed payer `payer` (the
    prescription's) for a pathway listing its payers — the only one's when they all share it; None when none is
    known. `available`: the pathways known to the practice (pathway_files.known_pathways), the shipped ones when
    not given."""
    if pathway_id == COCON:
        return tariffs.get(child_network)
    pathway = (shipped_pathways() if available is None else available).get(pathway_id)
    if pathway is None:
        return None
    if pathway.payers.mode == "configured":
        return tariffs.get(pathway.payers.tariff) if pathway.payers.tariff else None
    return tariffs.get(fixed_payer_tariff(pathway, payer))


def fixed_payer_tariff(pathway: Pathway, payer: str) -> str:
    """The tariff id of the pathway's fixed payer `payer`; the one all its payers share when `payer` is not one
    of them; "" otherwise."""
    named = {fixed.code: fixed.tariff for fixed in pathway.payers.fixed}
    if payer in named:
        return named[payer]
    shared = set(named.values())
    return shared.pop() if len(shared) == 1 else ""
