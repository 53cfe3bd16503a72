"""« À propos de COCON Desktop » : the version, the licences of the bundled components (read from the installed
packages' metadata, not hard-coded), and where the practice's data lives, with a button to open the folder."""

from __future__ import annotations

import importlib.metadata as metadata
import platform
import struct
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop import __version__
from cocon_desktop.paths import fonts_dir
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.icons import app_icon

# (distribution, what it does, the licence to show when the metadata names none in a short form)
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("PySide6_Essentials", "Qt for Python (interface)", "LGPL-3.0-only"),
    ("shiboken6", "Qt for Python (liaison)", "LGPL-3.0-only"),
    ("sqlcipher3", "SQLCipher (base chiffrée)", "zlib (module) ; SQLCipher : BSD-style"),
    ("SQLAlchemy", "SQLAlchemy (accès à la base)", "MIT"),
    ("alembic", "Alembic (mises à jour du schéma)", "MIT"),
    ("cryptography", "cryptography (chiffrement)", "Apache-2.0 OR BSD-3-Clause"),
    ("argon2-cffi", "argon2-cffi (phrase de passe)", "MIT"),
    ("pyhanko", "pyHanko (signature PAdES)", "MIT"),
    ("python-pkcs11", "python-pkcs11 (cartes et jetons)", "MIT"),
    ("reportlab", "ReportLab (PDF)", "BSD-3-Clause"),
    ("factur-x", "factur-x (Factur-X EN 16931)", "BSD-3-Clause"),
    ("pypdf", "pypdf (lecture des PDF)", "BSD-3-Clause"),
    ("pyqtgraph", "pyqtgraph (graphiques)", "MIT"),
    ("keyring", "keyring (trousseau du système)", "MIT"),
    ("httpx", "httpx (envoi au réseau)", "BSD-3-Clause"),
    ("jsonschema", "jsonschema (manifestes des lots)", "MIT"),
    ("babel", "Babel (formats français)", "BSD-3-Clause"),
    ("python-stdnum", "python-stdnum (numéros)", "LGPL-2.1-or-later"),
    ("holidays", "holidays (jours fériés)", "MIT"),
    ("platformdirs", "platformdirs (dossiers)", "MIT"),
)
PROGRAM_LICENCE = "AGPL-3.0-or-later"
MDI_VERSION = "6.9.96"  # the font tools/render_icons.py drew resources/icons/nav/ from


@dataclass(frozen=True)
class Component:
    name: str
    version: str  # "" when the distribution is not installed
    licence: str


def _short(text: str | None) -> str:
    """A licence field worth showing: one short line, not the whole licence text."""
    text = (text or "").strip()
    return text if text and "\n" not in text and len(text) <= 60 else ""


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""


def licence_of(meta: metadata.PackageMetadata, fallback: str) -> str:
    """License-Expression, else a short License field, else the trove classifier, else the fallback."""
    found = _short(_field(meta, "License-Expression")) or _short(_field(meta, "License"))
    if found:
        return found
    for classifier in map(str, meta.get_all("Classifier") or []):
        if classifier.startswith("License ::") and "OSI Approved ::" in classifier:
            return classifier.rsplit("::", 1)[-1].strip()
    return fallback


def font_version(path: Path) -> str:
    """The version string of a TrueType font (its `name` table, record 5), e.g. "2.37"; "" if unreadable."""
    try:
        data = path.read_bytes()
        for index in range(struct.unpack(">H", data[4:6])[0]):
            tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * index:28 + 16 * index])
            if tag != b"name":
                continue
            _, count, strings = struct.unpack(">HHH", data[offset:offset + 6])
            for record in range(count):
                start = offset + 6 + 12 * record
                platform_id, _, _, name_id, length, at = struct.unpack(">6H", data[start:start + 12])
                if name_id == 5:
                    raw = data[offset + strings + at:offset + strings + at + length]
                    text = raw.decode("utf-16-be") if platform_id in (0, 3) else raw.decode("latin-1")
                    return text.removeprefix("Version").strip()
    except (OSError, struct.error, UnicodeDecodeError):
        return ""
    return ""


def components() -> list[Component]:
    """The program itself, Python, the bundled packages (installed versions) and the DejaVu fonts."""
    found = [Component("COCON Desktop", __version__, PROGRAM_LICENCE),
             Component("Python", platform.python_version(), "PSF-2.0")]
    for distribution, label, fallback in COMPONENTS:
        try:
            meta = metadata.metadata(distribution)
        except metadata.PackageNotFoundError:
            found.append(Component(label, "", fallback))
            continue
        found.append(Component(label, _field(meta, "Version"), licence_of(meta, fallback)))
    found.append(Component(tr("Polices DejaVu"), font_version(fonts_dir() / "DejaVuSans.ttf"),
                           tr("Bitstream Vera / DejaVu, libre (LICENSE-DejaVu.txt)")))
    found.append(Component(tr("Material Design Icons (icônes de navigation)"), MDI_VERSION, "Apache-2.0"))
    return found


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.setWindowTitle(tr("À propos de COCON Desktop"))
        self.setObjectName("about_dialog")
        fit_to_screen(self, 680, 620)
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(self)
        title.setObjectName("about_title")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        title.setText("<h2 style='margin:0'>COCON Desktop</h2><p>" + tr("Version {0}").format(__version__) +
                      "<br>" + tr("Le logiciel du professionnel libéral dans le parcours COCON (soins précoces du "
                                  "nouveau-né vulnérable).") + "<br>" +
                      tr("Logiciel libre sous licence {0}.").format(PROGRAM_LICENCE) + "</p>")
        head.addWidget(title, 1)
        layout.addLayout(head)

        where = QLabel(tr("Les données du cabinet (base chiffrée, sauvegardes) sont dans ce dossier :"), self)
        where.setWordWrap(True)
        layout.addWidget(where)
        folder = QHBoxLayout()
        self.data_label = QLabel(str(data_dir), self)
        self.data_label.setObjectName("about_data_dir")
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_label.setWordWrap(True)
        folder.addWidget(self.data_label, 1)
        self.open_button = QPushButton(tr("Ouvrir le dossier"), self)
        self.open_button.setObjectName("about_open_data_dir")
        self.open_button.clicked.connect(self.open_data_dir)
        folder.addWidget(self.open_button)
        layout.addLayout(folder)

        layout.addWidget(QLabel(tr("Composants inclus et leurs licences :"), self))
        rows = components()
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setObjectName("about_components")
        self.table.setAccessibleName(tr("Composants et licences"))
        self.table.setHorizontalHeaderLabels([tr("Composant"), tr("Version"), tr("Licence")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        for row, component in enumerate(rows):
            for column, text in enumerate((component.name, component.version or tr("absent"), component.licence)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str, str]]:
        """What the table shows: (component, version, licence) per row."""
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.table.rowCount())]

    def open_data_dir(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir)))
