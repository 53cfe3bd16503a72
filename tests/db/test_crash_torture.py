"""The crash torture in a reduced form (SIGKILLs at random moments); the full one: `make torture`.

Issue 19, #13: besides séance and invoice writing, the worker is killed during backups, restores, passphrase
changes, key rotations (when the program has them), erasures and a schema migration; after each kill what it
worked on opens with its passphrase and `verify` passes, or the operation is cleanly absent (tests/torture/kinds.py).
The checks themselves are tested on broken results here, so that the torture cannot pass by seeing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cocon_desktop.errors import CoconError
from cocon_desktop.services.backup import create_backup
from cocon_desktop.services.practice_handle import Practice
from tests.torture import kinds
from tests.torture.driver import PASSPHRASE, run, setup, sound
from tests.torture.kinds import Layout


@pytest.mark.slow
def test_eight_kills_lose_nothing_that_was_committed(tmp_path: Path) -> None:
    report = run(tmp_path / "cabinet", 8, seed=20261128, max_delay=1.5, only=("write",))
    assert report.runs == 8
    assert report.seances, "the worker never got to record a séance: the kills came too early to test anything"
    assert report.final_seances >= len(report.seances)
    assert report.final_documents >= len(report.documents)


@pytest.mark.slow
def test_kills_during_every_kind_of_work(tmp_path: Path) -> None:
    turn = kinds.available_kinds()
    assert {"backup", "restore", "passphrase", "erasure", "migration"} <= set(turn)
    report = run(tmp_path / "cabinet", 2 * len(turn), seed=20261207, max_delay=1.5)
    assert dict(report.kills) == {kind: 2 for kind in turn}
    assert report.completed["restore"] + report.completed["backup"] > 0, "no operation ever finished before a kill"


@pytest.fixture(scope="module")
def torture_layout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    work = tmp_path_factory.mktemp("torture")
    setup(work / "cabinet")
    return Layout(work / "cabinet", work)


def test_the_checks_see_a_half_restored_practice(torture_layout: Layout) -> None:
    half = torture_layout.restored / "r-half"
    half.mkdir()
    shutil.copy(torture_layout.main / "practice.db", half / "practice.db")  # no vault.json: killed halfway
    with pytest.raises(kinds.Failure, match="half practice"):
        kinds.check_restores(torture_layout, [], sound, PASSPHRASE)
    shutil.rmtree(half, ignore_errors=True)
    with pytest.raises(kinds.Failure, match="reported done but absent"):
        kinds.check_restores(torture_layout, [str(torture_layout.restored / "r-gone")], sound, PASSPHRASE)


def test_the_checks_see_a_truncated_backup_under_its_final_name(torture_layout: Layout) -> None:
    with kinds.opened(torture_layout.main, PASSPHRASE) as practice:
        info = create_backup(practice, torture_layout.backups_out)
    info.path.write_bytes(info.path.read_bytes()[:-1000])
    with pytest.raises(CoconError):
        kinds.check_backups(torture_layout, [str(info.path)], sound, PASSPHRASE)
    info.path.unlink(missing_ok=True)


def test_the_checks_see_a_changed_invoice(torture_layout: Layout, tmp_path: Path) -> None:
    copy = tmp_path / "copie"
    shutil.copytree(torture_layout.main, copy)
    with kinds.opened(copy, PASSPHRASE) as practice:
        _break_chain(practice)
        with pytest.raises(kinds.Failure, match="verify"):
            sound(practice)


def _break_chain(practice: Practice) -> None:
    """An invoice's total changed with the data key (triggers dropped and put back), as in issue 19's #2."""
    from cocon_desktop.db.engine import connect

    practice.engine.dispose()
    raw = connect(practice.paths.database, practice.key.data_key)
    triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        raw.execute(f'DROP TRIGGER "{name}"')
    raw.execute("UPDATE invoice_line SET amount_cents = amount_cents + 100")
    for _, sql in triggers:
        raw.execute(sql)
    raw.close()
