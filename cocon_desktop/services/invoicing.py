"""Issuing invoices and credit notes: gap-free numbering in the issuing transaction, a signed PDF stored with
its SHA-256, and a hash chain over every document so that `cocon verify` sees any change made behind our back."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.db.engine import IMMEDIATE
from cocon_desktop.domain.money import from_cents, to_cents
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.domain.tariff_milestones import MILESTONES, PER_SEANCE
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Invoice, InvoiceLine
from cocon_desktop.services import audit, number_witness, settings_store
from cocon_desktop.services.invoice_drafts import (
    DraftInvoice,
    DraftLine,
    billable_lines,
    group,
    is_cocon_network,
    payer_tariff,
)
from cocon_desktop.services.milestone_drafts import billable_milestones, credited_label
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.services.progress import Progress
from cocon_desktop.services.tariff_store import load_tariffs

PREFIX = {"invoice": "FAC", "credit_note": "AV"}
GENESIS = "0" * 64


@dataclass(frozen=True)
class RenderRequest:
    """Everything a document needs, as plain data (documents/ turns it into signed PDF bytes)."""

    number: str
    kind: str
    issue_date: date
    due_date: date
    period_start: date
    period_end: date
    network: str
    practice: PracticeProfile
    lines: tuple[DraftLine, ...]
    corrects: tuple[str, date] | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


Render = Callable[[RenderRequest], bytes]
# the signed PDFs of many requests, in their order (documents/render_pool.py: on every core)
RenderMany = Callable[[Sequence[RenderRequest]], Generator[bytes, None, None]]


@dataclass(frozen=True)
class IssuedDocument:
    id: int
    number: str
    kind: str
    issue_date: date
    total: Decimal
    pdf_sha256: str


class RunCancelled(CoconError):
    def __init__(self) -> None:
        super().__init__("invoice_run_cancelled")


def lines_digest(lines: Sequence[tuple[object, ...]]) -> str:
    """(line_no, seance_id, credited_line_id, day, inclusion, kind, amount_cents) of every line, hashed."""
    text = "\n".join(sorted("|".join(str(v) for v in line) for line in lines))
    return hashlib.sha256(text.encode()).hexdigest()


def chain_hash(prev: str, number: str, kind: str, issue_date: date, total_cents: int, pdf_sha256: str,
               digest: str) -> str:
    material = f"{prev}|{number}|{kind}|{issue_date.isoformat()}|{total_cents}|{pdf_sha256}|{digest}"
    return hashlib.sha256(material.encode()).hexdigest()


def _next_number(session: Session, kind: str, year: int,
                 witnessed: Mapping[str, int] | None = None) -> tuple[int, str]:
    """The series' next number: after its last, and after a confirmed resume; never one that `witnessed` (series →
    the highest number an outside witness knows: services/number_witness.py) says exists already (CoconError
    "numbering_behind_witness": the database was put back from an older copy)."""
    last = session.scalar(select(func.max(Invoice.sequence)).where(Invoice.kind == kind, Invoice.year == year))
    sequence = number_witness.next_sequence(session, kind, year, int(last or 0), witnessed)
    return sequence, f"{PREFIX[kind]}-{year}-{sequence:04d}"


def _last_chain(session: Session) -> str:
    return session.scalar(select(Invoice.chain_hash).order_by(Invoice.id.desc()).limit(1)) or GENESIS


def _store(session: Session, request: RenderRequest, sequence: int, pdf: bytes, child_id: int | None,
           corrects_id: int | None, credited: dict[int, int] | None = None) -> IssuedDocument:
    """Insert the document and its lines in the open transaction (never updated afterwards). `credited`: a credit
    note's line number → the id of the invoice line it cancels."""
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    line_values = []
    for number, line in enumerate(request.lines, start=1):
        credited_id = credited.get(number) if credited else None
        line_values.append((number, line.seance_id, credited_id, line.day, line.inclusion_number, line.kind,
                            to_cents(line.amount)))
    total_cents = to_cents(request.total)
    prev = _last_chain(session)
    invoice = Invoice(number=request.number, kind=request.kind, year=request.issue_date.year, sequence=sequence,
                      issue_date=request.issue_date, period_start=request.period_start, period_end=request.period_end,
                      network=request.network, child_id=child_id, corrects_id=corrects_id, total_cents=total_cents,
                      due_date=request.due_date, pdf=pdf, pdf_sha256=pdf_sha, prev_chain=prev,
                      chain_hash=chain_hash(prev, request.number, request.kind, request.issue_date, total_cents,
                                            pdf_sha, lines_digest(line_values)),
                      created_at=datetime.now(UTC))
    session.add(invoice)
    session.flush()
    for (number, seance_id, credited_id, day, inclusion, kind, amount), line in zip(
            line_values, request.lines, strict=True):
        session.add(InvoiceLine(invoice_id=invoice.id, line_no=number, seance_id=seance_id,
                                credited_line_id=credited_id, service_day=day, inclusion_number=inclusion,
                                initials=line.initials, discipline=line.discipline, seance_kind=kind,
                                amount_cents=amount, prescription_id=line.prescription_id))
    session.flush()
    audit.record(session, request.kind, invoice.id, "issue", child_id,
                 {"number": (None, request.number), "total_cents": (None, total_cents)})
    return IssuedDocument(invoice.id, request.number, request.kind, request.issue_date, request.total, pdf_sha)


def payment_term_days(sessions: sessionmaker[Session]) -> int:
    """The payment term printed on invoices, in days (a setting)."""
    return int(settings_store.get(sessions, settings.PAYMENT_TERM_DAYS))


def _numbered_requests(session: Session, drafts: Sequence[DraftInvoice], issue_date: date, due: date, first: date,
                       last: date, network: str, practice: PracticeProfile,
                       witnessed: Mapping[str, int] | None) -> list[RenderRequest]:
    """The run's requests with their numbers: consecutive from the series' next one (witness checked once, for the
    first; the others follow it in the same transaction, which holds the write lock)."""
    if not drafts:
        return []
    sequence, _ = _next_number(session, "invoice", issue_date.year, witnessed)
    return [RenderRequest(f"{PREFIX['invoice']}-{issue_date.year}-{sequence + offset:04d}", "invoice", issue_date,
                          due, first, last, network, practice, draft.lines)
            for offset, draft in enumerate(drafts)]


def payment_modes(tariff: NetworkTariff | None) -> set[str]:
    """How the tariff's forfaits are paid, over all its versions: per séance, at milestones, or both."""
    return {rule.payment for version in (tariff.versions if tariff else ()) for rule in version.forfaits}


def run_lines(session: Session, network: str, first: date, last: date,
              tariffs: dict[str, NetworkTariff]) -> list[DraftLine]:
    """The run's lines, as the payer's tariff pays: its billable séances (a COCON network's, or those of another
    payer's forfaits paid per séance), its milestones reached (the PCO's packages), by child then by day when it has
    both."""
    if is_cocon_network(session, network):
        return billable_lines(session, network, first, last, tariffs)
    modes = payment_modes(payer_tariff(session, network, tariffs)) or {PER_SEANCE}
    per_seance = billable_lines(session, network, first, last, tariffs) if PER_SEANCE in modes else []
    milestones = billable_milestones(session, network, first, last, tariffs) if MILESTONES in modes else []
    if per_seance and milestones:
        return sorted([*per_seance, *milestones], key=lambda line: (line.child_id, line.day))
    return per_seance or milestones


def run_grouping(session: Session, network: str, tariffs: dict[str, NetworkTariff]) -> str:
    """per_child or per_network, as the payer's tariff says (per child when it has none)."""
    tariff = payer_tariff(session, network, tariffs)
    return tariff.billing_grouping if tariff is not None else "per_child"


def preview_run(sessions: sessionmaker[Session], network: str, first: date, last: date) -> list[DraftInvoice]:
    """What `issue_run` would issue for a payer: a COCON network, a configured one or a fixed one of another
    pathway (nothing is written)."""
    tariffs = load_tariffs(sessions)
    with sessions() as session:
        grouping = run_grouping(session, network, tariffs)
        return group(run_lines(session, network, first, last, tariffs), network, first, last, grouping)


def issue_run(sessions: sessionmaker[Session], network: str, first: date, last: date, issue_date: date,
              render: Render, progress: Progress | None = None,
              witnessed: Mapping[str, int] | None = None,
              render_many: RenderMany | None = None) -> list[IssuedDocument]:
    """Issue every invoice of the period in ONE transaction: all numbered and stored, or none (no gap).
    `witnessed`: what the numbering's outside witnesses know (see `_next_number`). `render_many`: renders the
    whole run at once (on every core); the numbers are given before rendering — one series, consecutive from the
    next free one — and each is checked again against the database when its document is stored."""
    tariffs = load_tariffs(sessions)
    practice = load_profile(sessions)
    due = issue_date + timedelta(days=payment_term_days(sessions))
    issued: list[IssuedDocument] = []
    with sessions.begin() as session:
        session.connection(execution_options={IMMEDIATE: True})
        drafts: list[DraftInvoice] = group(run_lines(session, network, first, last, tariffs), network, first,
                                           last, run_grouping(session, network, tariffs))
        requests = _numbered_requests(session, drafts, issue_date, due, first, last, network, practice, witnessed)
        pdfs = render_many(requests) if render_many else (render(r) for r in requests)
        with contextlib.closing(pdfs):  # a cancelled run stops the workers now, not when the traceback goes
            for index, (draft, request, pdf) in enumerate(zip(drafts, requests, pdfs, strict=True)):
                if progress is not None and progress(index, len(drafts)) is False:
                    raise RunCancelled()
                sequence, number = _next_number(session, "invoice", issue_date.year, witnessed)
                if number != request.number:  # the numbers were given in advance: they must still be the next
                    raise CoconError("invoice_run_numbering_moved", expected=request.number, number=number)
                issued.append(_store(session, request, sequence, pdf, draft.child_id, None))
        if progress is not None:
            progress(len(drafts), len(drafts))
    return issued


def credit_note(sessions: sessionmaker[Session], invoice_number: str, line_numbers: list[int] | None,
                issue_date: date, render: Render, witnessed: Mapping[str, int] | None = None) -> IssuedDocument:
    """A facture d'avoir cancelling the whole invoice or some of its lines; their séances become billable again."""
    practice = load_profile(sessions)
    tariffs = load_tariffs(sessions)  # a milestone line's words
    due = issue_date + timedelta(days=payment_term_days(sessions))
    with sessions.begin() as session:
        session.connection(execution_options={IMMEDIATE: True})
        original = session.scalar(select(Invoice).where(Invoice.number == invoice_number.strip().upper()))
        if original is None or original.kind != "invoice":
            raise CoconError("invoice_not_found", number=invoice_number)
        rows = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == original.id)
                               .order_by(InvoiceLine.line_no)).all()
        already = set(session.scalars(select(InvoiceLine.credited_line_id).where(
            InvoiceLine.credited_line_id.in_([r.id for r in rows]))))
        wanted = [r for r in rows if (line_numbers is None or r.line_no in line_numbers) and r.id not in already]
        unknown = sorted(set(line_numbers or []) - {r.line_no for r in rows})
        if unknown:
            raise CoconError("invoice_line_unknown", number=original.number, lines=", ".join(map(str, unknown)))
        if not wanted:
            raise CoconError("nothing_to_credit", number=original.number)
        lines = tuple(DraftLine(r.seance_id, r.service_day, original.child_id or 0, r.inclusion_number,
                                r.initials, r.discipline, r.seance_kind, from_cents(r.amount_cents),
                                prescription_id=r.prescription_id,
                                label=credited_label(session, r.prescription_id, r.seance_kind, tariffs))
                      for r in wanted)
        sequence, number = _next_number(session, "credit_note", issue_date.year, witnessed)
        request = RenderRequest(number, "credit_note", issue_date, due, original.period_start, original.period_end,
                                original.network, practice, lines, (original.number, original.issue_date))
        credited = {number: r.id for number, r in enumerate(wanted, start=1)}  # by line: a milestone has no séance
        return _store(session, request, sequence, render(request), original.child_id, original.id, credited)


def document_pdf(sessions: sessionmaker[Session], number: str) -> bytes:
    with sessions() as session:
        pdf = session.scalar(select(Invoice.pdf).where(Invoice.number == number.strip().upper()))
        if pdf is None:
            raise CoconError("invoice_not_found", number=number)
        return bytes(pdf)


def document_network(sessions: sessionmaker[Session], number: str) -> str:
    with sessions() as session:
        network = session.scalar(select(Invoice.network).where(Invoice.number == number.strip().upper()))
        if network is None:
            raise CoconError("invoice_not_found", number=number)
        return network
