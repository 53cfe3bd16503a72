"""The encrypted engine used from several threads, as the program's background tasks do."""

from __future__ import annotations

import threading

from sqlalchemy import text

from cocon_desktop.services import settings_store
from cocon_desktop.services.practice_file import PracticeFile
from cocon_desktop.settings import LOCK_IDLE_MINUTES


def test_many_worker_threads_do_not_close_a_connection_in_use(practice: PracticeFile) -> None:
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


def test_a_write_in_a_worker_is_seen_by_the_main_thread(practice: PracticeFile) -> None:
    worker = threading.Thread(target=settings_store.put, args=(practice.sessions, LOCK_IDLE_MINUTES, 42))
    worker.start()
    worker.join()
    assert settings_store.get(practice.sessions, LOCK_IDLE_MINUTES) == 42
