"""Issue 19 #6 and #11 on a real encrypted practice: a 100,000-character name is refused in French (typed or
imported); the import of a list is linear (the number of SQL statements does not grow with the rows, and a
child stored with a huge name by an older version no longer slows every row); a crafted backup header is one
French sentence, not a traceback."""

from __future__ import annotations

import hashlib
import json
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, insert

from cocon_desktop import messages
from cocon_desktop.domain.child import ChildData
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.models import Child
from cocon_desktop.services import backup_format, children, payments
from cocon_desktop.services.children_import import import_children, preview_import
from cocon_desktop.services.practice_handle import Practice

TODAY = date(2026, 6, 1)
BORN = date(2025, 3, 12)
HEADER = "N° d'inclusion;Nom;Prénom;Date de naissance;Sexe;Terme;Réseau;Représentant légal"


def network_list(rows: int, born: date | None = None, series: str = "2025") -> bytes:
    lines = [HEADER] + [f"RPO-{series}-{i:05d};Nom{series}{i:05d};Léa;{(born or date(2024, 1, 1 + i % 28)):%d/%m/%Y};"
                        f"F;30;RPO;NOM{i:05d} Anne" for i in range(rows)]
    return "\r\n".join(lines).encode("cp1252")


@contextmanager
def statements(practice: Practice) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(practice.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(practice.engine, "before_cursor_execute", count)


def add_long_named_child(practice: Practice) -> None:
    """As an older version stored it, without the limits."""
    now = datetime.now(UTC)
    with practice.sessions.begin() as session:
        session.execute(insert(Child), [dict(
            last_name="A" * 100_000, first_name="B" * 100_000, birth_date=BORN, sex="F", gestational_weeks=30,
            gestational_days=0, inclusion_number="RPO-LONG", network="RPO", risk_group="", inclusion_criteria=[],
            nir="", birth_place_code="", identity_status="provisoire", identity_source="", exit_reason="",
            search_key="long", created_at=now, updated_at=now)])


def test_a_100000_character_name_is_refused_typed_or_imported(practice: Practice) -> None:
    long = "A" * 100_000
    with pytest.raises(ValidationError) as refused:
        children.create_child(practice.sessions, ChildData(
            last_name=long, first_name="Léa", birth_date=BORN, sex="F", gestational_weeks=30,
            inclusion_number="RPO-1", network="RPO"), TODAY)
    assert messages.describe(refused.value) == "Nom : Trop long : 100 caractères au plus."
    raw = (HEADER + f"\r\nRPO-1;{long};Léa;12/03/2025;F;30;RPO;\r\nRPO-2;Martin;Léo;12/03/2025;M;31;RPO;\r\n")
    report = import_children(practice.sessions, raw.encode("utf-8"), TODAY, "RPO")
    assert report.imported == 1 and [(e.row, e.field, e.code) for e in report.errors] == [(2, "last_name", "too_long")]
    assert children.count_children(practice.sessions, children.ChildQuery(), TODAY) == 1


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_import_does_not_query_the_database_per_row(practice: Practice, dry_run: bool) -> None:
    """Linear: the queries an import sends do not grow with its rows (one query a row, and an autoflush of every
    pending child before each, made 20,000 rows take 38 s); the children are written in one statement."""
    def run(raw: bytes) -> list[str]:
        with statements(practice) as seen:
            if dry_run:
                preview_import(practice.sessions, raw, TODAY, "RPO")
            else:
                assert import_children(practice.sessions, raw, TODAY, "RPO").refused == 0
        return [s.split()[0] + " " + s.split()[2] for s in seen if not s.startswith(("BEGIN", "INSERT INTO audit"))]

    small = run(network_list(10))
    large = run(network_list(400, series="2026"))
    assert large == small
    if not dry_run:
        assert children.count_children(practice.sessions, children.ChildQuery(), TODAY) == 410


def test_an_old_huge_name_no_longer_slows_every_row(practice: Practice) -> None:
    """The attack: a 100,000-character child stored, then a list whose rows share its birth date: each row folded
    that name again (2,000 rows: 108 s). Now the practice's names are read and folded once."""
    add_long_named_child(practice)
    raw = network_list(500, BORN, series="2027")
    started = time.perf_counter()
    preview = preview_import(practice.sessions, raw, TODAY, "RPO")
    report = import_children(practice.sessions, raw, TODAY, "RPO")
    assert time.perf_counter() - started < 6.0  # before: ~25 s on this machine
    assert len(preview.valid_rows) == 500 and report.imported == 500
    imported = children.find_by_inclusion(practice.sessions, "RPO-2027-00007").data
    assert imported.guardians[0].last_name == "NOM00007" and imported.birth_date == BORN


def test_payments_refuse_amounts_that_are_not_numbers(practice: Practice) -> None:
    for text in ("NaN", "sNaN", "Infinity", "1e400", "-1"):
        with pytest.raises(CoconError) as refused:
            payments.record_payment(practice.sessions, "FAC-2026-0001", TODAY, Decimal(text), TODAY)
        assert refused.value.code in ("validation_failed", "invoice_not_found")


def crafted_backup(path: Path, header: object) -> Path:
    """A container whose unkeyed checksum holds, as anyone can write one."""
    head = json.dumps(header).encode()
    body = backup_format.MAGIC + struct.pack(">I", len(head)) + head
    mac = b"\0" * backup_format.DIGEST
    path.write_bytes(body + mac + hashlib.sha256(body + mac).digest())
    return path


@pytest.mark.parametrize("header", [
    {"format": "cocon-backup", "version": "x", "members": [], "counts": {}, "vault_id": "v"},
    {"format": "cocon-backup", "version": None, "members": [], "counts": {}, "vault_id": "v"},
    {"format": "cocon-backup", "version": 1.5, "members": [], "counts": {}, "vault_id": "v"},
    {"format": "cocon-backup", "version": 1, "members": [{"name": "a", "size": -5, "sha256": ""}], "counts": {},
     "vault_id": "v"},
    {"format": "cocon-backup", "version": 1, "members": "x", "counts": {}, "vault_id": "v"},
    {"format": "cocon-backup", "version": 1, "members": [], "counts": {"child": "beaucoup"}, "vault_id": "v"},
    {"format": "cocon-backup", "version": 1, "members": [], "counts": [], "vault_id": ["v"]},
    [[[[[[[[[[]]]]]]]]]],
])
def test_a_crafted_backup_header_is_one_french_sentence(tmp_path: Path, header: object) -> None:
    """#6: `"version": "x"` made int() raise ValueError out of backup_format.read (a traceback)."""
    path = crafted_backup(tmp_path / "piege.coconbak", header)
    with pytest.raises(CoconError) as refused:
        backup_format.read(path)
    assert refused.value.code == "backup_corrupted"
    assert messages.describe(refused.value).startswith(f"La sauvegarde {path} est endommagée")


def test_a_deeply_nested_backup_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "profond.coconbak"
    head = b"[" * 200_000 + b"]" * 200_000
    body = backup_format.MAGIC + struct.pack(">I", len(head)) + head
    mac = b"\0" * backup_format.DIGEST
    path.write_bytes(body + mac + hashlib.sha256(body + mac).digest())
    with pytest.raises(CoconError) as refused:
        backup_format.read(path)
    assert refused.value.code == "backup_corrupted"
