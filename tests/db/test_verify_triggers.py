"""The triggers `cocon verify` expects (db/triggers.py) are exactly those the migrations make, and migration 0014
chains the attestations and audit entries a practice already had (issue 19, #2)."""

from __future__ import annotations

import shutil
from pathlib import Path

from cocon_desktop.db.catalog import normalised_sql, trigger_sql
from cocon_desktop.db.engine import connect
from cocon_desktop.db.triggers import EXPECTED_TRIGGERS
from cocon_desktop.services.chains import GENESIS
from cocon_desktop.services.invoice_verify import verify
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_the_expected_triggers_are_the_migrations(practice: Practice) -> None:
    with practice.engine.connect() as connection:
        assert trigger_sql(connection) == EXPECTED_TRIGGERS
    assert verify(practice.sessions, practice.data_dir, practice.key.data_key).ok


def test_normalising_keeps_what_a_trigger_does() -> None:
    sql = "CREATE TRIGGER t BEFORE UPDATE ON invoice\n  BEGIN SELECT RAISE(ABORT, 'x') ; END"
    assert normalised_sql(sql) == normalised_sql("create trigger t before update on invoice begin select "
                                                 "raise(abort,'x');end")
    assert normalised_sql(sql) != normalised_sql(sql.replace("invoice\n", "invoice WHEN 0\n"))


def test_the_migration_chains_the_rows_already_there(tmp_path: Path) -> None:
    """Schema 0013's fixture (one attestation, 212 audit entries, chain-head.json of the first form), upgraded by
    today's program: every row chained from GENESIS, and the whole check holds."""
    folder = tmp_path / "cabinet"
    shutil.copytree(FIXTURES / "schema-0013", folder)
    practice = open_with_passphrase(folder, "demo")
    try:
        conn = connect(practice.paths.database, practice.key.data_key)
        for table in ("attestation", "audit_entry"):
            rows = conn.execute(f"SELECT prev_chain, chain_hash FROM {table} ORDER BY id").fetchall()
            assert rows and rows[0][0] == GENESIS
            assert all(link and len(link) == 64 for _, link in rows)
            assert [prev for prev, _ in rows[1:]] == [link for _, link in rows[:-1]]
        assert conn.execute("SELECT count(*) FROM audit_entry WHERE changes_sha256 = ''").fetchone() == (0,)
        conn.close()
        report = verify(practice.sessions, practice.data_dir, practice.key.data_key)
        assert report.ok and (report.attestations, report.audit_entries) == (1, 212), report
        assert '"version"' not in (folder / "chain-head.json").read_text()  # the first form, until a write
        practice.anchor()
        assert '"version": 2' in (folder / "chain-head.json").read_text()
        assert verify(practice.sessions, practice.data_dir, practice.key.data_key).ok
    finally:
        practice.close()


def test_an_unchained_row_is_a_broken_chain_never_chained_later(tmp_path: Path) -> None:
    """Emptying a row's link (as if it predated the migration) does not get it chained again: verify fails."""
    folder = tmp_path / "cabinet"
    shutil.copytree(FIXTURES / "schema-0013", folder)
    practice = open_with_passphrase(folder, "demo")
    try:
        conn = connect(practice.paths.database, practice.key.data_key)
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET changes = '{}', changes_sha256 = '', chain_hash = '' WHERE id = 5")
        sql = EXPECTED_TRIGGERS["audit_entry_no_update"]
        conn.execute(sql)
        conn.close()
        report = verify(practice.sessions, practice.data_dir, practice.key.data_key)
        assert (report.code, report.data) == ("audit_altered", {"id": 5})
    finally:
        practice.close()
