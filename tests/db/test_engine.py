"""The encrypted engine used from several threads, as the program's background tasks do."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from sqlalchemy import text

from cocon_desktop.errors import DatabaseError
from cocon_desktop.services import settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.settings import LOCK_IDLE_MINUTES


def test_many_worker_threads_do_not_close_a_connection_in_use(practice: Practice) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        try:
            with practice.engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM practice")).scalar()
                barrier.wait(timeout=10)  # all eight hold a connection at the same time
        except BaseException as exc:
            errors.append(exc)

    with practice.engine.connect() as mine:
        assert mine.execute(text("SELECT count(*) FROM practice")).scalar() == 1
        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert mine.execute(text("SELECT count(*) FROM practice")).scalar() == 1
    assert errors == []


def test_a_write_in_a_worker_is_seen_by_the_main_thread(practice: Practice) -> None:
    worker = threading.Thread(target=settings_store.put, args=(practice.sessions, LOCK_IDLE_MINUTES, 42))
    worker.start()
    worker.join()
    assert settings_store.get(practice.sessions, LOCK_IDLE_MINUTES) == 42


def test_a_closed_practice_forgets_its_key_and_opens_no_connection(practice: Practice) -> None:
    engine, sessions, holder = practice.engine, practice.sessions, practice.key_holder
    key = weakref.ref(practice.key)
    with sessions() as session:
        assert session.execute(text("SELECT count(*) FROM practice")).scalar() == 1
    practice.close()
    gc.collect()
    assert holder.closed and key() is None, "no reference to the key survives the close"
    for attempt in (engine.connect, lambda: sessions().execute(text("SELECT 1")),  # taken before the close
                    lambda: practice.sessions, lambda: practice.engine, lambda: practice.key):
        with pytest.raises(DatabaseError) as caught:
            attempt()
        assert caught.value.code == "practice_closed"
    practice.close()  # twice is harmless
