"""Bar charts for the dashboard, drawn by pyqtgraph (Qt-native, plain QPainter: no OpenGL): one or more series
of bars side by side over labelled categories (months, networks), French tick labels, a hover tooltip.

pyqtgraph and numpy cost ~0.3 s to import: `BarChart` is a plain container until its first bars arrive, then
holds the plot (bar_plot.BarPlot); `preload()` imports pyqtgraph in the background task that reads the figures,
so that neither the program's start nor the GUI thread waits for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from PySide6.QtWidgets import QVBoxLayout, QWidget

GROUP_WIDTH = 0.8  # of the room each category has


def preload() -> None:
    """Import pyqtgraph (and numpy) now: called from the charts' background task."""
    import pyqtgraph  # noqa: F401


def month_label(month: date, *, with_year: bool = True) -> str:
    """date(2025, 11, 1) → "nov.\n2025" (the year on a second line), or "nov." without the year."""
    text = str(format_date(month, "MMM", locale="fr_FR"))
    return f"{text}\n{month.year}" if with_year else text


def month_labels(months: Sequence[date]) -> list[str]:
    """The year under the first month and under each January: "déc.\n2025", "janv.\n2026", "févr."…"""
    return [month_label(m, with_year=index == 0 or m.month == 1) for index, m in enumerate(months)]


def whole(value: float) -> str:
    return str(format_decimal(round(value), format="#,##0", locale="fr_FR"))


def euros(value: float) -> str:
    return f"{whole(value)} €"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: tuple[float, ...]


class BarChart(QWidget):
    """`set_bars(labels, series)`: for each label, one bar per series, side by side (bar_plot.BarPlot, created
    with the first bars). Not zoomable (a dashboard)."""

    def __init__(self, title: str, *, money: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.money = title, money
        self.plot: Any = None  # bar_plot.BarPlot once there are bars
        self.setMinimumHeight(200)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def labels(self) -> list[str]:
        return list(self.plot.labels) if self.plot is not None else []

    @property
    def series(self) -> list[Series]:
        return list(self.plot.series) if self.plot is not None else []

    def set_bars(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        if self.plot is None:
            from cocon_desktop.ui.widgets.bar_plot import BarPlot

            self.plot = BarPlot(self.title, money=self.money, parent=self)
            self._layout.addWidget(self.plot)
        self.plot.set_bars(labels, series)

    def values(self, index: int = 0) -> list[float]:
        """The heights drawn by the `index`-th series (what the tests compare with the service)."""
        return list(self.plot.values(index)) if self.plot is not None else []

    def describe(self, category: int) -> str:
        """"oct. — Facturé : 654 €, Encaissé : 0 €": the hover tooltip of a category."""
        return str(self.plot.describe(category))
