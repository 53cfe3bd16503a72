"""`cocon verify`, the attestations and the audit log (their chains: services/chains.py).

Attestations: the link of each, its numbering without gap per year, its PDF's SHA-256 (and, with the signatures,
the PAdES signature of those the practice signed); a PDF is missing only for an erased child (the one change
the database allows). Audit log: the link of each entry, the SHA-256 of its values while they are there (an
erasure blanks them, for an erased child only), so that an entry changed, inserted or removed is seen."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from cocon_desktop.models import Attestation, AuditEntry, Child
from cocon_desktop.services.chains import GENESIS, attestation_hash, audit_hash, sha256_text
from cocon_desktop.services.verify_invoices import Checked, SignatureCheck


def _erased_children(session: Session) -> set[int]:
    return set(session.scalars(select(Child.id).where(Child.erased_at.is_not(None))))


def check_attestations(session: Session, signature_ok: SignatureCheck | None) -> Checked:
    erased = _erased_children(session)
    previous = GENESIS
    expected: dict[int, int] = {}
    chain: list[str] = []
    rows = session.scalars(select(Attestation).order_by(Attestation.id)).all()
    for checked, row in enumerate(rows):
        where = {"number": row.number}
        if row.prev_chain != previous:
            return Checked(checked, ("attestation_chain_broken", where), chain)
        if attestation_hash(previous, row.number, row.kind, row.child_id, row.issue_date, row.period_start,
                            row.period_end, row.seance_count, row.signed_pades, row.signature_image,
                            row.pdf_sha256) != row.chain_hash:
            return Checked(checked, ("attestation_altered", where), chain)
        if row.sequence != expected.get(row.year, 0) + 1:
            return Checked(checked, ("attestation_numbering_gap", {**where, "expected": expected.get(row.year, 0)
                                                                    + 1}), chain)
        expected[row.year] = row.sequence
        pdf = bytes(row.pdf or b"")
        if not pdf:
            if row.child_id not in erased:
                return Checked(checked, ("attestation_pdf_removed", where), chain)
        elif hashlib.sha256(pdf).hexdigest() != row.pdf_sha256:
            return Checked(checked, ("attestation_pdf_altered", where), chain)
        elif row.signed_pades and signature_ok is not None and not signature_ok(pdf):
            return Checked(checked, ("attestation_signature_invalid", where), chain)
        previous = row.chain_hash
        chain.append(row.chain_hash)
    return Checked(len(rows), None, chain)


def check_audit(session: Session) -> Checked:
    erased = _erased_children(session)
    previous = GENESIS
    chain: list[str] = []
    checked = 0
    for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)):
        where = {"id": row.id}
        if row.prev_chain != previous:
            return Checked(checked, ("audit_chain_broken", where), chain)
        if audit_hash(previous, row.at, row.actor, row.origin, row.entity, row.entity_id, row.action, row.child_id,
                      row.fields, row.changes_sha256) != row.chain_hash:
            return Checked(checked, ("audit_altered", where), chain)
        if row.redacted:
            if row.changes or row.child_id not in erased:
                return Checked(checked, ("audit_redaction_unexplained", where), chain)
        elif sha256_text(row.changes) != row.changes_sha256:
            return Checked(checked, ("audit_altered", where), chain)
        previous = row.chain_hash
        chain.append(row.chain_hash)
        checked += 1
    return Checked(checked, None, chain)
