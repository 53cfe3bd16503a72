"""A prescription for a child — new, corrected or renewed: discipline, forfait from the network's tariff, validity,
the séances granted (bounded by the forfait: a reason above it, refused above twice it), a note, a scanned copy.

Once séances count against it (`PrescriptionRecord.locked`) only the end date, the note and the scan stay open:
the other fields are shown, not editable, and the service refuses them anyway (domain/prescription.py)."""

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
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.ages import months_between
from cocon_desktop.domain.disciplines import DISCIPLINES, PROFESSION_DISCIPLINE
from cocon_desktop.domain.prescription import (
    EDITABLE_AFTER_FIRST_SEANCE,
    NOTE_MAX,
    REASON_MAX,
    PrescriptionData,
    check_sessions,
    renewal,
    sessions_bounds,
)
from cocon_desktop.domain.tariffs import ForfaitRule, NetworkTariff
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.services.prescriptions import PrescriptionRecord, Scan, save_prescription
from cocon_desktop.services.tariff_store import load_tariffs
from cocon_desktop.ui.formatting import french_date
from cocon_desktop.ui.i18n import error_text, ntr, tr
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
    """`record`: the prescription to correct; `renew`: the one to renew (a new one, prefilled from it)."""

    def __init__(self, practice: PracticeSource, runner: TaskRunner, child_id: int, network: str, birth: date,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None, *,
                 record: PrescriptionRecord | None = None, renew: PrescriptionData | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.today = practice, runner, today
        self.child_id, self.network, self.birth = child_id, network, birth
        self.record, self.renewed = record, renew
        self.tariff: NetworkTariff | None = None
        self._proposed_for = ""  # the forfait whose number of sessions was last proposed
        self.scan_path: Path | None = None
        self.boxes: dict[str, FieldBox] = {}
        self.setObjectName("prescription_dialog")
        self.setWindowTitle(tr("Modifier la prescription") if record is not None else
                            tr("Renouveler la prescription") if renew is not None else tr("Nouvelle prescription"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        self.locked_note = QLabel(self)
        self.locked_note.setObjectName("prescription_locked_note")
        self.locked_note.setWordWrap(True)
        self.locked_note.setVisible(False)
        layout.addWidget(self.locked_note)
        form = QFormLayout()
        self.form = form
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
        self.forfait.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # filled later: whole names
        self.forfait.currentIndexChanged.connect(lambda _: self._forfait_chosen())
        add("forfait_kind", "Forfait *", self.forfait,
            hint="Les forfaits du réseau de l'enfant, selon les tarifs en vigueur au début de validité.")
        self.sessions_spin = QSpinBox(self)
        self.sessions_spin.setRange(0, 999)  # the forfait bounds it: said at the field, not clamped silently
        self.sessions_spin.setSuffix(tr(" séances"))
        add("sessions_authorised", "Séances accordées *", self.sessions_spin,
            hint="Au-delà des séances du forfait, un motif est demandé ; au-delà du double, c'est refusé.")
        self.sessions_spin.valueChanged.connect(lambda _: self.check_bounds())  # after the box drops its message
        # the bounds' sentences are long: the row takes the form's width, the number keeps its own
        self.boxes["sessions_authorised"].setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.sessions_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(REASON_MAX)
        self.reason.setPlaceholderText(tr("Par exemple : accord du réseau du 02/01/2026"))
        add("over_forfait_reason", "Motif du dépassement *", self.reason,
            hint="Pourquoi l'ordonnance accorde plus de séances que le forfait du réseau ; gardé avec elle.")
        self.reason.textChanged.connect(lambda _: self.check_bounds())
        form.setRowVisible(self.boxes["over_forfait_reason"], False)
        self.bilan = QCheckBox(tr("Le bilan est compris dans la prescription"), self)
        self.bilan.setChecked(True)
        add("bilan_included", "Bilan inclus", self.bilan)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)  # Tab leaves the note: no keyboard trap
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 12)
        add("note", "Note", self.note, hint="Pour vous seulement : elle ne figure sur aucun document.")

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

        layout.addStretch(1)  # room left when the reason's row goes: below the form, not between its rows
        self.status, self.save_button = add_footer(self, layout, "prescription", self.save)

        self._fill_from(record.data if record is not None else renewal(renew, None, today()) if renew else None)
        self.prescriber.load()
        self._load()

    # -- correcting or renewing: the fields start from a prescription
    def _fill_from(self, data: PrescriptionData | None) -> None:
        if data is None:
            return
        self.prescribed_on.set_value(data.prescribed_on)
        self.valid_from.set_value(data.valid_from)
        self.valid_until.set_value(data.valid_until)
        self.discipline.setCurrentIndex(max(0, self.discipline.findData(data.discipline)))
        self.bilan.setChecked(data.bilan_included)
        self.prescriber.set_value(data.prescriber_id)
        if self.record is None:
            return  # a renewal: the forfait and its séances are proposed once the tariff is read
        self.sessions_spin.setValue(data.sessions_authorised)
        self._proposed_for = data.forfait_kind  # its séances stay as they were
        self.reason.setText(data.over_forfait_reason)
        self.note.setPlainText(data.note)
        if self.record.locked:
            self.locked_note.setText(ntr(
                "{0} séance est déjà comptée sur cette prescription (le {1}) : seules la fin de validité, la note "
                "et l'ordonnance scannée peuvent encore changer.",
                "{0} séances sont déjà comptées sur cette prescription (la dernière le {1}) : seules la fin de "
                "validité, la note et l'ordonnance scannée peuvent encore changer.", self.record.seance_count).format(
                    self.record.seance_count, french_date(self.record.last_seance)))
            self.locked_note.setVisible(True)
            self.form.setRowVisible(self.boxes["over_forfait_reason"], bool(data.over_forfait_reason))
            for name, box in self.boxes.items():
                if name not in (*EDITABLE_AFTER_FIRST_SEANCE, "document"):
                    box.editor.setEnabled(False)

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
        start = self.record.data if self.record is not None else self.renewed
        if start is not None:
            self._fill_forfaits(wanted=start.forfait_kind)
            return
        if discipline:
            self.discipline.setCurrentIndex(max(0, self.discipline.findData(discipline)))
        self._fill_forfaits()

    def rules(self) -> tuple[ForfaitRule, ...]:
        start = self.valid_from.value() or self.today()
        version = self.tariff.version_on(start) if self.tariff else None
        return version.forfaits if version else ()

    def _fill_forfaits(self, wanted: str = "") -> None:
        """The forfaits in force at the start; `wanted` (the prescription corrected or renewed) is kept if it is
        one of them and, for a renewal, if it still covers the child's age at the new start."""
        kept = self.forfait.currentData()
        rules = self.rules()
        if wanted and self.record is None:
            months = months_between(self.birth, self.valid_from.value() or self.today())
            wanted = wanted if any(r.kind == wanted and r.covers_age(months) for r in rules) else ""
        kept = wanted or kept
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
        self.check_bounds()

    def current_rule(self) -> ForfaitRule | None:
        return next((r for r in self.rules() if r.kind == self.forfait.currentData()), None)

    def check_bounds(self) -> None:
        """As one types: the séances against the forfait (an error above the maximum, a warning above the
        forfait), and the reason's row shown only while it is needed."""
        if self.record is not None and self.record.locked:
            return  # the number can no longer change: not judged again
        rule = self.current_rule()
        value = self.sessions_spin.value()
        forfait, maximum = sessions_bounds(rule)
        over = forfait < value <= maximum  # above the maximum no reason helps: the number is wrong
        self.form.setRowVisible(self.boxes["over_forfait_reason"], over)
        problems = [e if e.field == "sessions_authorised" else  # no reason yet: said at the number, asked below
                    FieldError("sessions_authorised", "sessions_above_forfait_ask", e.data, severity="warning")
                    for e in check_sessions(value, self.reason.text(), rule)]
        if problems:
            self.boxes["sessions_authorised"].show_error(problems[0])
        elif self.boxes["sessions_authorised"].text:
            self.boxes["sessions_authorised"].clear()
        if over and self.reason.text().strip() and self.boxes["over_forfait_reason"].text:
            self.boxes["over_forfait_reason"].clear()

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
        if len(self.note.toPlainText()) > NOTE_MAX:
            return None, [FieldError("note", "note_too_long")]
        old = self.record.data if self.record is not None else None
        kind = str(self.forfait.currentData() or "") or (old.forfait_kind if old is not None else "")
        return PrescriptionData(
            child_id=self.child_id, discipline=str(self.discipline.currentData()), forfait_kind=kind,
            sessions_authorised=self.sessions_spin.value(), bilan_included=self.bilan.isChecked(),
            prescriber_id=self.prescriber.value(), prescribed_on=dates["prescribed_on"],
            valid_from=dates["valid_from"], valid_until=dates["valid_until"], note=self.note.toPlainText(),
            over_forfait_reason=old.over_forfait_reason if self.record is not None and self.record.locked and old
            else self.reason.text() if self.reason.isVisibleTo(self) else "",
            id=old.id if old is not None else None), []

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
