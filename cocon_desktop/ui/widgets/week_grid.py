"""A week of appointments, painted: Monday to Sunday in columns, quarter hours in rows (8:00–19:00 at least).

Blocks show the child's initials and the time (the full name in the tooltip); overlapping slots sit side by
side, in red. A planned block can be dragged to another day or time (snapped to the quarter hour)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from cocon_desktop.domain.seance import PLACES
from cocon_desktop.services.appointments import STATUSES, AppointmentRow
from cocon_desktop.ui.formatting import clock, short_day
from cocon_desktop.ui.i18n import tr

GUTTER, HEADER = 54, 34
QUARTER_PX, MIN_QUARTER_PX = 14, 10
FIRST_HOUR, LAST_HOUR = 8, 19
FILLS = {"planned": ("#dbe8fb", "#1f4e8c"), "present": ("#dff1e3", "#2e7d32"),
         "absence_excusee": ("#fff0d6", "#a15c00"), "absence_non_excusee": ("#fbe3e6", "#b00020")}
CONFLICT = ("#f8cfcf", "#c62828")


@dataclass
class _Drag:
    row: AppointmentRow
    offset_y: float  # from the block's top to the mouse
    pressed_at: QPointF
    at: QPointF
    moved: bool = False


def lanes(rows: list[AppointmentRow]) -> dict[int, tuple[int, int]]:
    """appointment id → (its lane, the number of lanes of its group of overlapping slots), day by day."""
    placed: dict[int, tuple[int, int]] = {}
    by_day: dict[date, list[AppointmentRow]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    for day_rows in by_day.values():
        group: list[tuple[int, int]] = []  # (id, lane) of the slots that overlap, directly or through others
        lane_ends: list[datetime] = []
        group_end = datetime.min
        for row in sorted(day_rows, key=lambda r: (r.start, r.id)):
            end = row.starts_at + timedelta(minutes=row.duration_min)
            if row.starts_at >= group_end:
                placed.update({member: (lane, len(lane_ends)) for member, lane in group})
                group, lane_ends = [], []
            lane = next((i for i, e in enumerate(lane_ends) if e <= row.starts_at), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            group.append((row.id, lane))
            group_end = max(group_end, end)
        placed.update({member: (lane, len(lane_ends)) for member, lane in group})
    return placed


class WeekGrid(QWidget):
    move_requested = Signal(int, object, object)  # appointment id, new day, new start
    menu_requested = Signal(int, QPoint)  # appointment id, where (global)
    new_requested = Signal(object, object)  # day, start of an empty slot

    def __init__(self, today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.monday = today() - timedelta(days=today().weekday())
        self.rows: list[AppointmentRow] = []
        self.placed: dict[int, tuple[int, int]] = {}
        self.first_hour, self.last_hour = FIRST_HOUR, LAST_HOUR
        self.drag: _Drag | None = None
        self.setObjectName("week_grid")
        self.setMouseTracking(True)
        self.setAccessibleName(tr("Semaine de rendez-vous"))

    def set_week(self, monday: date, rows: list[AppointmentRow]) -> None:
        self.monday, self.rows, self.drag = monday, list(rows), None
        self.placed = lanes(self.rows)
        self.first_hour = min([FIRST_HOUR] + [r.start.hour for r in rows])
        ends = [r.start.hour * 60 + r.start.minute + r.duration_min for r in rows]
        self.last_hour = max([LAST_HOUR] + [min(24, -(-end // 60)) for end in ends])  # whole hours, rounded up
        self.updateGeometry()
        self.update()

    # -- geometry
    def quarters(self) -> int:
        return (self.last_hour - self.first_hour) * 4

    def sizeHint(self) -> QSize:
        return QSize(GUTTER + 7 * 130, HEADER + self.quarters() * QUARTER_PX)

    def minimumSizeHint(self) -> QSize:
        return QSize(GUTTER + 7 * 72, HEADER + self.quarters() * MIN_QUARTER_PX)

    def quarter_px(self) -> float:
        return max(1.0, (self.height() - HEADER) / self.quarters())

    def column_width(self) -> float:
        return (self.width() - GUTTER) / 7

    def block_rect(self, row: AppointmentRow) -> QRectF:
        lane, count = self.placed.get(row.id, (0, 1))
        width = (self.column_width() - 6) / count
        x = GUTTER + (row.day - self.monday).days * self.column_width() + 3 + lane * width
        minutes = (row.start.hour - self.first_hour) * 60 + row.start.minute
        return QRectF(x, HEADER + minutes / 15 * self.quarter_px(), width - 2,
                      max(8.0, row.duration_min / 15 * self.quarter_px() - 2))

    def slot_at(self, point: QPointF, top: float | None = None) -> tuple[date, time] | None:
        """The day and quarter hour under `point` (or at height `top`, for a block being dragged)."""
        column = int((point.x() - GUTTER) // self.column_width())
        if not 0 <= column <= 6 or point.x() < GUTTER:
            return None
        y = point.y() if top is None else top
        quarter = round((y - HEADER) / self.quarter_px()) if top is not None else int(
            (y - HEADER) // self.quarter_px())
        quarter = max(0, min(self.quarters() - 1, quarter))
        minutes = self.first_hour * 60 + quarter * 15
        return self.monday + timedelta(days=column), time(minutes // 60, minutes % 60)

    def block_at(self, point: QPointF) -> AppointmentRow | None:
        return next((r for r in reversed(self.rows) if self.block_rect(r).contains(point)), None)

    def drop_target(self) -> tuple[date, time] | None:
        drag = self.drag
        return None if drag is None else self.slot_at(drag.at, drag.at.y() - drag.offset_y)

    # -- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        qpx, colw, today = self.quarter_px(), self.column_width(), self.today()
        for index in range(7):
            day = self.monday + timedelta(days=index)
            x = GUTTER + index * colw
            if day == today:
                painter.fillRect(QRectF(x, 0, colw, self.height()), QColor("#fffbe6"))
            elif index >= 5:
                painter.fillRect(QRectF(x, 0, colw, self.height()), QColor("#f7f8fa"))
            font = painter.font()
            font.setBold(day == today)
            painter.setFont(font)
            painter.setPen(QColor("#102a43"))
            painter.drawText(QRectF(x, 0, colw, HEADER), Qt.AlignmentFlag.AlignCenter, short_day(day))
        font = painter.font()
        font.setBold(False)
        painter.setFont(font)
        for quarter in range(self.quarters() + 1):
            y = HEADER + quarter * qpx
            if quarter % 4 == 0:
                painter.setPen(QPen(QColor("#c5ccd6"), 1))
                hour = self.first_hour + quarter // 4
                if quarter < self.quarters():
                    painter.setPen(QColor("#52606d"))
                    painter.drawText(QRectF(0, y - 1, GUTTER - 6, 16), Qt.AlignmentFlag.AlignRight, f"{hour:02d}:00")
                painter.setPen(QPen(QColor("#c5ccd6"), 1))
            elif quarter % 2 == 0:
                painter.setPen(QPen(QColor("#e4e8ee"), 1, Qt.PenStyle.DashLine))
            else:
                continue
            painter.drawLine(QPointF(GUTTER, y), QPointF(self.width(), y))
        painter.setPen(QPen(QColor("#c5ccd6"), 1))
        for index in range(8):
            x = GUTTER + index * colw
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        for row in self.rows:
            self._paint_block(painter, row)
        target = self.drop_target() if self.drag is not None and self.drag.moved else None
        if target is not None and self.drag is not None:
            ghost = self.block_rect(AppointmentRow(**{**self.drag.row.__dict__, "day": target[0],
                                                      "start": target[1]}))
            painter.setPen(QPen(QColor("#1f4e8c"), 2, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(31, 78, 140, 40))
            painter.drawRoundedRect(ghost, 4, 4)
        painter.end()

    def _paint_block(self, painter: QPainter, row: AppointmentRow) -> None:
        rect = self.block_rect(row)
        fill, border = CONFLICT if row.conflict else FILLS.get(row.status, ("#eeeeee", "#666666"))
        painter.setPen(QPen(QColor(border), 2 if row.conflict else 1))
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(rect, 4, 4)
        painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()), QColor(border))
        painter.setPen(QColor("#7f1d1d" if row.conflict else "#102a43"))
        inner = rect.adjusted(7, 1, -2, -1)
        mark = "⚠ " if row.conflict else ""
        painter.save()
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        width = int(inner.width())
        if inner.height() >= 2 * metrics.height():
            lines = [f"{mark}{row.initials}", clock(row.start)]
        else:
            lines = [f"{mark}{row.initials} {clock(row.start)}"]
        text = "\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines)
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        painter.restore()

    # -- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.block_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and row is not None and row.status == "planned":
            top = self.block_rect(row).top()
            self.drag = _Drag(row, event.position().y() - top, event.position(), event.position())
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.drag is not None:
            self.drag.at = event.position()
            distance = (event.position() - self.drag.pressed_at).manhattanLength()
            self.drag.moved = self.drag.moved or distance >= QApplication.startDragDistance()
            self.update()
        else:
            row = self.block_at(event.position())
            movable = row is not None and row.status == "planned"
            self.setCursor(Qt.CursorShape.OpenHandCursor if movable else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag = self.drag
        if drag is not None:
            drag.at = event.position()
            target = self.drop_target() if drag.moved else None
            self.drag = None
            self.unsetCursor()
            self.update()
            if target is not None and target != (drag.row.day, drag.row.start):
                self.move_requested.emit(drag.row.id, target[0], target[1])
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.drag = None
        row = self.block_at(event.position())
        if row is not None:
            self.menu_requested.emit(row.id, event.globalPosition().toPoint())
        else:
            slot = self.slot_at(event.position())
            if slot is not None and event.position().y() >= HEADER:
                self.new_requested.emit(*slot)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        row = self.block_at(QPointF(event.pos()))
        if row is not None:
            self.menu_requested.emit(row.id, event.globalPos())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.block_at(QPointF(event.pos()))
            if row is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), tooltip(row), self)
            return True
        return super().event(event)


def tooltip(row: AppointmentRow) -> str:
    end = (row.starts_at + timedelta(minutes=row.duration_min)).time()
    lines = [f"{row.child_name} ({row.inclusion_number})",
             f"{clock(row.start)} – {clock(end)} · {tr(PLACES.get(row.place, row.place))}",
             tr(STATUSES.get(row.status, row.status))]
    if row.conflict:
        lines.append(tr("⚠ Chevauche un autre rendez-vous du cabinet."))
    if row.status == "planned":
        lines.append(tr("Glisser pour déplacer ; double-clic ou clic droit pour pointer."))
    return "\n".join(lines)
