"""A week of appointments and séances, painted: Monday to Sunday in columns, quarter hours in rows (8:00–19:00 at
least).

Blocks (week_blocks.py) show the child's name as much as fits and the time (the full name, the date and what the
block is in the tooltip and in the block's accessible name): planned appointments, séances done and absences, each
kind in its colour with its mark and pattern; overlapping slots sit side by side, conflicting appointments in red.
A planned block can be dragged to another day or time (snapped to the quarter hour); Tab reaches every block and
Entrée opens an appointment's menu."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from cocon_desktop.services.appointments import AgendaSeance, AppointmentRow
from cocon_desktop.ui.formatting import short_day
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.week_blocks import Block, BlockItem, appointment_block, paint_block, seance_block, tooltip

GUTTER, HEADER = 54, 34
QUARTER_PX, MIN_QUARTER_PX = 14, 10
FIRST_HOUR, LAST_HOUR = 8, 19


@dataclass
class _Drag:
    row: AppointmentRow
    offset_y: float  # from the block's top to the mouse
    pressed_at: QPointF
    at: QPointF
    moved: bool = False


def lanes(rows: list[Block]) -> dict[str, tuple[int, int]]:
    """block key → (its lane, the number of lanes of its group of overlapping blocks), day by day."""
    placed: dict[str, tuple[int, int]] = {}
    by_day: dict[date, list[Block]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    for day_rows in by_day.values():
        group: list[tuple[str, int]] = []  # (key, lane) of the blocks that overlap, directly or through others
        lane_ends: list[datetime] = []
        group_end = datetime.min
        for row in sorted(day_rows, key=lambda r: (r.start, r.key)):
            end = row.starts_at + timedelta(minutes=row.duration_min)
            if row.starts_at >= group_end:
                placed.update({member: (lane, len(lane_ends)) for member, lane in group})
                group, lane_ends = [], []
            lane = next((i for i, e in enumerate(lane_ends) if e <= row.starts_at), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            group.append((row.key, lane))
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
        self.rows: list[AppointmentRow] = []  # the appointments
        self.seances: list[AgendaSeance] = []  # the séances recorded without an appointment
        self.blocks: list[Block] = []  # both, in time order
        self.items: list[BlockItem] = []  # the week's, in time order
        self._pool: list[BlockItem] = []  # every item made so far, reused from week to week
        self.placed: dict[str, tuple[int, int]] = {}
        self.holidays: dict[date, str] = {}  # the week's public holidays: their columns are marked
        self.first_hour, self.last_hour = FIRST_HOUR, LAST_HOUR
        self.drag: _Drag | None = None
        self.setObjectName("week_grid")
        self.setMouseTracking(True)
        self.setAccessibleName(tr("Semaine de rendez-vous et de séances"))

    def set_week(self, monday: date, rows: list[AppointmentRow], seances: list[AgendaSeance] | None = None,
                 holidays: dict[date, str] | None = None) -> None:
        self.monday, self.rows, self.seances, self.drag = monday, list(rows), list(seances or []), None
        self.holidays = dict(holidays or {})
        self.blocks = sorted([appointment_block(r) for r in self.rows] + [seance_block(s) for s in self.seances],
                             key=lambda b: (b.day, b.start, b.key))
        self.placed = lanes(self.blocks)
        self.first_hour = min([FIRST_HOUR] + [b.start.hour for b in self.blocks])
        ends = [b.start.hour * 60 + b.start.minute + b.duration_min for b in self.blocks]
        self.last_hour = max([LAST_HOUR] + [min(24, -(-end // 60)) for end in ends])  # whole hours, rounded up
        self._make_items()
        self.updateGeometry()
        self.update()

    def _make_items(self) -> None:
        """One focusable, named item per block, in time order (the Tab order). The items are kept from week to
        week and given the new blocks: creating a widget per block, and chaining the Tab order, at each week took
        50–70 ms of the GUI thread on a full practice (tests/ui/test_responsiveness.py, « séances: next week»).
        Siblings take the Tab in the order they were created, which is the blocks' time order here."""
        had_focus = next((item.block.key for item in self.items if item.hasFocus()), None)
        while len(self._pool) < len(self.blocks):
            self._pool.append(BlockItem(self.blocks[len(self._pool)], self._activate, self))
        self.items = self._pool[:len(self.blocks)]
        for item, block in zip(self.items, self.blocks, strict=True):
            item.set_block(block)
        self._place_items()
        for item in self.items:
            item.show()
        for item in self._pool[len(self.blocks):]:
            item.hide()
        again = next((item for item in self.items if item.block.key == had_focus), None)
        if again is not None:
            again.setFocus(Qt.FocusReason.OtherFocusReason)

    def _place_items(self) -> None:
        for item in self.items:
            item.setGeometry(self.block_rect(item.block).toAlignedRect())

    def _activate(self, item: BlockItem) -> None:
        """Entrée on a block: an appointment's menu, under the block."""
        appointment = item.block.appointment
        if appointment is not None:
            self.menu_requested.emit(appointment.id, item.mapToGlobal(QPoint(0, item.height())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_items()

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

    def block_rect(self, row: Block | AppointmentRow) -> QRectF:
        if isinstance(row, AppointmentRow):
            row = appointment_block(row)
        lane, count = self.placed.get(row.key, (0, 1))
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

    def item_at(self, point: QPointF) -> Block | None:
        return next((b for b in reversed(self.blocks) if self.block_rect(b).contains(point)), None)

    def block_at(self, point: QPointF) -> AppointmentRow | None:
        """The appointment under `point` (None on a séance recorded without one, or on an empty slot)."""
        block = self.item_at(point)
        return None if block is None else block.appointment

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
            elif index >= 5 or day in self.holidays:
                painter.fillRect(QRectF(x, 0, colw, self.height()), QColor("#f7f8fa"))
            font = painter.font()
            font.setBold(day == today)
            painter.setFont(font)
            painter.setPen(QColor("#102a43"))
            header = short_day(day) + (tr(" · férié") if day in self.holidays else "")
            painter.drawText(QRectF(x, 0, colw, HEADER), Qt.AlignmentFlag.AlignCenter,
                             painter.fontMetrics().elidedText(header, Qt.TextElideMode.ElideRight, int(colw) - 4))
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
        for block in self.blocks:
            paint_block(painter, self.block_rect(block), block)
        target = self.drop_target() if self.drag is not None and self.drag.moved else None
        if target is not None and self.drag is not None:
            ghost = self.block_rect(AppointmentRow(**{**self.drag.row.__dict__, "day": target[0],
                                                      "start": target[1]}))
            painter.setPen(QPen(QColor("#1f4e8c"), 2, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(31, 78, 140, 40))
            painter.drawRoundedRect(ghost, 4, 4)
        painter.end()

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
            block = self.item_at(event.position())
            movable = block is not None and block.movable
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
        block = self.item_at(event.position())
        if block is not None:
            if block.appointment is not None:
                self.menu_requested.emit(block.appointment.id, event.globalPosition().toPoint())
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
            block = self.item_at(QPointF(event.pos()))
            slot = self.slot_at(QPointF(event.pos()))
            if block is not None:
                QToolTip.showText(event.globalPos(), tooltip(block), self)
            elif slot is not None and slot[0] in self.holidays:
                QToolTip.showText(event.globalPos(), tr("{0} : jour férié").format(self.holidays[slot[0]]), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

