"""`cocon-network payments list|create|export|execute|cancel` on a real PostgreSQL, settings from the environment."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cocon_network.server import sepa
from cocon_network.server.__main__ import main
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.models import DOC_PAID, Document, PaymentRun
from tests.network.payment_samples import EXECUTION, SETTINGS, THERAPISTS, create_schema, seed


@pytest.fixture
def engine(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    create_schema(engine)
    with transaction(session_factory(engine)) as session:
        seed(session)
    for name, value in (("DATABASE_URL", postgres_url), ("NETWORK", SETTINGS.network),
                        ("NETWORK_NAME", SETTINGS.network_name), ("DEBTOR_IBAN", SETTINGS.debtor_iban),
                        ("DEBTOR_BIC", SETTINGS.debtor_bic)):
        monkeypatch.setenv(f"COCON_NETWORK_{name}", value)
    yield engine
    engine.dispose()


def test_create_export_execute_from_the_command_line(engine: Engine, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["payments", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"{THERAPISTS[1][1]}  Jean-Noël Ménard : 900,00\u00a0€" in listed
    first, second = THERAPISTS[0][1], THERAPISTS[1][1]
    assert main(["payments", "create", "--invoice", f"{first}:FAC-2026-0001", "--invoice", f"{second}:FAC-2026-0011",
                 "--execution-date", EXECUTION.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "2 virements, 1\u202f020,00\u00a0€" in out, out  # AV-2026-0001 waits for FAC-2026-0010, not chosen
    with transaction(session_factory(engine)) as session:
        run = session.scalars(select(PaymentRun)).one()
        run_id, message_id = run.id, run.message_id
    xml, archive, folder = tmp_path / "virement.xml", tmp_path / "avis.zip", tmp_path / "avis"
    assert main(["payments", "export", message_id, "--xml", str(xml), "--zip", str(archive),
                 "--advices", str(folder)]) == 0
    assert sepa.validation_errors(xml.read_bytes()) == [] and sepa.totals(xml.read_bytes()) == (2, 102_000)
    assert len(zipfile.ZipFile(archive).namelist()) == 2 and len(list(folder.glob("*.pdf"))) == 2
    capsys.readouterr()
    assert main(["payments", "execute", str(run_id)]) == 1
    assert "Ajoutez --yes" in capsys.readouterr().err
    assert main(["payments", "execute", str(run_id), "--yes"]) == 0
    assert "marqué exécuté : 2 documents payés" in capsys.readouterr().out
    assert main(["payments", "execute", str(run_id), "--yes"]) == 1
    assert "déjà marqué exécuté" in capsys.readouterr().err
    with transaction(session_factory(engine)) as session:
        paid = set(session.scalars(select(Document.number).where(Document.status == DOC_PAID)))
    assert paid == {"FAC-2026-0001", "FAC-2026-0011"}


def test_refusals_exit_1_with_the_reason(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["payments", "create", "--invoice", "00000000000000:FAC-1"]) == 1
    assert "Facture introuvable : 00000000000000:FAC-1" in capsys.readouterr().err
    assert main(["payments", "create", "--all", "--execution-date", "10/12/2026"]) == 2
    assert "Date d'exécution non reconnue" in capsys.readouterr().err
    assert main(["payments", "create", "--all"]) == 0
    capsys.readouterr()
    assert main(["payments", "create", "--all"]) == 1  # everything is in the first run
    assert "Aucune facture choisie" in capsys.readouterr().err
    assert main(["payments", "cancel", "RPM-inconnu"]) == 1
    assert "Virement introuvable : RPM-inconnu." in capsys.readouterr().err
