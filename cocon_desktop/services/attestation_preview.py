"""An attestation seen before it is issued: the same content, no number used, nothing stored, marked « APERÇU —
non émise » on every page (documents/attestation_watermark.py); and the check that the same child, kind and
period were not issued already (issuing again would use a second number for the same care)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.attestation import Period, period_for
from cocon_desktop.models import Attestation, Child
from cocon_desktop.services.attestation_content import children_to_attest, draft
from cocon_desktop.services.signature_image import signature_png


def _render(sessions: sessionmaker[Session], child_id: int, kind: str, period: Period, issue_date: date,
            image: bytes | None) -> bytes:
    from cocon_desktop.documents.attestation_pdf import render_attestation_pdf
    from cocon_desktop.documents.attestation_watermark import NUMBER

    content = draft(sessions, child_id, kind, period, issue_date, image, False)
    return render_attestation_pdf(replace(content, number=NUMBER))


def preview(sessions: sessionmaker[Session], child_id: int, kind: str, period: Period, issue_date: date) -> bytes:
    """One child's attestation as it would be issued, marked « APERÇU — non émise » (a read: nothing written)."""
    from cocon_desktop.documents.attestation_watermark import mark_preview

    return mark_preview(_render(sessions, child_id, kind, period_for(kind, period), issue_date,
                                signature_png(sessions)))


def preview_batch(sessions: sessionmaker[Session], kind: str, period: Period, issue_date: date
                  ) -> tuple[bytes, int]:
    """Every attestation the batch would issue (those not issued yet), in one marked file; and how many."""
    from cocon_desktop.documents.attestation_watermark import mark_preview
    from cocon_desktop.documents.duplicata import combine

    period = period_for(kind, period)
    image = signature_png(sessions)
    done = issued_children(sessions, kind, period)
    children = [c for c in children_to_attest(sessions, kind, period) if c not in done]
    if not children:
        return b"", 0
    pdfs = [_render(sessions, child_id, kind, period, issue_date, image) for child_id in children]
    return mark_preview(combine(pdfs)), len(children)


def issued_children(sessions: sessionmaker[Session], kind: str, period: Period) -> set[int]:
    """The children who already have this kind of attestation for exactly this period."""
    with sessions() as session:
        return set(session.scalars(select(Attestation.child_id).where(
            Attestation.kind == kind, Attestation.period_start == period.first,
            Attestation.period_end == period.last)))


def already_issued(session: Session, child_id: int, kind: str, period: Period) -> tuple[str, date] | None:
    """(number, issue date) of the first attestation of this child, kind and period, if there is one."""
    row = session.execute(
        select(Attestation.number, Attestation.issue_date).join(Child, Child.id == Attestation.child_id)
        .where(Attestation.child_id == child_id, Attestation.kind == kind, Attestation.period_start == period.first,
               Attestation.period_end == period.last)
        .order_by(Attestation.year, Attestation.sequence).limit(1)).first()
    return (row[0], row[1]) if row is not None else None
