"""Made-up practices of a network and their REAL signed batches, built with the desktop's own renderer and signer
(issue 21): the demo network (`make network-demo`), the scale benchmark and the network's tests use them.

This module is a tool, not part of the server: cocon_network never imports cocon_desktop. Each practice gets a
self-signed certificate of its own (a fresh key, kept in memory, never written), valid identifiers (SIRET, RPPS,
IBAN with their keys) and invoices to its network drawn like the desktop draws them (PDF/A-3b, Factur-X, PAdES),
put into a batch by cocon_exchange's `build_batch` and signed like the desktop's sync signs its manifests."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from cocon_desktop.documents.invoice_data import (
    InvoiceData,
    InvoiceLine,
    InvoiceReference,
    PaymentTerms,
    PostalAddress,
    buyer_for_network,
    discipline_label,
    seller_from_profile,
)
from cocon_desktop.documents.signing import render_signed_invoice
from cocon_desktop.domain.disciplines import PROFESSION_DISCIPLINE
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.security.certificate import create_self_signed
from cocon_exchange.batch_format import BatchAct, BatchContent, BatchDocument, BatchPractice, build_batch
from cocon_exchange.manifest_signature import simple_manifest_signer
from cocon_network.server.region_data import french_iban, luhn_complete, siret_for

NETWORK_ADDRESS = PostalAddress("1 rue de l'Exemple", "13000", "Marseille", line_two="Service facturation COCON")
_FIRST = ("Camille", "Léa", "Hugo", "Inès", "Louis", "Manon", "Nathan", "Chloé", "Jules", "Sarah", "Tom", "Zoé",
          "Lucas", "Emma", "Noé", "Jade", "Adam", "Lina", "Paul", "Rose")
_LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier")
_PROFESSIONS = ("psychomotricien", "orthophoniste", "kinesitherapeute", "ergotherapeute", "psychologue",
                "orthoptiste")
_PLACES = (("13001", "Marseille", "13"), ("13100", "Aix-en-Provence", "13"), ("83000", "Toulon", "83"),
           ("84000", "Avignon", "84"), ("06000", "Nice", "06"), ("04000", "Digne-les-Bains", "04"))
_KIND_CODES = {"Séance": "seance", "Bilan initial": "bilan_initial"}
SEANCE = Decimal("40.00")
BILAN = Decimal("140.00")


@dataclass(frozen=True)
class Practice:
    """A made-up therapist under convention: `number` makes every identifier (distinct numbers, distinct ones)."""

    number: int
    name: str
    trade_name: str
    profession: str
    siret: str
    rpps: str
    iban: str
    bic: str
    postcode: str
    city: str
    departement: str

    @property
    def discipline(self) -> str:
        return PROFESSION_DISCIPLINE[self.profession]

    @property
    def profile(self) -> PracticeProfile:
        return PracticeProfile(name=self.name, trade_name=self.trade_name, profession=self.profession,
                               rpps=self.rpps, siret=self.siret, address=f"{self.number} rue des Écoles",
                               postcode=self.postcode, city=self.city, email=f"cabinet{self.number}@example.org",
                               iban=self.iban, bic=self.bic, network="RPM")


def practice(number: int, offset: int = 7000) -> Practice:
    """The `number`-th made-up practice (`offset` keeps its identifiers apart from region_data's bulk rows)."""
    n = number + offset
    name = f"{_FIRST[number % len(_FIRST)]} {_LAST[(number * 7) % len(_LAST)]}"
    postcode, city, departement = _PLACES[number % len(_PLACES)]
    profession = _PROFESSIONS[number % len(_PROFESSIONS)]
    return Practice(number=number, name=name, trade_name=f"Cabinet {city} {number}", profession=profession,
                    siret=siret_for(n), rpps=luhn_complete(f"1{n:09d}"),
                    iban=french_iban(f"30001{n:05d}{n:011d}00"), bic="BDFEFRPP", postcode=postcode, city=city,
                    departement=departement)


@functools.cache
def certificate(siret: str, legal_name: str, trade_name: str) -> tuple[bytes, bytes]:
    """The practice's signing certificate (PEM) and key (DER): made once per process, never written."""
    return create_self_signed(legal_name, trade_name, siret)


def practice_certificate(p: Practice) -> tuple[bytes, bytes]:
    return certificate(p.siret, p.profile.legal_name, p.trade_name)


@dataclass(frozen=True)
class Child:
    inclusion_number: str
    initials: str


def invoice(p: Practice, number: str, month: date, child: Child, sessions: int, *, bilan: bool = False,
            first_day: int = 3) -> InvoiceData:
    """An invoice of `month` for one child: `sessions` weekly séances (the first a bilan when `bilan`)."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    discipline = discipline_label(p.profession)
    lines = tuple(InvoiceLine(service_date=month + timedelta(days=first_day - 1 + 7 * i),
                              inclusion_number=child.inclusion_number, initials=child.initials,
                              discipline=discipline, kind="Bilan initial" if bilan and i == 0 else "Séance",
                              amount=BILAN if bilan and i == 0 else SEANCE) for i in range(sessions))
    return InvoiceData(number=number, kind="invoice", issue_date=end, period_start=month, period_end=end,
                       seller=seller_from_profile(p.profile), buyer=buyer_for_network("RPM", NETWORK_ADDRESS),
                       lines=lines, payment=PaymentTerms(days=30, due_date=end + timedelta(days=30)))


def credit_note(corrected: InvoiceData, number: str, issue_date: date, reason: str) -> InvoiceData:
    """A credit note cancelling the whole of `corrected`."""
    return InvoiceData(number=number, kind="credit_note", issue_date=issue_date,
                       period_start=corrected.period_start, period_end=corrected.period_end,
                       seller=corrected.seller, buyer=corrected.buyer, lines=corrected.lines,
                       payment=PaymentTerms(days=30, due_date=issue_date + timedelta(days=30)),
                       corrects=InvoiceReference(corrected.number, corrected.issue_date), reason=reason)


def _document(p: Practice, data: InvoiceData) -> BatchDocument:
    cert, key = practice_certificate(p)
    pdf = render_signed_invoice(data, cert, key)
    acts = tuple(BatchAct(data.number, n, line.service_date, line.inclusion_number, line.initials, p.discipline,
                          _KIND_CODES.get(line.kind, "seance"), line.amount)
                 for n, line in enumerate(data.lines, start=1))
    total = sum((line.amount for line in data.lines), Decimal("0"))
    corrects = data.corrects.number if data.corrects else None
    return BatchDocument(data.number, data.kind, data.issue_date, corrects, total, pdf, acts)


def batch(p: Practice, documents: Sequence[InvoiceData], period_start: date, period_end: date,
          batch_id: str | None = None) -> tuple[str, bytes]:
    """A real signed batch of `documents` (rendered and signed here): its id and its ZIP's bytes."""
    batch_id = batch_id or str(uuid.uuid4())
    prof = p.profile
    content = BatchContent(
        batch_id=batch_id, network="RPM", period_start=period_start, period_end=period_end,
        created_at=datetime.combine(period_end + timedelta(days=1), datetime.min.time(), UTC),
        practice=BatchPractice(name=prof.name, profession=prof.profession, rpps=prof.rpps, adeli="",
                               siret=prof.siret, address=f"{prof.address}, {prof.postcode} {prof.city}"),
        documents=tuple(_document(p, data) for data in documents))
    return batch_id, build_batch(content, simple_manifest_signer(*practice_certificate(p)))
