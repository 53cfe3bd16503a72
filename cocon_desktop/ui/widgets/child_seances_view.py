"""The Séances tab of a child's file: every séance recorded for the child, newest first, with its billing state."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.services.seances import SeanceRow
from cocon_desktop.ui.i18n import ntr, tr
from cocon_desktop.ui.itemmodels.seances_model import CHILD_COLUMNS, SeancesModel
from cocon_desktop.ui.widgets.column_fit import fit_columns


class ChildSeancesView(QWidget):
    new_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("child_seances")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("child_seances_summary")
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        self.new_button = QPushButton(tr("Saisir une séance (Ctrl+Maj+S)"), self)
        self.new_button.setObjectName("new_seance")
        self.new_button.clicked.connect(self.new_requested)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        self.model = SeancesModel(CHILD_COLUMNS, self)
        self.table = QTableView(self)
        self.table.setObjectName("child_seances_table")
        self.table.setAccessibleName(tr("Séances de l'enfant"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == self.model.columnCount()
                                        - 1 else QHeaderView.ResizeMode.ResizeToContents)
        fit_columns(self.table)  # sized when the séances arrive, not at every resize
        layout.addWidget(self.table, 1)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def show_seances(self, rows: list[SeanceRow]) -> None:
        self.model.set_rows(rows)
        if not rows:
            self.summary.setText(tr("Aucune séance enregistrée pour cet enfant. Pointez-les dans « Séances », ou "
                                    "saisissez-les ici."))
            return
        billable = sum(1 for r in rows if r.billing_state == "a_facturer")
        outside = sum(1 for r in rows if r.data.out_of_forfait)
        summary = ntr("{0} séance enregistrée : {1} à facturer, {2} hors forfait.",
                      "{0} séances enregistrées : {1} à facturer, {2} hors forfait.", len(rows)).format(
            len(rows), billable, outside)
        package = sum(1 for r in rows if r.billing_state == "au_forfait")
        if package:  # on a PCO's package: the forfait's milestones are invoiced, not each séance
            summary = summary[:-1] + tr(", {0} compris dans un forfait (facturé par versements).").format(package)
        self.summary.setText(summary)
