"""A network's activity report on the fixed data set (tests/db/report_helpers.py), against figures computed by
hand; its PDF holds them and no child's name."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop.documents.activity_report_pdf import render_activity_report_pdf
from cocon_desktop.errors import CoconError
from cocon_desktop.services.activity_report import ActivityReport, ChildActivity, KindCount, activity_report
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from tests.db.report_helpers import build_fixed_practice

Q4 = (date(2026, 10, 1), date(2026, 12, 31))


def test_rpo_fourth_quarter_by_hand(practice: Practice, tmp_path: Path) -> None:
    build_fixed_practice(practice)
    report = activity_report(practice.sessions, "rpo", *Q4)
    assert report == ActivityReport(
        network="RPO", network_name="Réseau Périnatalité Occitanie", period_start=Q4[0], period_end=Q4[1],
        children=(
            # bilan + 3 séances in October, 05/11, and 19/11 hors forfait; the absence of 12/11 apart
            ChildActivity("RPO-2025-0000", "P. N.", 6, 1, date(2026, 10, 1), date(2026, 11, 19)),
            ChildActivity("RPO-2025-0001", "P. N.", 4, 0, date(2026, 10, 1), date(2026, 10, 22)),
        ),
        by_kind=(KindCount("Orthophonie", "Séance", 8), KindCount("Orthophonie", "Bilan initial", 2),
                 KindCount("Orthophonie", "Absence non excusée", 1)),
        seances=10, absences=1, hors_forfait=1,
        invoiced=Decimal("553.00"),  # FAC-0001 257, FAC-0002 257, FAC-0005 39
        credited=Decimal("39.00"),  # AV-0001
        paid=Decimal("475.00"),  # 257 on 10/12 + 218 on 28/12
        outstanding=Decimal("39.00"),  # FAC-0005, paid on 20/01/2027
    )
    assert report.net_invoiced == Decimal("514.00")
    rpm = activity_report(practice.sessions, "RPM", date(2027, 1, 1), date(2027, 1, 31))
    assert (rpm.children, rpm.invoiced, rpm.paid, rpm.outstanding) == ((), Decimal("0.00"), Decimal("157.00"),
                                                                       Decimal("0.00"))
    with pytest.raises(CoconError) as caught:
        activity_report(practice.sessions, "XYZ", *Q4)
    assert caught.value.code == "network_unknown"

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "rapport.pdf"
    path.write_bytes(render_activity_report_pdf(report, load_profile(practice.sessions), date(2027, 1, 5)))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split()).replace("\u202f", " ")
    for needle in ("RAPPORT D'ACTIVITÉ COCON", "Réseau Périnatalité Occitanie", "du 01/10/2026 au 31/12/2026",
                   "RPO-2025-0000", "P. N.", "19/11/2026", "Orthophonie", "Absence non excusée", "553,00 €",
                   "-39,00 €", "514,00 €", "475,00 €", "2 enfants"):
        assert needle in text, needle
    assert "NomRPO" not in text and "Prénom" not in text  # inclusion numbers and initials only
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Helvetica" not in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
