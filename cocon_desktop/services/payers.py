"""The payers the practice types in Paramètres, for each pathway whose payers are configured (PCO-TND: one per
plateforme, with its name, invoicing address, SIRET and convention number; schema 0017, table `payer`).

A payer gets its code when it is added (the pathway's `code_prefix` and the next number: PCO1, PCO2…) and keeps
it: it is never deleted, only disabled, and its code is never given again, since invoices, batches and their lines
keep it. The fixed payers (COCON's networks) are in their pathway file and are not typed here.

Paramètres › Parcours et payeurs (ui/pages/pathways_tab.py) and `cocon payer` call it; it announces its writes as
`Changes.PROFILE`, like a network's invoicing address (invoice_documents.set_network_address): the views that
show the buyers of invoices read again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.domain.payers import PayerData, next_code, normalised, validate_payer
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Payer
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.pathway_store import shipped_pathways

__all__ = ["PayerData", "PayerRecord", "add_payer", "disable_payer", "enable_payer", "get_payer", "list_payers",
           "update_payer"]


@dataclass(frozen=True)
class PayerRecord:
    code: str
    pathway: str
    name: str
    street: str
    postcode: str
    city: str
    siret: str
    reference: str
    active: bool

    @property
    def data(self) -> PayerData:
        """What the form shows, to be edited and given back to update_payer."""
        return PayerData(self.name, self.street, self.postcode, self.city, self.siret, self.reference)


def _record(row: Payer) -> PayerRecord:
    return PayerRecord(row.code, row.pathway, row.name, row.street, row.postcode, row.city, row.siret,
                       row.reference, bool(row.active))


def _checked(data: PayerData) -> PayerData:
    data = normalised(data)
    errors = validate_payer(data)
    if errors:
        raise ValidationError(errors)
    return data


def _configured(pathway_id: str, available: dict[str, Pathway] | None) -> Pathway:
    """The pathway whose payers are typed here; ValidationError on the field « pathway » otherwise."""
    known = shipped_pathways() if available is None else available
    pathway = known.get(pathway_id)
    if pathway is None:
        raise ValidationError([FieldError("pathway", "payer_pathway_unknown", {"value": pathway_id[:40]})])
    if pathway.payers.mode != "configured":
        raise ValidationError([FieldError("pathway", "payer_pathway_fixed",
                                          {"pathway": pathway.label, "noun": pathway.payers.label})])
    return pathway


def _row(session: Session, code: str) -> Payer:
    row = session.get(Payer, code)
    if row is None:
        raise CoconError("payer_missing", payer=code[:40])
    return row


@writes(Changes.PROFILE)  # the buyer of a pathway's invoices, like a network's invoicing address
def add_payer(sessions: sessionmaker[Session], pathway_id: str, data: PayerData,
              available: dict[str, Pathway] | None = None) -> PayerRecord:
    """A new payer of `pathway_id` (a pathway whose payers are configured), with the next code of its prefix.
    ValidationError, each error next to its field: the pathway (unknown, or its payers are fixed in its file),
    name, street, postcode and city required, the postcode's 5 digits, the SIRET's 14 digits and checksum (python-
    stdnum), the lengths of the columns."""
    available = known_pathways(sessions) if available is None else available  # the practice's own files too
    pathway = _configured(pathway_id, available)
    data = _checked(data)
    known = available
    fixed = {code for other in known.values() for code in other.payers.codes()}
    with sessions.begin() as session:
        taken = set(session.scalars(select(Payer.code))) | fixed
        code = next_code(pathway.payers.code_prefix, taken)
        if code is None or code in taken:
            raise ValidationError([FieldError("pathway", "payer_codes_exhausted",
                                              {"prefix": pathway.payers.code_prefix})])
        row = Payer(code=code, pathway=pathway.id, name=data.name, street=data.street, postcode=data.postcode,
                    city=data.city, siret=data.siret, reference=data.reference, active=True,
                    created_at=datetime.now(UTC))
        session.add(row)
        session.flush()
        return _record(row)


@writes(Changes.PROFILE)
def update_payer(sessions: sessionmaker[Session], code: str, data: PayerData) -> PayerRecord:
    """The payer's name, address, SIRET and convention number replaced (checked as add_payer does); its code and
    pathway stay. Issued invoices keep what they said (they are immutable): the new values serve the next ones."""
    data = _checked(data)
    with sessions.begin() as session:
        row = _row(session, code)
        row.name, row.street, row.postcode, row.city = data.name, data.street, data.postcode, data.city
        row.siret, row.reference = data.siret, data.reference
        session.flush()
        return _record(row)


def _set_active(sessions: sessionmaker[Session], code: str, active: bool) -> PayerRecord:
    with sessions.begin() as session:
        row = _row(session, code)
        row.active = active
        session.flush()
        return _record(row)


@writes(Changes.PROFILE)
def disable_payer(sessions: sessionmaker[Session], code: str) -> PayerRecord:
    """No longer offered for new enrolments and invoices; kept, with its code, for what already names it."""
    return _set_active(sessions, code, False)


@writes(Changes.PROFILE)
def enable_payer(sessions: sessionmaker[Session], code: str) -> PayerRecord:
    """A payer disabled by mistake offered again, under the same code."""
    return _set_active(sessions, code, True)


def get_payer(sessions: sessionmaker[Session], code: str) -> PayerRecord:
    with sessions() as session:
        return _record(_row(session, code))


def list_payers(sessions: sessionmaker[Session], pathway_id: str | None = None, *,
                active_only: bool = False) -> list[PayerRecord]:
    """The configured payers (of `pathway_id`, or of every pathway), disabled ones too unless `active_only`, by
    pathway then in the order they were added (PCO2 before PCO10)."""
    query = select(Payer)
    if pathway_id is not None:
        query = query.where(Payer.pathway == pathway_id)
    if active_only:
        query = query.where(Payer.active.is_(True))
    with sessions() as session:
        rows = session.scalars(query).all()
        return sorted((_record(row) for row in rows), key=lambda r: (r.pathway, len(r.code), r.code))
