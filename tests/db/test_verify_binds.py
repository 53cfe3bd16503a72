"""Issue 19, #2 — `cocon verify` binds: each attack of the issue, made on the demo practice (real signed PDFs) with an
SQLCipher connection and the data key, as someone holding the key would: the immutability triggers dropped, the
rows changed, the chains (and, where the attack says so, chain-head.json) recomputed, the triggers put back.

Every test here passed on 3412e4b's `verify` (« Vérification réussie ») and fails on it now."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from cocon_desktop.db.engine import connect
from cocon_desktop.domain.attestation import Period
from cocon_desktop.services import attestations, invoice_documents, invoicing
from cocon_desktop.services.demo import create_demo
from cocon_desktop.services.invoice_verify import VerifyReport, verify, write_anchor
from cocon_desktop.services.invoicing import GENESIS
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from tests.dates import TODAY

pytestmark = pytest.mark.slow  # the demo practice, made once for the module (~4 s), copied for each test


@pytest.fixture(scope="module")
def demo_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("verify-binds") / "cabinet"
    create_demo(folder, TODAY).close()
    return folder


@pytest.fixture
def demo(demo_made: Path, tmp_path: Path) -> Iterator[Practice]:
    folder = tmp_path / "cabinet"
    shutil.copytree(demo_made, folder)
    practice = open_with_passphrase(folder, "demo")
    yield practice
    practice.close()


def full(practice: Practice) -> VerifyReport:
    """`cocon verify`: with every signature checked against the practice's certificates."""
    return invoice_documents.verify_practice(practice)


def structural(practice: Practice) -> VerifyReport:
    return verify(practice.sessions, practice.data_dir, practice.key.data_key)


def raw(practice: Practice) -> sqlcipher3.Connection:
    return connect(practice.paths.database, practice.key.data_key)


def tamper(practice: Practice, *statements: str | tuple[str, tuple[Any, ...]]) -> None:
    """Drop every trigger, run the statements, put the triggers back as they were."""
    conn = raw(practice)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        sql, args = (statement, ()) if isinstance(statement, str) else statement
        conn.execute(sql, args)
    for _, sql in triggers:
        conn.execute(sql)
    conn.close()


def rechain_invoices(practice: Practice) -> None:
    """Recompute every invoice's link from what the rows now say (what `verify` recomputes)."""
    conn = raw(practice)
    rows = conn.execute("SELECT id, number, kind, issue_date, total_cents, pdf_sha256 FROM invoice ORDER BY id")
    updates, previous = [], GENESIS
    for invoice_id, number, kind, issue_date, total, pdf_sha in rows.fetchall():
        lines = conn.execute("SELECT line_no, seance_id, credited_line_id, service_day, inclusion_number, "
                             "seance_kind, amount_cents FROM invoice_line WHERE invoice_id = ?",
                             (invoice_id,)).fetchall()
        values = [(n, s, c, date.fromisoformat(d), i, k, a) for n, s, c, d, i, k, a in lines]
        link = invoicing.chain_hash(previous, number, kind, date.fromisoformat(issue_date), total, pdf_sha,
                                    invoicing.lines_digest(values))
        updates.append((previous, link, invoice_id))
        previous = link
    conn.close()
    tamper(practice, *[("UPDATE invoice SET prev_chain = ?, chain_hash = ? WHERE id = ?", u) for u in updates])


def rechain_audit(practice: Practice) -> None:
    from cocon_desktop.services.chains import audit_hash  # imported here: the module runs against 3412e4b too

    conn = raw(practice)
    rows = conn.execute("SELECT id, at, actor, origin, entity, entity_id, action, child_id, fields, "
                        "changes_sha256 FROM audit_entry ORDER BY id").fetchall()
    conn.close()
    updates, previous = [], GENESIS
    for entry_id, at, actor, origin, entity, entity_id, action, child_id, fields, digest in rows:
        link = audit_hash(previous, datetime.fromisoformat(at), actor, origin, entity, entity_id, action, child_id,
                          fields, digest)
        updates.append((previous, link, entry_id))
        previous = link
    tamper(practice, *[("UPDATE audit_entry SET prev_chain = ?, chain_hash = ? WHERE id = ?", u) for u in updates])


def forge_anchor(practice: Practice) -> None:
    """chain-head.json made again with the data key, as the attacker holding it can."""
    write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)


def one(practice: Practice, sql: str, *args: Any) -> Any:
    conn = raw(practice)
    try:
        return conn.execute(sql, args).fetchone()
    finally:
        conn.close()


# — invoices bound to their signed PDF —————————————————————————————————————————————————————————————————————


def test_the_demo_verifies_whole(demo: Practice) -> None:
    report = full(demo)
    assert report.ok, report
    assert report.checked == 18 and report.audit_entries > 200


def test_amounts_changed_with_chain_and_anchor_recomputed_are_seen(demo: Practice) -> None:
    """The issue: « changing the amounts of FAC-2026-0005 and recomputing the chain and anchor passed »."""
    invoice_id = one(demo, "SELECT id FROM invoice WHERE number = 'FAC-2026-0005'")[0]
    tamper(demo, f"UPDATE invoice_line SET amount_cents = amount_cents * 3 WHERE invoice_id = {invoice_id}",
           f"UPDATE invoice SET total_cents = (SELECT sum(amount_cents) FROM invoice_line WHERE invoice_id = "
           f"{invoice_id}) WHERE id = {invoice_id}")
    rechain_invoices(demo)
    forge_anchor(demo)
    assert structural(demo).ok  # chain, hashes, totals and anchor all consistent: only the signed PDF says no
    report = full(demo)
    assert (report.code, report.data) == ("facturx_mismatch_lines", {"number": "FAC-2026-0005"})


def test_a_row_carrying_another_documents_signed_pdf_is_seen(demo: Practice) -> None:
    """The issue: « a row FAC-2026-0023 of 999 € carrying FAC-2026-0022's signed PDF passed » — here the demo's
    next number, FAC-2026-0019, carrying its last, FAC-2026-0018."""
    last = one(demo, "SELECT id, chain_hash FROM invoice WHERE number = 'FAC-2026-0018'")
    tamper(demo, (
        "INSERT INTO invoice (number, kind, year, sequence, issue_date, period_start, period_end, network, child_id, "
        "corrects_id, total_cents, due_date, pdf, pdf_sha256, prev_chain, chain_hash, created_at) "
        "SELECT 'FAC-2026-0019', kind, year, 19, issue_date, period_start, period_end, network, child_id, NULL, "
        "99900, due_date, pdf, pdf_sha256, ?, '', created_at FROM invoice WHERE id = ?", (last[1], last[0])), (
        "INSERT INTO invoice_line (invoice_id, line_no, seance_id, credited_line_id, service_day, inclusion_number, "
        "initials, discipline, seance_kind, amount_cents) SELECT (SELECT id FROM invoice WHERE number = "
        "'FAC-2026-0019'), 1, NULL, NULL, service_day, inclusion_number, initials, discipline, seance_kind, 99900 "
        "FROM invoice_line WHERE invoice_id = ? ORDER BY line_no LIMIT 1", (last[0],)))
    rechain_invoices(demo)
    forge_anchor(demo)
    assert structural(demo).ok
    report = full(demo)
    assert (report.code, report.data) == ("facturx_mismatch_number", {"number": "FAC-2026-0019"})


def test_a_pdf_re_signed_by_another_key_is_seen(demo: Practice) -> None:
    """The attacker renders FAC-2026-0005 again with other amounts, its Factur-X XML agreeing, and signs it with a
    certificate of their own for the same name: the signature must be the practice's."""
    from cocon_desktop.documents.signing import render_signed_invoice
    from cocon_desktop.domain.money import from_cents
    from cocon_desktop.security.certificate import create_self_signed
    from cocon_desktop.services.invoice_drafts import DraftLine
    from cocon_desktop.services.practice_profile import load_profile

    row = one(demo, "SELECT id, issue_date, due_date, period_start, period_end, network, child_id FROM invoice "
                    "WHERE number = 'FAC-2026-0005'")
    conn = raw(demo)
    lines = conn.execute("SELECT seance_id, service_day, inclusion_number, initials, discipline, seance_kind, "
                         "amount_cents FROM invoice_line WHERE invoice_id = ? ORDER BY line_no", (row[0],)).fetchall()
    conn.close()
    profile = load_profile(demo.sessions)
    draft = tuple(DraftLine(s or 0, date.fromisoformat(d), row[6] or 0, i, n, disc, k, from_cents(a * 2))
                  for s, d, i, n, disc, k, a in lines)
    request = invoicing.RenderRequest("FAC-2026-0005", "invoice", date.fromisoformat(row[1]),
                                      date.fromisoformat(row[2]), date.fromisoformat(row[3]),
                                      date.fromisoformat(row[4]), row[5], profile, draft)
    address = invoice_documents.network_address(demo.sessions, row[5])
    certificate, key = create_self_signed(profile.name, profile.trade_name, profile.siret)
    pdf = render_signed_invoice(invoice_documents.to_invoice_data(request, address, 30), certificate, key)
    tamper(demo, ("UPDATE invoice SET pdf = ?, pdf_sha256 = ?, total_cents = total_cents * 2 WHERE id = ?",
                  (pdf, hashlib.sha256(pdf).hexdigest(), row[0])),
           f"UPDATE invoice_line SET amount_cents = amount_cents * 2 WHERE invoice_id = {row[0]}")
    rechain_invoices(demo)
    forge_anchor(demo)
    assert structural(demo).ok
    report = full(demo)
    assert (report.code, report.data) == ("signature_invalid", {"number": "FAC-2026-0005"})


def test_bytes_appended_after_the_signature_are_seen(demo: Practice) -> None:
    """The signature must cover the whole file (pyHanko: ENTIRE_FILE): an incremental update after it is not the
    document signed, even with the hash, the chain and the anchor made again."""
    invoice_id, pdf = one(demo, "SELECT id, pdf FROM invoice WHERE number = 'FAC-2026-0003'")
    changed = bytes(pdf) + b"\n1 0 obj\n<< /Evil true >>\nendobj\n%%EOF\n"
    tamper(demo, ("UPDATE invoice SET pdf = ?, pdf_sha256 = ? WHERE id = ?",
                  (changed, hashlib.sha256(changed).hexdigest(), invoice_id)))
    rechain_invoices(demo)
    forge_anchor(demo)
    assert structural(demo).ok
    assert (full(demo).code, full(demo).data) == ("signature_invalid", {"number": "FAC-2026-0003"})


# — attestations ————————————————————————————————————————————————————————————————————————————————————————————


def _attest(practice: Practice) -> str:
    last = TODAY.replace(day=1) - timedelta(days=1)  # the previous month
    period = Period(last.replace(day=1), last)
    child_id = one(practice, "SELECT child_id FROM seance WHERE day BETWEEN ? AND ? AND out_of_forfait = 0 "
                             "GROUP BY child_id ORDER BY count(*) DESC LIMIT 1", period.first.isoformat(),
                   last.isoformat() + " 23:59")[0]
    result = practice.write(attestations.issue, child_id, "seances", period, TODAY).value
    assert result.attestation.signed_pades
    return result.attestation.number


def test_an_attestation_pdf_changed_is_seen(demo: Practice) -> None:
    number = _attest(demo)
    assert full(demo).ok
    tamper(demo, f"UPDATE attestation SET pdf = CAST(pdf || x'0a25454f460a' AS BLOB) WHERE number = '{number}'")
    report = full(demo)
    assert (report.code, report.data) == ("attestation_pdf_altered", {"number": number})


def test_an_attestation_pdf_changed_with_hash_chain_and_anchor_made_again_is_seen(demo: Practice) -> None:
    from cocon_desktop.services.chains import attestation_hash

    number = _attest(demo)
    row = one(demo, "SELECT pdf, kind, child_id, issue_date, period_start, period_end, seance_count, signed_pades, "
                    "signature_image, prev_chain FROM attestation WHERE number = ?", number)
    changed = bytes(row[0]) + b"\n1 0 obj\n<< /Evil true >>\nendobj\n%%EOF\n"
    digest = hashlib.sha256(changed).hexdigest()
    link = attestation_hash(row[9], number, row[1], row[2], date.fromisoformat(row[3]), date.fromisoformat(row[4]),
                            date.fromisoformat(row[5]), row[6], bool(row[7]), bool(row[8]), digest)
    tamper(demo, ("UPDATE attestation SET pdf = ?, pdf_sha256 = ?, chain_hash = ? WHERE number = ?",
                  (changed, digest, link, number)))
    forge_anchor(demo)
    assert structural(demo).ok  # the chain holds: only the signature says no
    report = full(demo)
    assert (report.code, report.data) == ("attestation_signature_invalid", {"number": number})


def test_a_deleted_attestation_is_seen(demo: Practice) -> None:
    number = _attest(demo)
    tamper(demo, f"DELETE FROM attestation WHERE number = '{number}'")
    report = full(demo)
    assert (report.code, report.data) == ("attestations_deleted", {"expected": 1, "found": 0})


# — the audit log ———————————————————————————————————————————————————————————————————————————————————————————


def test_the_last_audit_entry_deleted_is_seen(demo: Practice) -> None:
    count = one(demo, "SELECT count(*) FROM audit_entry")[0]
    tamper(demo, "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
    report = full(demo)
    assert (report.code, report.data) == ("audit_deleted", {"expected": count, "found": count - 1})


def test_an_audit_entry_deleted_with_the_chain_recomputed_but_the_anchor_is_seen(demo: Practice) -> None:
    """The issue's attack: triggers dropped, one entry deleted, the chain recomputed, chain-head.json left."""
    count = one(demo, "SELECT count(*) FROM audit_entry")[0]
    tamper(demo, "DELETE FROM audit_entry WHERE id = 10")
    rechain_audit(demo)
    assert structural(demo).code == "audit_deleted"
    report = full(demo)
    assert (report.code, report.data) == ("audit_deleted", {"expected": count, "found": count - 1})


def test_an_audit_entry_deleted_in_the_middle_breaks_its_chain(demo: Practice) -> None:
    tamper(demo, "DELETE FROM audit_entry WHERE id = 10")
    assert (full(demo).code, full(demo).data) == ("audit_chain_broken", {"id": 11})


def test_an_audit_entrys_values_rewritten_are_seen(demo: Practice) -> None:
    entry_id, changes = one(demo, "SELECT id, changes FROM audit_entry WHERE changes LIKE '%last_name%' LIMIT 1")
    tamper(demo, ("UPDATE audit_entry SET changes = ? WHERE id = ?", (changes.replace("a", "o", 1), entry_id)))
    assert (full(demo).code, full(demo).data) == ("audit_altered", {"id": entry_id})


def test_an_audit_entry_blanked_for_a_child_not_erased_is_seen(demo: Practice) -> None:
    entry_id = one(demo, "SELECT id FROM audit_entry WHERE child_id IS NOT NULL LIMIT 1")[0]
    tamper(demo, f"UPDATE audit_entry SET changes = '', redacted = 1 WHERE id = {entry_id}")
    assert (full(demo).code, full(demo).data) == ("audit_redaction_unexplained", {"id": entry_id})


def test_every_write_through_the_handle_anchors_the_audit_log(demo: Practice) -> None:
    """A write adds an entry; the anchor written after it names it, so deleting it is seen."""
    from cocon_desktop.services import practice_profile

    profile = practice_profile.load_profile(demo.sessions)
    demo.write(practice_profile.save_profile, profile.__class__(**{**profile.__dict__, "phone": "0102030405"}))
    count = one(demo, "SELECT count(*) FROM audit_entry")[0]
    assert full(demo).ok
    tamper(demo, "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
    assert full(demo).code == "audit_deleted" and full(demo).data["expected"] == count


# — triggers compared by their SQL ——————————————————————————————————————————————————————————————————————————


def _redefine(practice: Practice, name: str, sql: str) -> None:
    conn = raw(practice)
    conn.execute(f"DROP TRIGGER {name}")
    conn.execute(sql)
    conn.close()


def test_a_trigger_made_again_with_when_0_is_seen(demo: Practice) -> None:
    """The issue: « one recreated with `WHEN 0` passed » (checked by name only)."""
    _redefine(demo, "invoice_no_update", "CREATE TRIGGER invoice_no_update BEFORE UPDATE ON invoice WHEN 0 "
                                         "BEGIN SELECT RAISE(ABORT, 'cocon: issued documents are immutable'); END")
    report = full(demo)
    assert (report.code, report.data) == ("trigger_altered", {"name": "invoice_no_update"})


def test_a_trigger_made_again_as_it_was_but_laid_out_otherwise_still_passes(demo: Practice) -> None:
    sql = one(demo, "SELECT sql FROM sqlite_master WHERE name = 'audit_entry_no_delete'")[0]
    _redefine(demo, "audit_entry_no_delete", "  " + sql.replace(" ", "\n   ").replace("BEGIN", "begin"))
    assert full(demo).ok


def test_an_added_trigger_is_seen(demo: Practice) -> None:
    conn = raw(demo)
    conn.execute("CREATE TRIGGER zz_quiet AFTER INSERT ON invoice BEGIN DELETE FROM audit_entry; END")
    conn.close()
    assert (full(demo).code, full(demo).data) == ("trigger_unexpected", {"name": "zz_quiet"})


# — chain-head.json ———————————————————————————————————————————————————————————————————————————————————————


def test_an_anchor_of_the_first_form_still_reads(demo: Practice) -> None:
    import hmac
    import json

    count, head = one(demo, "SELECT count(*), (SELECT chain_hash FROM invoice ORDER BY id DESC LIMIT 1) FROM invoice")
    mac = hmac.new(demo.key.data_key, f"cocon-chain|{count}|{head}".encode(), hashlib.sha256).hexdigest()
    (demo.data_dir / "chain-head.json").write_text(json.dumps({"count": count, "head": head, "mac": mac}))
    assert full(demo).ok
    (demo.data_dir / "chain-head.json").write_text(json.dumps({"count": count, "head": head, "mac": "0" * 64}))
    assert full(demo).code == "anchor_altered"
    forge_anchor(demo)  # the next write: the second form, with the attestations and the audit log
    data = json.loads((demo.data_dir / "chain-head.json").read_text())
    assert data["version"] == 2 and data["audit"]["count"] > 200 and data["attestations"]["count"] == 0


def test_changes_digest_is_what_the_text_hashes_to(demo: Practice) -> None:
    from cocon_desktop.services.chains import sha256_text

    changes, digest, redacted = one(demo, "SELECT changes, changes_sha256, redacted FROM audit_entry LIMIT 1")
    assert not redacted and digest == sha256_text(changes)
