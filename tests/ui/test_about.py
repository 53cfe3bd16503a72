"""The About box (version, licences read from the installed packages, the data folder), the application icon
and the navigation icons."""

from __future__ import annotations

import importlib.metadata as metadata
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QApplication

from cocon_desktop import __version__
from cocon_desktop.app import make_application
from cocon_desktop.paths import resources_dir
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.about_dialog import AboutDialog, components, font_version, licence_of
from cocon_desktop.ui.icons import APP_ICON_SIZES, NAV_ICONS
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner


def _window(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _rows(dialog: AboutDialog) -> dict[str, tuple[str, str]]:
    return {name: (version, licence) for name, version, licence in dialog.rows()}


def test_f1_opens_the_about_box_with_version_licences_and_data_folder(
        qtbot: QtBot, practice: Practice, monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, practice)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.about_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "À propos de COCON Desktop"
    assert f"Version {__version__}" in dialog.findChild(type(dialog.data_label), "about_title").text()
    assert dialog.data_label.text() == str(practice.data_dir)

    rows = _rows(dialog)
    assert rows["COCON Desktop"] == (__version__, "AGPL-3.0-or-later")
    qt_version, qt_licence = rows["Qt for Python (interface)"]
    assert qt_version == metadata.version("PySide6_Essentials") and "LGPL-3.0" in qt_licence
    assert rows["SQLAlchemy (accès à la base)"] == (metadata.version("SQLAlchemy"), "MIT")
    assert rows["pyHanko (signature PAdES)"] == (metadata.version("pyhanko"), "MIT")
    assert rows["ReportLab (PDF)"] == (metadata.version("reportlab"), "BSD License")  # from the classifier
    assert rows["factur-x (Factur-X EN 16931)"][1] == "BSD License"
    assert "Apache-2.0" in rows["cryptography (chiffrement)"][1]
    assert rows["pyqtgraph (graphiques)"] == (metadata.version("pyqtgraph"), "MIT")
    assert "BSD" in rows["SQLCipher (base chiffrée)"][1]  # no licence in its metadata: the fallback
    assert rows["Polices DejaVu"][0] == "2.37" and "DejaVu" in rows["Polices DejaVu"][1]
    assert all(version != "absent" for version, _ in rows.values()), rows

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert [Path(url.toLocalFile()) for url in opened] == [practice.data_dir]

    window.about_button.click()  # the « ? » button: the same box, not a second one
    assert window.about_dialog is dialog
    dialog.reject()


def test_licence_field_choice() -> None:
    class Meta(dict[str, str]):
        def get_all(self, name: str) -> list[str] | None:
            if name == "Classifier":
                return self.get("classifiers", "").split("|")
            return [self[name]] if name in self else None

    assert licence_of(Meta({"License-Expression": "MIT", "License": "whatever"}), "x") == "MIT"  # type: ignore[arg-type]
    long_text = Meta({"License": "Copyright (c) 2016\nRedistribution and use…",
                      "classifiers": "License :: OSI Approved :: BSD License"})
    assert licence_of(long_text, "x") == "BSD License"  # type: ignore[arg-type]
    assert licence_of(Meta({}), "BSD-style") == "BSD-style"  # type: ignore[arg-type]
    assert font_version(Path("/nonexistent.ttf")) == ""
    assert len(components()) > 20


def test_every_navigation_entry_has_an_icon(qtbot: QtBot, practice: Practice) -> None:
    window = _window(qtbot, practice)
    assert set(window.page_keys) <= set(NAV_ICONS)
    for row in range(window.nav.count()):
        icon = window.nav.item(row).icon()
        assert not icon.isNull(), window.page_keys[row]
        assert not icon.pixmap(20, 20).toImage().isNull()


def test_application_icon_from_svg_and_png_sizes(qtbot: QtBot) -> None:
    folder = resources_dir() / "icons"
    assert (folder / "cocon-desktop.svg").read_text().lstrip().startswith("<?xml")
    for size in APP_ICON_SIZES:
        image = QImage(str(folder / f"cocon-desktop-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        centre = image.pixelColor(size // 2, size // 5)  # the blue square, above the nest
        assert centre.blue() > centre.red() and centre.alpha() == 255
    app = make_application([])
    assert app is QApplication.instance()
    icon = app.windowIcon()
    assert not icon.isNull() and set(APP_ICON_SIZES) <= {s.width() for s in icon.availableSizes()}
