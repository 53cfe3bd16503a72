"""Enfants: the searchable, filtered list of children; a child's file opens in place of the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.children import ChildQuery
from cocon_desktop.services.children_export import write_children_csv
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.child_dialog import ChildDialog
from cocon_desktop.ui.dialogs.import_children_dialog import ImportChildrenDialog
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.itemmodels.children_model import ChildrenModel
from cocon_desktop.ui.itemmodels.paged_rows_model import SIZE_SAMPLE
from cocon_desktop.ui.pages.child_file import ChildFile
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.column_fit import fit_columns
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

SEARCH_DELAY_MS = 200


class ChildrenPage(QWidget):
    # ui/views.py: what this page shows; it reads again after a write that changed any of it
    SHOWS = (Changes.CHILDREN | Changes.PRESCRIBERS | Changes.PRESCRIPTIONS | Changes.SEANCES | Changes.APPOINTMENTS
             | Changes.INVOICES | Changes.ATTESTATIONS | Changes.DOCUMENTS | Changes.SETTINGS)

    def __init__(self, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.today = runner, today
        self.practice: Practice | None = None
        self.dialog: ChildDialog | None = None
        self.import_dialog: ImportChildrenDialog | None = None
        self._open_when_counted = False
        self.model = ChildrenModel(self.current_practice, runner, today, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.list_panel = self._list_panel()
        self.stack.addWidget(self.list_panel)
        self.file = ChildFile(self.current_practice, runner, today, self.stack)
        self.file.back_requested.connect(self.show_list)
        self.stack.addWidget(self.file)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)

    def current_practice(self) -> Practice | None:
        """The PracticeSource of the list, the file and the dialogs: None while locked."""
        return self.practice

    def _list_panel(self) -> QWidget:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        top = QHBoxLayout()
        heading = QLabel(tr("Enfants"), panel)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        top.addWidget(heading)
        top.addStretch(1)
        self.import_button = QPushButton(tr("Importer…"), panel)
        self.import_button.setObjectName("import_children")
        self.import_button.setToolTip(tr("Importer des enfants depuis un fichier CSV (liste d'inclusion du "
                                         "réseau, export d'un autre logiciel)"))
        self.import_button.clicked.connect(self.import_children)
        top.addWidget(self.import_button)
        self.export_button = QPushButton(tr("Exporter en CSV…"), panel)
        self.export_button.setObjectName("export_children")
        self.export_button.setToolTip(tr("Enregistrer la liste affichée (tous les enfants qui correspondent aux "
                                         "filtres) dans un fichier CSV pour le tableur"))
        self.export_button.clicked.connect(self.choose_export_file)
        top.addWidget(self.export_button)
        self.new_button = QPushButton(tr("Nouvel enfant (Ctrl+N)"), panel)
        self.new_button.setObjectName("new_child")
        self.new_button.clicked.connect(self.new_child)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.search = QLineEdit(panel)
        self.search.setObjectName("child_search")
        self.search.setPlaceholderText(tr("Rechercher un nom, un n° d'inclusion ou une date de naissance "
                                          "(jj/mm/aaaa) — Ctrl+F"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.search.returnPressed.connect(self._open_first)
        layout.addWidget(self.search)

        filters = QHBoxLayout()
        self.active_only = QCheckBox(tr("Actifs seulement"), panel)
        self.active_only.setObjectName("filter_active")
        self.active_only.setChecked(True)
        self.network = QComboBox(panel)
        self.network.setObjectName("filter_network")
        self.network.setAccessibleName(tr("Filtrer par réseau"))
        self.network.addItem(tr("Tous les réseaux"), "")
        for code, network in NETWORKS.items():
            self.network.addItem(f"{code} — {network.name}", code)
        self.discipline = QComboBox(panel)
        self.discipline.setObjectName("filter_discipline")
        self.discipline.setAccessibleName(tr("Filtrer par discipline"))
        self.discipline.addItem(tr("Toutes les disciplines"), "")
        for code, label in DISCIPLINES.items():
            self.discipline.addItem(tr(label), code)
        self.alerts = QCheckBox(tr("Avec alertes"), panel)
        self.alerts.setObjectName("filter_alerts")
        self.alerts.setToolTip(tr("Enfants dont un forfait en cours demande votre attention : séances presque "
                                  "épuisées, fin de validité proche, sortie de la tranche d'âge."))
        for combo in (self.network, self.discipline):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(22)
        for widget in (self.active_only, self.network, self.discipline, self.alerts):
            filters.addWidget(widget)
        filters.addStretch(1)
        self.count_label = QLabel(panel)
        self.count_label.setObjectName("children_count")
        self.count_label.setWordWrap(True)  # « Aucun enfant pour l'instant… » wraps: it never widens the window
        filters.addWidget(self.count_label)
        layout.addLayout(filters)
        self.active_only.toggled.connect(lambda _: self.apply_filters())
        self.alerts.toggled.connect(lambda _: self.apply_filters())
        self.network.currentIndexChanged.connect(lambda _: self.apply_filters())
        self.discipline.currentIndexChanged.connect(lambda _: self.apply_filters())

        self.error = QLabel(panel)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.notice = QLabel(panel)
        self.notice.setObjectName("children_notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        layout.addWidget(self.notice)

        self.model.total_changed.connect(self._show_count)
        self.model.failed.connect(self._failed)
        self.table = QTableView(panel)
        self.table.setObjectName("children_table")
        self.table.setAccessibleName(tr("Enfants suivis"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setResizeContentsPrecision(SIZE_SAMPLE)  # size the columns on 50 rows, not every row loaded
        # Nom and Suivi (the long texts) share the room left; Âge and Réseau are as wide as their contents
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        fit_columns(self.table)  # sized when rows arrive, not at every resize (ResizeToContents measured rows)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        return panel

    # -- practice
    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        """None while locked; after an unlock (reload=False) the list and the file stay as they were."""
        self.practice = practice
        if practice is not None and reload:
            self.apply_filters()

    # -- the list
    def reload(self) -> None:
        """Something it shows changed (ui/views.py): the list where it was, and the child's file if open."""
        if self.practice is None:
            return
        self.apply_filters()
        if self.stack.currentWidget() is self.file:
            self.file.reload()

    def query(self) -> ChildQuery:
        return ChildQuery(text=self.search.text().strip(), active_only=self.active_only.isChecked(),
                          network=str(self.network.currentData() or ""),
                          discipline=str(self.discipline.currentData() or ""))

    def apply_filters(self) -> None:
        self.search_timer.stop()
        self.error.setVisible(False)
        self.model.set_query(self.query(), alerts_only=self.alerts.isChecked())

    def _show_count(self, total: int) -> None:
        query = self.query()
        filtered = bool(query.text or query.network or query.discipline or self.alerts.isChecked())
        if total == 0:
            text = tr("Aucun enfant ne correspond.") if filtered else tr(
                "Aucun enfant pour l'instant : « Nouvel enfant » pour commencer.")
        elif total == 1:
            text = tr("1 enfant")
        else:
            text = tr("{0} enfants").format(f"{total:,}".replace(",", "\u202f"))
        self.count_label.setText(text)
        if self._open_when_counted:
            self._open_when_counted = False
            self._open_single()

    def _failed(self, error: BaseException) -> None:
        self._open_when_counted = False
        self.error.setText(error_text(error))
        self.error.setVisible(True)

    def _activated(self, index: QModelIndex) -> None:
        child_id = self.model.child_id(index.row())
        if child_id is not None:
            self.open_child(child_id)

    def _open_first(self) -> None:
        """Enter in the search field: the only match opens; otherwise the list takes the focus."""
        if self.search_timer.isActive():  # the search typed is not run yet: run it, then decide
            self._open_when_counted = True
            self.apply_filters()
            return
        self._open_single()

    def _open_single(self) -> None:
        if self.model.total == 1 and self.model.rows:
            self.open_child(self.model.rows[0].id)
        elif self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    # -- navigation
    def open_child(self, child_id: int) -> None:
        self.file.show_child(child_id)
        self.stack.setCurrentWidget(self.file)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        self.table.setFocus()

    def focus_search(self) -> None:
        self.show_list()
        self.search.setFocus()
        self.search.selectAll()

    def new_child(self) -> None:
        if self.practice is None:
            return
        if self.dialog is not None and self.dialog.isVisible():  # one new-child form at a time
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        self.dialog = ChildDialog(self.current_practice, self.runner, None, self.today, self.window())
        self.dialog.saved.connect(self.open_child)  # the list has read again already (the write's Changes)
        self.dialog.open()

    # -- import and export
    def import_children(self) -> None:
        if self.practice is None:
            return
        if self.import_dialog is not None:
            if self.import_dialog.isVisible():  # one import at a time
                self.import_dialog.raise_()
                self.import_dialog.activateWindow()
                return
            self.import_dialog.deleteLater()  # with the previous file's bytes
        self.import_dialog = ImportChildrenDialog(self.current_practice, self.runner, self.today, self.window())
        self.import_dialog.open()

    def choose_export_file(self) -> None:
        if self.practice is None:
            return
        suggested = Path.home() / tr("enfants-{0}.csv").format(self.today().isoformat())
        chosen, _ = QFileDialog.getSaveFileName(self, tr("Exporter la liste des enfants"), str(suggested),
                                                tr("Fichiers CSV (*.csv)"))
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:  # the file dialog asked about overwriting the name typed, not this one
            path = path.with_suffix(".csv")
            if path.exists() and QMessageBox.question(
                    self, tr("Exporter la liste des enfants"),
                    tr("Le fichier {0} existe déjà. Le remplacer ?").format(path.name)
            ) != QMessageBox.StandardButton.Yes:
                return
        self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the children matching the filters (all of them, not only the rows loaded) to `path`."""
        practice = self.practice
        if practice is None:
            return
        query, alerts_only, today = self.query(), self.alerts.isChecked(), self.today()
        self.error.setVisible(False)
        self.notice.setVisible(False)
        self.export_button.setEnabled(False)
        self.export_button.setText(tr("Export en cours…"))
        self.runner.run(lambda: practice.read(write_children_csv, path, query, today, alerts_only=alerts_only),
                        lambda count: self._exported(path, count), self._export_failed)

    def _exported(self, path: Path, count: int) -> None:
        self._export_done()
        done = (tr("Aucun enfant exporté") if count == 0 else tr("1 enfant exporté") if count == 1 else
                tr("{0} enfants exportés").format(count))
        self.notice.setText(tr("{0} dans {1}").format(done, path))
        self.notice.setVisible(True)

    def _export_failed(self, error: BaseException) -> None:
        self._export_done()
        self.error.setText(tr("L'export n'a pas été écrit : {0}").format(error_text(error)))
        self.error.setVisible(True)

    def _export_done(self) -> None:
        self.export_button.setEnabled(True)
        self.export_button.setText(tr("Exporter en CSV…"))
