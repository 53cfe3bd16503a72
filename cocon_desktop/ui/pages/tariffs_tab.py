"""Paramètres › Tarifs: each network's tariff versions, shown and edited as a new dated version; and, while the
practice follows PCO-TND (Paramètres › Parcours et payeurs), its national tariff, read-only, with the values to
confirm with the PCO (ui/pages/package_tariff.py).

Saving goes through `runner.run_op` (TARIFFS): the invoicing page's drafts and the dashboard read again; this tab
reads the versions again itself once saved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.disciplines import short_label
from cocon_desktop.domain.money import is_whole_cents, parse_euros
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.domain.tariffs import ForfaitRule, NetworkTariff, TariffVersion
from cocon_desktop.domain.text import parse_date_fr
from cocon_desktop.errors import FieldError
from cocon_desktop.messages import french_date
from cocon_desktop.services import tariff_store
from cocon_desktop.services.pathway_store import enabled_pathways, shipped_pathways
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.pages.package_tariff import (
    PACKAGE_COLUMNS,
    is_package,
    milestones_tip,
    package_cells,
    unverified_text,
)
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE, FieldBox

COLUMNS = ("Forfait", "Âges", "Disciplines", "Séances", "Prix d'une séance (€)", "Prix du bilan (€)")
SESSIONS, SESSION_PRICE, BILAN_PRICE = 3, 4, 5


def _money(text: str) -> Decimal | None:
    value = parse_euros(text)
    return value if value is not None and value >= 0 and is_whole_cents(value) else None


class TariffsTab(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.practice: Practice | None = None
        self.tariffs: dict[str, NetworkTariff] = {}
        self.pathways: tuple[str, ...] = ()  # the pathways followed: their tariffs beside the networks'
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Aucun montant COCON n'est publié : les tarifs livrés sont des exemples, à confirmer "
                          "avec votre réseau. Une modification crée une version datée ; une facture déjà émise "
                          "garde toujours ses montants."), self)
        self.intro = intro
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.network = QComboBox(self)
        self.network.setObjectName("tariff_network")
        for network in NETWORKS.values():
            self.network.addItem(f"{network.code} — {network.name}", network.code)
        self.version = QComboBox(self)
        self.version.setObjectName("tariff_version")
        row.addWidget(QLabel(tr("Réseau"), self))
        row.addWidget(self.network, 1)
        row.addWidget(QLabel(tr("Version en vigueur à partir du"), self))
        row.addWidget(self.version)
        layout.addLayout(row)
        self.example = QLabel(self)
        self.example.setObjectName("tariff_example_notice")
        self.example.setStyleSheet("background: #fff4d6; padding: 6px; color: #5a4300;")
        self.example.setWordWrap(True)
        layout.addWidget(self.example)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("tariff_table")
        self.table.setAccessibleName(tr("Tarifs du réseau"))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.absence_excused = QCheckBox(tr("Absences excusées facturables"), self)
        self.absence_unexcused = QCheckBox(tr("Absences non excusées facturables"), self)
        form.addRow("", self.absence_excused)
        form.addRow("", self.absence_unexcused)
        self.effective = QLineEdit(self)
        self.effective.setObjectName("tariff_effective_from")
        self.effective.setPlaceholderText(tr("jj/mm/aaaa"))
        self.effective_box = FieldBox(self.effective, parent=self)
        form.addRow(tr("Nouvelle version applicable à partir du"), self.effective_box)
        layout.addLayout(form)
        save_row = QHBoxLayout()
        self.save_button = QPushButton(tr("Enregistrer cette version"), self)
        self.save_button.setObjectName("save_tariff")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel(self)
        self.status.setObjectName("tariff_status")
        self.status.setWordWrap(True)
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.status, 1)
        layout.addLayout(save_row)
        self.network.currentIndexChanged.connect(self._fill_versions)
        self.version.currentIndexChanged.connect(self._show_version)

    def set_practice(self, practice: Practice | None, network: str = "") -> None:
        self.practice = practice
        if practice is None:
            return
        if network:
            self.network.setCurrentIndex(max(0, self.network.findData(network)))

        def load() -> tuple[dict[str, NetworkTariff], tuple[str, ...]]:
            return practice.read(tariff_store.load_tariffs), tuple(p.id for p in practice.read(enabled_pathways))

        self.runner.run(load, self._loaded, lambda error: self._say(error_text(error), False))

    def _loaded(self, loaded: tuple[dict[str, NetworkTariff], tuple[str, ...]]) -> None:
        self.tariffs, pathways = loaded
        self.set_pathways(pathways)
        self._fill_versions()

    def set_pathways(self, ids: tuple[str, ...]) -> None:
        """The tariffs of the configured-payer pathways followed (PCO-TND) offered after the networks'; the others
        taken away (Paramètres › Parcours et payeurs says when the choice changes)."""
        self.pathways = ids
        wanted = [(p.payers.tariff, p.label) for p in shipped_pathways().values()
                  if p.id in ids and p.payers.mode == "configured" and p.payers.tariff]
        self.network.blockSignals(True)
        current = self.network.currentData()
        while self.network.count() > len(NETWORKS):
            self.network.removeItem(self.network.count() - 1)
        for tariff_id, label in wanted:
            self.network.addItem(tr("{0} — forfait précoce (tarif national)").format(label), tariff_id)
        self.network.setCurrentIndex(max(0, self.network.findData(current)))
        self.network.blockSignals(False)
        if self.network.currentData() != current:
            self._fill_versions()

    def _current_tariff(self) -> NetworkTariff | None:
        return self.tariffs.get(str(self.network.currentData()))

    def _fill_versions(self) -> None:
        tariff = self._current_tariff()
        self.version.blockSignals(True)
        self.version.clear()
        if tariff:
            for index, version in enumerate(tariff.versions):
                mark = tr(" (modifiée ici)") if version.source == "local" else ""
                self.version.addItem(french_date(version.effective_from) + mark, index)
            self.version.setCurrentIndex(len(tariff.versions) - 1)
        self.version.blockSignals(False)
        self._show_version()

    def _selected(self) -> TariffVersion | None:
        tariff = self._current_tariff()
        index = self.version.currentData()
        return tariff.versions[int(index)] if tariff and index is not None else None

    def _show_version(self) -> None:
        version = self._selected()
        tariff = self._current_tariff()
        self.table.setRowCount(0)
        if version is None or tariff is None:
            return
        package = is_package(tariff)
        self._read_only(package)
        if package:
            self.example.setVisible(True)
            self.example.setText(unverified_text(tariff, {r.kind: r.label for r in version.forfaits}))
            for rule in version.forfaits:
                self._add_package_row(rule, tariff.unverified)
            return
        shipped_example = tariff.example_values and version.source == "shipped"
        self.example.setVisible(shipped_example)
        self.example.setText(tr("Valeurs d'exemple livrées avec le programme : confirmez-les avec le réseau {0} "
                                "avant de facturer.").format(tariff.network))
        for rule in version.forfaits:
            self._add_row(rule)
        self.absence_excused.setChecked(version.absence_excused_billable)
        self.absence_unexcused.setChecked(version.absence_unexcused_billable)

    def _add_row(self, rule: ForfaitRule) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        ages = tr("{0} à {1} mois").format(rule.age_min_months, rule.age_max_months)
        cells = (rule.label, ages, ", ".join(short_label(d) for d in rule.disciplines),
                 str(rule.seances), f"{rule.session_price:.2f}".replace(".", ","),
                 f"{rule.bilan_price:.2f}".replace(".", ","))
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column < SESSIONS:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, column, item)

    def _read_only(self, package: bool) -> None:
        """A package tariff is shown, not edited: its own columns, no absences, nothing to save."""
        self.table.setHorizontalHeaderLabels([tr(c) for c in (PACKAGE_COLUMNS if package else COLUMNS)])
        for widget in (self.absence_excused, self.absence_unexcused, self.effective, self.save_button):
            widget.setEnabled(not package)
        self.intro.setVisible(not package)  # COCON's words

    def _add_package_row(self, rule: ForfaitRule, unverified: tuple[str, ...]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(package_cells(rule, unverified)):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column == len(PACKAGE_COLUMNS) - 1:
                item.setToolTip(milestones_tip(rule))
            elif column == 2:
                item.setToolTip(text)
            self.table.setItem(row, column, item)

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def edited_version(self) -> tuple[TariffVersion | None, list[FieldError]]:
        """The version as edited in the table, or the problems found (row by row)."""
        base = self._selected()
        errors: list[FieldError] = []
        if base is None:
            return None, errors
        effective = parse_date_fr(self.effective.text())
        if effective is None:
            errors.append(FieldError("effective_from", "date_invalid", {"value": self.effective.text()}))
        forfaits = []
        for row, rule in enumerate(base.forfaits):
            values = [self._cell(row, c) for c in (SESSIONS, SESSION_PRICE, BILAN_PRICE)]
            session_price, bilan_price = _money(values[1]), _money(values[2])
            sessions = int(values[0]) if values[0].strip().isdigit() else 0
            if sessions <= 0:
                errors.append(FieldError(f"row{row}", "sessions_positive"))
            for price, text in ((session_price, values[1]), (bilan_price, values[2])):
                if price is None:
                    errors.append(FieldError(f"row{row}", "amount_invalid", {"value": text}))
            forfaits.append(replace(rule, seances=sessions, session_price=session_price or Decimal(0),
                                    bilan_price=bilan_price or Decimal(0)))
        version = TariffVersion(effective or date.min, self.absence_excused.isChecked(),
                                self.absence_unexcused.isChecked(), tuple(forfaits), source="local")
        return version, errors

    def save(self) -> None:
        if self.practice is None:
            return
        self.effective_box.clear()
        version, errors = self.edited_version()
        if version is None:
            return
        if errors:
            date_error = next((e for e in errors if e.field == "effective_from"), None)
            self.effective_box.show_error(date_error)
            others = [e for e in errors if e.field != "effective_from"]
            if others:
                from cocon_desktop.ui.i18n import field_text

                self._say(tr("Ligne {0} : ").format(int(others[0].field[3:]) + 1) + field_text(others[0]), False)
            return
        practice, network = self.practice, str(self.network.currentData())
        self.runner.run_op(lambda report: practice.write(tariff_store.save_version, network, version), self._saved,
                           lambda error: self._say(error_text(error), False))

    def _saved(self, _: object) -> None:
        self._say(tr("Version enregistrée. Les factures déjà émises gardent leurs montants."), True)
        if self.practice is not None:
            self.set_practice(self.practice)

    def _say(self, text: str, ok: bool) -> None:
        self.status.setStyleSheet("color: #2e7d32;" if ok else ERROR_STYLE)
        self.status.setText(text)
