"""What an invoice or a credit note ("facture d'avoir") shows: plain frozen data, checked on creation.

The services build these from the database; the documents package turns them into a PDF page and the
Factur-X XML, which therefore always carry the same lines and totals. Children appear only by their
inclusion number and initials (secret professionnel, DOMAIN.md): there is no field for a name.

Amounts are `Decimal` with exactly two decimals. A credit note carries **positive** amounts: it is titled
"Facture d'avoir", quotes the corrected invoice, and its total is what the network no longer owes
(or gets back). Its Factur-X type code (381) already says "credit", so signs are never doubled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from cocon_desktop.domain.disciplines import DISCIPLINES, PROFESSION_DISCIPLINE
from cocon_desktop.domain.money import CENT
from cocon_desktop.domain.networks import NETWORKS, profession_label
from cocon_desktop.domain.practice import PracticeProfile

VAT_EXEMPTION = "TVA non applicable, article 261-4-1° du CGI"
# BT-121: the VATEX code of article 132(1)(c) of the VAT directive (medical and paramedical care), which
# article 261-4-1° du CGI transposes
VAT_EXEMPTION_CODE = "VATEX-EU-132-1C"
# the nature of the operation, a mention the e-invoicing reform adds (CGI, annexe II, art. 242 nonies A)
NATURE_OF_OPERATION = "Prestations de services"
# BT-23, the French reform's « cadre de facturation »: S1, an invoice for services, deposited
BUSINESS_PROCESS = "S1"
RECOVERY_FEE = Decimal("40.00")
RECOVERY_FEE_TEXT = ("Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
                     "(articles L. 441-10 et D. 441-5 du code de commerce).")
DEFAULT_LATE_PENALTY_TEXT = ("Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le "
                             "lendemain de la date d'échéance.")
DEFAULT_DISCOUNT_TEXT = "Escompte pour paiement anticipé : néant."

DocumentKind = Literal["invoice", "credit_note"]


def _check_amount(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"{what}: a finite Decimal is required, got {amount!r}")
    if amount != amount.quantize(CENT) or amount.as_tuple().exponent != -2:
        raise ValueError(f"{what}: exactly two decimals are required, got {amount}")
    if amount < 0:
        raise ValueError(f"{what}: amounts are positive (a credit note is titled so), got {amount}")


@dataclass(frozen=True)
class PostalAddress:
    street: str
    postcode: str
    city: str
    line_two: str = ""
    country: str = "FR"  # ISO 3166-1 alpha-2

    def lines(self) -> list[str]:
        """As printed: street, optional second line, "13002 Marseille"."""
        return [line for line in (self.street, self.line_two, f"{self.postcode} {self.city}".strip()) if line]


@dataclass(frozen=True)
class Seller:
    """The practice, an entrepreneur individuel: `legal_name` ends with "EI" (or "Entrepreneur individuel")."""

    legal_name: str
    siret: str
    address: PostalAddress
    iban: str
    profession: str = ""  # French label: "Psychomotricien·ne"
    trade_name: str = ""
    rpps: str = ""
    adeli: str = ""
    phone: str = ""
    email: str = ""
    bic: str = ""

    def __post_init__(self) -> None:
        if not self.legal_name.strip().endswith((" EI", "Entrepreneur individuel")):
            raise ValueError("the seller's legal name must be followed by \"EI\"")
        if len(self.siret) != 14 or not self.siret.isdigit():
            raise ValueError("the SIRET must be 14 digits")
        if not self.iban or " " in self.iban:
            raise ValueError("the IBAN is required, without spaces")

    @property
    def siren(self) -> str:
        return self.siret[:9]


@dataclass(frozen=True)
class Buyer:
    """The regional perinatal network that pays; its address is a setting, passed as data."""

    code: str  # "RPM", "RPO", "RPNA"
    name: str
    address: PostalAddress
    siret: str = ""  # optional: the association's SIRET when the settings know it
    reference: str = ""  # optional buyer reference, e.g. the convention number


@dataclass(frozen=True)
class InvoiceLine:
    """One act of care: never the child's name, only the inclusion number and initials."""

    service_date: date
    inclusion_number: str
    initials: str
    discipline: str  # French label: "Psychomotricité"
    kind: str  # French label: "Séance", "Bilan initial"
    amount: Decimal  # the line total (BT-131) = quantity × unit price
    quantity: int = 1  # acts of this kind on this day (BT-129, unit C62 "one")
    milestone: bool = False  # a forfait's milestone: `kind` is its label, which names the discipline already

    def __post_init__(self) -> None:
        _check_amount(self.amount, "line amount")
        if not isinstance(self.quantity, int) or self.quantity < 1:
            raise ValueError(f"line quantity: a whole number of at least 1 is required, got {self.quantity!r}")
        if self.unit_price * self.quantity != self.amount:
            raise ValueError(f"line amount {self.amount} is not {self.quantity} × a price in cents")

    @property
    def unit_price(self) -> Decimal:
        """The net price of one act (BT-146), without VAT (exempt care)."""
        return (self.amount / self.quantity).quantize(CENT)


@dataclass(frozen=True)
class PathwayWords:
    """The pathway's words on an invoice (resources/pathways/*.toml, issue 22); the defaults are COCON's, whose
    documents keep their sentences byte for byte."""

    object_template: str = ""  # the object after « Objet : », with {start} and {end}; "" = COCON's sentence
    line_frame: str = "parcours COCON"  # ends each Factur-X line's description
    keywords: str = "COCON"  # the last of the PDF's keywords
    reference_label: str = "N° d'inclusion"  # the column of the child's number

    @property
    def reference_phrase(self) -> str:
        """« n° d'inclusion », inside a sentence."""
        return self.reference_label[:1].lower() + self.reference_label[1:]


COCON_WORDS = PathwayWords()


@dataclass(frozen=True)
class InvoiceReference:
    """The invoice a credit note corrects."""

    number: str
    issue_date: date


@dataclass(frozen=True)
class PaymentTerms:
    days: int
    due_date: date
    late_penalty_text: str = DEFAULT_LATE_PENALTY_TEXT
    discount_text: str = DEFAULT_DISCOUNT_TEXT

    @property
    def recovery_fee_text(self) -> str:
        return RECOVERY_FEE_TEXT


@dataclass(frozen=True)
class InvoiceData:
    """An invoice (FAC-2026-0001) or a credit note (AV-2026-0001) ready to render."""

    number: str
    kind: DocumentKind
    issue_date: date
    period_start: date
    period_end: date
    seller: Seller
    buyer: Buyer
    lines: tuple[InvoiceLine, ...]
    payment: PaymentTerms
    corrects: InvoiceReference | None = None  # required for a credit note
    reason: str = ""  # why a credit note was issued (printed under its title)
    currency: str = "EUR"
    words: PathwayWords = COCON_WORDS

    def __post_init__(self) -> None:
        if not self.number or any(c.isspace() for c in self.number):
            raise ValueError("the number is required, without spaces")
        if self.kind not in ("invoice", "credit_note"):
            raise ValueError(f"unknown document kind {self.kind!r}")
        if not self.lines:
            raise ValueError("an invoice has at least one line")
        if self.period_end < self.period_start:
            raise ValueError("the period ends before it starts")
        for line in self.lines:
            if not self.period_start <= line.service_date <= self.period_end:
                raise ValueError(f"a line dated {line.service_date} is outside the period")
        if self.kind == "credit_note" and self.corrects is None:
            raise ValueError("a credit note quotes the invoice it corrects")
        if self.kind == "invoice" and self.corrects is not None:
            raise ValueError("only a credit note quotes a corrected invoice")
        if self.payment.due_date < self.issue_date:
            raise ValueError("the due date is before the issue date")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"

    @property
    def title(self) -> str:
        return "Facture d'avoir" if self.is_credit_note else "Facture"

    @property
    def total(self) -> Decimal:
        """Total without VAT = total with VAT = amount due (VAT-exempt care)."""
        return sum((line.amount for line in self.lines), Decimal("0.00")).quantize(CENT)

    @property
    def vat_exemption(self) -> str:
        return VAT_EXEMPTION

    @property
    def vat_exemption_code(self) -> str:
        return VAT_EXEMPTION_CODE

    @property
    def nature_of_operation(self) -> str:
        return NATURE_OF_OPERATION


def seller_from_profile(profile: PracticeProfile) -> Seller:
    """The practice's profile (settings) as the seller of an invoice."""
    p = profile.normalized()
    return Seller(
        legal_name=p.legal_name, siret=p.siret, address=PostalAddress(p.address, p.postcode, p.city),
        iban=p.iban, profession=profession_label(p.profession, p.civility), trade_name=p.trade_name,
        rpps=p.rpps, adeli=p.adeli, phone=p.phone, email=p.email, bic=p.bic,
    )


def buyer_for_network(code: str, address: PostalAddress, siret: str = "", reference: str = "") -> Buyer:
    """One of the three networks of DOMAIN.md; its address (a setting) comes from the caller."""
    return Buyer(code=code, name=NETWORKS[code].name, address=address, siret=siret, reference=reference)


def discipline_label(profession: str) -> str:
    """"psychomotricien" → "Psychomotricité" (the discipline a profession provides)."""
    return DISCIPLINES[PROFESSION_DISCIPLINE[profession]]
