"""The FEC of a fiscal year (domain/fec.py says the rules of LPF art. A.47 A-1): the receipts of the year (bank
journal), and, when the practice keeps accrual entries (« engagements »), the invoices and credit notes issued in the
year (sales journal) with the receipts settling the network's customer account. The chart of accounts is a few
settings the practice edits (Paramètres › Comptabilité); nothing is stored by the export itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.domain import fec
from cocon_desktop.domain.money import from_cents
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Invoice, Payment
from cocon_desktop.services import settings_store
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.journal import payer_name, payer_names
from cocon_desktop.services.payments import MEANS
from cocon_desktop.services.practice_profile import load_profile

PARIS = ZoneInfo("Europe/Paris")
NATURE = "Prestations de services"

RECEIPTS_ACCOUNT = settings.SettingVar("fec_account_receipts", str, "706", "Compte de recettes (honoraires)")
BANK_ACCOUNT = settings.SettingVar("fec_account_bank", str, "512", "Compte de banque")
CUSTOMERS_ACCOUNT = settings.SettingVar("fec_account_customers", str, "411", "Compte clients (réseaux)")
ACCRUAL = settings.SettingVar("fec_accrual", bool, False, "Écritures d'engagement (factures et avoirs)")
AUXILIARIES = {code: settings.SettingVar(f"fec_auxiliary_{code}", str, code, f"Compte auxiliaire du réseau {code}")
               for code in NETWORKS}


@dataclass(frozen=True)
class FecFile:
    name: str  # SIREN + "FEC" + closing date + ".txt"
    data: bytes
    entries: int
    receipts: Decimal  # the year's receipts (the bank journal's debits)


def load_chart(sessions: sessionmaker[Session]) -> fec.Chart:
    get = settings_store.get
    return fec.Chart(receipts=get(sessions, RECEIPTS_ACCOUNT), bank=get(sessions, BANK_ACCOUNT),
                     customers=get(sessions, CUSTOMERS_ACCOUNT),
                     auxiliaries={code: get(sessions, var) for code, var in AUXILIARIES.items()},
                     accrual=bool(get(sessions, ACCRUAL)))


@writes(Changes.SETTINGS)
def save_chart(sessions: sessionmaker[Session], chart: fec.Chart) -> fec.Chart:
    """Every account checked (3 to 20 letters or digits) before any is stored."""
    accounts = {"receipts": chart.receipts, "bank": chart.bank, "customers": chart.customers,
                **{f"auxiliary_{code}": chart.auxiliary(code) for code in AUXILIARIES}}
    errors = [FieldError(name, "fec_account_invalid", {"value": value[:24]})
              for name, value in accounts.items() if not fec.valid_account(value)]
    if errors:
        raise ValidationError(errors)
    for var, value in ((RECEIPTS_ACCOUNT, chart.receipts), (BANK_ACCOUNT, chart.bank),
                       (CUSTOMERS_ACCOUNT, chart.customers), (ACCRUAL, chart.accrual),
                       *((var, chart.auxiliary(code)) for code, var in AUXILIARIES.items())):
        settings_store.put(sessions, var, value)
    return load_chart(sessions)


def _valid_day(moment: datetime, day: date) -> date:
    """When the entry was validated: the day it was recorded (Paris time), never before the day of the operation
    (a payment entered ahead, or a practice's data entered afterwards)."""
    return max(moment.astimezone(PARIS).date(), day)


def _receipt(chart: fec.Chart, payment: Payment, invoice: Invoice, names: dict[str, str]) -> fec.Entry:
    value = from_cents(payment.amount_cents)
    payer = payer_name(invoice.network, names)
    means = MEANS.get(payment.means, payment.means)
    if chart.accrual:
        other = fec.Line(chart.customers, fec.ACCOUNT_LABELS["customers"], Decimal(0), value,
                         chart.auxiliary(invoice.network), payer)
    else:
        other = fec.Line(chart.receipts, fec.ACCOUNT_LABELS["receipts"], Decimal(0), value)
    label = f"Règlement {invoice.number} {payer}" + (f" {payment.reference}" if payment.reference else "")
    return fec.Entry("BQ", "Banque", payment.day, invoice.number, invoice.issue_date, label,
                     _valid_day(payment.created_at, payment.day),
                     (fec.Line(chart.bank, fec.ACCOUNT_LABELS["bank"], value, Decimal(0)), other),
                     paid_on=payment.day, means=means, nature=NATURE, client=invoice.network)


def _sale(chart: fec.Chart, invoice: Invoice, names: dict[str, str]) -> fec.Entry:
    value = from_cents(abs(invoice.total_cents))
    payer = payer_name(invoice.network, names)
    customer = (chart.customers, fec.ACCOUNT_LABELS["customers"], chart.auxiliary(invoice.network), payer)
    if invoice.kind == "credit_note":
        lines = (fec.Line(chart.receipts, fec.ACCOUNT_LABELS["receipts"], value, Decimal(0)),
                 fec.Line(customer[0], customer[1], Decimal(0), value, customer[2], customer[3]))
        label = f"Avoir {invoice.number} {payer}"
    else:
        lines = (fec.Line(customer[0], customer[1], value, Decimal(0), customer[2], customer[3]),
                 fec.Line(chart.receipts, fec.ACCOUNT_LABELS["receipts"], Decimal(0), value))
        label = f"Facture {invoice.number} {payer}"
    return fec.Entry("VT", "Ventes", invoice.issue_date, invoice.number, invoice.issue_date, label,
                     _valid_day(invoice.created_at, invoice.issue_date), lines, nature=NATURE, client=invoice.network)


def fec_entries(sessions: sessionmaker[Session], year: int, chart: fec.Chart) -> list[fec.Entry]:
    """The entries of `year` in the order of validation (then of date), as they are numbered."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    with sessions() as session:
        keyed: list[tuple[tuple[date, date, int, int], fec.Entry]] = []
        names = payer_names(session)  # a PCO's name (PCO1 → « PCO-TND de la Gironde »), its code its auxiliary
        for payment, invoice in session.execute(
                select(Payment, Invoice).join(Invoice, Invoice.id == Payment.invoice_id)
                .where(Payment.day >= first, Payment.day <= last)).all():
            entry = _receipt(chart, payment, invoice, names)
            keyed.append(((entry.valid_day, entry.day, 1, payment.id), entry))
        if chart.accrual:
            for invoice in session.scalars(select(Invoice).where(Invoice.issue_date >= first,
                                                                 Invoice.issue_date <= last)):
                entry = _sale(chart, invoice, names)
                keyed.append(((entry.valid_day, entry.day, 0, invoice.id), entry))
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def fec_file(sessions: sessionmaker[Session], year: int) -> FecFile:
    """The FEC of `year` (closing 31/12): cash-basis fields unless the practice keeps accrual entries."""
    siren = load_profile(sessions).siret[:9]
    if len(siren) != 9 or not siren.isdigit():
        raise CoconError("fec_siren_missing")
    chart = load_chart(sessions)
    entries = fec_entries(sessions, year, chart)
    receipts = sum((e.lines[0].debit for e in entries if e.journal == "BQ"), Decimal("0.00"))
    return FecFile(fec.file_name(siren, date(year, 12, 31)), fec.fec_bytes(entries, cash=not chart.accrual),
                   len(entries), receipts)
