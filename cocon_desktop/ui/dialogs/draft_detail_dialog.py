"""The séances behind one line of the invoice preview (« Émettre »), opened by a double-click or Entrée on the
line: each date, child, act and amount, to check before signing what can never change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.seance import KINDS
from cocon_desktop.services.invoice_drafts import DraftInvoice
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.formatting import french_date, money
from cocon_desktop.ui.i18n import ntr, tr

COLUMNS = ("Date", "Enfant", "N° d'inclusion", "Discipline", "Acte", "Montant")


class DraftDetailDialog(QDialog):
    def __init__(self, draft: DraftInvoice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draft_detail_dialog")
        who = draft.child_name or tr("tout le réseau {0}").format(draft.network)
        self.setWindowTitle(tr("Facture à émettre — {0}").format(who))
        layout = QVBoxLayout(self)
        count = len(draft.lines)
        self.summary = QLabel(ntr("{0} : {1} acte du {2} au {3}, {4}.", "{0} : {1} actes du {2} au {3}, {4}.",
                                  count).format(who, count, french_date(draft.period_start),
                                                french_date(draft.period_end), money(draft.total)), self)
        self.summary.setObjectName("draft_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(draft.lines), len(COLUMNS), self)
        self.table.setObjectName("draft_lines")
        self.table.setAccessibleName(tr("Séances de la facture"))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for row, line in enumerate(draft.lines):
            cells = (french_date(line.day), line.child_name, line.inclusion_number,
                     tr(DISCIPLINES.get(line.discipline, line.discipline)), tr(KINDS.get(line.kind, line.kind)),
                     money(line.amount))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == len(cells) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 420)
