"""Batches as a table: when and for which network each was closed, what it holds, its state (coloured like the
invoice states), the network's receipt, and the outbox's attempts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from cocon_desktop.services.batches import STATES, BatchSummary
from cocon_desktop.ui.formatting import french_date, money, month_year
from cocon_desktop.ui.i18n import message, tr
from cocon_desktop.ui.itemmodels.rows_table_model import RowsTableModel
from cocon_desktop.ui.pages.invoice_documents_tab import STATE_COLOURS as INVOICE_COLOURS
from cocon_desktop.ui.plain_text import plain_tip
from cocon_exchange.protocol import remote_text

# the last attempt comes last: its error can be long (elided in the table, in full in the details and tooltip)
COLUMNS = ("created", "network", "period", "documents", "total", "state", "receipt", "attempts", "next_attempt",
           "last_attempt")
COLUMN_TITLES = {"created": "Clos le", "network": "Réseau", "period": "Période", "documents": "Documents",
                 "total": "Total", "state": "État", "receipt": "Accusé de réception", "attempts": "Essais",
                 "last_attempt": "Dernier essai", "next_attempt": "Prochain essai"}
# the colours of the invoices' states (Facturation, « Documents émis »); reçu between envoyé and payé
STATE_COLOURS = {"prepare": INVOICE_COLOURS["emise"], "exporte": "#a15c00", "envoye": INVOICE_COLOURS["envoyee"],
                 "recu": "#2e7d32",
                 "rejete": INVOICE_COLOURS["rejetee"], "paye": INVOICE_COLOURS["payee"]}
ERROR_COLOUR = "#b00020"
RIGHT_ALIGNED = ("documents", "total", "attempts")
STRETCHED = ("last_attempt",)  # takes the room left; elided, in full in the tooltip and the details
SHORT_RECEIPT = 16  # a longer receipt id is cut in the table (in full in the tooltip and the details)

AnyIndex = QModelIndex | QPersistentModelIndex


def plural(count: int, one: str, many: str) -> str:
    return (one if count == 1 else many).format(count)


def documents_text(count: int) -> str:
    """"1 document", "3 documents"."""
    return plural(count, tr("{0} document"), tr("{0} documents"))


def local_time(moment: datetime | None) -> str:
    """An aware datetime as "24/11/2026 10:30" in the computer's time zone; "" for None."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def short_time(moment: datetime | None) -> str:
    """"24/11 10:30" (attempts are recent; the year is in the details)."""
    return "" if moment is None else moment.astimezone().strftime("%d/%m %H:%M")


def period_text(batch: BatchSummary) -> str:
    """"septembre 2026" for a whole calendar month, else "01/09/2026 – 15/10/2026"."""
    start, end = batch.period_start, batch.period_end
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and \
            (end + timedelta(days=1)).month != end.month:
        return month_year(start)
    if start == end:
        return french_date(start)
    return tr("{0} – {1}").format(french_date(start), french_date(end))


def state_text(batch: BatchSummary) -> str:
    """« Reçu », or « Reçu — 1 facture rejetée » when the network rejected some of its invoices (issue 21)."""
    text = tr(STATES.get(batch.state, batch.state))
    if batch.refused:
        text += " — " + plural(len(batch.refused), tr("{0} facture rejetée"),
                               tr("{0} factures rejetées")).format(len(batch.refused))
    return text


def receipt_text(batch: BatchSummary, *, short: bool = False) -> str:
    """"DEMO-1A2B3C4D · 04/10/2026 10:02"; `short` (the table) cuts a long id (a UUID) to its first 8
    characters and gives the day only."""
    if not batch.receipt_id:
        return ""
    receipt = batch.receipt_id
    if batch.received_at is None:
        return receipt[:8] + "…" if short and len(receipt) > SHORT_RECEIPT else receipt
    if short:  # the table: the day only (the time is in the tooltip and the details)
        receipt = receipt[:8] + "…" if len(receipt) > SHORT_RECEIPT else receipt
        return tr("{0} · {1}").format(receipt, french_date(batch.received_at.astimezone().date()))
    return tr("{0} · {1}").format(receipt, local_time(batch.received_at))


def error_text(batch: BatchSummary) -> str:
    """Why the last sending failed (or the network's reason), in French; "" when nothing failed."""
    if batch.error is None:
        return ""  # its data may quote the network (a reason, a detail): bounded, no control characters (#8)
    return message(batch.error.code, {name: remote_text(value) for name, value in batch.error.params.items()})


def last_attempt_text(batch: BatchSummary) -> str:
    text = short_time(batch.last_attempt_at)
    error = error_text(batch)
    if error:
        first_line = error.splitlines()[0]
        text = f"{text} — {first_line}" if text else first_line
    return text


def details_text(batch: BatchSummary) -> str:
    """Everything about one batch, the network's reason and the last error in full."""
    lines = [tr("Lot {0} — fichier {1}").format(batch.batch_id, batch.file_name),
             tr("Réseau {0}, séances : {1}, {2}, {3}").format(
                 batch.network, period_text(batch), documents_text(batch.documents),
                 money(batch.total)),
             tr("État : {0} (clos le {1})").format(state_text(batch), local_time(batch.created_at))]
    if batch.receipt_id:
        lines.append(tr("Accusé de réception du réseau : {0}, le {1}").format(batch.receipt_id,
                                                                             local_time(batch.received_at)))
    if batch.exported_at is not None:
        lines.append(tr("Exporté le {0}").format(local_time(batch.exported_at)))
    if batch.reason:  # the network's words: bounded, no control characters (a row stored by an older version too)
        lines.append(tr("Motif du réseau : {0}").format(remote_text(batch.reason)))
    if batch.refused:  # the network's words as well: bounded, no control characters
        lines.append(tr("Factures rejetées par le réseau — émettez pour chacune un avoir puis une facture corrigée "
                        "(Facturation › Documents émis) ; l'avoir et la facture corrigée partiront dans le prochain "
                        "lot :"))
        lines += [tr("  {0} : {1}").format(number, remote_text(reason)) for number, reason in batch.refused]
    if batch.attempts:
        lines.append(tr("Dernier essai d'envoi : {0} ({1})").format(
            local_time(batch.last_attempt_at), plural(batch.attempts, tr("{0} essai"), tr("{0} essais"))))
    if batch.error is not None:
        lines.append(tr("Erreur : {0}").format(error_text(batch)))
    if batch.next_attempt_at is not None and batch.attempts:
        lines.append(tr("Prochain essai : {0}").format(local_time(batch.next_attempt_at)))
    return "\n".join(lines)


_ROLES = frozenset(int(r.value) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                                         Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
                                         Qt.ItemDataRole.ToolTipRole))

class BatchesModel(RowsTableModel):
    titles = tuple(COLUMN_TITLES[column] for column in COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BatchSummary] = []
        self._texts: dict[tuple[int, int], str] = {}  # formatted once: the view asks for every cell many times
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[BatchSummary]) -> None:
        self.beginResetModel()
        self.rows, self._texts = list(rows), {}
        self.endResetModel()

    def row_of(self, batch_pk: int) -> int:
        return next((n for n, batch in enumerate(self.rows) if batch.id == batch_pk), -1)

    def cell(self, row: int, column: int) -> str:
        text = self._texts.get((row, column))
        if text is None:
            text = self._texts[(row, column)] = self._format(row, column)
        return text

    def fit_cell(self, row: int, column: int) -> tuple[str, bool]:
        """What ColumnFit measures: the text, and bold for the state."""
        return self.cell(row, column), COLUMNS[column] == "state"

    def _format(self, row: int, column: int) -> str:
        batch, name = self.rows[row], COLUMNS[column]
        if name == "created":  # the time is in the details
            return french_date(batch.created_at.astimezone().date())
        if name == "network":
            return batch.network
        if name == "period":
            return period_text(batch)
        if name == "documents":
            return str(batch.documents)
        if name == "total":
            return money(batch.total)
        if name == "state":
            return state_text(batch)
        if name == "receipt":
            return receipt_text(batch, short=True)
        if name == "attempts":
            return str(batch.attempts) if batch.attempts else ""
        if name == "last_attempt":
            return last_attempt_text(batch)
        return short_time(batch.next_attempt_at) if batch.attempts else ""  # after a failed attempt only

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if int(role) not in _ROLES:  # a view asks ~20 roles a cell: answer the others at once
            return None
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        batch, name = self.rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            if name == "state":
                # a batch with invoices the network rejected has something to correct: the rejected colour
                return QColor(STATE_COLOURS["rejete"] if batch.refused else STATE_COLOURS.get(batch.state, "#333333"))
            if name == "last_attempt" and batch.error is not None:
                return QColor(ERROR_COLOUR)
        if role == Qt.ItemDataRole.FontRole and name == "state":
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and name in RIGHT_ALIGNED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "last_attempt" and batch.error is not None:
                return plain_tip(error_text(batch))
            if name == "state" and batch.reason:
                return plain_tip(remote_text(batch.reason))
            if name == "receipt" and batch.receipt_id:
                return plain_tip(remote_text(receipt_text(batch)))
        return None
