"""A write the database refuses (the file held by the window or another program, a full disk): one French
sentence and exit code 1, never a traceback. cli/main.py imports no database library: it knows the database's
errors through services/database_errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocon_desktop import messages
from cocon_desktop.db.engine import IMMEDIATE
from cocon_desktop.services import practice_handle
from cocon_desktop.services.database_errors import database_failure
from tests.e2e.test_cli import assert_french_failure, cocon


def test_only_the_database_errors_are_database_failures() -> None:
    from sqlalchemy.exc import OperationalError

    assert database_failure(OperationalError("UPDATE …", {}, Exception("database is locked"))) == "OperationalError"
    assert database_failure(ValueError("not the database")) is None
    assert database_failure(OSError(28, "No space left on device")) is None  # cli/main.py says it as a file error


@pytest.mark.slow
def test_a_write_on_a_database_held_by_another_program_is_one_french_sentence(demo_dir: Path) -> None:
    holder = practice_handle.open_with_passphrase(demo_dir, "demo")
    try:
        # another program writing (BEGIN IMMEDIATE: it holds the write lock): readers go on, a writer is refused
        with holder.engine.connect().execution_options(**{IMMEDIATE: True}) as held, held.begin():
            result = cocon("--data-dir", demo_dir, "--passphrase-stdin", "network", "address", "RPM",
                           "1 rue Fictive", "13005", "Marseille", stdin="demo\n")
    finally:
        holder.close()
    assert_french_failure(result, messages.text("database_error", {"kind": "OperationalError"}))
    assert result.returncode == 1
    assert result.stdout == ""  # it opened and read the practice; only the write was refused
    # once the other program has let go, the same command goes through
    again = cocon("--data-dir", demo_dir, "--passphrase-stdin", "network", "address", "RPM", "1 rue Fictive",
                  "13005", "Marseille", stdin="demo\n")
    assert again.returncode == 0, again.stderr
