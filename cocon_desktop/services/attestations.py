"""Attestations for the families: issued (numbered ATT-YYYY-NNNN without gap, rendered, signed, stored as issued),
listed per child, reprinted as a "DUPLICATA" of the very bytes issued, and issued for every child at once.

Signature: the image of the handwritten signature when the practice keeps one (services/signature_image.py) and
the practice's PAdES signature (services/signing_identities.py). An identity on a PKCS#11 token needs its PIN:
without one, the attestation is issued with the image only and the result says so (`pades_skipped`).

Chained (schema 0014, services/chains.py): each attestation's link over the one issued before it, computed in the
issuing transaction (which holds the write lock from its start: two issuers never chain onto the same row)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.db.engine import IMMEDIATE
from cocon_desktop.documents.attestation_data import AttestationData
from cocon_desktop.domain.attestation import KINDS, Period, number, period_for
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Attestation, Child
from cocon_desktop.services import audit
from cocon_desktop.services.attestation_content import children_to_attest, draft
from cocon_desktop.services.attestation_preview import already_issued, issued_children
from cocon_desktop.services.chains import GENESIS, attestation_hash
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.progress import Progress
from cocon_desktop.services.signature_image import signature_png
from cocon_desktop.services.signing_identities import active_identity

Sign = Callable[[bytes], bytes]


@dataclass(frozen=True)
class IssuedAttestation:
    id: int
    number: str
    kind: str
    child_id: int
    child_name: str
    inclusion_number: str
    issue_date: date
    period_start: date
    period_end: date
    seance_count: int
    signed_pades: bool
    signature_image: bool

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class AttestationResult:
    attestation: IssuedAttestation
    pdf: bytes
    pades_skipped: bool = False  # a token identity and no PIN: the image signature only

    @property
    def unsigned(self) -> bool:
        """Neither PAdES nor an image: to be signed by hand once printed."""
        return not (self.attestation.signed_pades or self.attestation.signature_image)


@dataclass(frozen=True)
class BatchResult:
    results: list[AttestationResult]
    total: int  # children with something to attest
    cancelled: bool
    pades_skipped: bool
    already: int = 0  # children who have this attestation already (left out: reprint their duplicata)

    @property
    def pdfs(self) -> list[bytes]:
        return [r.pdf for r in self.results]


def needs_pin(sessions: sessionmaker[Session]) -> bool:
    """The practice signs with a PKCS#11 token: the PAdES signature needs its PIN (never stored)."""
    return active_identity(sessions).token is not None


def signer(sessions: sessionmaker[Session], pin: str | None) -> Sign | None:
    """The PAdES signing function, or None for a token without PIN. A token is opened once here, so that a
    missing card or a wrong PIN stops before any number is taken."""
    # the PDF stack (reportlab, pyHanko, pypdf: ~1 s to import) is imported when a document is made, not at start
    from cocon_desktop.documents.signing import ATTESTATION_REASON, sign_pdf
    from cocon_desktop.documents.signing_pkcs11 import read_certificate, sign_pdf_pkcs11

    identity = active_identity(sessions)
    if identity.token is not None:
        token = identity.token
        if not pin:
            return None
        if read_certificate(token, pin) != identity.certificate_pem:
            raise CoconError("pkcs11_certificate_changed")
        return lambda pdf: sign_pdf_pkcs11(pdf, token.module_path, token.token_label, token.key_label, pin,
                                           reason=ATTESTATION_REASON)
    if identity.private_key_der is None:
        raise CoconError("signing_key_unavailable")
    key, certificate = identity.private_key_der, identity.certificate_pem
    return lambda pdf: sign_pdf(pdf, certificate, key, reason=ATTESTATION_REASON)


def render_attestation_pdf(data: AttestationData) -> bytes:
    """documents.attestation_pdf's, imported on first use (reportlab, Pillow: not at the program's start)."""
    from cocon_desktop.documents.attestation_pdf import render_attestation_pdf as render

    return render(data)


def _next_sequence(session: Session, year: int) -> int:
    return int(session.scalar(select(func.max(Attestation.sequence)).where(Attestation.year == year)) or 0) + 1


def _last_link(session: Session) -> str:
    return session.scalar(select(Attestation.chain_hash).order_by(Attestation.id.desc()).limit(1)) or GENESIS


def _issued(row: Attestation, child: Child) -> IssuedAttestation:
    name = f"{child.last_name.upper()} {child.first_name}"
    return IssuedAttestation(row.id, row.number, row.kind, row.child_id, name, child.inclusion_number,
                             row.issue_date, row.period_start, row.period_end, row.seance_count, row.signed_pades,
                             row.signature_image)


def _issue_one(sessions: sessionmaker[Session], child_id: int, kind: str, period: Period, issue_date: date,
               sign: Sign | None, image: bytes | None) -> AttestationResult:
    content = draft(sessions, child_id, kind, period, issue_date, image, sign is not None)
    with sessions.begin() as session:
        session.connection(execution_options={IMMEDIATE: True})  # read the last number and write, uninterrupted
        sequence = _next_sequence(session, issue_date.year)
        data = replace(content, number=number(issue_date.year, sequence))
        pdf = render_attestation_pdf(data)
        if sign is not None:
            pdf = sign(pdf)
        pdf_sha256, prev = hashlib.sha256(pdf).hexdigest(), _last_link(session)
        row = Attestation(number=data.number, year=issue_date.year, sequence=sequence, kind=kind, child_id=child_id,
                          issue_date=issue_date, period_start=period.first, period_end=period.last,
                          seance_count=len(data.seances), signed_pades=sign is not None,
                          signature_image=image is not None, pdf=pdf, pdf_sha256=pdf_sha256,
                          created_at=datetime.now(UTC), prev_chain=prev,
                          chain_hash=attestation_hash(prev, data.number, kind, child_id, issue_date, period.first,
                                                      period.last, len(data.seances), sign is not None,
                                                      image is not None, pdf_sha256))
        session.add(row)
        session.flush()
        audit.record(session, "attestation", row.id, "issue", child_id,
                     {"number": (None, data.number), "kind": (None, kind)})
        child = session.get(Child, child_id)
        assert child is not None  # draft() found it
        return AttestationResult(_issued(row, child), pdf)


@writes(Changes.ATTESTATIONS)
def issue(sessions: sessionmaker[Session], child_id: int, kind: str, period: Period, issue_date: date,
          pin: str | None = None, *, pades: bool = True, again: bool = False) -> AttestationResult:
    """One attestation, numbered, signed and stored in one transaction (nothing is numbered if anything fails).

    `period` is the one asked for; an annual attestation covers the calendar year of its start. The same child,
    kind and period issued before: CoconError "attestation_already_issued" (its number and date: reprint its
    duplicata), unless `again` (a corrected attestation, knowingly a second number)."""
    period = period_for(kind, period)
    if not again:
        with sessions() as session:
            found = already_issued(session, child_id, kind, period)
        if found is not None:
            raise CoconError("attestation_already_issued", number=found[0], date=found[1].strftime("%d/%m/%Y"))
    sign = signer(sessions, pin) if pades else None
    skipped = pades and sign is None
    result = _issue_one(sessions, child_id, kind, period, issue_date, sign, signature_png(sessions))
    return replace(result, pades_skipped=skipped)


@writes(Changes.ATTESTATIONS)
def issue_batch(sessions: sessionmaker[Session], kind: str, period: Period, issue_date: date,
                progress: Progress | None = None, pin: str | None = None, *, pades: bool = True) -> BatchResult:
    """The attestation of every child still in the pathway with something to attest in the period, one
    transaction each: stopping (progress → False) keeps those already issued, numbered without gap."""
    period = period_for(kind, period)
    sign = signer(sessions, pin) if pades else None
    image = signature_png(sessions)
    done = issued_children(sessions, kind, period)  # never a second number for the same care
    every = children_to_attest(sessions, kind, period)
    children = [child_id for child_id in every if child_id not in done]
    already = len(every) - len(children)
    results: list[AttestationResult] = []
    for index, child_id in enumerate(children):
        if progress is not None and progress(index, len(children)) is False:
            return BatchResult(results, len(children), True, pades and sign is None, already)
        results.append(_issue_one(sessions, child_id, kind, period, issue_date, sign, image))
    if progress is not None:
        progress(len(children), len(children))
    return BatchResult(results, len(children), False, pades and sign is None, already)


def list_attestations(sessions: sessionmaker[Session], child_id: int | None = None) -> list[IssuedAttestation]:
    """The register of issued attestations (of one child, or all), the most recent first."""
    with sessions() as session:
        statement = select(Attestation, Child).join(Child, Child.id == Attestation.child_id)
        if child_id is not None:
            statement = statement.where(Attestation.child_id == child_id)
        rows = session.execute(statement.order_by(Attestation.year.desc(), Attestation.sequence.desc())).all()
        return [_issued(row, child) for row, child in rows]


def _row(session: Session, attestation_number: str) -> Attestation:
    row = session.scalar(select(Attestation).where(Attestation.number == attestation_number.strip().upper()))
    if row is None:
        raise CoconError("attestation_not_found", number=attestation_number)
    if not row.pdf:  # the child's data was erased after the retention period: the register row only
        raise CoconError("attestation_erased", number=row.number)
    return row


def original_pdf(sessions: sessionmaker[Session], attestation_number: str) -> bytes:
    """The PDF as issued (signed if it was)."""
    with sessions() as session:
        return bytes(_row(session, attestation_number).pdf)


def reprint(sessions: sessionmaker[Session], attestation_number: str, today: date) -> bytes:
    """A duplicata: the PDF as issued, byte for byte, with "DUPLICATA" stamped on each page after it."""
    with sessions() as session:
        row = _row(session, attestation_number)
        pdf, issued_on, number_ = bytes(row.pdf), row.issue_date, row.number
    from cocon_desktop.documents.duplicata import mark_duplicata

    return mark_duplicata(pdf, number_, issued_on, today)


def batch_files(batch: BatchResult, combined: bool, label: str = "attestations") -> list[tuple[str, bytes]]:
    """What a batch writes: one PDF per child ("ATT-2026-0001_RPO-0001.pdf"), or one file to print."""
    from cocon_desktop.documents.duplicata import combine

    if combined:
        return [(f"{label}.pdf", combine(batch.pdfs))] if batch.results else []
    return [(f"{r.attestation.number}_{r.attestation.inclusion_number}.pdf", r.pdf) for r in batch.results]


def for_printing(pdf: bytes) -> bytes:
    """The copy the preview shows and prints: the signature stamp drawn as page content too (QtPdf leaves form
    widgets out). The file saved or given stays the one issued."""
    from cocon_desktop.documents.duplicata import printable

    return printable(pdf)
