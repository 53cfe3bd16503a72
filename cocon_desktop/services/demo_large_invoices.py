"""The large demo's invoices: every month invoiced per child as the networks group them, numbered FAC-YYYY-NNNN
without gap per year, chained (prev_chain → chain_hash exactly as invoicing._store computes it) and anchored.

Months older than the `signed_months` last invoiced ones are bulk-written in the demo's transaction, each with
its own compact unsigned PDF (documents/archive_pdf.py) whose SHA-256 the chain holds, paid (but 1 in 97),
closed in a batch per network and month that the network received. The `signed_months` recent months go
through the real invoice run (issue_period: rendered, Factur-X, PAdES-signed, then chain-head.json written);
the previous month stays to invoice, as in the small demo. Older months are priced with the earliest tariff
version (the fictitious history goes back before the pathway's first published tariffs)."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cocon_desktop.documents.archive_pdf import archive_invoice_pdf
from cocon_desktop.domain.money import to_cents
from cocon_desktop.domain.seance import KINDS
from cocon_desktop.models import Batch, BatchDocument, Invoice, InvoiceEvent, InvoiceLine, OutboxEntry, Payment
from cocon_desktop.services.demo_invoices import DEMO_ADDRESSES
from cocon_desktop.services.demo_large import LargeData, SeanceRow, bulk
from cocon_desktop.services.invoice_documents import issue_period, set_network_address
from cocon_desktop.services.invoice_drafts import price
from cocon_desktop.services.invoice_verify import write_anchor
from cocon_desktop.services.invoicing import GENESIS, PREFIX, chain_hash, lines_digest, payment_term_days
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.tariff_store import load_tariffs

UNPAID_EVERY = 97  # one archived invoice in 97 is still unpaid (the unpaid list reaches back years)
README = ("Lot du cabinet de démonstration à grande échelle : ce fichier remplace le lot réel (les factures "
          "archivées de la démonstration ne sont pas signées). Voir docs/performance.md.\n")


@dataclass(frozen=True)
class Archived:
    invoices: int
    last_month: date  # first day of the last month bulk-invoiced


def months_back(today: date, back: int) -> tuple[date, date]:
    """The month `back` months before today's (1 = the previous month): (first day, last day)."""
    year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
    first = date(year, month + 1, 1)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _by_month(seances: list[SeanceRow], children: dict[int, tuple[str, str, str, str]]
              ) -> dict[date, dict[str, dict[str, list[SeanceRow]]]]:
    """month → network → inclusion number → billable séances (out of forfait ones are never billed)."""
    out: dict[date, dict[str, dict[str, list[SeanceRow]]]] = {}
    for row in seances:
        if row.out_of_forfait:
            continue
        inclusion, network, _, _ = children[row.child]
        out.setdefault(row.day.replace(day=1), {}).setdefault(network, {}).setdefault(inclusion, []).append(row)
    return out


class _Writer:
    """Accumulates the rows of every archived document, chaining them as they are numbered."""

    def __init__(self, data: LargeData, term_days: int, seller: str) -> None:
        self.data, self.term_days, self.seller = data, term_days, seller
        self.invoices: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.sequence: dict[int, int] = {}
        self.previous = GENESIS
        self.created = datetime.now(UTC)

    def add(self, network: str, first: date, last: date, issue: date, rows: list[SeanceRow],
            prices: dict[tuple[str, str], int]) -> int:
        inclusion, _, initials, discipline = self.data.children[rows[0].child]
        iid = len(self.invoices) + 1
        year = issue.year
        sequence = self.sequence[year] = self.sequence.get(year, 0) + 1
        number = f"{PREFIX['invoice']}-{year}-{sequence:04d}"
        values = []
        for line_no, row in enumerate(sorted(rows, key=lambda r: (r.day, r.id)), start=1):
            amount = prices[(network, "bilan" if row.kind.startswith("bilan") else "session")]
            values.append((line_no, row.id, None, row.day, inclusion, row.kind, amount))
            self.lines.append(dict(id=len(self.lines) + 1, invoice_id=iid, line_no=line_no, seance_id=row.id,
                                   credited_line_id=None, service_day=row.day, inclusion_number=inclusion,
                                   initials=initials, discipline=discipline, seance_kind=row.kind,
                                   amount_cents=amount))
        total = sum(v[-1] for v in values)
        pdf = archive_invoice_pdf(number, issue, (first, last), network, self.seller,
                                  [(v[3], inclusion, initials, KINDS[v[5]], v[6]) for v in values], total)
        pdf_sha = hashlib.sha256(pdf).hexdigest()
        chained = chain_hash(self.previous, number, "invoice", issue, total, pdf_sha, lines_digest(values))
        self.invoices.append(dict(
            id=iid, number=number, kind="invoice", year=year, sequence=sequence, issue_date=issue,
            period_start=first, period_end=last, network=network, child_id=rows[0].child, corrects_id=None,
            total_cents=total, due_date=issue + timedelta(days=self.term_days), pdf=pdf, pdf_sha256=pdf_sha,
            prev_chain=self.previous, chain_hash=chained, created_at=self.created))
        self.previous = chained
        return iid


def _prices(practice: Practice) -> dict[tuple[str, str], int]:
    """(network, "bilan" | "session") → cents, from the earliest tariff version of each network."""
    tariffs = load_tariffs(practice.sessions)
    out = {}
    for network in DEMO_ADDRESSES:
        earliest = tariffs[network].versions[0].effective_from
        for kind, seance_kind in (("bilan", "bilan_initial"), ("session", "seance")):
            out[(network, kind)] = to_cents(price(tariffs[network], "precoce_0_24", "psychomotricite", earliest,
                                               seance_kind))
    return out


def _batch_zip(network: str, first: date) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(f"LISEZMOI-{network}-{first:%Y-%m}.txt", README)
    return out.getvalue()


def add_archived_invoices(practice: Practice, session: Session, data: LargeData, signed_months: int) -> Archived:
    """Bulk-write the archived months' invoices, lines, payments, batches and events in `session`'s transaction
    (`set_addresses` first: this one holds the write lock)."""
    term_days = payment_term_days(practice.sessions)
    writer = _Writer(data, term_days, practice_seller(practice))
    prices = _prices(practice)
    rng = random.Random(20260902)
    last_archived = months_back(data.today, 2 + signed_months)[0]
    batches: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    for month, networks in sorted(_by_month(data.seances, data.children).items()):
        if month > last_archived:
            continue
        first, last = month, (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        issue = min(data.today, last + timedelta(days=3))
        closed = datetime.combine(issue + timedelta(days=1), time(10, 0), tzinfo=UTC)
        for network in DEMO_ADDRESSES:
            by_child = networks.get(network, {})
            if not by_child:
                continue
            ids = [writer.add(network, first, last, issue, by_child[inclusion], prices)
                   for inclusion in sorted(by_child)]
            batch_pk = len(batches) + 1
            batch_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            archive = _batch_zip(network, first)
            total = sum(writer.invoices[i - 1]["total_cents"] for i in ids)
            batches.append(dict(
                id=batch_pk, batch_id=batch_uuid, network=network, period_start=first, period_end=last,
                created_at=closed, file_name=f"COCON-{network}-{first:%Y-%m}-{batch_uuid[:8]}.zip", zip=archive,
                zip_sha256=hashlib.sha256(archive).hexdigest(), documents=len(ids), total_cents=total, state="recu",
                receipt_id=f"DEMO-{batch_uuid[:8].upper()}", received_at=closed + timedelta(minutes=2), reason="",
                exported_at=None, updated_at=closed + timedelta(minutes=2)))
            outbox.append(dict(batch_pk=batch_pk, attempts=1, next_attempt_at=closed, last_attempt_at=closed,
                               last_error="", delivered_at=closed + timedelta(minutes=2)))
            for iid in ids:
                members.append(dict(batch_pk=batch_pk, invoice_id=iid))
                events.append(dict(invoice_id=iid, kind="sent", at=closed + timedelta(minutes=2),
                                   detail=f"lot {batch_uuid} reçu par le réseau"))
                paid_on = issue + timedelta(days=rng.randint(15, 50))
                if iid % UNPAID_EVERY and paid_on < data.today:
                    payments.append(dict(invoice_id=iid, day=paid_on, amount_cents=writer.invoices[iid - 1]
                                         ["total_cents"], reference=f"VIR-{network}-{first:%Y%m}-{iid}",
                                         means="virement", created_at=writer.created))
    bulk(session, Invoice, writer.invoices)
    bulk(session, InvoiceLine, writer.lines)
    bulk(session, Batch, batches)
    bulk(session, BatchDocument, members)
    bulk(session, OutboxEntry, outbox)
    bulk(session, InvoiceEvent, events)
    bulk(session, Payment, payments)
    return Archived(len(writer.invoices), last_archived)


def set_addresses(practice: Practice) -> None:
    for code, address in DEMO_ADDRESSES.items():
        set_network_address(practice.sessions, code, address)


def practice_seller(practice: Practice) -> str:
    from cocon_desktop.services.practice_profile import load_profile

    profile = load_profile(practice.sessions)
    return f"{profile.name} — {profile.trade_name}"


def issue_recent_months(practice: Practice, data: LargeData, archived: Archived, signed_months: int) -> int:
    """The `signed_months` months after the archived ones, through the real invoice run; anchors the chain."""
    issued = 0
    for back in range(1 + signed_months, 1, -1):  # oldest first, so that numbers follow the dates
        first, last = months_back(data.today, back)
        for network in DEMO_ADDRESSES:
            issued += len(issue_period(practice, network, first, last, min(data.today, last + timedelta(days=3))))
    write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    return archived.invoices + issued
