"""The inclusion list's import on a real PostgreSQL: French and ISO dates, with or without a BOM, columns in any
order; every bad line reported with its line number and column and nothing imported; an upsert the second time;
the controls of pending batches run again; the command line."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cocon_network.server.cli_inclusions import register
from cocon_network.server.controls import run_controls
from cocon_network.server.inclusions import import_inclusions, parse_inclusions
from cocon_network.server.models import ControlFlag, Inclusion
from tests.network.controls_helpers import A, batch, document, schema, therapist

HEADER = "numero_inclusion;initiales;date_naissance;terme_sa;date_inclusion;date_sortie;departement"
GOOD = "\r\n".join([
    HEADER,
    "RPM-2025-00001;J.-P. R.;03/02/2025;31;20/02/2025;;13",
    "RPM-2025-00002;L. B.;2025-01-30;31+4;2025-02-15;2026-09-30;2a",
    "RPM-2025-00003;;15/03/2025;;01/04/2025;;",
]) + "\r\n"


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


def count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Inclusion)) or 0


def test_a_good_export_is_imported_then_updated(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        report = import_inclusions(session, ("\ufeff" + GOOD).encode())
    assert report.imported and (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert "3 enfants (3 nouveaux, 0 mis à jour, 0 inchangé)." in report.french()
    with Session(engine) as session:
        second = session.get(Inclusion, "RPM-2025-00002")
        assert second is not None
        assert (second.birth_date, second.gestational_weeks, second.included_on, second.ended_on,
                second.departement, second.initials) == (date(2025, 1, 30), 31, date(2025, 2, 15), date(2026, 9, 30),
                                                         "2A", "L. B.")
        third = session.get(Inclusion, "RPM-2025-00003")
        assert third is not None and third.gestational_weeks is None and third.ended_on is None
    changed = (GOOD.replace("20/02/2025;;13", "20/02/2025;30/06/2026;13")
               + "RPM-2025-00004;;01/05/2025;;02/05/2025;;84\r\n")
    with Session(engine) as session, session.begin():
        report = import_inclusions(session, changed.encode())  # no BOM this time
    assert (report.created, report.updated, report.unchanged) == (1, 1, 2)
    with Session(engine) as session:
        first = session.get(Inclusion, "RPM-2025-00001")
        assert first is not None and first.ended_on == date(2026, 6, 30)
    assert count(engine) == 4


def test_columns_in_any_order_and_others_ignored(engine: Engine) -> None:
    text = ("departement;date_sortie;Numero_Inclusion;commentaire;date_inclusion;terme_sa;date_naissance;initiales\n"
            "06;;RPM-2025-00009;vu en RCP;10/10/2025;28;01/10/2025;A. Z.\n")
    rows, errors, ignored = parse_inclusions(text.encode())
    assert errors == [] and ignored == ["commentaire"]
    assert rows[0].inclusion_number == "RPM-2025-00009" and rows[0].departement == "06"
    assert rows[0].gestational_weeks == 28 and rows[0].birth_date == date(2025, 10, 1)
    with Session(engine) as session, session.begin():
        assert "Colonnes ignorées : commentaire" in import_inclusions(session, text.encode()).french()


def test_every_bad_line_is_reported_and_nothing_is_imported(engine: Engine) -> None:
    bad = "\r\n".join([
        HEADER,
        "RPM-2025-00001;J.-P. R.;03/02/2025;31;20/02/2025;;13",
        "RPM-2025-00002;L. B.;31/02/2025;31;2025-02-15;;13",
        "RPM-2025-00003;;15/03/2025;;01/03/2025;;13",
        "RPM-2025-00004;;15/03/2025;19;01/04/2025;;99",
        "RPM-2025-00001;;15/03/2025;;01/04/2025;;13",
        "RPM 2025;;15/03/2025;;01/04/2025;;13",
        "RPM-2025-00006;;15/03/2025;;01/04/2025",
        "RPM-2025-00007;;;;01/04/2025;01/01/2025;13",
    ])
    with Session(engine) as session, session.begin():
        report = import_inclusions(session, bad.encode())
    assert not report.imported and count(engine) == 0
    found = {(e.line, e.column) for e in report.errors}
    assert found == {(3, "date_naissance"), (4, "date_inclusion"), (5, "terme_sa"), (5, "departement"),
                     (6, "numero_inclusion"), (7, "numero_inclusion"), (8, ""), (9, "date_naissance"),
                     (9, "date_sortie")}
    text = report.french()
    assert text.startswith("Liste d'inclusion refusée, rien n'a été importé : 9 erreurs.")
    assert "Ligne 3, colonne date_naissance : date illisible « 31/02/2025 »" in text
    assert "Ligne 6, colonne numero_inclusion : « RPM-2025-00001 » déjà à la ligne 2" in text
    assert "Ligne 8 : 5 cellules au lieu de 7" in text


def test_file_level_faults(engine: Engine) -> None:
    def first(data: bytes) -> str:
        return parse_inclusions(data)[1][0].french()

    assert "n'est pas en UTF-8" in first((HEADER + "\nRPM-1;Zoé;01/01/2025;;02/01/2025;;13\n").encode("cp1252"))
    assert first((HEADER + "\nRPM-1;Zoé;01/01/2025;;02/01/2025;;13\n").encode("cp1252")).startswith("Ligne 2")
    assert "point-virgule" in first(HEADER.replace(";", ",").encode())
    assert "colonnes manquantes : terme_sa, departement" in first(
        b"numero_inclusion;initiales;date_naissance;date_inclusion;date_sortie\n")
    assert "fichier vide" in first(b"")


def test_an_import_makes_a_child_known_to_the_pending_batches(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        document(session, lot, martin, [A(date(2025, 3, 3), "RPM-2025-00001"), A(date(2025, 3, 4), "RPM-2025-00003")])
        assert sorted(f.inclusion_number for f in run_controls(session, lot.batch_id)) == ["RPM-2025-00001",
                                                                                           "RPM-2025-00003"]
        report = import_inclusions(session, GOOD.encode())
        assert report.batches_checked == 1 and "Contrôles refaits sur 1 lot." in report.french()
        flags = session.scalars(select(ControlFlag)).all()
        assert [(f.kind, f.inclusion_number) for f in flags] == [("before_inclusion", "RPM-2025-00003")]


def test_command_line(engine: Engine, postgres_url: str, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="cocon-network")
    register(parser.add_subparsers(dest="command", required=True))
    good, bad = tmp_path / "export.csv", tmp_path / "faux.csv"
    good.write_text(GOOD, "utf-8")
    bad.write_text(GOOD + "RPM-2025-00009;;32/01/2025;;01/02/2025;;13\r\n", "utf-8")
    args = parser.parse_args(["inclusions", "import", str(good), "--verifier"])
    assert args.func(args) == 0 and count(engine) == 0
    script = ("import argparse, sys\nfrom cocon_network.server.cli_inclusions import register\n"
              "p = argparse.ArgumentParser(); register(p.add_subparsers(dest='c', required=True))\n"
              "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))\n")
    env = {**os.environ, "COCON_NETWORK_DATABASE_URL": postgres_url}
    refused = subprocess.run([sys.executable, "-c", script, "inclusions", "import", str(bad)], env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "Ligne 5, colonne date_naissance" in refused.stderr and count(engine) == 0
    done = subprocess.run([sys.executable, "-c", script, "inclusions", "import", str(good)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Liste d'inclusion importée : 3 enfants" in done.stdout and count(engine) == 3
    missing = subprocess.run([sys.executable, "-c", script, "inclusions", "import", str(tmp_path / "absent.csv")],
                             env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "Impossible de lire" in missing.stderr


def test_controls_run_again_from_the_command_line(engine: Engine, postgres_url: str,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from cocon_network.server.__main__ import main

    with Session(engine) as session, session.begin():
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        document(session, lot, martin, [A(date(2025, 3, 3), "RPM-2025-00001"), A(date(2025, 3, 4), "RPM-2025-00002")])
        batch_id = lot.batch_id
    monkeypatch.setenv("COCON_NETWORK_DATABASE_URL", postgres_url)
    assert main(["controls", "run"]) == 0  # the batch was stored without its controls
    assert "Contrôles refaits sur 1 lot : 2 signalements." in capsys.readouterr().out
    assert main(["controls", "run", "--lot", batch_id]) == 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ControlFlag)) == 2
    assert main(["controls", "run", "--lot", "inconnu"]) == 1
    assert "Aucun lot « inconnu »." in capsys.readouterr().err
