"""The window on 31 December, 1 January and 29 February (its clock set to that day): the demo built that day, every
page, the periods the pages propose, every dashboard line opened, and the previous month invoiced from Facturation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from cocon_desktop.clock import FixedClock
from cocon_desktop.domain.attestation import Period, year_period
from cocon_desktop.services.demo import create_demo
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from cocon_desktop.ui.widgets.date_field import DateField
from tests.dates import SPECIAL_DAYS


@pytest.mark.slow  # a demo practice built per day (~8 s)
@pytest.mark.parametrize("day", SPECIAL_DAYS, ids=[d.isoformat() for d in SPECIAL_DAYS])
def test_the_window_on_a_special_day(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     day: date) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    practice = create_demo(tmp_path / "demo", day)
    window = MainWindow(practice, SyncRunner(), clock=FixedClock(day))
    qtbot.addWidget(window)
    window.show()
    for key in window.page_keys:
        window.show_page(key)

    last = day.replace(day=1) - timedelta(days=1)  # the previous month, the one left to invoice and attest
    previous = Period(last.replace(day=1), last)
    issue = window.invoicing_page.issue_tab
    assert issue.period() == (previous.first, previous.last)
    assert window.attestations_page.picker.period() == previous
    exports = window.dashboard_page.exports
    assert exports.selected_year() == (day.year - 1 if day.month <= 5 else day.year)
    assert exports.period() == (date(last.year, 1, 1), last)
    assert window.seances_page.today_view.day == day
    assert window.seances_page.agenda.monday == day - timedelta(days=day.weekday())

    dashboard = window.dashboard_page
    texts = [item.text for item in dashboard.model.rows]
    assert any("à facturer" in text for text in texts)
    for row in range(len(texts)):  # each line opens its page without error
        window.show_page("dashboard")
        dashboard.open_row(row)
    annual = [row for row, text in enumerate(texts) if text.startswith("Attestations annuelles")]
    assert len(annual) == (1 if day.month == 1 else 0)
    if annual:  # in January, the line opens the annual attestations of the year before
        window.show_page("dashboard")
        dashboard.open_row(annual[0])
        picker = window.attestations_page.picker
        assert picker.selected_kind() == "annuelle" and picker.period() == year_period(day.year - 1)

    window.show_page("invoicing")
    issue.month.setCurrentIndex(1)  # the previous month, as proposed
    assert issue.issue_button.isEnabled()
    issue.issue_button.click()
    assert f"FAC-{day.year}-" in issue.message.text(), issue.message.text()
    if day == date(2027, 1, 1):  # the first invoices of the year
        assert "FAC-2027-0001" in issue.message.text()
    window.show_page("dashboard")
    dashboard.reload()
    network = issue.selected_network()
    assert not [item for item in dashboard.model.rows if item.text.startswith(f"{network} : ")
                and "à facturer" in item.text]


def test_an_empty_date_field_opens_its_calendar_on_the_clocks_day(qtbot: QtBot) -> None:
    field = DateField(today=lambda: date(2028, 2, 29))
    qtbot.addWidget(field)
    field._prepare_calendar()
    assert field.calendar.selectedDate() == QDate(2028, 2, 29)
    field.set_value(date(2027, 1, 1))
    field._prepare_calendar()
    assert field.calendar.selectedDate() == QDate(2027, 1, 1)
