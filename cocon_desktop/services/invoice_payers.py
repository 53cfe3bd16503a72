"""Whom the practice can invoice besides COCON's networks: the payers of the other pathways it works with (the
plateformes typed in Paramètres for PCO-TND, the fixed payers a pathway's file lists), for the Facturation page's
choice (issue 22: invoices per payer). COCON's networks are not listed here: the page always offers them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.services.enrolments import COCON
from cocon_desktop.services.pathway_store import enabled_pathways
from cocon_desktop.services.payers import list_payers


@dataclass(frozen=True)
class PayerChoice:
    code: str  # PCO1, or a fixed payer's code
    name: str
    pathway: str  # its pathway's id
    reference_label: str  # the pathway's word for the child's number: « N° de dossier PCO »


def invoice_payers(sessions: sessionmaker[Session]) -> list[PayerChoice]:
    """The active payers of the enabled pathways other than COCON, pathway by pathway in the setting's order, each
    pathway's fixed payers first then its configured ones in the order they were added; [] for a COCON-only
    practice."""
    choices: list[PayerChoice] = []
    for pathway in enabled_pathways(sessions):
        if pathway.id == COCON:
            continue
        choices += [PayerChoice(p.code, p.name, pathway.id, pathway.reference_label) for p in pathway.payers.fixed]
        if pathway.payers.mode == "configured":
            choices += [PayerChoice(p.code, p.name, pathway.id, pathway.reference_label)
                        for p in list_payers(sessions, pathway.id, active_only=True)]
    return choices
