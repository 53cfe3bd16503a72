"""What an attestation for a child's family shows: plain frozen data (the services fill it from the database).

Unlike an invoice, an attestation goes to the family: the child appears with its full name, and the guardians
who receive attestations are named as its recipients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cocon_desktop.domain.attestation import KINDS
from cocon_desktop.domain.networks import civility_sex
from cocon_desktop.messages import agreed


@dataclass(frozen=True)
class Therapist:
    name: str  # "Alice Dupont" (no "EI": that is for invoices)
    profession: str  # French label: "Orthophoniste"
    rpps: str = ""
    adeli: str = ""
    trade_name: str = ""
    address_lines: tuple[str, ...] = ()
    city: str = ""  # "Fait à {city}"
    phone: str = ""
    email: str = ""
    civility: str = ""  # "Mme", "M." or "" (not given): « Je soussignée », « Je soussigné »

    @property
    def sex(self) -> str:
        return civility_sex(self.civility)

    @property
    def identifiers(self) -> str:
        """"RPPS 10001234565 — ADELI 319912345" (what is known)."""
        parts = [f"RPPS {self.rpps}" if self.rpps else "", f"ADELI {self.adeli}" if self.adeli else ""]
        return " — ".join(p for p in parts if p)


@dataclass(frozen=True)
class Recipient:
    name: str  # "Sarah DUPONT"
    relation: str = ""  # "Mère"
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChildInfo:
    full_name: str  # "Léa DUPONT"
    birth_date: date
    inclusion_number: str
    sex: str = ""  # "F", "M": "né" or "née"

    @property
    def born(self) -> str:
        return agreed(self.sex, "né", "née")


@dataclass(frozen=True)
class ForfaitInfo:
    discipline: str  # "Orthophonie"
    forfait: str  # "Forfait de soins précoces 0–24 mois"
    prescriber: str  # "Dr Hélène ACHARD" or ""
    prescribed_on: date
    valid_from: date
    valid_until: date
    sessions_authorised: int
    bilan_included: bool
    sessions_used: int
    sessions_left: int
    bilan_used: bool


@dataclass(frozen=True)
class AttestedSeance:
    day: date
    kind: str  # French label: "Séance", "Bilan initial"
    duration_min: int
    is_bilan: bool = False


@dataclass(frozen=True)
class RelayFrame:
    """The pathway a child was handed over to (« Relais vers une PCO », issue 22), as its file words it: from `start`
    the care is in that pathway, coordinated and paid by its payer; the COCON care before stays COCON's."""

    start: date  # the first day the new payer pays
    opening: str  # « dans le cadre du parcours … (PCO-TND), coordonné par PCO-TND de la Gironde »
    mention: str  # after « Accompagnement »: « financé intégralement par la plateforme … »
    child_reference: str  # « n° de dossier PCO »
    reference: str = ""  # the child's dossier number there ("" when not given)
    label: str = ""  # « PCO-TND »


@dataclass(frozen=True)
class AttestationData:
    number: str
    kind: str  # prise_en_charge, seances, annuelle
    issue_date: date
    period_start: date
    period_end: date
    therapist: Therapist
    child: ChildInfo
    network: str  # the network's name
    recipients: tuple[Recipient, ...] = ()
    forfaits: tuple[ForfaitInfo, ...] = ()
    seances: tuple[AttestedSeance, ...] = ()
    signature_image: bytes | None = None  # PNG or JPEG of the handwritten signature
    pades: bool = False  # a PAdES signature will be added (its stamp goes bottom right of the last page)
    relay: RelayFrame | None = None  # the child went on in another pathway from relay.start (None: COCON only)

    @property
    def relayed_only(self) -> bool:
        """The whole period is in the pathway the child was handed over to."""
        return self.relay is not None and self.period_start >= self.relay.start

    @property
    def across_relay(self) -> bool:
        """The period holds the COCON care and, from the relay's day, the other pathway's."""
        return self.relay is not None and self.period_start < self.relay.start <= self.period_end

    @property
    def title(self) -> str:
        if self.kind == "annuelle":
            return f"{KINDS[self.kind]} {self.period_start.year}"
        return KINDS[self.kind]
