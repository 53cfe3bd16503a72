"""A new prescription for a child: discipline, forfait from the network's tariff, validity, scanned copy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.ages import months_between
from cocon_desktop.domain.disciplines import DISCIPLINES, PROFESSION_DISCIPLINE
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.tariffs import ForfaitRule, NetworkTariff
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.services.prescriptions import Scan, save_prescription
from cocon_desktop.services.tariff_store import load_tariffs
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.date_field import DateField
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox, show_field_errors
from cocon_desktop.ui.widgets.prescriber_combo import PrescriberCombo

SCAN_FILTER = "Ordonnances scannées (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.webp)"


def _read_scan(path: Path | None) -> Scan | None:
    """Runs in the background: the file is read when saving, not when chosen."""
    return Scan(path.name, path.read_bytes()) if path is not None else None


class PrescriptionDialog(QDialog):
    def __init__(self, practice: PracticeSource, runner: TaskRunner, child_id: int, network: str, birth: date,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.today = practice, runner, today
        self.child_id, self.network, self.birth = child_id, network, birth
        self.tariff: NetworkTariff | None = None
        self._proposed_for = ""  # the forfait whose number of sessions was last proposed
        self.scan_path: Path | None = None
        self.boxes: dict[str, FieldBox] = {}
        self.setObjectName("prescription_dialog")
        self.setWindowTitle(tr("Nouvelle prescription"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)

        def add(name: str, label: str, editor: QWidget, hint: str = "") -> None:
            editor.setObjectName(f"field_{name}")
            self.boxes[name] = FieldBox(editor, hint=tr(hint) if hint else "", parent=self)
            form.addRow(tr(label), self.boxes[name])

        self.prescribed_on = DateField(self, today=today)
        self.prescribed_on.set_value(today())
        add("prescribed_on", "Date de prescription *", self.prescribed_on)
        self.prescriber = PrescriberCombo(practice, runner, self)
        add("prescriber_id", "Prescripteur", self.prescriber)
        self.discipline = QComboBox(self)
        for code, label in DISCIPLINES.items():
            self.discipline.addItem(tr(label), code)
        self.discipline.currentIndexChanged.connect(lambda _: self._choose_forfait())
        add("discipline", "Discipline *", self.discipline)
        self.valid_from = DateField(self, today=today)
        self.valid_from.set_value(today())
        self.valid_from.line.editingFinished.connect(self._fill_forfaits)
        self.valid_from.edited.connect(self._fill_forfaits)
        add("valid_from", "Début de validité *", self.valid_from)
        self.valid_until = DateField(self, today=today)
        add("valid_until", "Fin de validité *", self.valid_until)
        self.forfait = QComboBox(self)
        self.forfait.currentIndexChanged.connect(lambda _: self._forfait_chosen())
        add("forfait_kind", "Forfait *", self.forfait,
            hint="Les forfaits du réseau de l'enfant, selon les tarifs en vigueur au début de validité.")
        self.sessions_spin = QSpinBox(self)
        self.sessions_spin.setRange(0, 999)
        self.sessions_spin.setSuffix(tr(" séances"))
        add("sessions_authorised", "Séances accordées *", self.sessions_spin)
        self.bilan = QCheckBox(tr("Le bilan est compris dans la prescription"), self)
        self.bilan.setChecked(True)
        add("bilan_included", "Bilan inclus", self.bilan)

        scan_row = QWidget(self)
        row = QHBoxLayout(scan_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.scan_label = QLabel(tr("Aucun fichier joint"), scan_row)
        self.scan_label.setStyleSheet("color: #555;")
        self.attach_button = QPushButton(tr("Joindre le scan…"), scan_row)
        self.attach_button.setObjectName("attach_scan")
        self.attach_button.clicked.connect(self.choose_scan)
        self.detach_button = QPushButton(tr("Retirer"), scan_row)
        self.detach_button.clicked.connect(lambda: self.attach(None))
        self.detach_button.setVisible(False)
        row.addWidget(self.scan_label, 1)
        row.addWidget(self.attach_button)
        row.addWidget(self.detach_button)
        add("document", "Ordonnance scannée", scan_row,
            hint="PDF ou image (PNG, JPEG, TIFF, WebP) ; gardée chiffrée dans la base du cabinet.")

        self.status, self.save_button = add_footer(self, layout, "prescription", self.save)

        self.prescriber.load()
        self._load()

    # -- tariff and defaults, read in the background
    def _load(self) -> None:
        practice, network = self.open_practice(), self.network
        if practice is None:
            return

        def load() -> tuple[NetworkTariff | None, str]:
            return practice.read(load_tariffs).get(network), practice.read(load_profile).profession

        self.runner.run(load, self._loaded, lambda error: self.status.setText(error_text(error)))

    def _loaded(self, result: tuple[NetworkTariff | None, str]) -> None:
        self.tariff, profession = result
        discipline = PROFESSION_DISCIPLINE.get(profession)
        if discipline:
            self.discipline.setCurrentIndex(max(0, self.discipline.findData(discipline)))
        self._fill_forfaits()

    def rules(self) -> tuple[ForfaitRule, ...]:
        start = self.valid_from.value() or self.today()
        version = self.tariff.version_on(start) if self.tariff else None
        return version.forfaits if version else ()

    def _fill_forfaits(self) -> None:
        kept = self.forfait.currentData()
        rules = self.rules()
        self.forfait.blockSignals(True)
        self.forfait.clear()
        for rule in rules:
            self.forfait.addItem(rule.label, rule.kind)
        if not rules:
            self.forfait.addItem(tr("Aucun forfait du réseau {0} à cette date").format(self.network), "")
        self.forfait.blockSignals(False)
        if kept and self.forfait.findData(kept) >= 0:
            self.forfait.setCurrentIndex(self.forfait.findData(kept))
        else:
            self._choose_forfait()
        self._forfait_chosen()

    def _choose_forfait(self) -> None:
        """The forfait that covers the child's age at the start and the discipline, if there is one."""
        start = self.valid_from.value() or self.today()
        months = months_between(self.birth, start)
        discipline = self.discipline.currentData()
        for index, rule in enumerate(self.rules()):
            if rule.covers_age(months) and discipline in rule.disciplines:
                self.forfait.setCurrentIndex(index)
                return

    def _forfait_chosen(self) -> None:
        """A newly chosen forfait proposes its number of sessions; the same one keeps what was typed."""
        rule = next((r for r in self.rules() if r.kind == self.forfait.currentData()), None)
        if rule is not None and rule.kind != self._proposed_for:
            self.sessions_spin.setValue(rule.seances)
            self._proposed_for = rule.kind

    # -- the scan
    def choose_scan(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Ordonnance scannée"), "", tr(SCAN_FILTER))
        if name:
            self.attach(Path(name))

    def attach(self, path: Path | None) -> None:
        self.scan_path = path
        self.scan_label.setText(path.name if path else tr("Aucun fichier joint"))
        self.detach_button.setVisible(path is not None)

    # -- saving
    def collect(self) -> tuple[PrescriptionData | None, list[FieldError]]:
        problems: list[FieldError] = []
        dates: dict[str, date] = {}
        for name, field in (("prescribed_on", self.prescribed_on), ("valid_from", self.valid_from),
                            ("valid_until", self.valid_until)):
            error = field.error(name)
            value = field.value()
            if error is not None:
                problems.append(error)
            elif value is None:
                problems.append(FieldError(name, "required"))
            else:
                dates[name] = value
        if problems:
            return None, problems
        return PrescriptionData(
            child_id=self.child_id, discipline=str(self.discipline.currentData()),
            forfait_kind=str(self.forfait.currentData() or ""), sessions_authorised=self.sessions_spin.value(),
            bilan_included=self.bilan.isChecked(), prescriber_id=self.prescriber.value(),
            prescribed_on=dates["prescribed_on"], valid_from=dates["valid_from"],
            valid_until=dates["valid_until"]), []

    def save(self) -> None:
        practice = self.open_practice()
        if practice is None:
            return
        data, problems = self.collect()
        if data is None:
            self._show(problems)
            return
        today, path = self.today(), self.scan_path
        self.save_button.setEnabled(False)
        self.status.clear()
        self.runner.run_op(lambda report: practice.write(save_prescription, data, today, scan=_read_scan(path)),
                           self._saved, self._failed)

    def _saved(self, _: int) -> None:
        """The child's file reads again from the write's Changes (ui/views.py)."""
        self.save_button.setEnabled(True)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self._show(error.errors)
        elif isinstance(error, OSError):
            show_field_errors(self.boxes, [])
            self.boxes["document"].show_text(error_text(error))
            self.status.setText(tr("Le fichier joint n'a pas pu être lu : rien n'a été enregistré."))
        else:
            self.status.setText(error_text(error))

    def _show(self, errors: list[FieldError]) -> None:
        orphans = show_field_errors(self.boxes, errors)
        lines = [tr("Corrigez les champs signalés : rien n'a été enregistré.")]
        lines += [error_text(ValidationError([e])) for e in orphans]
        self.status.setText(" ".join(lines))

    def field_text(self, name: str) -> str:
        box = self.boxes.get(name)
        return box.text if box else ""
