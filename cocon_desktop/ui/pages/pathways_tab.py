"""Paramètres › Parcours et payeurs (issue 22): the pathways the practice works with (one check box per pathway
file, shipped or the practice's own, saved at once through services/pathway_store.set_enabled_pathways) and,
while PCO-TND is one of them, its plateformes (services/payers.py: add, change, disable, enable again) through the
payer dialog. COCON's networks keep their own tab (« Réseaux »).

A form tab: it reads the setting and the plateformes when the practice comes; its writes go through
`runner.run_op` (SETTINGS | PROFILE for the pathways, PROFILE for a plateforme), so the children's files (the
« Relais vers une PCO » button), the invoicing and the synchronisation pages read again from their Changes;
`pathways_changed` tells the Tarifs tab beside it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.services import payers
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.pathway_store import enabled_pathways, set_enabled_pathways, shipped_pathways
from cocon_desktop.services.payers import PayerRecord
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.payer_dialog import PayerDialog
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.itemmodels.payers_model import PayersModel
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.scrolled_tab import scrolled_content

PLATFORMS = "pco-tnd"  # the pathway whose payers (its plateformes) this tab lists


def _grey(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


def _status(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class PathwaysTab(QWidget):
    pathways_changed = Signal(tuple)  # the ids of the pathways now followed, once saved

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.practice: Practice | None = None
        self.enabled: tuple[str, ...] = ()
        self.payer_dialog: PayerDialog | None = None
        inner, layout = scrolled_content(self)

        chosen = QGroupBox(tr("Parcours suivis par le cabinet"), inner)
        chosen_layout = QVBoxLayout(chosen)
        chosen_layout.addWidget(_grey(tr(
            "Cochez les parcours dans lesquels vous soignez des enfants ; ce qui concerne un parcours non coché "
            "n'est pas proposé. Les réseaux COCON se règlent dans l'onglet « Réseaux »."), chosen))
        self.boxes: dict[str, QCheckBox] = {}
        self.choice_area = QWidget(chosen)  # the boxes: the shipped pathways, then the practice's own files'
        QVBoxLayout(self.choice_area).setContentsMargins(0, 0, 0, 0)
        chosen_layout.addWidget(self.choice_area)
        self._build_boxes(tuple(shipped_pathways().values()))
        self.pathways_status = _status("pathways_status", chosen)
        chosen_layout.addWidget(self.pathways_status)
        layout.addWidget(chosen)

        self.platforms = QGroupBox(tr("Plateformes (PCO)"), inner)
        self.platforms.setObjectName("platforms_box")
        platforms_layout = QVBoxLayout(self.platforms)
        platforms_layout.addWidget(_grey(tr(
            "La plateforme de coordination et d'orientation qui vous paie le forfait précoce : son nom, son adresse "
            "et son SIRET figurent sur vos factures. Une plateforme n'est jamais supprimée (vos factures gardent "
            "son code) : désactivez-la quand vous ne travaillez plus avec elle."), self.platforms))
        self.model = PayersModel(self)
        self.table = QTableView(self.platforms)
        self.table.setObjectName("payers_table")
        self.table.setAccessibleName(tr("Plateformes (PCO)"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(140)
        self.table.activated.connect(lambda _: self.edit_payer())  # Entrée or a double click
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._follow_selection())
        platforms_layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("Ajouter…"), self.platforms)
        self.add_button.setObjectName("add_payer")
        self.add_button.clicked.connect(self.add_payer)
        self.edit_button = QPushButton(tr("Modifier…"), self.platforms)
        self.edit_button.setObjectName("edit_payer")
        self.edit_button.clicked.connect(self.edit_payer)
        self.active_button = QPushButton(tr("Désactiver"), self.platforms)
        self.active_button.setObjectName("toggle_payer")
        self.active_button.clicked.connect(self.toggle_payer)
        for button in (self.add_button, self.edit_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        platforms_layout.addLayout(buttons)
        self.payers_status = _status("payers_status", self.platforms)
        platforms_layout.addWidget(self.payers_status)
        layout.addWidget(self.platforms)
        layout.addStretch(1)
        self.platforms.setVisible(False)  # while PCO-TND is not followed
        self._follow_selection()

    def _build_boxes(self, pathways: tuple[Pathway, ...]) -> None:
        layout = self.choice_area.layout()
        assert layout is not None
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes = {}
        for pathway in pathways:
            box = QCheckBox(pathway.label, self.choice_area)
            box.setObjectName(f"pathway_{pathway.id}")
            box.setToolTip(tr("Textes : {0}").format(" ; ".join(pathway.sources)))
            box.clicked.connect(self._choose)
            self.boxes[pathway.id] = box
            layout.addWidget(box)
            about = _grey(pathway.frame[:1].upper() + pathway.frame[1:], self.choice_area)
            about.setContentsMargins(24, 0, 0, 4)
            layout.addWidget(about)

    # -- reading

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        self.practice = practice
        if practice is None or not reload:
            return

        def load() -> tuple[tuple[Pathway, ...], tuple[str, ...]]:
            return (tuple(practice.read(known_pathways).values()),
                    tuple(p.id for p in practice.read(enabled_pathways)))

        self.runner.run(load, self._loaded, lambda error: self._say(self.pathways_status, error_text(error), False))
        self.reload_payers()

    def _loaded(self, loaded: tuple[tuple[Pathway, ...], tuple[str, ...]]) -> None:
        known, ids = loaded
        if tuple(pathway.id for pathway in known) != tuple(self.boxes):
            self._build_boxes(known)  # a pathway file of the practice's folder (services/pathway_files.py)
        self._show_enabled(ids)

    def _show_enabled(self, ids: tuple[str, ...]) -> None:
        self.enabled = ids
        for pathway_id, box in self.boxes.items():
            box.setChecked(pathway_id in ids)
        self.platforms.setVisible(PLATFORMS in ids)

    def reload_payers(self, select: str = "") -> None:
        practice = self.practice
        if practice is None:
            return
        self.runner.run(lambda: practice.read(payers.list_payers, PLATFORMS),
                        lambda rows: self._show_payers(rows, select),
                        lambda error: self._say(self.payers_status, error_text(error), False))

    def _show_payers(self, rows: list[PayerRecord], select: str) -> None:
        before = self.selected()
        current = select or (before.code if before is not None else "")
        self.model.set_rows(rows)
        row = self.model.row_of(current)
        if row >= 0:
            self.table.selectRow(row)
        self._follow_selection()

    def selected(self) -> PayerRecord | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.record(rows[0].row()) if rows else None

    def _follow_selection(self) -> None:
        record = self.selected()
        self.edit_button.setEnabled(record is not None)
        self.active_button.setEnabled(record is not None)
        self.active_button.setText(tr("Réactiver") if record is not None and not record.active
                                   else tr("Désactiver"))

    # -- the pathways

    def checked_ids(self) -> tuple[str, ...]:
        return tuple(pathway_id for pathway_id, box in self.boxes.items() if box.isChecked())

    def _choose(self) -> None:
        practice = self.practice
        if practice is None:
            return
        ids = self.checked_ids()
        for box in self.boxes.values():
            box.setEnabled(False)  # one choice saved at a time
        self.runner.run_op(lambda _report: practice.write(set_enabled_pathways, ids), self._chosen,
                           self._choice_refused)

    def _chosen(self, chosen: tuple[Pathway, ...]) -> None:
        for box in self.boxes.values():
            box.setEnabled(True)
        self._show_enabled(tuple(pathway.id for pathway in chosen))
        self._say(self.pathways_status, tr("Parcours suivis : {0}.").format(
            ", ".join(pathway.label for pathway in chosen)), True)
        self.pathways_changed.emit(self.enabled)

    def _choice_refused(self, error: BaseException) -> None:
        for box in self.boxes.values():
            box.setEnabled(True)
        self._show_enabled(self.enabled)  # the boxes as saved
        self._say(self.pathways_status, error_text(error), False)

    # -- the plateformes

    def add_payer(self) -> None:
        self._open_dialog(None)

    def edit_payer(self) -> None:
        record = self.selected()
        if record is not None:
            self._open_dialog(record)

    def _open_dialog(self, record: PayerRecord | None) -> None:
        if self.practice is None:
            return
        self.payers_status.clear()
        self.payer_dialog = PayerDialog(lambda: self.practice, self.runner, PLATFORMS, record, self)
        self.payer_dialog.saved.connect(self._payer_saved)
        self.payer_dialog.open()

    def _payer_saved(self, record: PayerRecord) -> None:
        self._say(self.payers_status, tr("Plateforme {0} enregistrée : {1}.").format(record.code, record.name), True)
        self.reload_payers(select=record.code)

    def toggle_payer(self) -> None:
        practice, record = self.practice, self.selected()
        if practice is None or record is None:
            return
        use_case = payers.enable_payer if not record.active else payers.disable_payer
        self.active_button.setEnabled(False)
        self.runner.run_op(lambda _report: practice.write(use_case, record.code), self._toggled,
                           lambda error: self._toggle_failed(error))

    def _toggled(self, record: PayerRecord) -> None:
        text = (tr("Plateforme {0} réactivée.") if record.active else
                tr("Plateforme {0} désactivée : elle n'est plus proposée pour un relais ni une facture ; ce qui la "
                   "nomme déjà la garde."))
        self._say(self.payers_status, text.format(record.code), True)
        self.reload_payers(select=record.code)

    def _toggle_failed(self, error: BaseException) -> None:
        self._follow_selection()
        self._say(self.payers_status, error_text(error), False)

    @staticmethod
    def _say(label: QLabel, text: str, ok: bool) -> None:
        label.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        label.setText(text)

