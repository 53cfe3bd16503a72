"""« Relais vers une PCO » : the first day the platform takes the child on, the platform (the practice's PCO-TND
payers, services.payers), the child's dossier number there and the first forfait (bilan and interventions, or the
bilan alone). Errors at their field, and what was typed stays; the relay is a write run by `runner.run_op`, whose
Changes make the child's file, the lists and the dashboard read again (issue 22, S4: services/relays.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cocon_desktop.errors import FieldError
from cocon_desktop.services.payers import PayerRecord, list_payers
from cocon_desktop.services.relays import REFERENCE_MAX, RelayRequest, RelayResult, relay
from cocon_desktop.ui.dialogs.form_dialog import FormDialog
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.date_field import DateField
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox

PATHWAY = "pco-tnd"
FORFAITS = (("interventions", "Bilan et interventions précoces"), ("bilan", "Bilan seul"))


class RelayDialog(FormDialog):
    relayed = Signal(object)  # the RelayResult

    def __init__(self, practice: PracticeSource, runner: TaskRunner, child_id: int, child_label: str,
                 today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relay_dialog")
        self.setWindowTitle(tr("Relais vers une PCO"))
        self.setMinimumWidth(520)
        self.practice, self.runner, self.child_id, self.today = practice, runner, child_id, today
        layout = QVBoxLayout(self)
        intro = QLabel(tr("{0} : le parcours COCON prend fin la veille du premier jour de prise en charge par la "
                          "plateforme ; les séances de ce jour et après passent sur le forfait de la PCO.")
                       .format(child_label), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.addLayout(form)
        self.day = DateField(self, name="relay_day", today=today)
        self.payer = QComboBox(self)
        self.payer.setObjectName("relay_payer")
        # the platforms arrive after the dialog is laid out: the box grows to their names (« PCO-TND de la Gironde »)
        self.payer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.reference = QLineEdit(self)
        self.reference.setObjectName("relay_reference")
        self.reference.setMaxLength(REFERENCE_MAX)
        self.forfait = QComboBox(self)
        self.forfait.setObjectName("relay_forfait")
        for code, label in FORFAITS:
            self.forfait.addItem(tr(label), code)
        self.boxes = {"day": FieldBox(self.day, parent=self), "payer": FieldBox(self.payer, parent=self),
                      "reference": FieldBox(self.reference, parent=self),
                      "forfait": FieldBox(self.forfait, parent=self)}
        for name, label in (("day", "Premier jour pris en charge par la PCO"), ("payer", "Plateforme (PCO)"),
                            ("reference", "N° de dossier PCO"), ("forfait", "Premier forfait")):
            form.addRow(tr(label), self.boxes[name])
        self.message, self.save_button = add_footer(self, layout, "relay", self.save, save_text="Confier à la PCO")
        self.message.setVisible(False)
        self.day.setFocus()
        self._load_payers()

    def _load_payers(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        self.runner.run(lambda: practice.read(list_payers, PATHWAY, active_only=True), self._payers, self._failed)

    def _payers(self, rows: list[PayerRecord]) -> None:
        self.payer.clear()
        for row in rows:
            self.payer.addItem(f"{row.name} ({row.code})", row.code)
        if not rows:
            self.boxes["payer"].show_text(tr("Aucune plateforme : ajoutez votre PCO dans Paramètres › Parcours et "
                                             "payeurs."), warning=True)

    def save(self) -> None:
        errors: list[FieldError] = []
        day = self.day.value()
        date_error = self.day.error("day")
        if date_error is not None:
            errors.append(date_error)
        elif day is None:
            errors.append(FieldError("day", "required"))
        payer = self.payer.currentData()
        if payer is None:
            errors.append(FieldError("payer", "required"))
        practice = self.practice()
        if errors or day is None or payer is None or practice is None:
            self._show(errors)
            return
        request = RelayRequest(self.child_id, str(payer), day, reference=self.reference.text(), pathway=PATHWAY,
                               interventions=self.forfait.currentData() == "interventions")
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda _report: practice.write(relay, request), self._saved, self._failed)

    def _saved(self, result: RelayResult) -> None:
        self.save_button.setEnabled(True)
        self.relayed.emit(result)
        self.accept()
