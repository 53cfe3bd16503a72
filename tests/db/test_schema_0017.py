"""Schema 0017 (issue 22, S3) on schema 0016's fixture, a practice written by the code of 0016's own commit:
every row kept, the rows already there get the defaults (prescriptions of the COCON pathway, payer '' = the
child's network, invoice lines paying no milestone), the immutability triggers unchanged and still biting on the
new column, the new foreign keys enforced; and the downgrade gives schema 0016 back with every row and trigger."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DatabaseError as SQLError

from cocon_desktop.db import migrate
from cocon_desktop.db.catalog import trigger_sql
from cocon_desktop.db.engine import create_database_engine
from cocon_desktop.db.triggers import EXPECTED_TRIGGERS
from cocon_desktop.security import vault
from cocon_desktop.services.invoice_verify import verify
from cocon_desktop.services.practice_handle import open_with_passphrase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEPT = ("child", "prescription", "seance", "invoice", "invoice_line")
Tables = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def _columns(conn: Connection, table: str) -> list[str]:
    return [column["name"] for column in inspect(conn).get_columns(table)]


def _rows(conn: Connection, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"))]


def _read(engine: Engine, columns: dict[str, list[str]] | None = None) -> tuple[Tables, dict[str, str]]:
    """Every row of the KEPT tables (in `columns`, or all of each table's), and the triggers."""
    with engine.connect() as conn:
        tables: Tables = {}
        for table in KEPT:
            names = columns[table] if columns else _columns(conn, table)
            tables[table] = (_columns(conn, table), _rows(conn, table, names))
        return tables, trigger_sql(conn)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "cabinet"
    shutil.copytree(FIXTURES / "schema-0016", target)
    return target


@pytest.fixture
def engine(folder: Path) -> Iterator[Engine]:
    """The 0016 file opened without any upgrade."""
    key = vault.unlock_with_passphrase(folder, "demo").data_key
    made = create_database_engine(vault.VaultPaths(folder).database, key)
    yield made
    made.dispose()


def test_upgrade_keeps_every_row_and_gives_the_defaults(folder: Path, engine: Engine) -> None:
    assert migrate.current_revision(engine) == "0016"
    before, triggers_0016 = _read(engine)
    assert triggers_0016 == EXPECTED_TRIGGERS  # 0017 changes no trigger: the head's are 0016's
    assert len(before["prescription"][1]) == 33 and len(before["invoice_line"][1]) == 13
    engine.dispose()

    practice = open_with_passphrase(folder, "demo")  # today's program, as at the first start after the update
    try:
        assert migrate.current_revision(practice.engine) == migrate.head_revision() == "0017"
        assert practice.upgrade_backup is not None
        old_columns = {table: columns for table, (columns, _) in before.items()}
        after, triggers = _read(practice.engine, old_columns)
        assert {t: rows for t, (_, rows) in after.items()} == {t: rows for t, (_, rows) in before.items()}
        assert triggers == EXPECTED_TRIGGERS
        assert after["prescription"][0] == old_columns["prescription"] + ["pathway", "payer"]
        assert after["invoice_line"][0] == old_columns["invoice_line"] + ["prescription_id"]
        with practice.engine.connect() as conn:
            assert conn.execute(text("SELECT DISTINCT pathway, payer FROM prescription")).all() == [("cocon", "")]
            assert conn.execute(text("SELECT count(*) FROM invoice_line WHERE prescription_id IS NOT NULL")
                                ).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM payer")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM enrolment")).scalar() == 0
            indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("invoice_line")}
            assert indexes["ix_invoice_line_prescription_id"] == ["prescription_id"]
            keys = {row[3]: (row[2], row[4], row[6]) for row in conn.exec_driver_sql(
                "PRAGMA foreign_key_list(invoice_line)")}  # (from) → (table, to, on_delete)
            assert keys["prescription_id"] == ("prescription", "id", "RESTRICT")
        report = verify(practice.sessions, practice.data_dir, practice.key.data_key)
        assert report.ok and report.checked == 5, report  # triggers, chain and PDFs as before
    finally:
        practice.close()


def test_an_invoice_line_stays_immutable_and_holds_its_forfait(folder: Path, engine: Engine) -> None:
    engine.dispose()
    practice = open_with_passphrase(folder, "demo")
    try:
        with practice.engine.connect() as conn:
            line_id, invoice_id = conn.execute(text("SELECT id, invoice_id FROM invoice_line ORDER BY id")).first()
            free = conn.execute(text(  # a prescription no séance counts on
                "SELECT id FROM prescription p WHERE NOT EXISTS (SELECT 1 FROM seance s WHERE s.prescription_id "
                "= p.id) ORDER BY id")).scalar()
            assert free is not None
        with pytest.raises(SQLError, match="issued documents are immutable"), practice.engine.begin() as conn:
            conn.execute(text("UPDATE invoice_line SET prescription_id = :p WHERE id = :id"),
                         {"p": free, "id": line_id})
        with pytest.raises(SQLError, match="FOREIGN KEY"), practice.engine.begin() as conn:
            conn.execute(text("INSERT INTO invoice_line (invoice_id, line_no, seance_id, service_day, "
                              "inclusion_number, initials, discipline, seance_kind, amount_cents, prescription_id) "
                              "VALUES (:i, 99, NULL, '2026-12-01', 'X', 'X. X.', 'psychomotricite', 'jalon_bilan', "
                              "14000, 999999)"), {"i": invoice_id})
        with practice.engine.connect() as conn:  # a prescription a milestone line pays cannot be deleted
            transaction = conn.begin()
            conn.execute(text("INSERT INTO invoice_line (invoice_id, line_no, seance_id, service_day, "
                              "inclusion_number, initials, discipline, seance_kind, amount_cents, prescription_id) "
                              "VALUES (:i, 99, NULL, '2026-12-01', 'X', 'X. X.', 'psychomotricite', 'jalon_bilan', "
                              "14000, :p)"), {"i": invoice_id, "p": free})
            with pytest.raises(SQLError, match="FOREIGN KEY"):
                conn.execute(text("DELETE FROM prescription WHERE id = :p"), {"p": free})
            transaction.rollback()
        with practice.engine.connect() as conn:  # without that line it can (then put back: rolled back)
            transaction = conn.begin()
            assert conn.execute(text("DELETE FROM prescription WHERE id = :p"), {"p": free}).rowcount == 1
            transaction.rollback()
    finally:
        practice.close()


def test_an_enrolment_goes_with_its_child(folder: Path, engine: Engine) -> None:
    engine.dispose()
    practice = open_with_passphrase(folder, "demo")
    try:
        with practice.engine.connect() as conn:
            child = conn.execute(text(  # a child without séance, invoice nor attestation (those hold it back)
                "SELECT id FROM child c WHERE NOT EXISTS (SELECT 1 FROM invoice i WHERE i.child_id = c.id) AND NOT "
                "EXISTS (SELECT 1 FROM attestation a WHERE a.child_id = c.id) AND NOT EXISTS (SELECT 1 FROM seance "
                "s WHERE s.child_id = c.id) ORDER BY id")).scalar()
            assert child is not None
        with practice.engine.connect() as conn:
            transaction = conn.begin()
            conn.execute(text("INSERT INTO enrolment (child_id, pathway, payer, reference, started_on, end_reason, "
                              "created_at) VALUES (:c, 'pco-tnd', 'PCO1', 'D-1', '2026-12-01', '', "
                              "'2026-12-01 10:00:00')"), {"c": child})
            assert conn.execute(text("SELECT count(*) FROM enrolment")).scalar() == 1
            conn.execute(text("DELETE FROM child WHERE id = :c"), {"c": child})
            assert conn.execute(text("SELECT count(*) FROM enrolment")).scalar() == 0
            transaction.rollback()
    finally:
        practice.close()


def test_downgrade_gives_schema_0016_back(folder: Path, engine: Engine) -> None:
    before, triggers_0016 = _read(engine)
    engine.dispose()
    practice = open_with_passphrase(folder, "demo")
    try:
        with practice.engine.begin() as conn:  # a payer and a PCO prescription: gone with the columns
            conn.execute(text("INSERT INTO payer VALUES ('PCO1', 'pco-tnd', 'PCO', '', '', '', '', '', 1, "
                              "'2026-12-01 10:00:00')"))
            conn.execute(text("UPDATE prescription SET pathway = 'pco-tnd', payer = 'PCO1' WHERE id = 1"))
        migrate.downgrade(practice.engine, "0016")  # foreign keys off, then PRAGMA foreign_key_check
        assert migrate.current_revision(practice.engine) == "0016"
        after, triggers = _read(practice.engine)
        assert after == before  # the same columns, in the same order, and every row
        assert triggers == triggers_0016
        with practice.engine.connect() as conn:
            assert not {"payer", "enrolment"} & set(inspect(conn).get_table_names())
            assert "ix_invoice_line_prescription_id" not in {i["name"] for i in inspect(conn).get_indexes(
                "invoice_line")}
            assert sorted(row[2] for row in conn.exec_driver_sql("PRAGMA foreign_key_list(invoice_line)")) == [
                "invoice", "invoice_line", "seance"]
        with pytest.raises(SQLError, match="issued documents are immutable"), practice.engine.begin() as conn:
            conn.execute(text("DELETE FROM invoice_line"))
        with pytest.raises(SQLError, match="invoiced seance"), practice.engine.begin() as conn:
            conn.execute(text("DELETE FROM seance WHERE id IN (SELECT seance_id FROM invoice_line l WHERE "
                              "l.credited_line_id IS NULL AND NOT EXISTS (SELECT 1 FROM invoice_line c WHERE "
                              "c.credited_line_id = l.id))"))
        migrate.upgrade(practice.engine, practice.paths.database, practice.paths.backups)  # and up again
        assert migrate.current_revision(practice.engine) == "0017"
        assert verify(practice.sessions, practice.data_dir, practice.key.data_key).ok
    finally:
        practice.close()
