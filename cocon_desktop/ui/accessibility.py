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
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
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


def _words(text: str) -> str:
    """A name a reader can say: « ? », « ← » or « ▾ » alone say nothing."""
    return text if any(character.isalnum() for character in text) else ""


def given_name(widget: QWidget) -> str:
    """The name the widget has without asking the accessibility tree (its first use costs milliseconds at start):
    its accessibleName, a button's text, or the text of the label whose buddy it is."""
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    if isinstance(widget, QAbstractButton) and _words(_clean(widget.text())):
        return _clean(widget.text())
    parent = widget.parentWidget()
    if parent is not None:
        for label in parent.findChildren(QLabel, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if label.buddy() is widget and _clean(label.text()):
                return _clean(label.text())
    return ""


def accessible_name(widget: QWidget) -> str:
    """What the accessibility tree gives as the widget's name (what Orca or NVDA reads). A combo box's "name" on
    Linux is its current text (the reader takes the label from the label relation), so a combo is named by its
    accessibleName or a buddy label only."""
    from PySide6.QtGui import QAccessible  # only here: asking the tree costs milliseconds at its first use

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
    return _words(str(interface.text(QAccessible.Text.Name)).strip())


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


def _layouts(widget: QWidget) -> list[QLayout]:
    """The widget's layout and the layouts nested in it (not those of its child widgets)."""
    found: list[QLayout] = []
    pending = [widget.layout()]
    while pending:
        layout = pending.pop()
        if layout is None:
            continue
        found.append(layout)
        pending += [layout.itemAt(i).layout() for i in range(layout.count())]  # type: ignore[union-attr]
    return found


def _form_label(widget: QWidget, root: QWidget, widgets: list[QWidget]) -> QLabel | None:
    """The label of the QFormLayout row holding `widget`, or holding a box (a FieldBox) whose only interactive
    widget it is (`widgets`: the interactive widgets under `root`)."""
    current: QWidget | None = widget
    while current is not None and current is not root:
        parent = current.parentWidget()
        if parent is None:
            return None
        for form in _layouts(parent):
            label = form.labelForField(current) if isinstance(form, QFormLayout) else None
            if isinstance(label, QLabel) and label.text().strip():
                return label
        if sum(1 for other in widgets if parent.isAncestorOf(other)) > 1:
            return None
        current = parent
    return None


def _label_before(widget: QWidget) -> QLabel | None:
    """A label just before the widget in the same box layout (« Du : [date] »)."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    for layout in _layouts(parent):
        index = layout.indexOf(widget) if isinstance(layout, QBoxLayout) else -1
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
    widgets = interactive_widgets(root, visible_only=False)
    for widget in widgets:
        if isinstance(widget, QAbstractItemView) and \
                widget.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            widget.setTabKeyNavigation(False)  # Tab to the next control, Ctrl+Tab to the next tab
        if given_name(widget):
            continue
        label = _form_label(widget, root, widgets) or _label_before(widget)
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

