"""A form row: the editor, then its error (red) or warning (orange) right under it.

An error goes as soon as its field is changed to a value that may be right: a date field checks the date
itself; any other editor drops its message when it is changed (the core checks it again at the next save).
After a failed save the first field in error takes the focus (`show_field_errors`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.ui.fit import grow_to_content
from cocon_desktop.ui.i18n import error_text, field_text

ERROR_STYLE = "color: #b00020;"
DONE_STYLE = "color: #1b5e20;"  # what was done (saved, issued, sent)
WARNING_STYLE = "color: #a15c00;"


class WrappedLabel(QLabel):
    """A word-wrapped label whose height is the one its text needs at its present width (a plain QLabel asks
    its layout for the height of a narrower guess, and the rows under it move when its text changes).

    `reserve_text`: the height that text would need is kept even while the label shows less, so that nothing
    under it moves when a message comes or goes."""

    def __init__(self, parent: QWidget | None = None, *, reserve_text: str = "") -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.reserve_text = reserve_text
        self._laid_out = False
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _needed(self, text: str, width: int) -> int:
        if not text:
            return 0
        margins = self.contentsMargins()
        inner = max(width - margins.left() - margins.right(), 20)
        rect = self.fontMetrics().boundingRect(QRect(0, 0, inner, 100_000), Qt.TextFlag.TextWordWrap, text)
        return rect.height() + margins.top() + margins.bottom()

    def heightForWidth(self, width: int) -> int:
        shown = super().heightForWidth(width) if self.text() else 0
        return max(shown, self._needed(self.reserve_text, width), self.minimumHeight())

    def hasHeightForWidth(self) -> bool:
        # the size hints already follow the width (updated on resize): a height-for-width would let a hidden
        # page of a stack (sized "Ignored") count again through QStackedLayout.heightForWidth
        return False

    def _width(self) -> int:
        """The width laid out, or (never laid out: a page not shown yet) the preferred one, not Qt's default
        100 px: a tall guess would make a page taller than the screen, and scroll it."""
        if self._laid_out:
            return self.width()
        return max(super().sizeHint().width(), self.fontMetrics().averageCharWidth() * 60)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.heightForWidth(self._width()))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.heightForWidth(self._width()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._laid_out = True
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # another width, another number of lines


class FieldBox(QWidget):
    """Wraps an editor so that its message shows next to it; the editor keeps what was typed.

    `reserve_lines`: the height of that many message lines is kept even while there is no message, so that
    nothing under the field moves when a message comes or goes (the passphrase pages); `reserve_text`: the
    height that text needs (at the field's width) is kept instead."""

    fixed = Signal()  # the field was changed to a value that may be right: its message went

    def __init__(self, editor: QWidget, hint: str = "", parent: QWidget | None = None, *,
                 reserve_lines: int = 0, reserve_text: str = "") -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.setFocusProxy(editor)  # the row's label is the box's buddy: its Alt+letter reaches the editor
        self.message = WrappedLabel(self, reserve_text=reserve_text)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.reserve_lines = reserve_lines or (1 if reserve_text else 0)
        self.warning = False
        if reserve_lines:
            self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * reserve_lines)
        self.message.setVisible(bool(self.reserve_lines))
        layout.addWidget(self.message)
        self.hint = hint
        if hint:
            editor.setToolTip(hint)
        self._watch(editor)

    def _watch(self, editor: QWidget) -> None:
        """Connect the editor's "changed" signal to `_changed` (whatever kind of editor it is)."""
        edited = getattr(editor, "edited", None)  # DateField and the like: emitted on the user's changes
        if edited is not None and hasattr(edited, "connect"):
            edited.connect(self._changed)
        if isinstance(editor, QLineEdit | QPlainTextEdit | QTextEdit):
            editor.textChanged.connect(self._changed)
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(self._changed)
        elif isinstance(editor, QAbstractSpinBox):
            editor.editingFinished.connect(self._changed)
            value_changed = getattr(editor, "valueChanged", None)
            if value_changed is not None:
                value_changed.connect(self._changed)
        elif isinstance(editor, QAbstractButton):
            editor.toggled.connect(self._changed)
        line = getattr(editor, "line", None)  # a DateField: also when the text is set by the program
        if isinstance(line, QLineEdit):
            line.textChanged.connect(self._changed)

    def _changed(self, *_: object) -> None:
        if not self.text or self.warning:
            return  # a warning is the form's to follow (it recomputes them as one types)
        check = getattr(self.editor, "error", None)  # a DateField knows whether its date is one
        if callable(check) and check("") is not None:
            return  # still not a date: the message stays
        self.clear()
        self.fixed.emit()

    def show_error(self, error: FieldError | None) -> None:
        if error is None:
            self.clear()
            return
        self.show_text(field_text(error), warning=not error.blocking)

    def show_text(self, text: str, *, warning: bool = False) -> None:
        self.message.setText(text)
        self.warning = warning
        self.message.setStyleSheet(WARNING_STYLE if warning else ERROR_STYLE)
        self.message.setVisible(True)
        self.editor.setProperty("invalid", not warning)
        self.editor.setAccessibleDescription(text)
        self._grow_window()

    def clear(self) -> None:
        self.message.clear()
        self.warning = False
        self.message.setVisible(bool(self.reserve_lines))
        self.editor.setProperty("invalid", False)
        self.editor.setAccessibleDescription("")

    @property
    def text(self) -> str:
        return self.message.text() if self.message.isVisibleTo(self) else ""

    def _grow_window(self) -> None:
        """A shown dialog grows to show the message whole (word-wrapped), never squeezing the fields."""
        window = self.window()
        if isinstance(window, QDialog) and window.isVisible():  # never the main window (its pages scroll)
            # once the layout has placed the message (its width known): measured now, it would be too tall
            QTimer.singleShot(0, window, lambda: grow_to_content(window))


def first_error_box(boxes: dict[str, FieldBox], errors: list[FieldError]) -> FieldBox | None:
    """The first box, in the form's order, that shows a blocking error."""
    blocking = {e.field for e in errors if e.blocking}
    return next((box for name, box in boxes.items() if name in blocking), None)


def show_field_errors(boxes: dict[str, FieldBox], errors: list[FieldError], *,
                      focus: bool = True) -> list[FieldError]:
    """Show each error at its field (the first per field); returns the errors no box could show.

    With `focus`, the first field in error takes the keyboard focus: after a failed save, Enter does not
    reach « Annuler » and what was typed stays where it was typed."""
    for box in boxes.values():
        box.clear()
    orphans: list[FieldError] = []
    seen: set[str] = set()
    for error in errors:
        target = boxes.get(error.field)
        if target is None:
            orphans.append(error)
        elif error.field not in seen:
            target.show_error(error)
            seen.add(error.field)
    first = first_error_box(boxes, errors) if focus else None
    if first is not None and first.editor.isVisibleTo(first.window()):
        first.editor.setFocus(Qt.FocusReason.OtherFocusReason)
    return orphans


def show_refusal(window: QWidget, boxes: dict[str, FieldBox], message: QLabel,
                 errors: list[FieldError] | None, other: str = "") -> None:
    """A refused save in a form dialog: each field error under its field, what no field can show (or `other`, the
    French text of a refusal that is no field's) in `message`; then the window grows to what it now shows."""
    orphans = show_field_errors(boxes, errors or [])
    text = " ".join(error_text(ValidationError([e])) for e in orphans) if errors is not None else other
    message.setText(text)
    message.setVisible(bool(text))
    QTimer.singleShot(0, window, lambda: grow_to_content(window))  # once the messages are placed


def show_failure(window: QWidget, boxes: dict[str, FieldBox], message: QLabel, error: BaseException,
                 show: Callable[[list[FieldError]], None]) -> None:
    """A save that failed in a form dialog: a ValidationError's errors go to `show` (the dialog's own placing, which
    may word some of them its way, then show_refusal), any other refusal's French text to `message`."""
    if isinstance(error, ValidationError):
        show(list(error.errors))
        return
    show_refusal(window, boxes, message, None, error_text(error))
