"""« Exports comptables »: the livre-journal des recettes of a year (CSV for the accountant's software, or PDF with
the yearly summary for the 2035 return), the year's FEC (LPF art. A.47 A-1, in a folder, under its legal name) and a
network's activity report for a period (PDF). The file is chosen
first, then built and written in the background; the line below says where it went."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.ui.formatting import month_year
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.period_picker import months

YEARS_SHOWN = 6
FILTERS = {"csv": "Fichiers CSV (*.csv)", "pdf": "Fichiers PDF (*.pdf)"}

# (title, suggested name, filter) → the path chosen, or None
FileChooser = Callable[[str, str, str], Path | None]
# (title) → the folder chosen, or None
FolderChooser = Callable[[str], Path | None]


def combo_index(combo: QComboBox, value: object) -> int:
    """The row whose data equals `value` (QComboBox.findData does not compare Python dates), or -1."""
    return next((row for row in range(combo.count()) if combo.itemData(row) == value), -1)


def journal_year(today: date) -> int:
    """Until the end of May (the 2035 return is filed in May) the year just closed, then the current year."""
    return today.year - 1 if today.month <= 5 else today.year


def report_months(today: date) -> tuple[date, date]:
    """From January to the last complete month (in January: the whole year before)."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(month=1, day=1), last


class ExportsBox(QGroupBox):
    written = Signal(str)  # the sentence saying where the file went (the main window's status bar repeats it)

    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        """`practice`: the open practice, None while locked. The files are read from the practice (nothing in it
        changes: no write, no Changes)."""
        super().__init__(tr("Exports comptables"), parent)
        self.setObjectName("exports_box")
        self.practice, self.runner, self.today = practice, runner, today
        self.file_chooser: FileChooser = self._choose_file
        self.folder_chooser: FolderChooser = self._choose_folder
        self.busy = False
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        day = today()

        self.year = QComboBox(self)
        self.year.setObjectName("journal_year")
        for year in range(day.year, day.year - YEARS_SHOWN, -1):
            self.year.addItem(str(year), year)
        self.year.setCurrentIndex(combo_index(self.year, journal_year(day)))
        self.journal_csv = QPushButton(tr("Enregistrer en CSV…"), self)
        self.journal_csv.setObjectName("journal_csv")
        self.journal_csv.setToolTip(tr("Pour le logiciel du comptable : une ligne par recette, point-virgule, "
                                       "virgule décimale, UTF-8."))
        self.journal_csv.clicked.connect(lambda: self.choose_journal("csv"))
        self.journal_pdf = QPushButton(tr("Enregistrer en PDF…"), self)
        self.journal_pdf.setObjectName("journal_pdf")
        self.journal_pdf.setToolTip(tr("Le journal et le récapitulatif de l'année pour la déclaration 2035."))
        self.journal_pdf.clicked.connect(lambda: self.choose_journal("pdf"))
        self.journal_fec = QPushButton(tr("Enregistrer le FEC…"), self)
        self.journal_fec.setObjectName("journal_fec")
        self.journal_fec.setToolTip(tr("Le fichier des écritures comptables de l'année (article A.47 A-1 du LPF), "
                                       "pour le comptable ou l'administration fiscale : choisissez le dossier, "
                                       "son nom est fixé par la loi."))
        self.journal_fec.clicked.connect(self.choose_fec)
        self._row(grid, 0, tr("Livre-journal des recettes"),
                  [QLabel(tr("Année"), self), self.year, self.journal_csv, self.journal_pdf, self.journal_fec])

        self.network = QComboBox(self)
        self.network.setObjectName("report_network")
        for code, network in NETWORKS.items():
            self.network.addItem(code, code)
            self.network.setItemData(self.network.count() - 1, network.name, Qt.ItemDataRole.ToolTipRole)
        self._network_chosen = False  # by the user: the practice's network no longer replaces it
        self.network.activated.connect(lambda _: setattr(self, "_network_chosen", True))
        self.first, self.last = QComboBox(self), QComboBox(self)
        self.first.setObjectName("report_first")
        self.last.setObjectName("report_last")
        for first, last in months(day):
            label = month_year(first).capitalize()
            self.first.addItem(label, first)
            self.last.addItem(label, last)
        start, end = report_months(day)
        self.first.setCurrentIndex(max(combo_index(self.first, start), 0))
        self.last.setCurrentIndex(max(combo_index(self.last, end), 0))
        self.report_pdf = QPushButton(tr("Enregistrer en PDF…"), self)
        self.report_pdf.setObjectName("report_pdf")
        self.report_pdf.setToolTip(tr("Pour le bilan annuel du réseau : enfants suivis, séances par discipline et "
                                      "par type, montants facturés et encaissés."))
        self.report_pdf.clicked.connect(self.choose_report)
        self._row(grid, 1, tr("Rapport d'activité"),
                  [QLabel(tr("Réseau"), self), self.network, QLabel(tr("du"), self), self.first,
                   QLabel(tr("au"), self), self.last, self.report_pdf])

        self.message = QLabel(self)
        self.message.setObjectName("exports_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        grid.addWidget(self.message, 2, 0, 1, 2)

    def default_network(self, code: str) -> None:
        """The activity report's network: the practice's own, until the user picks one."""
        index = self.network.findData(code)
        if index >= 0 and not self._network_chosen:
            self.network.setCurrentIndex(index)

    def _row(self, grid: QGridLayout, row: int, title: str, widgets: list[QWidget]) -> None:
        grid.addWidget(QLabel(f"<b>{title}</b>", self), row, 0)
        line = QHBoxLayout()
        for widget in widgets:
            line.addWidget(widget)
        line.addStretch(1)
        grid.addLayout(line, row, 1)

    # -- choices
    def selected_year(self) -> int:
        return int(self.year.currentData())

    def period(self) -> tuple[date, date]:
        """The months chosen, in order whichever way round they were picked."""
        first, last = self.first.currentData(), self.last.currentData()
        if first > last:
            first, last = last.replace(day=1), (first.replace(day=28) + timedelta(days=4)).replace(day=1) - \
                timedelta(days=1)
        return first, last

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setVisible(bool(text))

    def _choose_file(self, title: str, suggested: str, file_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), file_filter)
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix else path.with_suffix(Path(suggested).suffix)

    def _choose_folder(self, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, title, str(Path.home()))
        return Path(chosen) if chosen else None

    # -- the FEC
    def choose_fec(self) -> None:
        if self.practice() is None or self.busy:
            return
        year = self.selected_year()
        folder = self.folder_chooser(tr("Dossier où enregistrer le FEC {0}").format(year))
        if folder is not None:
            self.write_fec(year, folder)

    def write_fec(self, year: int, folder: Path) -> None:
        practice = self.practice()
        if practice is None or self.busy:
            return

        def write() -> tuple[int, Path]:
            from cocon_desktop.services.fec_export import fec_file  # at the first export, not at start

            built = practice.read(fec_file, year)
            atomic_write(folder / built.name, built.data, private_dir=False)
            return built.entries, folder / built.name

        self._start(tr("FEC {0} en cours d'écriture…").format(year))
        self.runner.run(write, lambda done: self._done(tr("FEC {0} ({1}) enregistré dans {2}.").format(
            year, tr("aucune écriture") if done[0] == 0 else tr("1 écriture") if done[0] == 1 else
            tr("{0} écritures").format(done[0]), done[1])), self._failed)

    # -- the livre-journal
    def choose_journal(self, kind: str) -> None:
        if self.practice() is None or self.busy:
            return
        year = self.selected_year()
        path = self.file_chooser(tr("Livre-journal des recettes {0}").format(year),
                                 tr("livre-journal-{0}.{1}").format(year, kind), tr(FILTERS[kind]))
        if path is not None:
            self.write_journal(year, kind, path)

    def write_journal(self, year: int, kind: str, path: Path) -> None:
        practice = self.practice()
        if practice is None or self.busy:
            return

        today = self.today()

        def write() -> int:
            from cocon_desktop.services.report_files import journal_file  # at the first export, not at start

            built = practice.read(journal_file, year, kind, today)
            atomic_write(path, built.data, private_dir=False)
            return built.receipts

        self._start(tr("Livre-journal {0} en cours d'écriture…").format(year))
        self.runner.run(write, lambda count: self._done(tr(
            "Livre-journal des recettes {0} ({1}) enregistré dans {2}.").format(
            year, tr("aucune recette") if count == 0 else tr("1 recette") if count == 1 else
            tr("{0} recettes").format(count), path)), self._failed)

    # -- the activity report
    def choose_report(self) -> None:
        if self.practice() is None or self.busy:
            return
        network, (first, last) = str(self.network.currentData()), self.period()
        label = first.strftime("%Y-%m") if (first.year, first.month) == (last.year, last.month) else \
            f"{first:%Y-%m}..{last:%Y-%m}"
        path = self.file_chooser(tr("Rapport d'activité {0}").format(network),
                                 tr("rapport-activite-{0}-{1}.pdf").format(network, label), tr(FILTERS["pdf"]))
        if path is not None:
            self.write_report(network, first, last, path)

    def write_report(self, network: str, first: date, last: date, path: Path) -> None:
        practice = self.practice()
        if practice is None or self.busy:
            return

        today = self.today()

        def write() -> None:
            from cocon_desktop.services.report_files import activity_report_file

            atomic_write(path, practice.read(activity_report_file, network, first, last, today).data,
                         private_dir=False)

        self._start(tr("Rapport d'activité {0} en cours d'écriture…").format(network))
        self.runner.run(write, lambda _: self._done(tr("Rapport d'activité {0} enregistré dans {1}.").format(
            network, path)), self._failed)

    # -- running
    def _start(self, text: str) -> None:
        self.busy = True
        for button in (self.journal_csv, self.journal_pdf, self.journal_fec, self.report_pdf):
            button.setEnabled(False)
        self.say(text)

    def _finish(self) -> None:
        self.busy = False
        for button in (self.journal_csv, self.journal_pdf, self.journal_fec, self.report_pdf):
            button.setEnabled(True)

    def _done(self, text: str) -> None:
        self._finish()
        self.say(text)
        self.written.emit(text)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        self.say(tr("Le fichier n'a pas été écrit : {0}").format(error_text(error)), error=True)
