"""The "Historique" tab of a child's file: the audit log's entries about this child, newest first, read-only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.attestation import KINDS as ATTESTATION_KINDS
from cocon_desktop.domain.money import euros, from_cents
from cocon_desktop.domain.seance import KINDS as SEANCE_KINDS
from cocon_desktop.domain.seance import PLACES
from cocon_desktop.messages import FIELD_LABELS
from cocon_desktop.services.audit import NOTE_CHANGED, AuditRecord, child_history
from cocon_desktop.ui.i18n import error_text, ntr, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner

ENTITIES = {"child": "Dossier", "prescription": "Prescription", "prescriber": "Médecin", "seance": "Séance",
            "appointment": "Rendez-vous", "document": "Document", "invoice": "Facture", "credit_note": "Avoir",
            "attestation": "Attestation"}
ACTIONS = {"create": "création", "update": "modification", "delete": "suppression", "import": "import CSV",
           "issue": "émission", "export": "export pour la famille", "erase": "effacement des données"}
EXTRA_LABELS = {"status": "Statut", "seance_id": "Séance", "number": "Numéro", "total_cents": "Montant",
                "filename": "Fichier", "size": "Taille", "sha256": "Empreinte", "files": "Fichiers",
                "seances": "Séances", "prescription_id": "Prescription", "guardians": "Représentants effacés",
                "documents": "Documents effacés", "appointments": "Rendez-vous effacés",
                "seances_deleted": "Séances effacées", "seances_kept": "Séances facturées gardées",
                "prescriptions_deleted": "Prescriptions effacées", "attestation_pdfs": "PDF d'attestation effacés",
                "audit_entries_blanked": "Entrées d'historique effacées", "gestational_days": "Jours (terme)",
                "out_of_forfait": "Hors forfait", "bilan_included": "Bilan inclus", "relation": "Lien",
                "receives_attestations": "Reçoit les attestations", "prescriber_id": "Médecin",
                "referent_id": "Médecin référent", "birth_place_code": "Lieu de naissance",
                "identity_source": "Source de l'identité"}
COLUMNS = ("Date", "Par", "Depuis", "Quoi", "Détail")
HIDDEN = {"child_id", "seance_id", "prescription_id", "prescriber_id", "referent_id", "document_id", "sha256"}
VALUE_LABELS = {"kind": {**SEANCE_KINDS, **ATTESTATION_KINDS}, "place": PLACES}


def field_label(name: str) -> str:
    """"guardians[0].phone" → "Représentant 1 · Téléphone"."""
    if name.startswith("guardians[") and "]." in name:
        index, _, inner = name[len("guardians["):].partition("].")
        return tr("Représentant {0} · {1}").format(int(index) + 1, field_label(inner))
    return tr(FIELD_LABELS.get(name) or EXTRA_LABELS.get(name) or name)


def value_text(value: Any, name: str = "") -> str:
    if name == "total_cents" and isinstance(value, int):
        return euros(from_cents(value))
    if isinstance(value, str) and value in VALUE_LABELS.get(name, {}):
        return tr(VALUE_LABELS[name][value])
    if isinstance(value, str) and len(value) == 8 and value[2] == ":" and value[5] == ":":
        return value[:5]  # a time: 09:00
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tr("oui") if value else tr("non")
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value) or "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def detail_text(entry: AuditRecord) -> str:
    if entry.redacted:
        names = ", ".join(field_label(f) for f in entry.fields)
        return tr("Valeurs effacées avec les données de l'enfant ({0}).").format(names) if names else \
            tr("Valeurs effacées avec les données de l'enfant.")
    parts = []
    for name, (old, new) in entry.changes.items():
        if name.rsplit(".", 1)[-1] in HIDDEN:
            continue
        if new == NOTE_CHANGED:
            parts.append(tr("note modifiée"))
        elif entry.action in ("create", "import", "issue", "export", "erase") and old is None:
            parts.append(f"{field_label(name)} : {value_text(new, name)}")
        else:
            parts.append(f"{field_label(name)} : {value_text(old, name)} → {value_text(new, name)}")
    return " ; ".join(parts)


def local_time(at: datetime) -> str:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)  # SQLite keeps UTC without its zone
    return aware.astimezone().strftime("%d/%m/%Y %H:%M")


class ChildHistoryTab(QWidget):
    def __init__(self, practice: PracticeSource, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner = practice, runner
        self.child_id: int | None = None
        self.entries: list[AuditRecord] = []
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Qui a modifié quoi, et quand : cet historique est tenu par le programme et ne peut pas "
                          "être modifié. Le contenu des notes n'y figure pas."), self)
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("child_history")
        self.table.setAccessibleName(tr("Historique du dossier"))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)  # one line per entry; the whole detail in the cell's tooltip
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def show_child(self, child_id: int) -> None:
        self.child_id = child_id
        practice = self.open_practice()
        if practice is None:
            return
        self.runner.run(lambda: practice.read(child_history, child_id), lambda found: self._loaded(child_id, found),
                        self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(tr("L'historique n'a pas pu être lu : {0}").format(error_text(error)))

    def _loaded(self, child_id: int, entries: list[AuditRecord]) -> None:
        if child_id != self.child_id:
            return
        self.entries = entries
        self.table.setRowCount(0)  # new items into empty rows: replacing the shown ones costs ~1 ms an item
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            what = f"{tr(ENTITIES.get(entry.entity, entry.entity))} — {tr(ACTIONS.get(entry.action, entry.action))}"
            cells = (local_time(entry.at), entry.actor, tr(entry.origin_label), what, detail_text(entry))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.status.setText(tr("Aucune modification enregistrée.") if not entries else
                            ntr("{0} entrée.", "{0} entrées.", len(entries)).format(len(entries)))
