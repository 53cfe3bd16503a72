"""A practice with a PCO invoice and a COCON invoice ready to be put in batches (issue 22, S6): the psychomotricienne
of the RPM working with PCO-TND, the Gironde's PCO (PCO1), a child relayed to it on 20 October 2026 after a COCON
séance on the 5th, its bilan on the 21st; October invoiced to the RPM (the séance, 1 invoice) and to PCO1 (the bilan
milestone, 140 €)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cocon_desktop.domain.payers import PayerData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import invoice_documents, payers, practice_handle
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.pco_samples import record, rpm_child, works_with_pco_tnd

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
RELAY_DAY = date(2026, 10, 20)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
PCO = PayerData(name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux",
                siret="35600000000048", reference="CONV-2026-17")


def practice_with_pco_invoice(data_dir: Path, recovery: RecoveryKey) -> Practice:
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    practice = practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, profile, recovery, params=FAST_KDF)
    works_with_pco_tnd(practice)
    assert payers.add_payer(practice.sessions, "pco-tnd", PCO).code == "PCO1"
    practice.write(invoice_documents.set_network_address, "RPM",
                   NetworkAddress("1 rue de l'Exemple", "13000", "Marseille"))
    child_id = rpm_child(practice, TODAY)
    record(practice, child_id, date(2026, 10, 5))
    practice.write(relay, RelayRequest(child_id, "PCO1", RELAY_DAY, reference="PCO33-2026-0042"))
    record(practice, child_id, date(2026, 10, 21), "bilan_initial")
    for payer in ("RPM", "PCO1"):
        assert len(practice.write(invoice_documents.issue_period, payer, *OCTOBER, TODAY).value) == 1
    return practice


def manifest_of(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    return manifest
