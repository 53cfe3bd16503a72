"""Part D's pages in a real Chromium against the real server (uvicorn, PostgreSQL): a real signed batch arrives and
is controlled; the coordinator reads the flags, filters them by kind with the form, imports the inclusion list
(a faulty file first: its lines are said and nothing changes), sees the flags recomputed; the accountant asks for
the funder's report of a period and downloads its PDF. Screenshots at 1366×768 on the way."""

from __future__ import annotations

from pathlib import Path

import httpx

from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import DOC_ACCEPTED, Document
from cocon_network.server.report_aggregate import rebuild
from tests.network.api_server import convention, running_server, wait_verified
from tests.network.browser import chromium_page, shots_folder, sign_in
from tests.network.console_support import add_user
from tests.sync_samples import make_batch

HEADER = "numero_inclusion;initiales;date_naissance;terme_sa;date_inclusion;date_sortie;departement\n"
GOOD = (HEADER + "RPM-2024-00123;L. B.;12/03/2024;30;01/04/2024;;13\n"
        "RPM-2025-00456;E. M.;2025-06-01;;2026-11-05;;84\n"
        "RPM-2025-00789;J.-P. R.;2025-02-01;;2025-03-01;;06\n")


def test_flags_inclusions_and_report_in_the_browser(postgres_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    shots = shots_folder(tmp_path)
    bad_file, good_file = tmp_path / "export-faux.csv", tmp_path / "export.csv"
    bad_file.write_text(GOOD.replace("12/03/2024", "31/02/2024"), "utf-8")
    good_file.write_text(GOOD, "utf-8")
    with running_server(postgres_url, network="RPM", network_name="Réseau Périnatal Méditerranée") as server:
        practice = convention(server.engine)
        batch = make_batch()
        answer = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, timeout=60, headers={
            "Authorization": f"Bearer {practice.token}", SHA256_HEADER: sha256_hex(batch.data)})
        assert answer.status_code == 201, answer.text
        assert wait_verified(server.engine, batch.batch_id) == "verifie"  # the controls follow the verification
        add_user(server.engine, "claire", "coordinateur")
        add_user(server.engine, "paul", "comptable")
        with chromium_page() as page:
            page.goto(server.url + "/console/controles")
            sign_in(page, "claire")
            expect(page.get_by_role("heading", name="Contrôles entre thérapeutes")).to_be_visible()
            rows = page.get_by_role("table").get_by_role("row")
            expect(rows).to_have_count(1 + 6)  # 3 children unknown, 3 billed twice the same day
            page.get_by_label("Type").select_option(label="Enfant inconnu du réseau")
            page.get_by_role("button", name="Filtrer").click()
            expect(rows).to_have_count(1 + 3)
            expect(page.get_by_role("table")).to_contain_text("n'est pas dans la liste d'inclusion")
            page.screenshot(path=str(shots / "network-controls.png"), full_page=True)

            page.get_by_role("link", name="Inclusions").click()
            expect(page.get_by_role("heading", name="Liste d'inclusion du réseau")).to_be_visible()
            page.get_by_label("Fichier CSV").set_input_files(str(bad_file))
            page.get_by_role("button", name="Importer la liste").click()
            expect(page.get_by_role("alert")).to_contain_text("Ligne 2, colonne date_naissance : date illisible")
            expect(page.locator("#fichier")).to_have_attribute("aria-invalid", "true")
            page.screenshot(path=str(shots / "network-inclusions-refused.png"), full_page=True)
            page.get_by_label("Fichier CSV").set_input_files(str(good_file))
            page.get_by_role("button", name="Importer la liste").click()
            expect(page.get_by_role("status")).to_contain_text("Liste d'inclusion importée : 3 enfants")
            expect(page.get_by_role("status")).to_contain_text("Contrôles refaits sur 1 lot.")

            page.get_by_role("link", name="Contrôles").click()
            expect(rows).to_have_count(1 + 5)  # the known children: billed twice, and 00456 before its inclusion
            expect(page.get_by_role("table")).to_contain_text(
                "est antérieur à son inclusion dans le parcours le 05/11/2026")
            page.screenshot(path=str(shots / "network-controls-after-import.png"), full_page=True)

        with transaction(session_factory(server.engine)) as session:
            for document in session.query(Document):
                document.status = DOC_ACCEPTED
            rebuild(session)  # the funder's report by month (statuses written here, not through decisions.py)
        with chromium_page() as page:
            page.goto(server.url + "/console/rapports")
            sign_in(page, "paul")
            expect(page.get_by_role("heading", name="Rapport d'activité au financeur")).to_be_visible()
            page.get_by_label("Du", exact=True).fill("2026-11-01")
            page.get_by_label("Au").fill("2026-11-30")
            page.get_by_role("button", name="Afficher").click()
            expect(page.get_by_role("table")).to_contain_text("novembre 2026")
            expect(page.get_by_role("main")).to_contain_text("3 enfants suivis")
            page.screenshot(path=str(shots / "network-report.png"), full_page=True)
            with page.expect_download() as download:
                page.get_by_role("link", name="Rapport PDF").click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.name == "COCON-RPM-rapport-2026-11-01-2026-11-30.pdf"
            assert saved.read_bytes().startswith(b"%PDF")
