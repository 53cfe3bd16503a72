"""Privacy actions of a child's file: copy the inclusion number or the INS (cleared from the clipboard after
30 s), export everything held about the child for the family, erase the child's data after the retention period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.messages import french_date
from cocon_desktop.services.child_erasure import ErasureReport, RetentionStatus, erase_child, retention_status
from cocon_desktop.services.child_export import export_child_to, export_name
from cocon_desktop.services.children import ChildRecord
from cocon_desktop.ui.clipboard import IdentifierClipboard
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.i18n import error_text, ntr, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner

ERASED = ("le nom et le prénom (seules les initiales restent), le NIR, le lieu et le poids de naissance, les critères "
          "d'inclusion, les représentants légaux, toutes les notes, les documents numérisés, les rendez-vous, les "
          "séances non facturées et les PDF des attestations")
KEPT = ("les factures et avoirs tels qu'émis (numéro d'inclusion et initiales), les séances facturées sans leur "
        "note, le registre des attestations et l'historique des modifications sans leurs valeurs")


class EraseDialog(QDialog):
    """Says what is erased and what is kept; the inclusion number must be typed to confirm."""

    def __init__(self, inclusion: str, status: RetentionStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inclusion = inclusion
        self.setObjectName("erase_dialog")
        self.setWindowTitle(tr("Effacer les données de l'enfant"))
        layout = QVBoxLayout(self)
        text = QLabel(tr("<p>La durée de conservation du dossier de l'enfant <b>{0}</b> est écoulée depuis le {1} "
                         "(dernière activité le {2}).</p><p><b>Seront effacés définitivement :</b> {3}.</p>"
                         "<p><b>Seront conservés :</b> {4}.</p><p>Cette opération ne peut pas être annulée. "
                         "Pensez à exporter le dossier d'abord si la famille l'a demandé.</p>").format(
            inclusion, french_date(status.erasable_from), french_date(status.last_activity), tr(ERASED), tr(KEPT)),
            self)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(QLabel(tr("Pour confirmer, tapez le numéro d'inclusion {0} :").format(inclusion), self))
        self.typed = QLineEdit(self)
        self.typed.setObjectName("erase_confirm")
        layout.addWidget(self.typed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.erase_button = self.buttons.addButton(tr("Effacer définitivement"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.erase_button.setObjectName("erase_button")
        self.erase_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.typed.textChanged.connect(
            lambda value: self.erase_button.setEnabled(value.strip().upper() == inclusion.upper()))
        fit_to_screen(self, 560, self.sizeHint().height())


class ChildPrivacyBar(QWidget):
    """Copy the identifiers, export the file for the family, erase the data. The export (in the child's history) and
    the erasure are writes: the file and the list read again from their Changes (ui/views.py)."""

    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.today = practice, runner, today
        self.record: ChildRecord | None = None
        self.clipboard = IdentifierClipboard(parent=self)
        self.dialog: EraseDialog | None = None
        self.message: QMessageBox | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.copy_inclusion = QPushButton(tr("Copier le n° d'inclusion"), self)
        self.copy_inclusion.setObjectName("copy_inclusion")
        self.copy_inclusion.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_inclusion.setToolTip(tr("Ctrl+Maj+C — effacé du presse-papiers après 30 secondes"))
        self.copy_inclusion.clicked.connect(lambda: self._copy(self.record.data.inclusion_number
                                                               if self.record else ""))
        layout.addWidget(self.copy_inclusion)
        self.copy_ins = QPushButton(tr("Copier l'INS"), self)
        self.copy_ins.setObjectName("copy_ins")
        self.copy_ins.setToolTip(tr("Le matricule INS (NIR) — effacé du presse-papiers après 30 secondes"))
        self.copy_ins.clicked.connect(lambda: self._copy(self.record.data.nir if self.record else ""))
        layout.addWidget(self.copy_ins)
        self.menu_button = QToolButton(self)
        self.menu_button.setObjectName("privacy_menu")
        self.menu_button.setText(tr("Dossier"))  # the tool button draws its menu's arrow itself
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.menu_button)
        self.export_action = QAction(tr("Exporter le dossier…"), self)
        self.export_action.setToolTip(tr("Tout ce que le cabinet conserve sur l'enfant, pour la famille (ZIP)"))
        self.export_action.triggered.connect(self.export)
        self.erase_action = QAction(tr("Effacer les données…"), self)
        self.erase_action.triggered.connect(self.erase)
        menu.addAction(self.export_action)
        menu.addAction(self.erase_action)
        self.menu_button.setMenu(menu)
        layout.addWidget(self.menu_button)

    def show_record(self, record: ChildRecord) -> None:
        self.record = record
        self.copy_ins.setEnabled(bool(record.data.nir) and record.erased_at is None)
        self.erase_action.setEnabled(record.erased_at is None)

    def _copy(self, text: str) -> None:
        if text:
            self.clipboard.copy(text)

    def _inform(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> None:
        self.message = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.window())
        self.message.setObjectName("privacy_message")
        self.message.open()

    # -- export
    def export(self) -> None:
        practice = self.open_practice()
        if self.record is None or practice is None:
            return
        record = self.record
        suggested = Path.home() / export_name(record.data.inclusion_number, self.today())
        chosen, _ = QFileDialog.getSaveFileName(self, tr("Exporter le dossier de l'enfant"), str(suggested),
                                                tr("Archives ZIP (*.zip)"))
        if not chosen:
            return
        path = Path(chosen) if Path(chosen).suffix else Path(chosen).with_suffix(".zip")
        self.runner.run_op(lambda report: practice.write(export_child_to, record.id, path),
                           lambda size: self._exported(record, path, size),
                           lambda error: self._inform(tr("Export impossible"), error_text(error),
                                                      QMessageBox.Icon.Warning))

    def _exported(self, record: ChildRecord, path: Path, size: int) -> None:
        self._inform(tr("Dossier exporté"), tr(
            "Le dossier de l'enfant {0} a été écrit dans {1} ({2} octets). Il contient des données de santé : "
            "remettez-le à la famille par un moyen sûr.").format(record.data.inclusion_number, path, size))

    # -- erasure
    def erase(self) -> None:
        practice = self.open_practice()
        if self.record is None or practice is None:
            return
        child_id = self.record.id
        self.runner.run(lambda: practice.read(retention_status, child_id), self._confirm_erase,
                        lambda error: self._inform(tr("Effacement impossible"), error_text(error),
                                                   QMessageBox.Icon.Warning))

    def _confirm_erase(self, status: RetentionStatus) -> None:
        if not status.allows(self.today()):
            self._inform(tr("Effacement impossible"), tr(
                "Le dossier de l'enfant {0} doit être conservé jusqu'au {1} (dernière activité le {2}) : rien n'a été "
                "effacé.").format(status.inclusion_number, french_date(status.erasable_from),
                                  french_date(status.last_activity)), QMessageBox.Icon.Warning)
            return
        self.dialog = EraseDialog(status.inclusion_number, status, self.window())
        self.dialog.accepted.connect(lambda: self._erase(status.child_id))
        self.dialog.open()

    def _erase(self, child_id: int) -> None:
        practice = self.open_practice()
        if practice is None:
            return
        today = self.today()
        self.runner.run_op(lambda report: practice.write(erase_child, child_id, today), self._erased,
                           lambda error: self._inform(tr("Effacement impossible"), error_text(error),
                                                      QMessageBox.Icon.Warning))

    def _erased(self, report: ErasureReport) -> None:
        self._inform(tr("Données effacées"), ntr(
            "Les données de l'enfant {0} ont été effacées. Restent les factures telles qu'émises, {1} séance "
            "facturée sans note et le registre des attestations.",
            "Les données de l'enfant {0} ont été effacées. Restent les factures telles qu'émises, {1} séances "
            "facturées sans note et le registre des attestations.", report.seances_kept).format(
                report.inclusion_number, report.seances_kept))
