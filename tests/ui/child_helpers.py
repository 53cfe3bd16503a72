"""Children made through the services, a main window on the Enfants page, a small real PDF."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from cocon_desktop.domain.child import ChildData, GuardianData
from cocon_desktop.services.children import create_child
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.dates import CLOCK, TODAY

VALID_NIR = "295019912611146"  # key 46 is right; 47 is not

BASE = ChildData(
    last_name="Dupont", first_name="Léa", birth_date=TODAY - timedelta(days=200), sex="F", gestational_weeks=30,
    gestational_days=2, birth_weight_g=1350, inclusion_number="RPO-0001", inclusion_date=TODAY - timedelta(days=30),
    network="RPO", risk_group="haut", inclusion_criteria=("ag_lt_33",),
    guardians=(GuardianData(last_name="Dupont", first_name="Sarah", relation="mere", phone="06 12 34 56 78",
                            email="sarah.dupont@example.org", city="Toulouse", postcode="31000"),),
)


def make_child(practice: Practice, **changes: object) -> int:
    return create_child(practice.sessions, replace(BASE, **changes), TODAY)  # type: ignore[arg-type]


def children_window(qtbot: QtBot, practice: Practice, *, active: bool = False) -> MainWindow:
    window = MainWindow(practice, SyncRunner(), clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    if active:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    window.show_page("children")
    return window


def small_pdf(path: Path, text: str = "Ordonnance : 30 séances de psychomotricité") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path
