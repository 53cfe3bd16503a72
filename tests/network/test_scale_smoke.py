"""The region generator and the scale benchmark's code, at a small size (the full size runs in `make bench`)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from cocon_network.server import models as m
from cocon_network.server.db import make_engine
from cocon_network.server.region_data import SMALL, french_iban, generate_region, luhn_complete, siret_for
from tests.network.schema import create_schema


def _consistent(engine: Engine) -> None:
    """Every sum agrees: documents = their acts, batches = their documents, payment runs = their documents."""
    with Session(engine) as session:
        doc_vs_acts = session.execute(text(
            "SELECT count(*) FROM document d WHERE d.amount_cents <> "
            "(SELECT sum(a.amount_cents) FROM act a WHERE a.document_id = d.id)")).scalar_one()
        assert doc_vs_acts == 0
        batch_vs_docs = session.execute(text(
            "SELECT count(*) FROM batch b WHERE b.total_cents <> "
            "(SELECT sum(d.amount_cents) FROM document d WHERE d.batch_id = b.batch_id)")).scalar_one()
        assert batch_vs_docs == 0
        runs = session.execute(text(
            "SELECT count(*) FROM payment_run r WHERE r.total_cents <> "
            "(SELECT coalesce(sum(d.amount_cents), 0) FROM document d WHERE d.payment_run_id = r.id)")).scalar_one()
        assert runs == 0
        statuses = dict(session.execute(select(m.Document.status, func.count()).group_by(m.Document.status)).all())
        assert statuses[m.DOC_RECEIVED] > 0 and statuses[m.DOC_ACCEPTED] > 0 and statuses[m.DOC_PAID] > 0
        unknown = session.scalar(select(func.count()).select_from(m.Act).where(
            m.Act.inclusion_number.not_in(select(m.Inclusion.inclusion_number))))
        assert unknown == 0


def test_identifiers_are_valid() -> None:
    from stdnum import iban, luhn
    from stdnum.fr import siret

    assert all(siret.is_valid(siret_for(n)) for n in (1, 12, 500))
    assert luhn.is_valid(luhn_complete("1000000012"))
    assert iban.is_valid(french_iban("30001" + "00012" + "00000000012" + "00"))
    good = siret_for(12)
    assert not siret.is_valid(good[:-1] + str((int(good[-1]) + 1) % 10))
    assert not iban.is_valid("FR00" + french_iban("3000100012000000000120" + "0")[4:])


def test_small_region_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    create_schema(engine)
    figures = generate_region(engine, SMALL)
    assert figures.counts["inclusion"] == SMALL.children
    assert figures.counts["therapist"] == SMALL.therapists
    assert figures.counts["batch"] > SMALL.therapists * (SMALL.months - 1)
    assert 3 * figures.counts["document"] <= figures.counts["act"] <= 5 * figures.counts["document"]
    assert figures.counts["control_flag"] > 0
    _consistent(engine)
    with Session(engine) as session:  # the sequences were moved past the ids written: the ORM can add rows
        therapist = session.get(m.Therapist, 1)
        assert therapist is not None
        session.add(m.ControlFlag(kind="same_day", message="essai", inclusion_number="X"))
        session.flush()
    engine.dispose()


def test_small_region_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'essai.sqlite3'}")
    create_schema(engine)
    figures = generate_region(engine, SMALL)
    assert figures.counts["act"] > 0
    _consistent(engine)
    engine.dispose()


def test_generation_is_deterministic(tmp_path: Path) -> None:
    sums = []
    for name in ("a", "b"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.sqlite3")
        create_schema(engine)
        generate_region(engine, SMALL, seed=7)
        with engine.connect() as connection:
            sums.append(connection.execute(text("SELECT count(*), sum(amount_cents) FROM act")).one())
        engine.dispose()
    assert sums[0] == sums[1]


def test_console_pages_of_the_bench_answer_on_a_small_region(postgres_url: str) -> None:
    """The benchmark's console code: log in, find the pages by their links, time each (once here)."""
    from starlette.testclient import TestClient

    from benchmarks.network import (
        ADMIN_LOGIN,
        ADMIN_PASSWORD,
        EXTRA_PAGES,
        add_admin,
        crawl,
        login,
        page_kind,
        time_pages,
    )
    from cocon_network.server.app import create_app
    from cocon_network.server.config import Settings

    engine = make_engine(postgres_url)
    create_schema(engine)
    generate_region(engine, SMALL)
    add_admin(engine)
    app = create_app(Settings(database_url=postgres_url, secure_cookies=False), engine=engine)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login(client, ADMIN_LOGIN, ADMIN_PASSWORD)

        def get(url: str) -> tuple[int, str, str]:
            answer = client.get(url)
            return answer.status_code, answer.headers.get("content-type", ""), answer.text

        pages = crawl(get)
        assert "/console" in pages  # the dashboard, then whatever its links reach
        assert {"/console/lots", "/console/lots/{}", "/console/documents/{}"} <= set(pages)
        timed = time_pages(client, {**pages, **EXTRA_PAGES}, repeat=1)
    assert [kind for kind, _seconds, status in timed if status != 200] == []
    assert page_kind("/console/lots/0b0e3c1e-8f7a-4c7e-9d2a-1b2c3d4e5f60") == "/console/lots/{}"
    assert page_kind("/console/enfants/RPM-2024-00012") == "/console/enfants/{}"
    engine.dispose()
