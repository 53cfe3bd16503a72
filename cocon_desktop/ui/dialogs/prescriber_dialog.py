"""A small dialog to add a doctor (médecin référent, prescripteur) to the directory."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from cocon_desktop.domain.prescription import PrescriberData
from cocon_desktop.errors import ValidationError
from cocon_desktop.services.prescribers import save_prescriber
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox, show_field_errors

FIELDS = {
    "last_name": ("Nom *", ""), "first_name": ("Prénom", ""), "rpps": ("N° RPPS", "11 chiffres"),
    "place": ("Lieu d'exercice", "CHU, CAMSP, PMI, cabinet…"), "city": ("Ville", ""),
    "phone": ("Téléphone", "04 91 00 00 00"), "email": ("Courriel", "medecin@exemple.fr"),
}


class PrescriberDialog(QDialog):
    saved = Signal(int)  # the new prescriber's id

    def __init__(self, practice: PracticeSource, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner = practice, runner
        self.setWindowTitle(tr("Nouveau médecin"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.lines: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        for name, (label, placeholder) in FIELDS.items():
            line = QLineEdit(self)
            line.setObjectName(f"prescriber_{name}")
            line.setPlaceholderText(tr(placeholder))
            self.lines[name] = line
            self.boxes[name] = FieldBox(line, parent=self)
            form.addRow(tr(label), self.boxes[name])
        layout.addLayout(form)
        self.status, self.save_button = add_footer(self, layout, "prescriber", self.save)

    def data(self) -> PrescriberData:
        text = {name: line.text() for name, line in self.lines.items()}
        return PrescriberData(last_name=text["last_name"], first_name=text["first_name"], rpps=text["rpps"],
                              place=text["place"], city=text["city"], phone=text["phone"], email=text["email"])

    def save(self) -> None:
        practice = self.open_practice()
        if practice is None:
            return
        data = self.data()
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda report: practice.write(save_prescriber, data), self._saved, self._failed)

    def _saved(self, prescriber_id: int) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(prescriber_id)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        orphans = show_field_errors(self.boxes, error.errors) if isinstance(error, ValidationError) else []
        self.status.setText(error_text(error) if orphans or not isinstance(error, ValidationError) else
                            tr("Corrigez les champs signalés : rien n'a été enregistré."))
