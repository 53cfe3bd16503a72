"""Accessible names: what a screen reader (Orca, NVDA) says for each field, list and button.

Qt names a button from its text and a field from the QLabel whose buddy it is (a QFormLayout row sets that buddy);
our fields sit inside a FieldBox (the editor and its message), so the row's label names the box, not the editor.
`make_accessible(root)`, called once per page and dialog, gives each interactive widget still without a name the
text of its form row's label (and makes that label its buddy, so that the label's Alt+letter reaches it), else of a
label just before it, else its placeholder or tooltip; and it gives Tab back to the read-only lists (a QTableView
moves from cell to cell with Tab and Ctrl+Tab: the keyboard could not leave the list, nor change tab, without the
mouse). `unnamed_widgets(root)` lists what is still nameless (the accessibility test holds it at zero)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QTextEdit,
    QWidget,
)

INTERACTIVE = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView, QTextEdit, QPlainTextEdit,
               QSlider)
COMPOSITE = (QAbstractSpinBox, QComboBox, QCalendarWidget, QAbstractItemView)  # their inner parts are theirs


def _clean(text: str) -> str:
    """A label's text as spoken: no mnemonic '&', no trailing colon, no rich-text tags."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    if "<" in text:
        from PySide6.QtGui import QTextDocumentFragment

        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return " ".join(text.split()).rstrip(" :*").strip()


def accessible_name(widget: QWidget) -> str:
    """What the accessibility tree gives as the widget's name. A combo box's "name" on Linux is its current text
    (the reader takes the label from the label relation), so a combo is named by accessibleName or a buddy label."""
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    labels = interface.relations(QAccessible.RelationFlag.Label)
    if labels:
        return _clean(labels[0][0].text(QAccessible.Text.Name))
    if isinstance(widget, QComboBox):
        return ""
    return interface.text(QAccessible.Text.Name).strip()


def _is_inner(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    if isinstance(parent, QLineEdit) and widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
        return True  # a line edit's own clear button: Ctrl+A then Suppr does the same from the keyboard
    while parent is not None and parent is not root:
        if isinstance(parent, COMPOSITE):
            return True
        parent = parent.parentWidget()
    return False


def interactive_widgets(root: QWidget, *, visible_only: bool = True) -> list[QWidget]:
    """The widgets a user can act on under `root` (the parts of a combo, spin box, calendar or list excluded)."""
    found: list[QWidget] = [w for w in root.findChildren(QWidget)
                            if isinstance(w, INTERACTIVE) and not _is_inner(w, root)]
    if isinstance(root, INTERACTIVE):
        found.insert(0, root)
    if visible_only:
        found = [w for w in found if w.isVisible()]
    return found


def unnamed_widgets(root: QWidget) -> list[QWidget]:
    """The visible interactive widgets under `root` that a screen reader could not name."""
    return [w for w in interactive_widgets(root) if not accessible_name(w)]


def _form_label(widget: QWidget, root: QWidget) -> QLabel | None:
    """The label of the QFormLayout row holding `widget`, or holding a box (a FieldBox) whose only interactive
    widget it is."""
    current: QWidget | None = widget
    while current is not None and current is not root:
        parent = current.parentWidget()
        if parent is None:
            return None
        for form in parent.findChildren(QFormLayout):
            label = form.labelForField(current)
            if isinstance(label, QLabel) and label.text().strip():
                return label
        if len(interactive_widgets(parent, visible_only=False)) > 1:
            return None
        current = parent
    return None


def _label_before(widget: QWidget) -> QLabel | None:
    """A label just before the widget in the same box layout (« Du : [date] »)."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    for layout in parent.findChildren(QBoxLayout):
        index = layout.indexOf(widget)
        if index > 0:
            item = layout.itemAt(index - 1)
            before = item.widget() if item is not None else None
            if isinstance(before, QLabel) and before.buddy() is None and _clean(before.text()):
                return before
    return None


def make_accessible(root: QWidget) -> int:
    """Name every interactive widget under `root` that has no accessible name yet (visible or not), let Tab leave
    the read-only lists; returns how many widgets were named."""
    named = 0
    for widget in interactive_widgets(root, visible_only=False):
        if isinstance(widget, QAbstractItemView) and \
                widget.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            widget.setTabKeyNavigation(False)  # Tab to the next control, Ctrl+Tab to the next tab
        if accessible_name(widget):
            continue
        label = _form_label(widget, root) or _label_before(widget)
        text = _clean(label.text()) if label is not None else ""
        if label is not None and label.buddy() is None:
            label.setBuddy(widget)
        if not text and isinstance(widget, QLineEdit):
            text = widget.placeholderText().strip()
        if not text:
            text = _clean(widget.toolTip())
        if text:
            widget.setAccessibleName(text)
            named += 1
    return named


def name(widget: QWidget, text: str) -> None:
    """A name given by hand (a list, a table, an icon-only button)."""
    widget.setAccessibleName(text)
