"""`make network-demo`: a trial network on SQLite, its console on http://127.0.0.1:8700.

    python -m cocon_network.server.demo --input build/network-demo/input --folder build/network-demo

The input (tools/make_network_demo_batches.py) holds 12 therapists under convention, 200 children and four months
of real signed batches. On the first start the demo creates the database (the migrations), registers the
therapists with the certificate that signed their batches, issues each a token, imports the inclusion list,
creates three console users (coordination, comptabilité, administration) with the demo passwords printed below,
then starts the server and sends every batch to it through the sync protocol — PUT /batches/{id} with the
therapist's token, exactly as a practice's `cocon sync` does — so that the controls and receipts are the real
ones. Later starts reuse the database. Everything stays in --folder; the server listens on 127.0.0.1 only."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cocon_network.server import models as m
from cocon_network.server.config import Settings
from cocon_network.server.db import init_schema, make_engine, session_factory, transaction
from cocon_network.server.region_data import french_iban, siret_for

DEMO_USERS = (  # login, name, role, password: a demo's, printed on purpose, never for a real network
    ("coordination", "Claire Coordination", m.ROLE_COORDINATOR, "coordination-demo"),
    ("comptabilite", "Hélène Comptabilité", m.ROLE_ACCOUNTANT, "comptabilite-demo"),
    ("administration", "Antoine Administration", m.ROLE_ADMINISTRATOR, "administration-demo"),
)
DATABASE_NAME = "reseau-demo.sqlite3"
DEMO_NETWORK_SIRET = siret_for(9_999)  # made up, valid keys
DEMO_DEBTOR_IBAN = french_iban("30001" + "00999" + "00000099999" + "00")
COMPLETE_MARK = ".demo-complete"


@dataclass
class Seeded:
    tokens: dict[str, str]  # SIRET → token (in memory only, for the uploads)


def _manifest(batch_zip: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(batch_zip)) as archive:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    return manifest


def _siret_of(batch_zip: bytes) -> str:
    return str(_manifest(batch_zip)["practice"]["siret"])


def seed(settings: Settings, input_folder: Path) -> Seeded:
    """The schema, the users, the therapists (certificate + token) and the inclusion list."""
    from cocon_network.server import conventions
    from cocon_network.server.console.passwords import hash_password

    engine = make_engine(settings.database_url)
    init_schema(engine)
    network = json.loads((input_folder / "network.json").read_text("utf-8"))
    first_batch: dict[str, bytes] = {}
    for path in sorted((input_folder / "batches").glob("*.zip")):
        data = path.read_bytes()
        first_batch.setdefault(_siret_of(data), data)
    tokens: dict[str, str] = {}
    with transaction(session_factory(engine)) as session:
        users = [m.ConsoleUser(login=login, display_name=name, role=role, password_hash=hash_password(password))
                 for login, name, role, password in DEMO_USERS]
        session.add_all(users)
        session.flush()
        admin = users[-1].id
        for record in network["therapists"]:
            therapist = conventions.register_therapist(
                session, name=record["name"], discipline=record["discipline"], siret=record["siret"],
                iban=record["iban"], bic=record["bic"], rpps=record["rpps"], departement=record["departement"],
                convention_start=date.fromisoformat(record["convention_start"]), user_id=admin)
            conventions.add_certificate(session, therapist.id, first_batch[therapist.siret], user_id=admin)
            tokens[therapist.siret] = conventions.issue_token(session, therapist.id, user_id=admin).token
        session.add_all(m.Inclusion(
            inclusion_number=c["inclusion_number"], initials=c["initials"],
            birth_date=date.fromisoformat(c["birth_date"]), gestational_weeks=c["gestational_weeks"],
            included_on=date.fromisoformat(c["included_on"]),
            ended_on=date.fromisoformat(c["ended_on"]) if c["ended_on"] else None,
            departement=c["departement"]) for c in network["children"])
    engine.dispose()
    return Seeded(tokens)


def send_batches(base_url: str, input_folder: Path, tokens: dict[str, str]) -> dict[int, int]:
    """Every batch of the input PUT to the server like a practice's sync; the count of each HTTP status."""
    counts: dict[int, int] = {}
    for path in sorted((input_folder / "batches").glob("*.zip")):
        data = path.read_bytes()
        batch_id = _manifest(data)["batch_id"]
        request = urllib.request.Request(
            f"{base_url}/batches/{batch_id}", data=data, method="PUT",
            headers={"Authorization": f"Bearer {tokens[_siret_of(data)]}", "Content-Type": "application/zip",
                     "X-Content-SHA256": hashlib.sha256(data).hexdigest()})
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
            print(f"  {path.name} : refusé ({status}) {error.read()[:300].decode('utf-8', 'replace')}",
                  file=sys.stderr)
        counts[status] = counts.get(status, 0) + 1
    return counts


def history(settings: Settings) -> dict[str, int]:
    """What a network has done with the older months: August's and September's unflagged invoices accepted by
    the coordinator, one flagged invoice rejected with its reason, August paid by an executed payment run and
    September in a run prepared for the bank; October and November wait in the inbox. Through the same services
    the console uses (decisions, payments), so the audit log tells it."""
    from sqlalchemy import select

    from cocon_network.server import decisions, payments

    engine = make_engine(settings.database_url)
    done = {"accepted": 0, "rejected": 0, "paid": 0}
    try:
        with transaction(session_factory(engine)) as session:
            users = {u.role: u.id for u in session.scalars(select(m.ConsoleUser))}
            coordinator, accountant = users[m.ROLE_COORDINATOR], users[m.ROLE_ACCOUNTANT]
            for month in (date(2026, 8, 1), date(2026, 9, 1)):
                batches = session.scalars(select(m.Batch.batch_id).where(m.Batch.period_start == month)
                                          .order_by(m.Batch.batch_id)).all()
                for batch_id in batches:
                    done["accepted"] += len(decisions.accept_unflagged(session, batch_id, coordinator))
            flagged = session.scalar(select(m.Document).join(m.ControlFlag, m.ControlFlag.document_id == m.Document.id)
                                     .where(m.Document.status == m.DOC_RECEIVED,
                                            m.ControlFlag.kind.like("same_day%")).order_by(m.Document.id).limit(1))
            if flagged is not None:
                decisions.reject_document(session, flagged.id, coordinator,
                                          "Séance déjà facturée le même jour par un autre thérapeute de la même "
                                          "discipline : émettez un avoir, puis une facture corrigée.")
                done["rejected"] = 1
            tomorrow = payments.next_working_day(date.today())
            for month, execute in ((date(2026, 8, 1), True), (date(2026, 9, 1), False)):
                ids = session.scalars(select(m.Document.id).join(m.Batch).where(
                    m.Batch.period_start == month, m.Document.status == m.DOC_ACCEPTED,
                    m.Document.kind == "invoice")).all()
                if not ids:
                    continue
                created = payments.create_run(session, settings, ids, tomorrow, accountant)
                if execute:
                    done["paid"] += payments.execute_run(session, created.run.id, accountant).documents
    finally:
        engine.dispose()
    return done


def wait_verified(settings: Settings, timeout: float = 600) -> None:
    """Until no batch is « en_cours »: each one's PDFs are verified after its receipt (ingest_verify.py)."""
    from sqlalchemy import func, select

    engine = make_engine(settings.database_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with transaction(session_factory(engine)) as session:
                if not session.scalar(select(func.count()).select_from(m.Batch)
                                      .where(m.Batch.verification == m.VERIFY_PENDING)):
                    return
            time.sleep(0.2)
    finally:
        engine.dispose()


def banner(base_url: str) -> str:
    lines = [f"Console du réseau de démonstration : {base_url}/", "Identifiants (démonstration uniquement) :"]
    lines += [f"  {role:<15} identifiant « {login} », mot de passe « {password} »"
              for login, _name, role, password in DEMO_USERS]
    lines.append("Arrêter : Ctrl+C")
    return "\n".join(lines)


def run(folder: Path, input_folder: Path, *, port: int = 8700, serve: bool = True) -> dict[str, Any]:
    """Create (first time) and start the demo; with serve=False, stop once the batches are in (tests)."""
    import uvicorn

    from cocon_network.server.app import create_app

    folder.mkdir(parents=True, exist_ok=True)
    database = folder / DATABASE_NAME
    settings = replace(Settings(), database_url=f"sqlite:///{database}", secure_cookies=False, host="127.0.0.1",
                       port=port, verify_processes=2, network_siret=DEMO_NETWORK_SIRET,
                       debtor_iban=DEMO_DEBTOR_IBAN, debtor_bic="BDFEFRPP")
    seeded: Seeded | None = None
    if not (folder / COMPLETE_MARK).exists():
        for leftover in folder.glob(DATABASE_NAME + "*"):  # an earlier first start that did not finish
            leftover.unlink()
        seeded = seed(settings, input_folder)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    outcome: dict[str, Any] = {"database": database}

    def after_start() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        bound = server.servers[0].sockets[0].getsockname()[1]
        base_url = f"http://127.0.0.1:{bound}"
        outcome["url"] = base_url
        if seeded is not None:
            print(f"Envoi des lots de démonstration à {base_url} …", flush=True)
            counts = send_batches(base_url, input_folder, seeded.tokens)
            outcome["statuses"] = counts
            print("  " + ", ".join(f"{n} × HTTP {code}" for code, n in sorted(counts.items())), flush=True)
            if set(counts) <= {200, 201}:
                wait_verified(settings)  # decisions wait for the PDFs' verification after the receipts
                done = history(settings)
                outcome["history"] = done
                print(f"  août et septembre : {done['accepted']} factures acceptées, {done['rejected']} rejetée, "
                      f"{done['paid']} payées par un virement exécuté ; un virement de septembre à exécuter",
                      flush=True)
                (folder / COMPLETE_MARK).write_text("ok\n", "utf-8")
        print(banner(base_url), flush=True)
        if not serve:
            server.should_exit = True

    threading.Thread(target=after_start, name="demo-batches", daemon=True).start()
    server.run()
    return outcome


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--folder", type=Path, default=Path("build/network-demo"),
                        help="dossier de la base de démonstration (build/network-demo)")
    parser.add_argument("--input", type=Path, default=Path("build/network-demo/input"),
                        help="thérapeutes, enfants et lots signés (tools/make_network_demo_batches.py)")
    parser.add_argument("--port", type=int, default=8700, help="port sur 127.0.0.1 (8700)")
    parser.add_argument("--reset", action="store_true", help="repartir d'une base neuve")
    parser.add_argument("--no-serve", action="store_true", help="s'arrêter une fois les lots reçus")


def run_from_args(args: argparse.Namespace) -> int:
    if not (args.input / "network.json").exists():
        print(f"{args.input} ne contient pas les lots de démonstration : lancez « make network-demo » ou "
              f"python tools/make_network_demo_batches.py {args.input}", file=sys.stderr)
        return 2
    if args.reset:
        for path in args.folder.glob(DATABASE_NAME + "*"):
            path.unlink()
        (args.folder / COMPLETE_MARK).unlink(missing_ok=True)
    outcome = run(args.folder, args.input, port=args.port, serve=not args.no_serve)
    statuses = outcome.get("statuses", {})
    return 0 if set(statuses) <= {200, 201} else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cocon_network.server.demo",
                                     description="Le réseau de démonstration (SQLite) et sa console.")
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
