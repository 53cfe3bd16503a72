"""`cocon-network` end to end on a real PostgreSQL: migrate, conventions and users from the command line, then
`serve` as its own process with two uvicorn workers, receiving a real batch sent with the token it printed."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
from cocon_network.server.__main__ import main
from cocon_network.server.console.passwords import verify_password
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.models import ApiToken, AuditEntry, Batch, ConsoleUser, Document
from tests.network_samples import sample_certificate, signed_batch
from tests.sync_samples import make_batch

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def config(postgres_url: str, tmp_path: Path) -> Path:
    path = tmp_path / "reseau.toml"
    path.write_text(f'database_url = "{postgres_url}"\nnetwork = "RPM"\nport = {_free_port()}\n'
                    "workers = 2\nverify_processes = 1\n", "utf-8")
    return path


def run(config: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def served(config: Path) -> Iterator[str]:
    """`cocon-network serve` in its own process group (stopped by its own id at the end)."""
    port = re.search(r"port = (\d+)", config.read_text("utf-8"))
    assert port is not None
    process = subprocess.Popen([sys.executable, "-m", "cocon_network.server", "--config", str(config), "serve"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "PYTHONWARNINGS": ""})
    url = f"http://127.0.0.1:{port[1]}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/batches/x", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise RuntimeError(f"serve did not start: {output}") from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_serve_refuses_a_database_not_migrated(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(config, "serve", capsys=capsys)
    assert code == 2 and "cocon-network migrate" in err


def test_the_command_line_sets_up_a_network_that_then_receives_a_batch(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    from cocon_network.server.migrate import head_revision

    migrated = run(config, "migrate", capsys=capsys)[:2]
    assert migrated == (0, f"Base mise à jour : révision aucune → {head_revision()}.\n")
    assert "déjà à jour" in run(config, "migrate", capsys=capsys)[1]
    code, _out, err = run(config, "therapist", "add", "--name", "Camille Martin", "--discipline", "psychomotricite",
                          "--siret", "91234567500018", "--iban", "FR7630006000011234567890189",
                          "--convention-start", "2026-01-01", capsys=capsys)
    assert code == 2 and "Refusé (siret)" in err and "« 91234567500018 » n'est pas valide" in err
    code, out, _err = run(config, "therapist", "add", "--name", "Camille Martin", "--discipline",
                          "psychomotricite", "--siret", "91234567500017", "--iban", "FR76 3000 6000 0112 3456 7890 189",
                          "--bic", "AGRIFRPP", "--rpps", "10001234565", "--departement", "13",
                          "--convention-start", "2026-01-01", capsys=capsys)
    assert code == 0 and "Thérapeute n° 1 conventionné" in out
    pem = tmp_path / "cabinet.pem"
    pem.write_bytes(sample_certificate()[0])
    code, out, _err = run(config, "certificate", "add", "91234567500017", str(pem), capsys=capsys)
    assert code == 0 and "empreinte SHA-256" in out
    code, out, _err = run(config, "token", "issue", "91234567500017", capsys=capsys)
    assert code == 0
    token = out.splitlines()[1]
    assert len(token) >= 43
    monkeypatch.setattr(sys, "stdin", io.StringIO("un mot de passe assez long\n"))
    code, out, _err = run(config, "user", "add", "--login", "claire", "--role", "coordinateur", capsys=capsys)
    assert code == 0 and "« claire » créé" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("court\n"))  # she forgot it: the administrator gives a new one
    code, _out, err = run(config, "user", "password", "--login", "claire", capsys=capsys)
    assert code == 2 and "au moins 12 caractères" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("un autre mot de passe long\n"))
    code, out, _err = run(config, "user", "password", "--login", "claire", "--remove-totp", capsys=capsys)
    assert code == 0 and "Mot de passe de « claire » changé ; ses sessions sont fermées." in out
    code, out, _err = run(config, "therapist", "list", capsys=capsys)
    assert "SIRET 91234567500017" in out and f"{token[:8]}…  (actif" in out and token not in out

    engine = make_engine(re.findall(r'database_url = "([^"]+)"', config.read_text("utf-8"))[0])
    with transaction(session_factory(engine)) as session:
        user = session.scalars(select(ConsoleUser)).one()
        assert user.password_hash.startswith("$argon2id$") and user.role == "coordinateur"
        assert verify_password(user.password_hash, "un autre mot de passe long")
        assert session.scalars(select(ApiToken.token_sha256)).one() == sha256_hex(token.encode())
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["therapist_registered", "certificate_registered", "token_issued", "user_created",
                           "user_password_reset"]
    engine.dispose()

    url = request.getfixturevalue("served")
    batch = make_batch()
    headers = {"Authorization": f"Bearer {token}", SHA256_HEADER: sha256_hex(batch.data)}
    answer = httpx.put(f"{url}/batches/{batch.batch_id}", content=batch.data, headers=headers, timeout=60)
    assert answer.status_code == 201, answer.text
    assert httpx.get(f"{url}/batches/{batch.batch_id}", headers=headers, timeout=30).json()["status"] == "recu"

    # ten deliveries of another batch at once, spread over the two worker processes: one row, one 201
    twin = signed_batch(numbers=("FAC-2026-0003", "FAC-2026-0004"))
    twin_headers = {**headers, SHA256_HEADER: sha256_hex(twin.data)}
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: httpx.put(f"{url}/batches/{twin.batch_id}", content=twin.data,
                                                    headers=twin_headers, timeout=120), range(10)))
    assert sorted(a.status_code for a in answers) == [200] * 9 + [201]
    assert len({a.json()["receipt_id"] for a in answers}) == 1
    engine = make_engine(re.findall(r'database_url = "([^"]+)"', config.read_text("utf-8"))[0])
    with transaction(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Batch)) == 2
        assert session.scalar(select(func.count()).select_from(Document)) == 4
    engine.dispose()

    code, _out, _err = run(config, "token", "revoke", "1", capsys=capsys)
    assert code == 0
    refused = httpx.get(f"{url}/batches/{batch.batch_id}", headers=headers, timeout=30)
    assert refused.status_code == 401


def test_every_commands_module_of_the_server_is_plugged_in() -> None:
    from cocon_network.server import __main__ as entry

    modules = {f"cocon_network.server.{p.stem}" for p in (ROOT / "cocon_network" / "server").glob("cli_*.py")}
    assert modules - {"cocon_network.server.cli_conventions"} <= set(entry.PLUGINS)
    parser = entry.build_parser()
    for command in ("migrate", "serve", "therapist list", "certificate revoke 1 abcdef12", "token issue 1",
                    "user add --login a --role comptable"):
        assert parser.parse_args(command.split()).func is not None
