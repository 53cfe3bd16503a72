"""The practice handle: reads return the use case's value, writes return it with the Changes the use case declares,
a write not marked as one is refused, a failed write carries its declared changes, a closed handle reads nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.prescription import PrescriberData
from cocon_desktop.errors import CoconError, DatabaseError
from cocon_desktop.services import prescribers, settings_store
from cocon_desktop.services.changes import HANDLE, Changes, OpResult, writes
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.settings import LOCK_IDLE_MINUTES


def test_a_write_returns_its_value_and_what_it_changed(practice: Practice) -> None:
    result = practice.write(prescribers.save_prescriber, PrescriberData(last_name="Achard", first_name="Hélène"))
    assert isinstance(result, OpResult) and result.changes == Changes.PRESCRIBERS
    assert [p.id for p in practice.read(prescribers.list_prescribers)] == [result.value]
    stored = practice.write(settings_store.put, LOCK_IDLE_MINUTES, 7)
    assert stored.changes == Changes.SETTINGS and practice.read(settings_store.get, LOCK_IDLE_MINUTES) == 7


def test_a_function_that_does_not_say_what_it_changes_is_refused(practice: Practice) -> None:
    def sneaky(sessions: sessionmaker[Session]) -> None:
        raise AssertionError("never run")

    with pytest.raises(TypeError, match="not a write use case"):
        practice.write(sneaky)


def test_a_failed_write_carries_its_declared_changes(practice: Practice) -> None:
    @writes(Changes.INVOICES | Changes.SEANCES)
    def halfway(sessions: sessionmaker[Session]) -> None:
        raise CoconError("cancelled")

    with pytest.raises(CoconError) as failure:
        practice.write(halfway)
    assert failure.value.changes == Changes.INVOICES | Changes.SEANCES  # type: ignore[attr-defined]


def test_a_use_case_taking_the_handle_gets_the_handle(practice: Practice) -> None:
    @writes(Changes.KEYS, takes=HANDLE)
    def with_handle(handle: Practice) -> str:
        return handle.vault_id

    assert practice.write(with_handle).value == practice.vault_id


def test_a_closed_handle_reads_and_writes_nothing(practice: Practice) -> None:
    practice.close()
    with pytest.raises(DatabaseError) as read:
        practice.read(settings_store.get, LOCK_IDLE_MINUTES)
    assert read.value.code == "practice_closed"
    with pytest.raises(DatabaseError):
        practice.write(settings_store.put, LOCK_IDLE_MINUTES, 9)
