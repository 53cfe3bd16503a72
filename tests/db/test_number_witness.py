"""Issue 19, #1: a rolled-back database is seen by the numbering's outside witnesses (this computer's keychain, the
networks' receipts): opening and `verify` say it is behind, the next invoice does not reuse a number the witness
knows, and confirming the resume lets issuing go on after the witness's number — `verify` then accepts that gap."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop import messages
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Invoice
from cocon_desktop.security import keychain
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import backup, backup_format, invoice_documents, network_witness, number_witness
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.invoice_verify import ANCHOR_FILE
from cocon_desktop.services.number_witness import KEYCHAIN, NETWORK, SeriesBehind
from cocon_desktop.services.practice_handle import Practice, create_practice, open_with_passphrase
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE, MemoryKeyring
from tests.db.invoice_helpers import OCTOBER, TODAY, fill


def numbers(practice: Practice) -> list[str]:
    with practice.sessions() as session:
        return list(session.scalars(select(Invoice.number).order_by(Invoice.id)))


def issue(practice: Practice, network: str) -> list[str]:
    return [d.number for d in practice.write(invoice_documents.issue_period, network, *OCTOBER, TODAY).value]


def put_back(backup_file: Path, data_dir: Path) -> None:
    """The attack: practice.db and chain-head.json taken out of an older backup (stored as they are: no key
    needed) and put in the data folder, vault.json kept."""
    container = backup_format.read(backup_file)
    for name in (backup.DB_MEMBER, ANCHOR_FILE):
        (data_dir / name).unlink(missing_ok=True)
        container.extract(name, data_dir / name)
    for leftover in ("practice.db-wal", "practice.db-shm"):
        (data_dir / leftover).unlink(missing_ok=True)


@pytest.fixture
def rolled_back(data_dir: Path, tmp_path: Path, memory_keychain: MemoryKeyring) -> tuple[Path, Path]:
    """A practice remembered in the keychain: RPO's October issued (FAC-2026-0001…0003), a backup, then RPM's
    (0004…0006); then the older database put back. Returns the data folder and the backup."""
    practice = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF,
                               remember=True)
    with practice:
        fill(practice)
        for code in ("RPO", "RPM"):
            invoice_documents.set_network_address(practice.sessions, code,
                                                  NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
        assert issue(practice, "RPO") == ["FAC-2026-0001", "FAC-2026-0002", "FAC-2026-0003"]
        usb = tmp_path / "usb"
        usb.mkdir()
        old = backup.backup_to(practice, usb).path
        assert issue(practice, "RPM") == ["FAC-2026-0004", "FAC-2026-0005", "FAC-2026-0006"]
        assert invoice_documents.verify_practice(practice).ok
    put_back(old, data_dir)
    return data_dir, old


def test_the_keychain_keeps_a_maced_witness_after_each_issue(data_dir: Path, memory_keychain: MemoryKeyring) -> None:
    with create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF,
                         remember=True) as practice:
        fill(practice, per_network=1)
        invoice_documents.set_network_address(practice.sessions, "RPO", NetworkAddress("1 rue", "31000", "Toulouse"))
        issue(practice, "RPO")
        text = memory_keychain.store[(keychain.WITNESS_SERVICE, practice.vault_id)]
        assert json.loads(text)["highest"] == {"FAC-2026": 1}
        assert number_witness.unseal(text, practice.vault_id, practice.key.data_key) == {"FAC-2026": 1}
        forged = json.loads(text)
        forged["highest"] = {"FAC-2026": 99}  # without the data key the MAC cannot follow: it says nothing
        assert number_witness.unseal(json.dumps(forged), practice.vault_id, practice.key.data_key) is None
        assert number_witness.unseal(text, practice.vault_id, bytes(32)) is None
        assert practice.numbering is not None and practice.numbering.ok


def test_an_older_database_put_back_is_behind_the_keychain_at_opening_and_in_verify(
        rolled_back: tuple[Path, Path]) -> None:
    data_dir, _ = rolled_back
    with open_with_passphrase(data_dir, STRONG_PASSPHRASE) as practice:
        assert numbers(practice) == ["FAC-2026-0001", "FAC-2026-0002", "FAC-2026-0003"]
        assert practice.numbering is not None
        assert practice.numbering.behind == (SeriesBehind("FAC-2026", 3, 6, (KEYCHAIN,)),)
        report = invoice_documents.verify_practice(practice)  # « Vérification réussie » before
        assert not report.ok and report.code == "numbering_behind_keychain"
        assert messages.text(report.code, report.data) == (
            "La base est en retard : le trousseau de cet ordinateur sait que FAC-2026-0006 a été émis, la base ne "
            "contient pas FAC-2026-0004 à FAC-2026-0006. Elle a été remplacée par une copie plus ancienne.")


def test_the_next_invoice_does_not_reuse_a_number_the_witness_knows(rolled_back: tuple[Path, Path]) -> None:
    data_dir, _ = rolled_back
    with open_with_passphrase(data_dir, STRONG_PASSPHRASE) as practice:
        with pytest.raises(CoconError) as refused:
            issue(practice, "RPM")  # the RPM séances are billable again in the older database
        assert refused.value.code == "numbering_behind_witness"
        assert refused.value.data["number"] == "FAC-2026-0006"
        assert numbers(practice) == ["FAC-2026-0001", "FAC-2026-0002", "FAC-2026-0003"]  # nothing taken
        # only the series behind is held: the credit notes' series (no witness knows more) goes on
        credit = practice.write(invoice_documents.issue_credit_note, "FAC-2026-0001", None, TODAY).value
        assert credit.number == "AV-2026-0001"


def test_confirming_resumes_after_the_witness_and_verify_accepts_the_gap(rolled_back: tuple[Path, Path]) -> None:
    data_dir, _ = rolled_back
    with open_with_passphrase(data_dir, STRONG_PASSPHRASE) as practice:
        with pytest.raises(CoconError) as wrong:
            practice.write(number_witness.confirm_resume, "FAC-2026-0005")
        assert wrong.value.code == "numbering_confirm_mismatch"
        gap = practice.write(number_witness.confirm_resume, "fac-2026-0006").value
        assert (gap.series, gap.database, gap.resumed_after, gap.skipped) == (
            "FAC-2026", 3, 6, "FAC-2026-0004 à FAC-2026-0006")
        assert practice.read(number_witness.check, practice.keychain_numbers).ok
        assert issue(practice, "RPM") == ["FAC-2026-0007", "FAC-2026-0008", "FAC-2026-0009"]
        report = invoice_documents.verify_practice(practice)
        assert report.ok, report
        assert [(g["series"], g["skipped"]) for g in report.data["confirmed_gaps"]] == [
            ("FAC-2026", "FAC-2026-0004 à FAC-2026-0006")]
    with open_with_passphrase(data_dir, STRONG_PASSPHRASE) as practice:  # the keychain followed: 9
        assert practice.numbering is not None and practice.numbering.ok
        assert practice.keychain_numbers == {"FAC-2026": 9}


def test_an_unconfirmed_gap_still_fails_verify(rolled_back: tuple[Path, Path], memory_keychain: MemoryKeyring) -> None:
    """A gap nobody confirmed stays numbering_gap (a resume confirmed in one series covers only that gap)."""
    data_dir, _ = rolled_back
    with open_with_passphrase(data_dir, STRONG_PASSPHRASE) as practice:
        practice.write(number_witness.confirm_resume, "FAC-2026-0006")
        issue(practice, "RPM")
        with practice.sessions.begin() as session:  # a later gap, by hand: the last invoice's number moved on
            session.connection().exec_driver_sql("DROP TRIGGER IF EXISTS invoice_no_update")
        code, data = number_witness.verify_numbering(
            practice.sessions, [("invoice", 2026, n) for n in (1, 2, 3, 7, 8, 10)], data_dir, practice.key.data_key)
        assert code == "numbering_gap" and data == {"number": "FAC-2026-0010", "expected": 9}


def test_an_ordinary_restore_of_an_older_backup_says_which_numbers_are_behind(
        rolled_back: tuple[Path, Path], tmp_path: Path) -> None:
    _, old = rolled_back
    target = tmp_path / "restauré"
    backup.restore(old, target, passphrase=STRONG_PASSPHRASE)
    with open_with_passphrase(target, STRONG_PASSPHRASE) as practice:  # not remembered: the keychain is read anyway
        assert practice.numbering is not None
        behind = practice.numbering.behind
        assert behind == (SeriesBehind("FAC-2026", 3, 6, (KEYCHAIN,)),)
        assert messages.text("restore_behind", number_witness.behind_data(behind[0])) == (
            "Attention : cette sauvegarde s'arrête avant FAC-2026-0006, déjà émis (un témoin extérieur le sait) : "
            "il lui manque FAC-2026-0004 à FAC-2026-0006. Les numéros émis depuis ne seront pas réattribués.")
        with pytest.raises(CoconError, match="numbering_behind_witness"):
            issue(practice, "RPM")


def test_the_network_witness_alone_stops_the_reuse(data_dir: Path, tmp_path: Path) -> None:
    """No keychain at all: the network's status answer (stored by sync) says it holds FAC-2026-0005."""
    with create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                         params=FAST_KDF) as practice:
        fill(practice)
        for code in ("RPO", "RPM"):
            invoice_documents.set_network_address(practice.sessions, code,
                                                  NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
        issue(practice, "RPO")
        practice.write(network_witness.record_network_highest, "RPO", {"FAC-2026": 5})
        assert practice.read(number_witness.check, practice.keychain_numbers).behind == (
            SeriesBehind("FAC-2026", 3, 5, (NETWORK,)),)
        report = invoice_documents.verify_practice(practice)
        assert report.code == "numbering_behind_network"
        with pytest.raises(CoconError, match="numbering_behind_witness"):
            issue(practice, "RPM")
        practice.write(number_witness.confirm_resume, "FAC-2026-0005")
        assert issue(practice, "RPM")[0] == "FAC-2026-0006"
        assert invoice_documents.verify_practice(practice).ok


def test_a_keychain_witness_that_knows_less_is_brought_up_at_opening(data_dir: Path,
                                                                     memory_keychain: MemoryKeyring) -> None:
    """A practice issued before the witness existed (or whose entry was deleted) gets one at its next opening."""
    with create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF,
                         remember=True) as practice:
        fill(practice, per_network=2)
        invoice_documents.set_network_address(practice.sessions, "RPO", NetworkAddress("1 rue", "31000", "Toulouse"))
        issue(practice, "RPO")
        vault_id = practice.vault_id
    del memory_keychain.store[(keychain.WITNESS_SERVICE, vault_id)]
    with open_with_passphrase(data_dir, STRONG_PASSPHRASE) as practice:
        assert practice.keychain_numbers == {"FAC-2026": 2}
    assert (keychain.WITNESS_SERVICE, vault_id) in memory_keychain.store


def test_without_a_keychain_nothing_is_written_and_nothing_is_behind(data_dir: Path, tmp_path: Path) -> None:
    with create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                         params=FAST_KDF) as practice:
        assert practice.numbering is not None and practice.numbering.ok
        assert number_witness.remember_highest(practice) == {}
    shutil.rmtree(tmp_path / "usb", ignore_errors=True)
