"""Paramètres › Comptabilité: the small chart of accounts the FEC uses (docs/accounting.md) — receipts (706),
bank (512), customers (411) and one auxiliary account per network — and whether the practice keeps accrual entries
(invoices and credit notes in the FEC) or the cash basis of BNC (receipts only).

A form tab: read when the practice comes; saved through `runner.run_op` (SETTINGS); a refused account is said at
its field and nothing is written."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.fec import Chart
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import ValidationError
from cocon_desktop.services.fec_export import load_chart, save_chart
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import error_text, field_text, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE

MAX_ACCOUNT = 20


class AccountingTab(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.practice: Practice | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Les comptes du fichier des écritures comptables (FEC) que vous remettez à votre comptable "
                          "ou à l'administration fiscale (Tableau de bord › Exports comptables). Gardez les numéros "
                          "par défaut sauf si votre comptable vous en demande d'autres."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        rows = [("receipts", tr("Compte de recettes (honoraires)")), ("bank", tr("Compte de banque")),
                ("customers", tr("Compte clients"))]
        rows += [(f"auxiliary_{code}", tr("Compte auxiliaire du réseau {0}").format(code)) for code in NETWORKS]
        for name, label in rows:
            edit = QLineEdit(self)
            edit.setObjectName(f"fec_{name}")
            edit.setMaxLength(MAX_ACCOUNT)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0" * (MAX_ACCOUNT + 2)))
            edit.setAccessibleName(label)
            edit.returnPressed.connect(self.save)
            error = QLabel(self)
            error.setStyleSheet(ERROR_STYLE)
            error.setVisible(False)
            cell = QHBoxLayout()
            cell.addWidget(edit)
            cell.addWidget(error, 1)
            form.addRow(label, cell)
            self.edits[name], self.errors[name] = edit, error
        self.accrual = QCheckBox(tr("Écritures d'engagement"), self)
        self.accrual.setObjectName("fec_accrual")
        form.addRow("", self.accrual)
        basis = QLabel(tr("Cochée : les factures et les avoirs entrent aussi dans le FEC. Sinon, comptabilité de "
                          "trésorerie (le cas des BNC) : les encaissements seulement."), self)
        basis.setWordWrap(True)
        form.addRow("", basis)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.save_button = QPushButton(tr("Enregistrer les comptes"), self)
        self.save_button.setObjectName("save_fec_chart")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.status = QLabel(self)
        self.status.setObjectName("fec_chart_status")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        layout.addStretch(1)

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        self.practice = practice
        if practice is None or not reload:
            return
        self.runner.run(lambda: practice.read(load_chart), self.show_chart, self._failed)

    def show_chart(self, chart: Chart) -> None:
        values = {"receipts": chart.receipts, "bank": chart.bank, "customers": chart.customers,
                  **{f"auxiliary_{code}": chart.auxiliary(code) for code in NETWORKS}}
        for name, value in values.items():
            self.edits[name].setText(value)
        self.accrual.setChecked(chart.accrual)
        self._clear_errors()

    def typed(self) -> Chart:
        text = {name: edit.text().strip() for name, edit in self.edits.items()}
        return Chart(receipts=text["receipts"], bank=text["bank"], customers=text["customers"],
                     auxiliaries={code: text[f"auxiliary_{code}"] for code in NETWORKS},
                     accrual=self.accrual.isChecked())

    def save(self) -> None:
        practice = self.practice
        if practice is None:
            return
        chart = self.typed()
        self._clear_errors()
        self.status.clear()
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda _report: practice.write(save_chart, chart), lambda _: self._saved(),
                           self._failed)

    def _saved(self) -> None:
        self.save_button.setEnabled(True)
        self.status.setStyleSheet(DONE_STYLE)
        self.status.setText(tr("Comptes enregistrés : le prochain FEC les utilise."))

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            for problem in error.errors:
                if problem.field in self.errors:
                    self.errors[problem.field].setText(field_text(problem))
                    self.errors[problem.field].setVisible(True)
            first = next((e.field for e in error.errors if e.field in self.edits), None)
            if first is not None:
                self.edits[first].setFocus()
            return
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(error_text(error))

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
