"""« Plateforme (PCO) » : add a plateforme to a pathway whose payers are configured (PCO-TND), or change one's name,
address, SIRET and convention number (services/payers.py). Errors under their fields, what was typed stays; the
write is run by `runner.run_op` (PROFILE: the views showing the buyers of invoices read again). Its code (PCO1…) is
given at the first save and never changes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cocon_desktop.domain.payers import PayerData
from cocon_desktop.services.changes import OpResult
from cocon_desktop.services.payers import PayerRecord, add_payer, update_payer
from cocon_desktop.ui.dialogs.form_dialog import FormDialog
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.payer_form import PayerForm


class PayerDialog(FormDialog):
    saved = Signal(object)  # the PayerRecord

    def __init__(self, practice: PracticeSource, runner: TaskRunner, pathway_id: str,
                 record: PayerRecord | None = None, parent: QWidget | None = None) -> None:
        """`record`: the plateforme to change; None to add one to `pathway_id`."""
        super().__init__(parent)
        self.setObjectName("payer_dialog")
        self.practice, self.runner, self.pathway_id, self.record = practice, runner, pathway_id, record
        self.setWindowTitle(tr("Modifier la plateforme {0}").format(record.code) if record is not None
                            else tr("Ajouter une plateforme (PCO)"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Ces coordonnées figurent sur chaque facture adressée à la plateforme : recopiez-les depuis "
                          "la convention signée avec elle."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = PayerForm("payer", self)
        self.edits, self.boxes = self.form.edits, self.form.boxes
        layout.addWidget(self.form)
        if record is not None:
            self.form.set_data(record.data)
        self.message, self.save_button = add_footer(self, layout, "payer", self.save)
        self.message.setVisible(False)
        self.edits["name"].setFocus()

    def save(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        errors = self.form.errors()
        if errors:  # checked here first: a refused form writes nothing
            self._show(errors)
            return
        data, record, pathway_id = self.form.typed(), self.record, self.pathway_id
        self.save_button.setEnabled(False)

        def write(_report: object) -> OpResult[PayerRecord]:
            if record is None:
                return practice.write(add_payer, pathway_id, data)
            return practice.write(update_payer, record.code, data)

        self.runner.run_op(write, self._saved, self._failed)

    def typed(self) -> PayerData:
        return self.form.typed()

    def _saved(self, record: PayerRecord) -> None:
        self.save_button.setEnabled(True)
        self.record = record
        self.saved.emit(record)
        self.accept()
