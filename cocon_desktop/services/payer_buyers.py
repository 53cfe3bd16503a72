"""A payer outside COCON as the buyer of an invoice, with its pathway's words (issue 22, S5 and S7).

A configured payer (a PCO: PCO1, PCO2…) is its row (Paramètres): name, address, SIRET (Factur-X BT-46/47, as a
network's) and the convention's number (BT-10, the buyer reference). A fixed payer of another pathway (« BASE » in a
file of the practice's folder `parcours/`) is its entry in that file, address and SIRET included. The object (its
{what} too), the lines' frame, the keywords and the reference column come from the pathway's file. A COCON network
is neither: its invoices keep their address setting and their built-in sentences."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.invoice_data import Buyer, PathwayWords, PostalAddress
from cocon_desktop.domain.pathways import FixedPayer, Pathway
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Payer
from cocon_desktop.services.enrolments import COCON
from cocon_desktop.services.pathway_files import known_pathways

RELAY_DEFAULT_PATHWAY = "pco-tnd"


@dataclass(frozen=True)
class PayerParty:
    buyer: Buyer
    invoice_words: PathwayWords
    credit_words: PathwayWords

    def words(self, kind: str) -> PathwayWords:
        return self.credit_words if kind == "credit_note" else self.invoice_words


def _words(pathway: Pathway, kind: str) -> PathwayWords:
    what = pathway.invoice.credit_what if kind == "credit_note" else pathway.invoice.what
    template = pathway.invoice.object_template.format(what=what, frame=pathway.frame, start="{start}",
                                                      end="{end}")
    return PathwayWords(object_template=template.replace("{", "{{").replace("}", "}}")
                        .replace("{{start}}", "{start}").replace("{{end}}", "{end}"),
                        line_frame=pathway.invoice.line_frame, keywords=pathway.invoice.keywords,
                        reference_label=pathway.reference_label)


def is_configured_payer(session: Session, code: str) -> bool:
    """True for a payer typed in Paramètres (PCO1…), False for a COCON network (RPM, RPO, RPNA)."""
    return session.get(Payer, code) is not None


def fixed_payer(known: dict[str, Pathway], code: str) -> tuple[Pathway, FixedPayer] | None:
    """The fixed payer `code` of a pathway other than COCON, with its pathway; None when no such file lists it."""
    for pathway in known.values():
        if pathway.id == COCON:
            continue
        for payer in pathway.payers.fixed:
            if payer.code == code:
                return pathway, payer
    return None


def payer_name(sessions: sessionmaker[Session], code: str) -> str:
    """The name of payer `code`: a configured payer's row, a fixed payer's file (COCON's networks included);
    CoconError("pathway_payer_unknown") when none is known."""
    known = known_pathways(sessions)
    with sessions() as session:
        row = session.get(Payer, code)
    if row is not None:
        return row.name
    for pathway in known.values():
        for payer in pathway.payers.fixed:
            if payer.code == code:
                return payer.name
    raise CoconError("pathway_payer_unknown", payer=code[:40])


def payer_party(sessions: sessionmaker[Session], code: str) -> PayerParty | None:
    """The payer `code` as a buyer, with its pathway's words: a configured payer (its row), a fixed payer of
    another pathway (its file's entry: CoconError "pathway_payer_address_missing" without an address); None for a
    COCON network."""
    known = known_pathways(sessions)
    with sessions() as session:
        row = session.get(Payer, code)
        if row is not None:
            pathway = known[row.pathway]
            buyer = Buyer(code=row.code, name=row.name, address=PostalAddress(row.street, row.postcode, row.city),
                          siret=row.siret, reference=row.reference)
            return PayerParty(buyer, _words(pathway, "invoice"), _words(pathway, "credit_note"))
    found = fixed_payer(known, code)
    if found is None:
        return None
    pathway, payer = found
    if not payer.has_address:
        raise CoconError("pathway_payer_address_missing", payer=payer.name)
    buyer = Buyer(code=payer.code, name=payer.name, address=PostalAddress(payer.street, payer.postcode, payer.city),
                  siret=payer.siret, reference=payer.reference)
    return PayerParty(buyer, _words(pathway, "invoice"), _words(pathway, "credit_note"))


def payer_pathway(sessions: sessionmaker[Session], code: str) -> str:
    """The pathway payer `code` belongs to: its row's (a configured payer), or the file listing it (a fixed one);
    PCO-TND's, the relay's usual target, when it is none of them (the relay then says the payer is unknown)."""
    with sessions() as session:
        row = session.get(Payer, code)
    if row is not None:
        return row.pathway
    found = fixed_payer(known_pathways(sessions), code)  # never COCON's: a child is relayed out of it
    return found[0].id if found is not None else RELAY_DEFAULT_PATHWAY


def invoiced_payer(sessions: sessionmaker[Session], code: str) -> str:
    """`code` when the practice can invoice it outside COCON's networks: a configured payer (PCO1…) or a fixed payer
    of another pathway (BASE); CoconError("payer_missing") otherwise."""
    with sessions() as session:
        if session.get(Payer, code) is not None:
            return code
    if fixed_payer(known_pathways(sessions), code) is None:
        raise CoconError("payer_missing", payer=code[:40])
    return code
