"""The pyqtgraph half of the dashboard's bar charts (month_chart.BarChart creates one when it has bars to draw):
pyqtgraph and numpy take ~0.3 s to import, so that they are imported after the main window is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QResizeEvent, QTextOption
from PySide6.QtWidgets import QWidget

from cocon_desktop.ui.widgets.month_chart import GROUP_WIDTH, Series, euros, whole

_configured: list[bool] = []


def configure() -> None:
    """pyqtgraph's global options, once: smooth lines, black on white like the rest of the program."""
    if not _configured:
        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        _configured.append(True)


class FrenchAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph ships no type hints
    """Whole numbers with French thousands separators; " €" after them on a money axis."""

    def __init__(self, orientation: str, *, money: bool = False, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.money = money

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing < 1:  # never "0,5 séance": fractional ticks stay blank
            return [whole(v) if float(v).is_integer() else "" for v in values]
        return [euros(v) if self.money else whole(v) for v in values]


class BarPlot(pg.PlotWidget):  # type: ignore[misc]
    """`set_bars(labels, series)`: for each label, one bar per series, side by side. Not zoomable (a dashboard)."""

    def __init__(self, title: str, *, money: bool = False, parent: QWidget | None = None) -> None:
        configure()
        super().__init__(parent, axisItems={"left": FrenchAxis("left", money=money)})
        self.title, self.money = title, money
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.bars: list[pg.BarGraphItem] = []
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setMinimumHeight(200)
        font = QFont(self.font())
        font.setPointSizeF(8)
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setStyle(tickFont=font, tickLength=-4)
            axis.setTextPen("#333")
            axis.setPen("#999")
        self.getAxis("bottom").setStyle(hideOverlappingLabels=False)
        self.getAxis("left").setWidth(58 if money else 36)
        self.showGrid(y=True, alpha=0.15)
        self.scene().sigMouseMoved.connect(self._hover)
        self._set_title()

    def _set_title(self) -> None:
        keys = "&nbsp;&nbsp;".join(f'<span style="color:{s.colour}">■</span>&nbsp;{s.name}'
                                   for s in self.series if len(self.series) > 1)
        self.setTitle(f'<span style="font-size:10pt; font-weight:bold">{self.title}</span>'
                      f'{"<br>" if keys else ""}<span style="font-size:9pt">{keys}</span>',
                      color="#222")
        self._fit_title()

    def _fit_title(self) -> None:
        """The title wraps to the chart's width (and its row grows) instead of widening the plot past the widget,
        which cut its right side (« Montants : facturé au mois de la facture… », the keys)."""
        plot = getattr(self, "plotItem", None)  # None while pyqtgraph builds the widget (a first resize)
        if plot is None:
            return
        label = plot.titleLabel
        room = self.width() - plot.getAxis("left").width() - 24  # the title sits above the plot, right of the axis
        label.item.setTextWidth(max(100, room))
        label.item.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
        label.updateMin()
        height = max(30, round(label.item.boundingRect().height()) + 4)
        label.setMaximumHeight(height)
        plot.layout.setRowFixedHeight(0, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_title()
        super().resizeEvent(event)

    def set_bars(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        for item in self.bars:
            self.removeItem(item)
        self.labels, self.series, self.bars = list(labels), list(series), []
        count = len(self.labels)
        width = GROUP_WIDTH / max(len(self.series), 1)
        for index, one in enumerate(self.series):
            xs = [x - GROUP_WIDTH / 2 + width * (index + 0.5) for x in range(count)]
            item = pg.BarGraphItem(x=xs, height=list(one.values), width=width * 0.92, brush=one.colour,
                                   pen=pg.mkPen(one.colour))
            self.addItem(item)
            self.bars.append(item)
        bottom = self.getAxis("bottom")
        bottom.setTicks([[(x, text) for x, text in enumerate(self.labels)], []])
        lines = max((text.count("\n") + 1 for text in self.labels), default=1)
        bottom.setHeight(8 + 14 * lines)
        top = max((v for s in self.series for v in s.values), default=0.0)
        self.getPlotItem().vb.disableAutoRange()
        self.setXRange(-0.6, max(count, 1) - 0.4, padding=0)
        self.setYRange(0, max(top * 1.1, 1.0 if not self.money else 10.0), padding=0)
        self._set_title()

    def values(self, index: int = 0) -> list[float]:
        """The heights drawn by the `index`-th series (what the tests compare with the service)."""
        return [float(v) for v in self.bars[index].opts["height"]]

    def describe(self, category: int) -> str:
        parts = [f"{s.name} : {euros(s.values[category]) if self.money else whole(s.values[category])}"
                 for s in self.series]
        return f"{self.labels[category].replace(chr(10), ' ')} — " + ", ".join(parts)

    def _hover(self, position: QPointF) -> None:
        point = self.getPlotItem().vb.mapSceneToView(position)
        category = round(point.x())
        inside = 0 <= category < len(self.labels) and self.getPlotItem().vb.sceneBoundingRect().contains(position)
        self.setToolTip(self.describe(category) if inside else "")
