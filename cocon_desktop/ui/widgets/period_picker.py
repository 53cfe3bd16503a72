"""The kind of attestation and its period: a range of months, or a calendar year for the annual one."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from cocon_desktop.domain.attestation import KINDS, Period, month_end, year_period
from cocon_desktop.ui.formatting import month_year
from cocon_desktop.ui.i18n import tr

YEARS_SHOWN = 4


MONTHS_SHOWN = 24


def months(today: date, count: int = MONTHS_SHOWN) -> list[tuple[date, date]]:
    """(first day, last day) of this month and the `count - 1` before it, the most recent first."""
    out = []
    first = today.replace(day=1)
    for _ in range(count):
        following = (first + timedelta(days=32)).replace(day=1)
        out.append((first, following - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return out


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox(self)
        self.kind.setObjectName("attestation_kind")
        self.kind.setAccessibleName(tr("Type d'attestation"))
        for code, label in KINDS.items():
            self.kind.addItem(tr(label), code)
        self.kind.setCurrentIndex(self.kind.findData("seances"))
        self.first, self.last = QComboBox(self), QComboBox(self)
        self.first.setObjectName("period_first")
        self.first.setAccessibleName(tr("Premier mois"))
        self.last.setObjectName("period_last")
        self.last.setAccessibleName(tr("Dernier mois"))
        for first, last in months(today):
            label = month_year(first).capitalize()
            self.first.addItem(label, first)
            self.last.addItem(label, last)
        self.first.setCurrentIndex(1)  # the previous month
        self.last.setCurrentIndex(1)
        self.year = QComboBox(self)
        self.year.setObjectName("period_year")
        for year in range(today.year, today.year - YEARS_SHOWN, -1):
            self.year.addItem(str(year), year)
        self.from_label, self.to_label = QLabel(tr("du"), self), QLabel(tr("au"), self)
        self.year_label = QLabel(tr("année"), self)
        for widget in (self.kind, self.from_label, self.first, self.to_label, self.last, self.year_label, self.year):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for combo in (self.first, self.last, self.year):
            combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        self._kind_changed()

    def selected_kind(self) -> str:
        return str(self.kind.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def _kind_changed(self) -> None:
        annual = self.selected_kind() == "annuelle"
        for widget in (self.from_label, self.first, self.to_label, self.last):
            widget.setVisible(not annual)
        self.year_label.setVisible(annual)
        self.year.setVisible(annual)
        self.changed.emit()

    def period(self) -> Period:
        if self.selected_kind() == "annuelle":
            return year_period(int(self.year.currentData()))
        first, last = self.first.currentData(), self.last.currentData()
        if first > last:  # "du" after "au": the same months, in order
            first, last = last.replace(day=1), month_end(first)
        return Period(first, last)

    def period_label(self) -> str:
        """"2026-10", "2026-09..2026-10" or "2026" (file names)."""
        period = self.period()
        if self.selected_kind() == "annuelle":
            return str(period.first.year)
        first, last = period.first.strftime("%Y-%m"), period.last.strftime("%Y-%m")
        return first if first == last else f"{first}..{last}"
