"""« Exporté (à remettre au réseau) », a state of its own (issue 18, #5): an exported batch is neither « Envoyé »
(delivered over HTTPS) nor « à envoyer »; the error of a sending tried before the export (no address of reception)
no longer stays on its row; the dashboard's line says it is to be handed over; migration 0012 turns the batches an
earlier version exported (`envoye`, no receipt) into `exporte`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from cocon_desktop.db import migrate
from cocon_desktop.models import Batch, OutboxEntry
from cocon_desktop.services import batches, outbox, outbox_errors
from cocon_desktop.services.dashboard import action_items
from cocon_desktop.services.outbox_errors import outbox_error
from cocon_desktop.services.practice_handle import Practice
from tests.db.batch_helpers import NOW, issue_october


def _no_address(practice: Practice, batch_pk: int) -> None:
    """What a sending without an address of reception leaves on the batch (services/sync_run)."""
    outbox.mark_attempt(practice.sessions, batch_pk, NOW)
    outbox.record_failure(practice.sessions, batch_pk, NOW, outbox_error("sync_no_endpoint", network="RPO"))


def _batch_lines(practice: Practice) -> list[tuple[str, str]]:
    return [(i.severity, i.text) for i in action_items(practice.sessions, NOW.date()) if i.kind == "batch_waiting"]


def test_an_export_makes_the_batch_exported_without_the_stale_error(practice: Practice, tmp_path: Path) -> None:
    issue_october(practice, ("RPO",))
    batch = batches.close_batch(practice, "RPO", NOW)
    _no_address(practice, batch.id)
    before = batches.get_batch(practice.sessions, batch.id)
    assert before.state == "prepare" and before.error is not None and before.error.code == "sync_no_endpoint"
    assert batches.pending_count(practice.sessions) == 1
    assert _batch_lines(practice)[0][1].startswith("Lot RPO du 24/11/2026 (3 documents, ")

    batches.export_batch(practice.sessions, batch.id, tmp_path / "export", NOW)
    got = batches.get_batch(practice.sessions, batch.id)
    assert got.state == "exporte" and got.state_label == "Exporté (à remettre au réseau)"
    assert got.error is None and got.last_error == ""  # the « Aucune adresse… » of before the export is gone
    assert batches.pending_count(practice.sessions) == 0  # not « à envoyer »
    assert batches.last_unreceived(practice.sessions, "RPO") == got  # still waiting for the network's receipt
    (line,) = _batch_lines(practice)
    assert line[0] == "info" and line[1].startswith("Lot RPO du 24/11/2026 (3 documents, ")
    assert line[1].endswith(" : exporté, à remettre au réseau.") and "envoy" not in line[1]


def test_an_exported_batch_received_later_reads_received(practice: Practice, tmp_path: Path) -> None:
    issue_october(practice, ("RPO",))
    batch = batches.close_batch(practice, "RPO", NOW)
    batches.export_batch(practice.sessions, batch.id, tmp_path, NOW)
    outbox.record_receipt(practice.sessions, batch.id, "R-1", NOW, NOW)
    assert batches.get_batch(practice.sessions, batch.id).state == "recu"
    assert _batch_lines(practice) == []


def test_migration_0012_turns_exported_batches_into_exporte(practice: Practice, tmp_path: Path) -> None:
    issue_october(practice)
    exported = batches.close_batch(practice, "RPO", NOW)
    kept = batches.close_batch(practice, "RPM", NOW)
    batches.export_batch(practice.sessions, exported.id, tmp_path, NOW)
    migrate.downgrade(practice.engine, "0011")
    with practice.sessions.begin() as session:  # as an earlier version left them: « Envoyé » and its old error
        session.execute(update(Batch).where(Batch.id == exported.id).values(state="envoye"))
        session.execute(update(OutboxEntry).where(OutboxEntry.batch_pk == exported.id)
                        .values(last_error=outbox_errors.stored(outbox_error("sync_no_endpoint", network="RPO")),
                                attempts=1))
    assert batches.get_batch(practice.sessions, exported.id).state == "envoye"
    migrate.upgrade(practice.engine, practice.paths.database, tmp_path / "backups")
    assert migrate.current_revision(practice.engine) == migrate.head_revision()
    moved = batches.get_batch(practice.sessions, exported.id)
    assert moved.state == "exporte" and moved.error is None
    assert batches.get_batch(practice.sessions, kept.id).state == "prepare"  # never exported: unchanged


def test_a_sending_without_an_address_leaves_an_exported_batch_alone(practice: Practice, tmp_path: Path) -> None:
    """« Envoyer maintenant » (another network may have an address) or `cocon sync` after the export: the exported
    batch does not get « Aucune adresse de réception… » back on its row, and is not reported as waiting."""
    from cocon_desktop.services.sync_run import sync_now

    issue_october(practice)
    exported = batches.close_batch(practice, "RPO", NOW)
    waiting = batches.close_batch(practice, "RPM", NOW)
    batches.export_batch(practice.sessions, exported.id, tmp_path, NOW)
    report = sync_now(practice, lambda: NOW, force=True, timeout=5)
    assert report.waiting == 1 and len(report.errors) == 1 and "RPM" in report.errors[0]
    assert batches.get_batch(practice.sessions, exported.id).error is None
    assert batches.get_batch(practice.sessions, waiting.id).error is not None  # not exported: it waits, and says so
