"""« Enregistrer un paiement » : date, amount (French decimal comma), reference, means; errors at the field,
and what was typed stays. The payment is a write run by `runner.run_op`: the views showing payments (the documents,
the unpaid list, the dashboard, the batches' « Payé ») read again from its Changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cocon_desktop.domain.money import parse_euros
from cocon_desktop.errors import FieldError
from cocon_desktop.services.payments import MEANS, InvoiceStatus, record_payment
from cocon_desktop.ui.dialogs.form_dialog import FormDialog
from cocon_desktop.ui.formatting import money
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.date_field import DateField
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox, show_refusal


class PaymentDialog(FormDialog):
    recorded = Signal(object)  # the invoice's InvoiceStatus after the payment (the tab says it)

    def __init__(self, status: InvoiceStatus, practice: PracticeSource, runner: TaskRunner,
                 today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payment_dialog")
        self.setWindowTitle(tr("Paiement de la facture {0}").format(status.number))
        # wide enough for its title whole beside the window manager's buttons (« Paiement de la f… e »)
        self.setMinimumWidth(max(480, self.fontMetrics().horizontalAdvance(self.windowTitle()) * 3 // 2 + 160))
        self.status, self.practice, self.runner, self.today = status, practice, runner, today
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.addLayout(form)
        form.addRow(QLabel(tr("Reste dû : {0}").format(money(status.remaining)), self))
        self.day = DateField(self, name="payment_day", today=today)
        self.day.set_value(today())
        self.amount = QLineEdit(self)
        self.amount.setObjectName("payment_amount")
        self.amount.setPlaceholderText(tr("par exemple 257,00"))
        self.amount.setText(f"{status.remaining:.2f}".replace(".", ","))
        self.reference = QLineEdit(self)
        self.reference.setObjectName("payment_reference")
        self.reference.setMaxLength(100)
        self.means = QComboBox(self)
        self.means.setObjectName("payment_means")
        for code, label in MEANS.items():
            self.means.addItem(tr(label), code)
        self.boxes = {"day": FieldBox(self.day, parent=self), "amount": FieldBox(self.amount, parent=self),
                      "reference": FieldBox(self.reference, parent=self), "means": FieldBox(self.means, parent=self)}
        for name, label in (("day", "Date du paiement"), ("amount", "Montant (€)"), ("reference", "Référence"),
                            ("means", "Moyen de paiement")):
            form.addRow(tr(label), self.boxes[name])
        self.message, self.save_button = add_footer(self, layout, "payment", self.save,
                                                    save_text="Enregistrer le paiement")
        self.message.setVisible(False)
        self.amount.setFocus()
        self.amount.selectAll()

    def save(self) -> None:
        errors: list[FieldError] = []
        day, amount = self.day.value(), parse_euros(self.amount.text())
        date_error = self.day.error("day")
        if date_error is not None:
            errors.append(date_error)
        elif day is None:
            errors.append(FieldError("day", "required"))
        if amount is None:
            errors.append(FieldError("amount", "amount_invalid", {"value": self.amount.text().strip()}) if
                          self.amount.text().strip() else FieldError("amount", "required"))
        practice = self.practice()
        if errors or day is None or amount is None or practice is None:
            self._show(errors)
            return
        number, today, reference, means = (self.status.number, self.today(), self.reference.text(),
                                           str(self.means.currentData()))
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda _report: practice.write(record_payment, number, day, amount, today, reference,
                                                          means), self._saved, self._failed)

    def _show(self, errors: list[FieldError]) -> None:
        errors = [FieldError(e.field, e.code, {**e.data, "due": str(e.data["due"]).replace(".", ",")},
                             e.severity)
                  if "due" in (e.data or {}) else e for e in errors]  # "257,00 €", not "257.00 €"
        show_refusal(self, self.boxes, self.message, errors)

    def _saved(self, status: InvoiceStatus) -> None:
        self.save_button.setEnabled(True)
        self.recorded.emit(status)
        self.accept()
