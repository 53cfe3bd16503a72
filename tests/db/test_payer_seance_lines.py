"""Per-séance billing for a payer outside COCON (issue 22, S7): a pathway of the practice's folder whose payers are
typed in Paramètres (mode configured) and whose tariff pays per séance — the payer is the prescription's, the
reference column the child's number with it, the COCON network's run unchanged beside it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop import settings
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import invoicing, payers, practice_handle, settings_store
from cocon_desktop.services.invoice_drafts import billable_lines, payer_tariff, preview
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from cocon_desktop.services.tariff_store import load_tariffs
from tests.base_samples import BASE_TARIFF
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.pco_samples import record, rpm_child

TODAY = date(2026, 11, 23)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
# a pathway whose payers are typed in Paramètres (« EVEIL1 », « EVEIL2 »…), its tariff BASE's renamed
EVEIL = """\
format = 1
id = "eveil"
label = "Éveil"
frame = "parcours Éveil (exemple des tests)"
reference_label = "N° Éveil"
batch_prefix = "EVEIL"
relay_from = ["cocon"]

[payers]
mode = "configured"
label = "association"
code_prefix = "EVEIL"
tariff = "EVEIL"

[disciplines]
psychomotricite = "Psychomotricité"

[invoice]
object = "{what} réalisées dans le cadre du {frame}, du {start} au {end}."
line_frame = "parcours Éveil"
keywords = "Éveil"

[attestation]
opening = "dans le cadre du {frame}, coordonné par {payer}"
mention = "financé par l'association — aucune somme n'est due par la famille"
child_reference = "n° Éveil"
"""
EVEIL_TARIFF = BASE_TARIFF.replace('tariff = "BASE"', 'tariff = "EVEIL"').replace('pathway = "base"',
                                                                                 'pathway = "eveil"')


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[Practice]:
    data_dir = tmp_path / "cabinet"
    (data_dir / "parcours" / "tarifs").mkdir(parents=True)
    (data_dir / "parcours" / "eveil.toml").write_text(EVEIL, "utf-8")
    (data_dir / "parcours" / "tarifs" / "EVEIL.toml").write_text(EVEIL_TARIFF, "utf-8")
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    opened = practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, profile, RecoveryKey.generate(),
                                             params=FAST_KDF)
    settings_store.put(opened.sessions, settings.PATHWAYS, "cocon,eveil")
    yield opened
    opened.close()


def test_a_configured_payer_paid_per_seance(practice: Practice) -> None:
    added = payers.add_payer(practice.sessions, "eveil", PayerData(
        name="Éveil Gironde", street="1 place Pey-Berland", postcode="33000", city="Bordeaux"))
    assert added.code == "EVEIL1"
    child_id = rpm_child(practice, TODAY)
    cocon = record(practice, child_id, date(2026, 10, 15))
    practice.write(relay, RelayRequest(child_id, "EVEIL1", date(2026, 10, 20), reference="EV-7", pathway="eveil"))
    bilan = record(practice, child_id, date(2026, 10, 21), "bilan_initial")
    seance = record(practice, child_id, date(2026, 10, 22))
    tariffs = load_tariffs(practice.sessions)
    with practice.sessions() as session:
        assert payer_tariff(session, "EVEIL1", tariffs) is tariffs["EVEIL"]
        assert payer_tariff(session, "RPM", tariffs) is tariffs["RPM"]
        assert invoicing.run_grouping(session, "EVEIL1", tariffs) == "per_child"
        lines = invoicing.run_lines(session, "EVEIL1", *OCTOBER, tariffs)
        assert [(line.seance_id, line.inclusion_number, line.amount) for line in lines] == [
            (bilan, "EV-7", Decimal("95.00")), (seance, "EV-7", Decimal("42.50"))]
        assert [line.seance_id for line in billable_lines(session, "RPM", *OCTOBER, tariffs)] == [cocon]
        assert billable_lines(session, "PCO1", *OCTOBER, tariffs) == []
    [draft] = preview(practice.sessions, "EVEIL1", *OCTOBER)
    assert draft.child_id == child_id and draft.total == Decimal("137.50")
    assert [d.total for d in invoicing.preview_run(practice.sessions, "EVEIL1", *OCTOBER)] == [Decimal("137.50")]
