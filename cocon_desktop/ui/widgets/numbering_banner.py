"""The main window's banner when the database is behind the numbering's outside witnesses (issue 19, #1): this
computer's keychain or a network knows an invoice number the database does not hold — it was put back from an
older copy. It says so at opening, and offers the two ways out: restore a newer backup, or confirm that the
numbering resumes after the witness's number (« Je confirme : reprendre la numérotation après FAC-2026-0024 »).
Until then the services refuse to issue in that series. Hidden when the numbering is in step.

Light at import (the main window imports it before the ORM is loaded): the services are imported when used."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QVBoxLayout, QWidget

from cocon_desktop.services.changes import Changes
from cocon_desktop.ui.i18n import error_text, message, ntr, tr
from cocon_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from cocon_desktop.services.number_witness import ConfirmedGap, NumberingCheck, SeriesBehind
    from cocon_desktop.services.practice_handle import Practice
    from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog
    from cocon_desktop.ui.main_window import MainWindow

SOURCES = {("keychain",): "Le trousseau de cet ordinateur", ("network",): "Le réseau",
           ("keychain", "network"): "Le trousseau de cet ordinateur et le réseau"}


def behind_text(item: SeriesBehind) -> str:
    """« Le réseau sait que FAC-2026-0024 a été émis ; la base s'arrête à FAC-2026-0022 : il lui manque
    FAC-2026-0023 à FAC-2026-0024. »"""
    who = tr(SOURCES.get(item.sources, SOURCES[("keychain", "network")]))
    if item.database:
        return tr("{0} sait que {1} a été émis ; la base s'arrête à {2} : il lui manque {3}.").format(
            who, item.witness_number, item.database_number, item.missing)
    return tr("{0} sait que {1} a été émis ; la base n'a aucun numéro de cette série : il lui manque {2}.").format(
        who, item.witness_number, item.missing)


class NumberingBanner(QFrame):
    SHOWS = Changes.INVOICES | Changes.BATCHES | Changes.SETTINGS  # issuing, a confirmation, a network's answer

    def __init__(self, practice: Callable[[], Practice | None], runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner = practice, runner
        self.check: NumberingCheck | None = None
        self.restore_dialog: RestoreDialog | None = None
        self.last_message = ""
        self.setObjectName("numbering_banner")
        self.setStyleSheet("QFrame#numbering_banner { background: #fde8e6; border-bottom: 2px solid #c0392b; }"
                           "QLabel { color: #5c1a12; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel(tr("La base du cabinet est en retard sur sa numérotation"), self)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        layout.addWidget(self.title)
        self.text = QLabel(self)
        self.text.setObjectName("numbering_text")
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.buttons = QHBoxLayout()
        self.restore_button = QPushButton(tr("Restaurer une sauvegarde plus récente…"), self)
        self.restore_button.setObjectName("numbering_restore")
        self.restore_button.clicked.connect(self.open_restore)
        self.buttons.addWidget(self.restore_button)
        self.confirm_buttons: list[QPushButton] = []
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)
        runner.subscribe(self.changed)
        self.destroyed.connect(lambda *_: runner.unsubscribe(self.changed))
        self.setVisible(False)

    def changed(self, changes: Changes) -> None:
        """After a write: read again if it may have moved the numbering or its witnesses (hidden or not: the banner
        must appear when a network's answer says it holds more)."""
        if changes & self.SHOWS:
            self.reload()

    def reload(self) -> None:
        practice = self.practice()
        if practice is None:
            self.show_check(None)
            return

        def read() -> NumberingCheck:
            from cocon_desktop.services import number_witness

            return practice.read(number_witness.check, practice.keychain_numbers)

        self.runner.run(read, self.show_check, lambda _: None)

    def show_check(self, check: NumberingCheck | None) -> None:
        self.check = check
        behind = check.behind if check is not None else ()
        for button in self.confirm_buttons:
            self.buttons.removeWidget(button)
            button.deleteLater()
        self.confirm_buttons = []
        if not behind:
            self.setVisible(False)
            return
        lines = [behind_text(item) for item in behind]
        lines.append(ntr("Elle a sans doute été remplacée par une copie plus ancienne. Aucun numéro de cette série "
                         "n'est émis tant que vous n'avez pas choisi : restaurer la sauvegarde la plus récente, ou, "
                         "si elle est perdue, confirmer que la numérotation reprend après le dernier numéro émis "
                         "(les numéros manquants restent sautés ; la vérification l'indiquera).",
                         "Elle a sans doute été remplacée par une copie plus ancienne. Aucun numéro de ces séries "
                         "n'est émis tant que vous n'avez pas choisi : restaurer la sauvegarde la plus récente, ou, "
                         "si elle est perdue, confirmer que la numérotation reprend après le dernier numéro émis "
                         "(les numéros manquants restent sautés ; la vérification l'indiquera).", len(behind)))
        self.text.setText("\n".join(lines))
        for index, item in enumerate(behind):
            label = tr("Je confirme : reprendre la numérotation après {0}").format(item.witness_number)
            button = QPushButton(label, self)
            button.setObjectName(f"numbering_confirm_{index}")
            button.clicked.connect(lambda _checked=False, n=item.witness_number: self.confirm(n))
            self.buttons.insertWidget(1 + index, button)
            self.confirm_buttons.append(button)
        self.setVisible(True)

    def confirm(self, number: str) -> None:
        practice = self.practice()
        if practice is None:
            return

        from cocon_desktop.services import number_witness

        for button in self.confirm_buttons:
            button.setEnabled(False)
        self.runner.run_op(lambda _report: practice.write(number_witness.confirm_resume, number),
                           self._confirmed, self._failed)  # the INVOICES change reloads the banner

    def _confirmed(self, gap: ConfirmedGap) -> None:
        from cocon_desktop.services.number_witness import number_text

        self.last_message = message("numbering_resumed", {
            "series": gap.series, "number": number_text(gap.series, gap.resumed_after),
            "next": number_text(gap.series, gap.resumed_after + 1)})
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(self.last_message, 15000)

    def _failed(self, error: BaseException) -> None:
        for button in self.confirm_buttons:
            button.setEnabled(True)
        self.text.setText(self.text.text() + "\n" + error_text(error))

    def open_restore(self) -> RestoreDialog | None:
        """The restore dialog (into a new folder beside this one); the window then works on the restored practice."""
        from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog

        practice = self.practice()
        if practice is None:
            return None
        dialog = RestoreDialog(practice.data_dir, self.runner, parent=self.window())
        dialog.restored.connect(self._restored)
        self.restore_dialog = dialog
        dialog.open()
        return dialog

    def _restored(self, practice: Practice) -> None:
        from cocon_desktop.ui.main_window import MainWindow

        window = self.window()
        if isinstance(window, MainWindow):
            adopt(window, practice)
        else:
            practice.close()


def install(window: MainWindow, layout: QVBoxLayout) -> NumberingBanner:
    """The banner under the window's top (the demo banner), following the window's practice: shown at opening
    from what the practice read then, read again after each unlock and each write that may move the numbering."""
    banner = NumberingBanner(lambda: window.practice, window.runner, window.shell)
    layout.addWidget(banner)
    window.locked_changed.connect(lambda locked: banner.show_check(None) if locked else banner.reload())
    return banner


def adopt(window: MainWindow, practice: Practice) -> None:
    """The window goes on with the practice restored beside the old folder: the old one is closed, the lock
    screen (whose unlock panel names the old folder) made again when next needed, every view read again."""
    old, window.practice = window.practice, None
    if old is not None:
        old.close()
    window.data_dir = practice.data_dir
    if window.lock_screen is not None:
        window.root.removeWidget(window.lock_screen)
        window.lock_screen.deleteLater()
        window.lock_screen = None
    window._unlocked(practice)  # the same path as an unlock: the pages get the new handle and read again
