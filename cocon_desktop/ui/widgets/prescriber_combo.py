"""A combo of the doctors in the directory, ending with "Nouveau médecin…" which opens a small dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from cocon_desktop.domain.prescription import PrescriberData
from cocon_desktop.services.prescribers import list_prescribers
from cocon_desktop.ui.dialogs.prescriber_dialog import PrescriberDialog
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner

NEW = -1  # the data of the "Nouveau médecin…" item


def prescriber_label(prescriber: PrescriberData) -> str:
    details = ", ".join(part for part in (prescriber.place.strip(), prescriber.city.strip()) if part)
    return f"{prescriber.display_name} ({details})" if details else prescriber.display_name


class PrescriberCombo(QComboBox):
    """`value()` is the chosen prescriber's id, None for "non renseigné"."""

    def __init__(self, practice: PracticeSource, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner = practice, runner
        self.prescribers: list[PrescriberData] = []
        self.dialog: PrescriberDialog | None = None
        self._wanted: int | None = None
        self._previous = 0
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self._fill()
        self.activated.connect(self._activated)

    def load(self, select: int | None = None) -> None:
        """Read the directory (in the background), then select `select` (or keep the current choice)."""
        if select is not None:
            self._wanted = select
        elif self.prescribers:
            self._wanted = self.value()
        practice = self.open_practice()
        if practice is not None:
            self.runner.run(lambda: practice.read(list_prescribers), self._loaded, lambda _: None)

    def _loaded(self, prescribers: list[PrescriberData]) -> None:
        self.prescribers = prescribers
        self._fill()

    def _fill(self) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem(tr("— non renseigné —"), None)
        for prescriber in self.prescribers:
            self.addItem(prescriber_label(prescriber), prescriber.id)
        self.addItem(tr("Nouveau médecin…"), NEW)
        self.setCurrentIndex(max(0, self.findData(self._wanted)) if self._wanted is not None else 0)
        self._previous = self.currentIndex()
        self.blockSignals(False)

    def value(self) -> int | None:
        data = self.currentData()
        return int(data) if isinstance(data, int) and data != NEW else None

    def set_value(self, prescriber_id: int | None) -> None:
        self._wanted = prescriber_id
        index = self.findData(prescriber_id) if prescriber_id is not None else 0
        if index >= 0:
            self.setCurrentIndex(index)
            self._previous = index

    def _activated(self, index: int) -> None:
        if self.itemData(index) != NEW:
            self._previous = index
            return
        self.setCurrentIndex(self._previous)  # until the new doctor is saved
        self.dialog = PrescriberDialog(self.open_practice, self.runner, self.window())
        self.dialog.saved.connect(lambda new_id: self.load(select=new_id))
        self.dialog.open()
