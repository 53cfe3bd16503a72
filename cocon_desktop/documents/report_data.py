"""Plain data of the accountant's exports and of the activity report (the services fill them, documents/ draws
them): the receipts journal's lines, the year summary for the 2035 return, a network's activity over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class JournalEntry:
    """One receipt (one payment) of the livre-journal des recettes."""

    day: date
    payer: str  # the network's name
    reference: str  # the transfer's or cheque's reference
    documents: str  # the invoice number(s) paid
    amount: Decimal
    means: str  # "Virement", "Chèque", "Autre"


@dataclass(frozen=True)
class YearSummary:
    year: int
    receipts: Decimal  # the year's receipts: the "recettes encaissées" of the 2035 return
    per_month: tuple[tuple[int, Decimal], ...]  # (1..12, receipts), every month
    per_network: tuple[tuple[str, Decimal], ...]  # (network code, receipts), networks with receipts
    invoiced: Decimal  # invoices issued in the year
    credited: Decimal  # credit notes issued in the year
    outstanding: Decimal  # invoiced in the year, not paid at 31/12


@dataclass(frozen=True)
class ChildActivity:
    inclusion_number: str
    initials: str
    seances: int  # acts held in the period (absences excluded)
    absences: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class KindCount:
    discipline: str  # label, "Psychomotricité"
    kind: str  # label, "Séance", "Bilan initial"…
    count: int


@dataclass(frozen=True)
class ActivityReport:
    network: str
    network_name: str
    period_start: date
    period_end: date
    children: tuple[ChildActivity, ...]  # children with at least one séance in the period
    by_kind: tuple[KindCount, ...]
    seances: int  # acts held (absences excluded)
    absences: int
    hors_forfait: int  # held but not billed to COCON
    invoiced: Decimal  # invoices issued in the period
    credited: Decimal  # credit notes issued in the period
    paid: Decimal  # payments received in the period
    outstanding: Decimal  # what the network still owed at the end of the period, on invoices of the period

    @property
    def net_invoiced(self) -> Decimal:
        return self.invoiced - self.credited
