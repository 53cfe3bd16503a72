"""A configured payer (a PCO: PCO1, PCO2…) as the buyer of an invoice, with its pathway's words (issue 22, S5).

The buyer is the payer's row (Paramètres): name, address, SIRET (Factur-X BT-46/47, as a network's) and the
convention's number (BT-10, the buyer reference); the object, the lines' frame, the keywords and the reference
column come from its pathway's file (resources/pathways/*.toml). A COCON network has no such row: its invoices
keep their address setting and their built-in sentences."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.invoice_data import Buyer, PathwayWords, PostalAddress
from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.models import Payer
from cocon_desktop.services.pathway_store import shipped_pathways

# {what} of the pathway's invoice object (resources/pathways/pco-tnd.toml), for an invoice and for a credit note
WHAT = {"invoice": "Bilan et interventions précoces",
        "credit_note": "Annulation ou correction de bilan et d'interventions précoces"}


@dataclass(frozen=True)
class PayerParty:
    buyer: Buyer
    invoice_words: PathwayWords
    credit_words: PathwayWords

    def words(self, kind: str) -> PathwayWords:
        return self.credit_words if kind == "credit_note" else self.invoice_words


def _words(pathway: Pathway, kind: str) -> PathwayWords:
    template = pathway.invoice.object_template.format(what=WHAT[kind], frame=pathway.frame, start="{start}",
                                                      end="{end}")
    return PathwayWords(object_template=template.replace("{", "{{").replace("}", "}}")
                        .replace("{{start}}", "{start}").replace("{{end}}", "{end}"),
                        line_frame=pathway.invoice.line_frame, keywords=pathway.invoice.keywords,
                        reference_label=pathway.reference_label)


def is_configured_payer(session: Session, code: str) -> bool:
    """True for a payer typed in Paramètres (PCO1…), False for a COCON network (RPM, RPO, RPNA)."""
    return session.get(Payer, code) is not None


def payer_party(sessions: sessionmaker[Session], code: str) -> PayerParty | None:
    """The configured payer `code` as a buyer, with its pathway's words; None for a COCON network."""
    with sessions() as session:
        row = session.get(Payer, code)
        if row is None:
            return None
        pathway = shipped_pathways()[row.pathway]
        buyer = Buyer(code=row.code, name=row.name, address=PostalAddress(row.street, row.postcode, row.city),
                      siret=row.siret, reference=row.reference)
    return PayerParty(buyer, _words(pathway, "invoice"), _words(pathway, "credit_note"))
