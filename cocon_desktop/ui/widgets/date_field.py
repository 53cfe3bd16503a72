"""A date typed "jj/mm/aaaa" (or picked in a calendar), that can stay empty; impossible dates are reported.

The calendar button is off the Tab chain (Tab and Shift+Tab go from field to field); Alt+↓ or F4 in the
date opens the calendar from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLineEdit, QMenu, QToolButton, QWidget, QWidgetAction

from cocon_desktop.domain.text import parse_date_fr
from cocon_desktop.errors import FieldError
from cocon_desktop.ui.formatting import french_date
from cocon_desktop.ui.i18n import tr


class DateField(QWidget):
    """`value()` is the date, None when empty; `error(field)` says "date_invalid" for 31/02/2025."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "",
                 today: Callable[[], date] = date.today) -> None:
        """`today`: the day the calendar opens on while the field is empty (the window's clock)."""
        super().__init__(parent)
        self.today = today
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(tr("jj/mm/aaaa"))
        self.line.setMaxLength(10)
        self.line.setClearButtonEnabled(True)
        self.line.setMinimumWidth(130)
        self.line.setMaximumWidth(150)
        if name:
            self.setObjectName(name)
            self.line.setObjectName(f"{name}_text")
        self.line.editingFinished.connect(self._tidy)
        self.line.textEdited.connect(lambda _: self.edited.emit())
        layout.addWidget(self.line)
        self.pick = QToolButton(self)
        self.pick.setIcon(QIcon.fromTheme("x-office-calendar"))
        self.pick.setText("▾")
        self.pick.setToolTip(tr("Choisir dans le calendrier (Alt+↓ dans la date)"))
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.pick.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        menu = QMenu(self.pick)
        self.calendar = QCalendarWidget(menu)
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.pick.setMenu(menu)
        layout.addWidget(self.pick)
        layout.addStretch(1)
        self.setFocusProxy(self.line)
        self.line.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.line and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            alt_down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.pick.showMenu()
                return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.line.text().strip()

    def setText(self, text: str) -> None:
        self.line.setText(text)

    def value(self) -> date | None:
        """The date typed, None when empty or not a date (see `error`)."""
        return parse_date_fr(self.text()) if self.text() else None

    def error(self, field: str) -> FieldError | None:
        if self.text() and self.value() is None:
            return FieldError(field, "date_invalid", {"value": self.text()})
        return None

    def set_value(self, day: date | None) -> None:
        self.line.setText(french_date(day))

    def _tidy(self) -> None:
        day = self.value()
        if day is not None and self.line.text() != french_date(day):
            self.line.setText(french_date(day))  # 3/4/25 → 03/04/2025

    def _prepare_calendar(self) -> None:
        day = self.value() or self.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, day: QDate) -> None:
        self.set_value(date(day.year(), day.month(), day.day()))
        menu = self.pick.menu()
        if menu is not None:
            menu.close()
        self.edited.emit()
