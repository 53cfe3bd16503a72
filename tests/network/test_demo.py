"""`make network-demo` (issue 21, #1): the demo's input made by the tool with the desktop's signer, then the demo
server creating its SQLite database and receiving every batch through the sync protocol, its printed logins
opening the console; a second start reuses the database. Smaller than the real demo (3 therapists, 2 months)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cocon_network.server import models as m
from cocon_network.server.demo import DATABASE_NAME, DEMO_USERS

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def demo_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "input"
    done = _run("tools/make_network_demo_batches.py", str(folder), "--therapists", "3", "--months", "2")
    assert done.returncode == 0, done.stderr
    return folder


def test_the_demo_receives_its_batches_and_opens_the_console(demo_input: Path, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from benchmarks.network import login
    from cocon_network.server.app import create_app
    from cocon_network.server.config import Settings
    from cocon_network.server.db import make_engine

    assert len(list((demo_input / "batches").glob("*.zip"))) == 6
    folder = tmp_path / "network-demo"
    first = _run("-m", "cocon_network.server.demo", "--folder", str(folder), "--input", str(demo_input),
                 "--port", "0", "--no-serve")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "6 × HTTP 201" in first.stdout
    url = re.search(r"Console du réseau de démonstration : (http://127\.0\.0\.1:\d+)/", first.stdout)
    assert url is not None
    for login_name, _name, _role, password in DEMO_USERS:
        assert f"« {login_name} », mot de passe « {password} »" in first.stdout

    database = f"sqlite:///{folder / DATABASE_NAME}"
    engine = make_engine(database)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Therapist)) == 3
        assert session.scalar(select(func.count()).select_from(m.Batch)) == 6
        assert session.scalar(select(func.count()).select_from(m.Document)) == 6 * 4
        # the history: August paid by an executed run, September accepted in a run waiting for the bank
        statuses = dict(session.execute(select(m.Document.status, func.count()).group_by(m.Document.status)).all())
        assert statuses.get(m.DOC_PAID, 0) > 0 and statuses.get(m.DOC_ACCEPTED, 0) > 0
        runs = session.scalars(select(m.PaymentRun).order_by(m.PaymentRun.id)).all()
        assert [run.executed_at is not None for run in runs] == [True, False]
        assert (session.scalar(select(func.count()).select_from(m.AuditEntry)) or 0) > statuses[m.DOC_PAID]
        assert session.scalar(select(func.count()).select_from(m.Inclusion)) == 200
        assert session.scalar(select(func.count()).select_from(m.ApiToken)) == 3
        assert session.scalar(select(func.count()).select_from(m.ConsoleUser)) == 3
        assert all(t.certificates for t in session.scalars(select(m.Therapist)))
    app = create_app(Settings(database_url=database, secure_cookies=False), engine=engine)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login(client, "coordination", "coordination-demo")
        assert client.get("/console/").status_code == 200

    again = _run("-m", "cocon_network.server", "demo", "--folder", str(folder), "--input", str(demo_input),
                 "--port", "0", "--no-serve")
    assert again.returncode == 0, again.stderr
    # `cocon-network demo` (cli_demo.py) does the same; the database is kept
    assert "Envoi des lots" not in again.stdout and "Console du réseau" in again.stdout
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Batch)) == 6  # nothing received twice
    engine.dispose()


def test_the_demo_says_what_to_run_without_its_input(tmp_path: Path) -> None:
    done = _run("-m", "cocon_network.server.demo", "--folder", str(tmp_path), "--input", str(tmp_path / "rien"))
    assert done.returncode == 2
    assert "tools/make_network_demo_batches.py" in done.stderr


def test_make_network_demo_builds_the_input_then_starts_the_demo() -> None:
    done = subprocess.run(["make", "-n", "network-demo", "STAMP=.venv/bin/python"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "tools/make_network_demo_batches.py build/network-demo/input" in done.stdout
    assert "-m cocon_network.server.demo --folder build/network-demo" in done.stdout
