"""The blocks of the week grid: planned appointments, séances done and absences, each kind with its colour, its
mark and its pattern (never colour alone), the child's name as much as fits, and one focusable, named item per
block so that the keyboard and a screen reader reach it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QFontMetrics, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from cocon_desktop.domain.seance import KINDS, PLACES
from cocon_desktop.services.appointments import AgendaSeance, AppointmentRow
from cocon_desktop.ui.formatting import clock, long_date
from cocon_desktop.ui.i18n import tr


@dataclass(frozen=True)
class Look:
    fill: str
    border: str
    pattern: Qt.BrushStyle  # drawn over the fill in the border's colour
    mark: str  # before the name
    word: str  # after the time: what the block is (an absence's ✗ says "absent", the word whether excused)
    legend: str


LOOKS = {
    "planned": Look("#dbe8fb", "#1f4e8c", Qt.BrushStyle.NoBrush, "○", "prévu", "○ prévu"),
    "done": Look("#dff1e3", "#2e7d32", Qt.BrushStyle.NoBrush, "✓", "fait", "✓ séance faite"),
    "absence_excusee": Look("#fff0d6", "#a15c00", Qt.BrushStyle.BDiagPattern, "✗", "excusé",
                            "✗ absence excusée (hachures)"),
    "absence_non_excusee": Look("#fbe3e6", "#b00020", Qt.BrushStyle.DiagCrossPattern, "✗", "non excusé",
                                "✗ absence non excusée (croisillons)"),
}
CONFLICT = ("#f8cfcf", "#c62828")
APPOINTMENT_LOOK = {"planned": "planned", "present": "done", "absence_excusee": "absence_excusee",
                    "absence_non_excusee": "absence_non_excusee"}
STATUS_TEXT = {"planned": "Rendez-vous prévu", "present": "Présent : séance faite",
               "absence_excusee": "Absent (excusé)", "absence_non_excusee": "Absent (non excusé)"}


@dataclass(frozen=True)
class Block:
    """One block of the grid: an appointment (key "a<id>") or a séance recorded without one (key "s<id>")."""

    key: str
    look: str  # a key of LOOKS
    day: date
    start: time
    duration_min: int
    child_name: str  # "DUPONT Léa"
    first_name: str
    last_name: str
    inclusion_number: str
    place: str
    appointment: AppointmentRow | None = None
    seance: AgendaSeance | None = None
    conflict: bool = False

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start)

    @property
    def movable(self) -> bool:
        return self.appointment is not None and self.appointment.status == "planned"


def appointment_block(row: AppointmentRow) -> Block:
    return Block(f"a{row.id}", APPOINTMENT_LOOK.get(row.status, "planned"), row.day, row.start, row.duration_min,
                 row.child_name, row.first_name, row.last_name, row.inclusion_number, row.place, appointment=row,
                 conflict=row.conflict)


def seance_block(row: AgendaSeance) -> Block:
    look = row.kind if row.kind in ("absence_excusee", "absence_non_excusee") else "done"
    return Block(f"s{row.id}", look, row.day, row.start, row.duration_min, row.child_name, row.first_name,
                 row.last_name, row.inclusion_number, row.place, seance=row)


def name_variants(first: str, last: str, fallback: str) -> list[str]:
    """The child's name, longest first: « Léa DUPONT », « Léa D. », « Léa », « L. D. »."""
    first, last = first.strip(), last.strip()
    if not first and not last:
        return [fallback]
    initial = f"{last[:1].upper()}." if last else ""
    return [f"{first} {last.upper()}".strip(), f"{first} {initial}".strip(), first or last.upper(),
            f"{first[:1].upper()}. {initial}".strip()]


def fitting_name(block: Block, metrics: QFontMetrics, width: int, prefix: str = "") -> str:
    """As much of the child's name as fits in `width` pixels after `prefix` (elided as a last resort)."""
    variants = name_variants(block.first_name, block.last_name, block.child_name)
    for variant in variants:
        if metrics.horizontalAdvance(prefix + variant) <= width:
            return prefix + variant
    return metrics.elidedText(prefix + variants[2], Qt.TextElideMode.ElideRight, width)


def block_lines(block: Block, metrics: QFontMetrics, width: int, height: float) -> list[str]:
    """What a block of this size shows: the mark and the name, then the time and what it is."""
    look = LOOKS[block.look]
    prefix = f"{'⚠' if block.conflict else look.mark} "
    when = f"{clock(block.start)} · {tr(look.word)}"
    if height >= 2 * metrics.height():
        return [fitting_name(block, metrics, width, prefix),
                metrics.elidedText(when, Qt.TextElideMode.ElideRight, width)]
    name = fitting_name(block, metrics, width - metrics.horizontalAdvance(f" {clock(block.start)}"), prefix)
    return [metrics.elidedText(f"{name} {clock(block.start)}", Qt.TextElideMode.ElideRight, width)]


def paint_block(painter: QPainter, rect: QRectF, block: Block, *, text: bool = True) -> None:
    look = LOOKS[block.look]
    fill, border = CONFLICT if block.conflict else (look.fill, look.border)
    painter.save()
    painter.setPen(QPen(QColor(border), 2 if block.conflict else 1))
    painter.setBrush(QColor(fill))
    painter.drawRoundedRect(rect, 4, 4)
    if look.pattern != Qt.BrushStyle.NoBrush:
        hatch = QColor(look.border)
        hatch.setAlpha(70)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(hatch, look.pattern))
        painter.drawRoundedRect(rect, 4, 4)
    painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()), QColor(border))
    if text:
        painter.setPen(QColor("#7f1d1d" if block.conflict else "#102a43"))
        inner = rect.adjusted(7, 1, -2, -1)
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        painter.setFont(font)
        lines = block_lines(block, painter.fontMetrics(), int(inner.width()), inner.height())
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "\n".join(lines))
    painter.restore()


def what(block: Block) -> str:
    """What the block is, in words: the appointment's state, or the séance's kind."""
    if block.appointment is not None:
        return tr(STATUS_TEXT.get(block.appointment.status, block.appointment.status))
    assert block.seance is not None
    text = tr("{0} saisie sans rendez-vous").format(tr(KINDS.get(block.seance.kind, block.seance.kind)))
    return text + (tr(" (hors forfait)") if block.seance.out_of_forfait else "")


def tooltip(block: Block) -> str:
    end = (block.starts_at + timedelta(minutes=block.duration_min)).time()
    place = tr(PLACES.get(block.place, block.place))
    lines = [f"{block.child_name} ({block.inclusion_number})",
             f"{long_date(block.day)}, {clock(block.start)} – {clock(end)} · {place}", what(block)]
    if block.conflict:
        lines.append(tr("⚠ Chevauche un autre rendez-vous du cabinet."))
    if block.movable:
        lines.append(tr("Glisser pour déplacer ; double-clic, clic droit ou Entrée pour pointer."))
    return "\n".join(lines)


def accessible_name(block: Block) -> str:
    """« DUPONT Léa, mercredi 18 novembre 2026, 10:00 – 10:45, rendez-vous prévu »: what a screen reader says."""
    end = (block.starts_at + timedelta(minutes=block.duration_min)).time()
    text = f"{block.child_name}, {long_date(block.day)}, {clock(block.start)} – {clock(end)}, {what(block)}"
    return text + (tr(", chevauche un autre rendez-vous") if block.conflict else "")


class BlockItem(QWidget):
    """A block as the keyboard and screen readers see it: over the painted block, Tab reaches it, Entrée, Espace
    or the menu key opens its menu, and its accessible name says who, when and what. The mouse goes through to
    the grid (dragging, double-click)."""

    def __init__(self, block: Block, activate: Callable[[BlockItem], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.activate = activate
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.set_block(block)

    def set_block(self, block: Block) -> None:
        """Show `block` (the grid reuses its items from week to week)."""
        self.block = block
        self.setObjectName(f"block_{block.key}")
        described = tooltip(block)
        self.setAccessibleName(accessible_name(block))
        self.setAccessibleDescription(described)
        self.setToolTip(described)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Menu):
            self.activate(self)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.hasFocus():  # the grid paints the block; the item only shows where the keyboard is
            painter = QPainter(self)
            painter.setPen(QPen(QColor("#102a43"), 2, Qt.PenStyle.DotLine))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
            painter.end()


class Swatch(QWidget):
    """A small block of one kind, for the legend."""

    def __init__(self, look: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.block = Block("", look, date.min, time(0), 0, "", "", "", "", "cabinet")
        self.setFixedSize(QSize(22, 14))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_block(painter, QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), self.block, text=False)
        painter.end()


class Legend(QWidget):
    """What each kind of block looks like: the swatch, then its mark and its name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agenda_legend")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for key, look in LOOKS.items():
            row.addWidget(Swatch(key, self))
            label = QLabel(tr(look.legend), self)
            label.setObjectName(f"legend_{key}")
            row.addWidget(label)
            row.addSpacing(8)
        row.addStretch(1)
