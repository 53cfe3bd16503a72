"""`cocon agenda export` from the shell, on the demo practice (issue 20, #6): a calendar file icalendar reads back,
Paris times with TZID=Europe/Paris and its VTIMEZONE, the appointments' own UIDs (the same at a second export),
initials only; a malformed or reversed period is one French sentence, exit code 2, nothing written."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from tests import calendar_samples
from tests.dates import TODAY
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import assert_french_failure, cocon

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo)

MONDAY = TODAY - timedelta(days=TODAY.weekday())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    return copy_demo(demo_made_once, tmp_path_factory.mktemp("agenda") / "cabinet")


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin="demo\n")


def test_agenda_export_writes_a_calendar_in_paris_time(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "agenda" / "cabinet.ics"
    last = MONDAY + timedelta(weeks=13) - timedelta(days=1)
    result = _run(demo, "agenda", "export", "--from", MONDAY.isoformat(), "--to", last.isoformat(), "-o", out)
    assert result.returncode == 0, result.stderr
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) > 10
    assert result.stdout.strip() == (f"{len(events)} rendez-vous du {MONDAY:%d/%m/%Y} au {last:%d/%m/%Y} exportés "
                                     f"dans {out} (heures de Paris, fuseau Europe/Paris).")
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    for event in events:
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        start = event.decoded("DTSTART")
        assert MONDAY <= start.date() <= last and start.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
        assert str(event["SUMMARY"]).startswith("Séance ")
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids) and not any(uid.startswith("cocon-rdv-") for uid in uids)
    assert out.stat().st_mode & 0o777 == 0o600

    again = tmp_path / "encore.ics"  # the default period: this week and the twelve after it, as the window's
    assert _run(demo, "agenda", "export", "-o", again).returncode == 0
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(again.read_bytes()).walk("VEVENT")] == uids
    stamp = icalendar.Calendar.from_ical(again.read_bytes()).walk("VEVENT")[0].decoded("DTSTAMP")
    assert stamp.tzinfo is not None and stamp.astimezone(UTC) <= datetime.now(UTC)


@pytest.mark.parametrize(("args", "sentence"), [
    (("--from", "2026-12-01", "--to", "2026-11-01"), "Période : La fin précède le début : 2026-12-01..2026-11-01."),
    (("--from", "2026-13-01"), "Date : Date invalide : 2026-13-01."),
    (("--from", "2020-01-01", "--to", "2029-12-31"),
     "Période : Un export de calendrier couvre au plus 1830 jours : du 01/01/2020 au 31/12/2029, il y en a 3653. "
     "Rien n'a été écrit."),
])
def test_a_bad_period_is_one_french_sentence_and_writes_nothing(demo: Path, tmp_path: Path, args: tuple[str, ...],
                                                                sentence: str) -> None:
    out = tmp_path / "rien.ics"
    result = _run(demo, "agenda", "export", *args, "-o", out)
    assert_french_failure(result, sentence)
    assert result.returncode == 2 and not out.exists()


def _a_child(demo: Path) -> tuple[str, str]:
    """The inclusion number and name (« BERNARD Léa ») of a demo child whose name no other child has."""
    listed = [line.split("  ") for line in _run(demo, "children", "list").stdout.splitlines() if "  " in line]
    names = [parts[1] for parts in listed]
    return next((parts[0], parts[1]) for parts in listed if names.count(parts[1]) == 1)


def test_agenda_import_reviews_then_applies_and_a_second_import_updates(demo: Path, tmp_path: Path) -> None:
    inclusion, name = _a_child(demo)
    source = tmp_path / "google.ics"
    source.write_bytes(calendar_samples.google(summary=f"Séance {name}"))
    period = ("--from", "2026-10-01", "--to", "2026-12-31")
    review = _run(demo, "agenda", "import", source, *period)
    assert review.returncode == 0, review.stderr
    lines = review.stdout.splitlines()
    assert len(lines) == 6 and all(f"reconnu, {inclusion} (" in line for line in lines[:5])
    assert lines[0].startswith("13/10/2026 09:00 (45 min) « Séance ")
    assert lines[-1].endswith("Rien n'a été écrit : relancez avec --apply pour importer les rendez-vous reconnus.")
    exported = tmp_path / "avant.ics"
    assert _run(demo, "agenda", "export", *period, "-o", exported).returncode == 0

    applied = _run(demo, "agenda", "import", source, *period, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.splitlines()[-1].endswith("Importés : 5 nouveaux, 0 mis à jour, 0 inchangé ; ceux "
                                                    "à choisir ou ignorés sont laissés de côté.")
    source.write_bytes(calendar_samples.google(summary=f"Séance {name}", hour=11))  # the series moved to 11:00
    again = _run(demo, "agenda", "import", source, *period, "--apply")
    assert "(déjà importé)" in again.stdout.splitlines()[0]
    assert again.stdout.splitlines()[-1].endswith("Importés : 0 nouveau, 4 mis à jour, 1 inchangé ; ceux à "
                                                  "choisir ou ignorés sont laissés de côté.")
    after = tmp_path / "apres.ics"
    assert _run(demo, "agenda", "export", *period, "-o", after).returncode == 0
    count = len(icalendar.Calendar.from_ical(exported.read_bytes()).walk("VEVENT"))
    assert len(icalendar.Calendar.from_ical(after.read_bytes()).walk("VEVENT")) == count + 5, "no double"


def test_agenda_import_of_a_file_that_is_no_calendar(demo: Path, tmp_path: Path) -> None:
    source = tmp_path / "contact.ics"
    source.write_bytes(b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n")
    assert_french_failure(_run(demo, "agenda", "import", source),
                          "Ce fichier n'est pas un calendrier lisible (.ics, RFC 5545) : exportez-le de nouveau "
                          "depuis l'agenda d'origine. Rien n'a été importé.")
