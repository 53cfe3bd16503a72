"""Create or edit a child's file: identity, inclusion, INS identity, family, exit.

Saving goes through the service in the background; each problem shows next to its field (warnings in orange,
not blocking) and the form keeps everything typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.child import (
    EXIT_REASONS,
    IDENTITY_STATUSES,
    INCLUSION_CRITERIA,
    RISK_GROUPS,
    SEXES,
    ChildData,
    validate_child,
)
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.services.children import ChildRecord, create_child, update_child, warnings_for
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.date_field import DateField
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox, first_error_box, show_field_errors
from cocon_desktop.ui.widgets.guardians_editor import GuardiansEditor
from cocon_desktop.ui.widgets.prescriber_combo import PrescriberCombo

TEXTS = {  # field → (label, placeholder)
    "last_name": ("Nom *", ""), "first_name": ("Prénom *", ""),
    "inclusion_number": ("N° d'inclusion *", "numéro donné par le réseau"),
    "nir": ("NIR (n° de sécurité sociale)", "15 caractères, clé comprise"),
    "birth_place_code": ("Code du lieu de naissance", "code INSEE, 5 caractères"),
    "identity_source": ("Source de l'identité", "carte Vitale, téléservice INSi…"),
}
DATES = {"birth_date": "Date de naissance *", "inclusion_date": "Date d'inclusion",
         "consent_date": "Date du consentement", "exit_date": "Date de sortie"}
NOT_CHOSEN = "— à choisir —"


def _combo(parent: QWidget, choices: dict[str, str], empty: str | None) -> QComboBox:
    combo = QComboBox(parent)
    if empty is not None:
        combo.addItem(tr(empty), "")
    for code, label in choices.items():
        combo.addItem(tr(label), code)
    return combo


class ChildDialog(QDialog):
    saved = Signal(int)  # the child's id (a new child's file opens; the views read again from the write's Changes)

    def __init__(self, practice: PracticeSource, runner: TaskRunner, record: ChildRecord | None = None,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.record, self.today = practice, runner, record, today
        self.setObjectName("child_dialog")
        self.setWindowTitle(tr("Nouvel enfant") if record is None else
                            tr("Dossier de {0}").format(record.data.display_name))
        self.editors: dict[str, QWidget] = {}
        self.boxes: dict[str, FieldBox] = {}
        self._errors: list[FieldError] = []
        self._watched: set[int] = set()  # the boxes whose « fixed » drops their errors

        layout = QVBoxLayout(self)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        inner = QWidget(self.scroll_area)
        grid = QGridLayout(inner)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._identity(inner))
        left.addWidget(self._ins(inner))
        left.addWidget(self._exit(inner))
        left.addStretch(1)
        right.addWidget(self._inclusion(inner))
        right.addWidget(self._family(inner))
        right.addStretch(1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        self.scroll_area.setWidget(inner)
        layout.addWidget(self.scroll_area, 1)

        self.status, self.save_button = add_footer(self, layout, "child", self.save)
        fit_to_screen(self, 1120, 780)

        self.referent.load(select=record.data.referent_id if record else None)
        if record is not None:
            self.set_values(record.data)
        else:
            self._default_network()
        self.editors["last_name"].setFocus(Qt.FocusReason.OtherFocusReason)  # typing starts at once (Ctrl+N)

    # -- building
    def _add(self, form: QFormLayout, name: str, label: str, editor: QWidget, field: QWidget | None = None,
             hint: str = "") -> None:
        editor.setObjectName(f"field_{name}")
        self.editors[name] = editor
        box = FieldBox(field or editor, hint=tr(hint), parent=form.parentWidget())
        self.boxes[name] = box
        form.addRow(tr(label), box)

    def _line(self, form: QFormLayout, name: str) -> QLineEdit:
        label, placeholder = TEXTS[name]
        line = QLineEdit(form.parentWidget())
        line.setPlaceholderText(tr(placeholder))
        self._add(form, name, label, line)
        return line

    def _date(self, form: QFormLayout, name: str) -> DateField:
        field = DateField(form.parentWidget(), name=f"field_{name}", today=self.today)
        field.edited.connect(self._refresh_warnings)
        field.line.editingFinished.connect(self._refresh_warnings)
        self._add(form, name, DATES[name], field)
        return field

    def _group(self, parent: QWidget, title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(tr(title), parent)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        return group, form

    def _identity(self, parent: QWidget) -> QGroupBox:
        group, form = self._group(parent, "Identité")
        self._line(form, "last_name")
        self._line(form, "first_name")
        self.birth_date = self._date(form, "birth_date")
        self._add(form, "sex", "Sexe *", _combo(group, SEXES, NOT_CHOSEN))
        row = QWidget(group)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.weeks = QLineEdit(row)
        self.weeks.setObjectName("field_gestational_weeks")
        self.weeks.setAccessibleName(tr("Terme de naissance, semaines d'aménorrhée"))
        self.weeks.setValidator(QIntValidator(0, 99, self.weeks))
        self.weeks.setMaximumWidth(60)
        self.days = QSpinBox(row)
        self.days.setObjectName("field_gestational_days")
        self.days.setRange(0, 6)
        self.days.setSuffix(tr(" j"))
        line.addWidget(self.weeks)
        line.addWidget(QLabel(tr("SA +"), row))
        line.addWidget(self.days)
        line.addStretch(1)
        row.setFocusProxy(self.weeks)
        self._add(form, "gestational_weeks", "Terme de naissance *", self.weeks, row,
                  hint="En semaines d'aménorrhée (SA) révolues et jours : 31 SA + 4 j.")
        self.editors["gestational_days"] = self.days
        weight_row = QWidget(group)
        weight_line = QHBoxLayout(weight_row)
        weight_line.setContentsMargins(0, 0, 0, 0)
        self.weight = QLineEdit(weight_row)
        self.weight.setValidator(QIntValidator(0, 99999, self.weight))
        self.weight.setMaximumWidth(80)
        weight_line.addWidget(self.weight)
        weight_line.addWidget(QLabel(tr("g"), weight_row))
        weight_line.addStretch(1)
        weight_row.setFocusProxy(self.weight)
        self._add(form, "birth_weight_g", "Poids de naissance", self.weight, weight_row)
        return group

    def _inclusion(self, parent: QWidget) -> QGroupBox:
        group, form = self._group(parent, "Inclusion dans le parcours")
        self._line(form, "inclusion_number")
        self._date(form, "inclusion_date")
        network = QComboBox(group)
        for code, known in NETWORKS.items():
            network.addItem(f"{code} — {known.name}", code)
        self._add(form, "network", "Réseau *", network)
        self._add(form, "risk_group", "Groupe de risque", _combo(group, RISK_GROUPS, "— non renseigné —"))
        criteria = QWidget(group)
        column = QVBoxLayout(criteria)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.criteria: dict[str, QCheckBox] = {}
        for code, label in INCLUSION_CRITERIA.items():
            box = QCheckBox(tr(label), criteria)
            box.setObjectName(f"criterion_{code}")
            self.criteria[code] = box
            column.addWidget(box)
        criteria.setFocusProxy(next(iter(self.criteria.values())))
        self._add(form, "inclusion_criteria", "Critères d'inclusion", criteria)
        self.referent = PrescriberCombo(self.open_practice, self.runner, group)
        self._add(form, "referent_id", "Médecin référent", self.referent)
        self._date(form, "consent_date")
        return group

    def _ins(self, parent: QWidget) -> QGroupBox:
        group, form = self._group(parent, "Identité INS")
        self._line(form, "nir")
        code = self._line(form, "birth_place_code")
        code.setMaxLength(5)
        self._add(form, "identity_status", "Statut de l'identité", _combo(group, IDENTITY_STATUSES, None))
        self._line(form, "identity_source")
        return group

    def _family(self, parent: QWidget) -> QGroupBox:
        group = QGroupBox(tr("Famille"), parent)
        layout = QVBoxLayout(group)
        self.guardians = GuardiansEditor(group)
        layout.addWidget(self.guardians)
        return group

    def _exit(self, parent: QWidget) -> QGroupBox:
        group, form = self._group(parent, "Sortie du parcours")
        self._date(form, "exit_date")
        self._add(form, "exit_reason", "Motif de sortie", _combo(group, EXIT_REASONS, "—"))
        return group

    def _default_network(self) -> None:
        practice = self.open_practice()
        if practice is not None:
            self.runner.run(lambda: practice.read(load_profile).network, self._network_loaded, lambda _: None)

    def _network_loaded(self, network: str) -> None:
        combo = self.editors["network"]
        if isinstance(combo, QComboBox):
            combo.setCurrentIndex(max(0, combo.findData(network)))

    # -- values
    def set_values(self, data: ChildData) -> None:
        for name in ("last_name", "first_name", "inclusion_number", "nir", "birth_place_code", "identity_source"):
            editor = self.editors[name]
            assert isinstance(editor, QLineEdit)
            editor.setText(str(getattr(data, name)))
        for name in DATES:
            editor = self.editors[name]
            assert isinstance(editor, DateField)
            editor.set_value(getattr(data, name))
        for name in ("sex", "network", "risk_group", "identity_status", "exit_reason"):
            combo = self.editors[name]
            assert isinstance(combo, QComboBox)
            combo.setCurrentIndex(max(0, combo.findData(getattr(data, name))))
        self.weeks.setText("" if data.gestational_weeks is None else str(data.gestational_weeks))
        self.days.setValue(data.gestational_days)
        self.weight.setText("" if data.birth_weight_g is None else str(data.birth_weight_g))
        for code, box in self.criteria.items():
            box.setChecked(code in data.inclusion_criteria)
        self.referent.set_value(data.referent_id)
        self.guardians.set_values(data.guardians)

    def collect(self) -> tuple[ChildData, list[FieldError]]:
        """What the form holds, and the problems found while reading it (dates that do not exist)."""
        problems: list[FieldError] = []
        dates: dict[str, date | None] = {}
        for name in DATES:
            field = self.editors[name]
            assert isinstance(field, DateField)
            dates[name] = field.value()
            error = field.error(name)
            if error is not None:
                problems.append(error)
        texts = {}
        for name in TEXTS:
            editor = self.editors[name]
            assert isinstance(editor, QLineEdit)
            texts[name] = editor.text()
        choices = {}
        for name in ("sex", "network", "risk_group", "identity_status", "exit_reason"):
            combo = self.editors[name]
            assert isinstance(combo, QComboBox)
            choices[name] = str(combo.currentData() or "")
        criteria = tuple(code for code, box in self.criteria.items() if box.isChecked())
        data = ChildData(
            gestational_weeks=int(self.weeks.text()) if self.weeks.text() else None,
            gestational_days=self.days.value(),
            birth_weight_g=int(self.weight.text()) if self.weight.text() else None,
            inclusion_criteria=criteria, referent_id=self.referent.value(), guardians=self.guardians.values(),
            **texts, **choices, **dates,  # type: ignore[arg-type]
        )
        return data, problems

    # -- saving
    def save(self) -> None:
        practice = self.open_practice()
        if practice is None:
            return
        data, problems = self.collect()
        if problems:
            blocking = [e for e in validate_child(data, self.today()) if e.blocking]
            self._show_errors(problems + blocking, data)
            return
        today, record = self.today(), self.record
        self.save_button.setEnabled(False)
        self.status.clear()
        if record is None:
            self.runner.run_op(lambda report: practice.write(create_child, data, today), self._saved,
                               lambda error: self._failed(error, data))
        else:
            self.runner.run_op(lambda report: practice.write(update_child, record.id, data, today),
                               lambda _: self._saved(record.id), lambda error: self._failed(error, data))

    def _saved(self, child_id: int) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(child_id)
        self.accept()

    def _failed(self, error: BaseException, data: ChildData) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self._show_errors(error.errors, data)
        else:
            self.status.setText(error_text(error))

    def _show_errors(self, errors: list[FieldError], data: ChildData) -> None:
        self._errors = errors
        for name, box in self._all_boxes().items():
            if id(box) not in self._watched:
                self._watched.add(id(box))
                box.fixed.connect(lambda name=name: self._field_fixed(name))
        orphans = self._display(errors + warnings_for(data, self.today()))
        lines = [tr("Corrigez les champs signalés : rien n'a été enregistré.")]
        lines += [error_text(ValidationError([e])) for e in orphans if e.blocking]
        self.status.setText(" ".join(lines))
        first = first_error_box(self._all_boxes(), errors)  # the first in the form's order
        if first is not None:
            self.scroll_area.ensureWidgetVisible(first)
            first.editor.setFocus()

    def _field_fixed(self, name: str) -> None:
        """The field was changed to a value that may be right: its error goes (the save checks it again)."""
        self._errors = [e for e in self._errors if e.field != name]

    def _all_boxes(self) -> dict[str, FieldBox]:
        return {**self.boxes, **self.guardians.boxes()}

    def _display(self, errors: list[FieldError]) -> list[FieldError]:
        return show_field_errors(self._all_boxes(), errors, focus=False)  # _show_errors focuses, scrolling

    def _refresh_warnings(self) -> None:
        """Warnings (orange) follow the typing; an error stays until its field is changed or the next save."""
        data, _ = self.collect()
        self._display(self._errors + warnings_for(data, self.today()))

    def field_text(self, name: str) -> str:
        """The message shown under a field ("" when none): what the user reads."""
        box = self._all_boxes().get(name)
        return box.text if box else ""
