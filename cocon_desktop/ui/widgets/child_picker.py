"""Finding a child from a few letters: a search field, the matches below; Down/Up move, Enter picks.

The search runs through the task runner; a result that arrives after the text changed is dropped.
Children still in the pathway come first; those who left it are marked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from cocon_desktop.services.children import ChildQuery, ChildRow, list_children
from cocon_desktop.ui.formatting import french_date
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 120
MATCHES = 8
VISIBLE_ROWS = 5
PICKED_STYLE = "color: #1b5e20;"


def row_text(row: ChildRow, today: date) -> str:
    text = tr("{0} — {1} — naissance le {2}").format(row.display_name, row.inclusion_number,
                                                  french_date(row.birth_date))
    if row.exit_date is not None and row.exit_date <= today:
        text += " " + tr("(sortie du parcours le {0})").format(french_date(row.exit_date))
    return text


class ChildPicker(QWidget):
    picked = Signal(object)  # the ChildRow
    cleared = Signal()

    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.today = practice, runner, today
        self.child: ChildRow | None = None
        self.matches: list[ChildRow] = []
        self._generation = 0
        self._waiting = False  # a search is running: Enter pressed now picks when it answers
        self._pick_when_found = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.search = QLineEdit(self)
        self.search.setObjectName("child_picker_search")
        self.search.setPlaceholderText(tr("Quelques lettres du nom, du prénom ou du n° d'inclusion"))
        self.search.setClearButtonEnabled(True)
        self.search.textEdited.connect(self._edited)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)
        self.results = QListWidget(self)
        self.results.setObjectName("child_picker_results")
        self.results.setAccessibleName(tr("Enfants trouvés"))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the search field
        self.results.setFocusProxy(self.search)  # ↑ ↓ and Entrée there choose in this list
        self.results.itemClicked.connect(lambda item: self._pick_row(self.results.row(item)))
        self.results.setFixedHeight(self.results.fontMetrics().height() * VISIBLE_ROWS + 12)  # no jumping form
        layout.addWidget(self.results)
        self.note = QLabel(self)
        self.note.setObjectName("child_picker_note")
        layout.addWidget(self.note)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search_now)
        self.setFocusProxy(self.search)
        self._show_note(tr("Tapez quelques lettres, puis Entrée pour choisir (↓ ↑ pour changer)."))

    # -- searching
    def _edited(self, _: str) -> None:
        if self.child is not None:
            self.child = None
            self.cleared.emit()
        self.timer.start()

    def search_now(self) -> None:
        self.timer.stop()
        self._generation += 1
        generation, text, today = self._generation, self.search.text().strip(), self.today()
        practice = self.open_practice()
        if practice is None:
            return
        if not text:
            self._found(generation, [])
            return
        self._waiting = True
        self.runner.run(lambda: practice.read(list_children, ChildQuery(text=text), today, 0, 3 * MATCHES),
                        lambda rows: self._found(generation, rows), self._failed)

    def _found(self, generation: int, rows: list[ChildRow]) -> None:
        if generation != self._generation:
            return
        self._waiting = False
        today = self.today()
        active = [r for r in rows if r.exit_date is None or r.exit_date > today]
        self.matches = (active + [r for r in rows if r not in active])[:MATCHES]
        self.results.clear()
        for row in self.matches:
            QListWidgetItem(row_text(row, today), self.results)
        if self.matches:
            self.results.setCurrentRow(0)
            self._show_note(tr("Entrée choisit l'enfant surligné."))
        elif self.search.text().strip():
            self._show_note(tr("Aucun enfant ne correspond à « {0} ».").format(self.search.text().strip()),
                            error=True)
        if self._pick_when_found:
            self._pick_when_found = False
            self.pick_current()

    def _failed(self, error: BaseException) -> None:
        self._waiting = self._pick_when_found = False
        self._show_note(error_text(error), error=True)

    # -- picking
    def pick_current(self) -> None:
        """Enter: the highlighted match (the first one unless Down/Up moved); a search still waiting runs first."""
        if self.timer.isActive() or self._waiting:
            self._pick_when_found = True
            if self.timer.isActive():
                self.search_now()
            return
        row = self.results.currentRow()
        if 0 <= row < len(self.matches):
            self._pick_row(row)

    def _pick_row(self, index: int) -> None:
        row = self.matches[index]
        self.child = row
        self.search.setText(row.display_name)
        self.matches = [row]
        self.results.clear()
        QListWidgetItem("✓ " + row_text(row, self.today()), self.results)
        self.results.setCurrentRow(0)
        self._show_note(tr("Enfant choisi. Retapez dans le champ pour en chercher un autre."), picked=True)
        self.picked.emit(row)

    def set_child(self, row: ChildRow) -> None:
        self.matches = [row]
        self._pick_row(0)

    def reset(self) -> None:
        """No child chosen, nothing typed: ready for the next one (quick entry after a save)."""
        self.timer.stop()
        self._generation += 1
        self._waiting = self._pick_when_found = False
        self.child, self.matches = None, []
        self.search.clear()
        self.results.clear()
        self._show_note(tr("Tapez quelques lettres, puis Entrée pour choisir (↓ ↑ pour changer)."))

    def _move(self, step: int) -> None:
        if self.timer.isActive():
            self.search_now()
        if self.results.count():
            self.results.setCurrentRow(max(0, min(self.results.count() - 1, self.results.currentRow() + step)))

    def _show_note(self, text: str, *, error: bool = False, picked: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet("color: #b00020;" if error else PICKED_STYLE if picked else "color: #555;")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.child is None:
                self.pick_current()
                return True  # Enter picks; it never saves the form while no child is chosen
            if key == Qt.Key.Key_Down:
                self._move(1)
                return True
            if key == Qt.Key.Key_Up:
                self._move(-1)
                return True
        return super().eventFilter(watched, event)
