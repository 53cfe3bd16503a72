"""Import children from a CSV file: choose the file, check how its columns are read, see each row's fate, import.

Everything that reads the file or the database goes through the task runner. The preview writes nothing; the
import writes all the rows ready, in one transaction (services/children_import.py). If the import fails, the
dialog stays as it was (file, mapping, network) so that the user can try again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.csv_children import CsvPreview, resolve_columns
from cocon_desktop.domain.csv_reading import ENCODING_LABELS, SEPARATOR_LABELS
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services.children_import import ImportReport, import_children, preview_import
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.itemmodels.import_preview_model import (
    STATUS,
    ImportPreviewModel,
    count_text,
    field_label,
    summary_text,
)
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.column_mapping import ColumnMapping
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

MAX_FILE_BYTES = 20 * 1024 * 1024  # a list of children is a few hundred kilobytes at most
NOTE_STYLE = "color: #374151;"


class FileTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_limited(path: Path) -> bytes:
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise FileTooLarge(path.stat().st_size)
    return raw


class ImportChildrenDialog(QDialog):
    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.today = practice, runner, today
        self.setObjectName("import_children_dialog")
        self.setWindowTitle(tr("Importer des enfants depuis un fichier CSV"))
        self.file_name = ""
        self.raw: bytes | None = None
        self.preview: CsvPreview | None = None
        self.columns: dict[int, str] = {}  # column → field, as the preview read the file
        self.user_mapping: dict[str, str | None] | None = None  # None: the headers as recognised
        self.network_used = ""
        self.import_done = False
        self.busy = False
        self._network_known = False
        self._generation = 0

        layout = QVBoxLayout(self)
        layout.addLayout(self._file_row())
        self.hint = QLabel(tr(
            "Enregistrez la liste depuis le tableur au format CSV (séparateur point-virgule, virgule ou "
            "tabulation). Les colonnes sont reconnues d'après leur en-tête ; vous pourrez corriger ce que chaque "
            "colonne remplit avant d'importer. Rien n'est enregistré avant « Importer »."), self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        splitter = QSplitter(self)
        splitter.setChildrenCollapsible(False)
        columns_box = QGroupBox(tr("Colonnes du fichier"), splitter)
        columns_layout = QVBoxLayout(columns_box)
        self.mapping = ColumnMapping(columns_box)
        self.mapping.changed.connect(self._mapping_changed)
        self.mapping.note.connect(self._show_note)
        columns_layout.addWidget(self.mapping)
        columns_layout.addWidget(QLabel(tr("Réseau des enfants dont la ligne n'en indique pas :"), columns_box))
        self.network = QComboBox(columns_box)
        self.network.setObjectName("import_network")
        self.network.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.network.setMinimumContentsLength(16)
        for code, network in NETWORKS.items():
            self.network.addItem(f"{code} — {network.name}", code)
        self.network.currentIndexChanged.connect(self._network_changed)
        columns_layout.addWidget(self.network)
        preview_box = QGroupBox(tr("Aperçu"), splitter)
        preview_layout = QVBoxLayout(preview_box)
        self.model = ImportPreviewModel(self)
        self.table = QTableView(preview_box)
        self.table.setObjectName("import_preview")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)  # a refused row's status is as tall as its sentences need
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Stretch)
        preview_layout.addWidget(self.table)
        splitter.addWidget(columns_box)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([470, 850])
        layout.addWidget(splitter, 1)

        self.missing = self._label("import_missing", ERROR_STYLE)
        self.note = self._label("import_note", NOTE_STYLE)
        self.status = self._label("import_status", ERROR_STYLE)
        for label in (self.missing, self.note, self.status):
            layout.addWidget(label)
        layout.addLayout(self._bottom_row())
        fit_to_screen(self, 1320, 720)
        self._show_state()
        self._load_network()

    # -- building
    def _file_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.file_label = QLabel(tr("Aucun fichier choisi."), self)
        self.file_label.setObjectName("import_file")
        self.file_label.setStyleSheet("font-weight: bold;")
        self.info = QLabel(self)
        self.info.setObjectName("import_info")
        self.choose_button = QPushButton(tr("Choisir un fichier CSV…"), self)
        self.choose_button.setObjectName("import_choose")
        self.choose_button.clicked.connect(self.choose_file)
        row.addWidget(self.file_label)
        row.addWidget(self.info, 1)
        row.addWidget(self.choose_button)
        return row

    def _label(self, name: str, style: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setStyleSheet(style)
        label.setVisible(False)
        return label

    def _bottom_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("import_summary")
        self.summary.setStyleSheet("font-weight: bold;")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: the import is one transaction, its steps are not counted
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("import_go")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton(tr("Annuler"), self)
        self.close_button.setObjectName("import_close")
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.summary, 1)
        row.addWidget(self.progress)
        row.addWidget(self.import_button)
        row.addWidget(self.close_button)
        return row

    # -- the practice's network, the default of rows that give none
    def _load_network(self) -> None:
        practice = self.open_practice()
        if practice is not None:
            self.runner.run(lambda: practice.read(load_profile).network, self._network_loaded, lambda _: None)

    def _network_loaded(self, network: str) -> None:
        if not self._network_known and network in NETWORKS:
            self._select_network(network)

    def _select_network(self, network: str) -> None:
        self._network_known = True
        self.network.blockSignals(True)
        self.network.setCurrentIndex(self.network.findData(network))
        self.network.blockSignals(False)

    def _network_changed(self) -> None:
        self._network_known = True
        self._run_preview()

    # -- the file
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choisir la liste des enfants"), "",
                                              tr("Fichiers CSV (*.csv *.txt);;Tous les fichiers (*)"))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Read the file in the background, then preview it."""
        self._set_busy(True)
        self.runner.run(lambda: read_limited(path), lambda raw: self._file_read(path.name, raw), self._read_failed)

    def _file_read(self, name: str, raw: bytes) -> None:
        self._set_busy(False)
        self.load_bytes(name, raw)

    def _read_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, FileTooLarge):
            text = tr("Ce fichier est trop volumineux pour une liste d'enfants ({0} Mo) : choisissez le fichier "
                      "CSV enregistré depuis le tableur.").format(round(error.size / (1024 * 1024)))
        else:
            text = error_text(error)
        self._show_status(text)

    def load_bytes(self, name: str, raw: bytes) -> None:
        """Preview `raw` (the file's bytes) as a new file: the mapping starts from the recognised headers."""
        self.file_name, self.raw = name, raw
        self.preview, self.columns, self.user_mapping = None, {}, None
        self.import_done = False
        self.mapping.set_columns((), (), {})
        self.model.set_preview(None)
        self._show_note("")
        self._run_preview()

    # -- the preview
    def _run_preview(self) -> None:
        practice, raw = self.open_practice(), self.raw
        if raw is None or self.import_done:
            return
        if practice is None:
            self._show_status(tr("Le cabinet est verrouillé : déverrouillez-le pour continuer."))
            return
        self._generation += 1
        generation = self._generation
        today, mapping = self.today(), self.user_mapping
        network = str(self.network.currentData() or "") if self._network_known else ""

        def work() -> tuple[str, CsvPreview]:
            used = network or practice.read(load_profile).network
            return used, practice.read(preview_import, raw, today, used, mapping)

        self._set_busy(True)
        self.runner.run(work, lambda result: self._previewed(generation, result),
                        lambda error: self._preview_failed(generation, error))

    def _previewed(self, generation: int, result: tuple[str, CsvPreview]) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.network_used, preview = result
        if not self._network_known and self.network_used in NETWORKS:
            self._select_network(self.network_used)
        first = self.preview is None and not self.mapping.combos
        self.preview = preview
        self.columns = resolve_columns(preview.headers, self.user_mapping)
        if first:
            sample = preview.rows[0].cells if preview.rows else ()
            self.mapping.set_columns(preview.headers, sample, self.columns)
        else:
            self.mapping.show_resolved(self.columns)
        self.model.set_preview(preview, self.columns)
        self._show_status("")
        self._show_state()

    def _preview_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        if not self.mapping.combos:  # the file itself cannot be read: start again from the choice of a file
            self.raw = None
            self.mapping.set_columns((), (), {})
        self.preview = None
        self.model.set_preview(None)
        self._show_state()
        self._show_status(error_text(error))

    def _mapping_changed(self) -> None:
        self.user_mapping = self.mapping.mapping()
        self._run_preview()

    # -- the import
    @property
    def ready(self) -> int:
        return len(self.preview.valid_rows) if self.preview is not None and not self.import_done else 0

    def start_import(self) -> None:
        practice, raw = self.open_practice(), self.raw
        if self.busy or raw is None or not self.ready:
            return
        if practice is None:
            self._show_status(tr("Le cabinet est verrouillé : déverrouillez-le pour continuer."))
            return
        today, network, mapping = self.today(), self.network_used, self.user_mapping
        self._show_status("")
        self._set_busy(True, importing=True)
        self.runner.run_op(lambda report: practice.write(import_children, raw, today, network, mapping),
                           self._imported, self._import_failed)

    def _imported(self, report: ImportReport) -> None:
        self.import_done = True
        self._set_busy(False)
        self.preview = report.preview
        self.model.set_preview(report.preview, self.columns, imported=True)
        self._show_state(report)  # the children list reads again from the write's Changes (ui/views.py)

    def _import_failed(self, error: BaseException) -> None:
        """Nothing was imported; the file, the mapping and the network stay as they were."""
        self._set_busy(False)
        self._show_status(error_text(error))

    # -- showing the state
    def _set_busy(self, busy: bool, *, importing: bool = False) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.progress.setToolTip(tr("Import en cours…") if importing else tr("Lecture du fichier…"))
        self.import_button.setEnabled(not busy and self.ready > 0)
        self.choose_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy or not importing)
        if importing:
            self.mapping.set_locked(True)
            self.network.setEnabled(False)
        elif not busy:
            self.mapping.set_locked(self.import_done)
            self.network.setEnabled(not self.import_done)

    def _show_state(self, report: ImportReport | None = None) -> None:
        preview = self.preview
        self.hint.setVisible(self.raw is None)
        self.file_label.setText(self.file_name or tr("Aucun fichier choisi."))
        if preview is None:
            self.info.clear()
        else:
            self.info.setText(tr("Codage : {0} · séparateur : {1} · {2} après l'en-tête").format(
                ENCODING_LABELS.get(preview.encoding, preview.encoding),
                tr(SEPARATOR_LABELS.get(preview.separator, preview.separator)),
                count_text(len(preview.rows), "aucune ligne", "1 ligne", "{0} lignes")))
        missing: tuple[str, ...] = preview.missing if preview is not None and not self.import_done else ()
        self.missing.setText(message("import_columns_missing", {"fields": ", ".join(field_label(f)
                                                                                   for f in missing)}))
        self.missing.setVisible(bool(missing))
        if report is not None:
            self.summary.setText(summary_text(report.imported, report.refused, imported=True))
        elif preview is not None:
            self.summary.setText(summary_text(len(preview.valid_rows), len(preview.refused_rows)))
        else:
            self.summary.clear()
        ready = self.ready
        self.import_button.setText(tr("Importer 1 enfant") if ready == 1 else
                                   tr("Importer les {0} enfants").format(ready) if ready else tr("Importer"))
        self.import_button.setVisible(not self.import_done)
        self.import_button.setEnabled(ready > 0 and not self.busy)
        self.close_button.setText(tr("Fermer") if self.import_done else tr("Annuler"))

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def reject(self) -> None:
        if self.busy and not self.close_button.isEnabled():  # an import is being written: let it finish
            return
        super().reject()
