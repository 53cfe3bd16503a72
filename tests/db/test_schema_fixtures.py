"""A real practice of every released schema is upgraded to the current head, keeping every row.

The fixtures (tests/fixtures/schema-NNNN) and how they are made: tests/fixtures/make_fixtures.py."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop.db import migrate
from cocon_desktop.db.snapshot import check_file
from cocon_desktop.models import (
    Attestation,
    Batch,
    Child,
    Document,
    Invoice,
    NetworkCredential,
    Seance,
    SignatureImage,
    SigningIdentity,
)
from cocon_desktop.security import vault
from cocon_desktop.services import practice_profile
from cocon_desktop.services.demo import DEMO_PROFILE
from cocon_desktop.services.invoice_verify import verify
from cocon_desktop.services.practice_file import PracticeFile, open_with_passphrase
from tests.fixtures.make_fixtures import PNG, REVISIONS, SCAN

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures").glob("schema-*"))


def test_there_is_a_fixture_per_released_schema() -> None:
    assert [f.name for f in FIXTURES] == [f"schema-{r}" for r in REVISIONS]
    assert set(REVISIONS) <= set(_revisions_up_to_head())


def _revisions_up_to_head() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate._config())
    return [s.revision for s in script.walk_revisions()]


def _rows_before(folder: Path) -> dict[str, int]:
    key = vault.unlock_with_passphrase(folder, "demo")
    integrity, counts = check_file(vault.VaultPaths(folder).database, key.data_key)
    assert integrity == "ok"
    return counts


def _values(practice: PracticeFile, revision: str) -> None:
    """A few values of each kind survive the upgrade (accents, blobs, NULLs, booleans, defaults)."""
    assert practice_profile.load_profile(practice.sessions) == DEMO_PROFILE.normalized()
    with practice.sessions() as session:
        if revision >= "0002":
            lea = session.scalars(select(Child).order_by(Child.id)).first()
            assert lea is not None and (lea.first_name, lea.last_name, lea.nir) == ("Léa", "Martin-Garcia",
                                                                                  "2250313055123 45")
            assert lea.inclusion_criteria == ["prematurite_33"]
            document = session.scalars(select(Document)).one()
            assert bytes(document.content) == SCAN and document.filename == "ordonnance-léa.pdf"
        if revision >= "0003":
            notes = [s.note for s in session.scalars(select(Seance).order_by(Seance.id))]
            assert notes[1] == "A bien progressé ; à revoir à 9 mois."
            assert session.get(Seance, 4).prescription_id is None  # type: ignore[union-attr]
        if revision >= "0004":
            numbers = [i.number for i in session.scalars(select(Invoice).order_by(Invoice.id))]
            assert numbers == ["FAC-2026-0001", "FAC-2026-0002", "AV-2026-0001"]
            token = session.get(SigningIdentity, 2)
            assert token is not None and token.private_key_der is None
            assert token.pkcs11_token_label == ("CPS3" if revision >= "0005" else "")  # 0005's default
        if revision >= "0006":
            batch = session.scalars(select(Batch)).one()
            assert (batch.state, batch.receipt_id) == ("recu", "RPM-R-0001")
            assert session.get(NetworkCredential, "RPM").token == "jeton-de-test-rpm"  # type: ignore[union-attr]
        if revision >= "0007":
            assert session.scalars(select(Attestation.number)).one() == "ATT-2026-0001"
            image = session.get(SignatureImage, 1)
            assert image is not None and hashlib.sha256(bytes(image.content)).digest() == hashlib.sha256(PNG).digest()
    if revision >= "0004":  # the hash chain, the numbering and chain-head.json still hold
        report = verify(practice.sessions, practice.data_dir, practice.key.data_key)
        assert report.ok and report.checked == 3, report


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_old_practice_upgrades_to_head_keeping_every_row(fixture: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / fixture.name
    shutil.copytree(fixture, data_dir)
    revision = fixture.name.removeprefix("schema-")
    before = _rows_before(data_dir)
    assert before["alembic_version"] == 1 and len(before) > 1
    assert all(n > 0 for table, n in before.items()), f"a table of {revision} without rows: {before}"
    practice = open_with_passphrase(data_dir, "demo")
    try:
        assert migrate.current_revision(practice.engine) == migrate.head_revision()
        assert practice.upgrade_backup is not None and practice.upgrade_backup.exists()
        assert practice.upgrade_backup.stat().st_mode & 0o777 == 0o600
        _values(practice, revision)
    finally:
        practice.close()
    after = _rows_before(data_dir)
    kept = {table: after.get(table) for table in before}
    assert kept == before  # every table of the old revision, row for row
    again = open_with_passphrase(data_dir, "demo")  # a second opening has nothing to upgrade
    assert again.upgrade_backup is None
    again.close()
