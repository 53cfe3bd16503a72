"""Qt's own dialogs speak French; dates and numbers follow the French locale; DejaVu is loaded."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication, QDate, QLocale
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QToolButton

from cocon_desktop.ui.i18n import install_fonts, install_french, tr


def test_standard_buttons_dates_and_numbers_are_french(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert install_french(app)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save)
    qtbot.addWidget(buttons)
    texts = {b.text().replace("&", "") for b in buttons.buttons()}
    assert texts == {"Annuler", "Enregistrer"}
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    locale = QLocale()
    assert locale.language() == QLocale.Language.French
    assert locale.toString(QDate(date(2026, 3, 1)), "d MMMM yyyy") == "1 mars 2026"
    assert locale.toString(1234.5, "f", 2).replace("\u202f", " ").replace("\xa0", " ") == "1 234,50"


def test_shipped_fonts_are_loaded(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_fonts(app)
    assert "DejaVu Sans" in QFontDatabase.families()
    assert app.font().family() == "DejaVu Sans"


def test_qt_file_dialog_and_message_box_are_french(qtbot: QtBot) -> None:
    """Qt 6.12 asks « &Look in: » and « Files of &type: », which qtbase_fr.qm only knows without the « & »
    (issue 18, #13): the accelerator fallback answers with the catalogue's words."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert install_french(app)
    dialog = QFileDialog(None, "Choisir")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.text().replace("\xa0", " ") for label in dialog.findChildren(QLabel)}
    assert labels == {"&Voir dans :", "&Nom de fichier :", "&Fichiers de type :"}
    tips = {button.toolTip() for button in dialog.findChildren(QToolButton) if button.toolTip()}
    assert {"Précédent", "Dossier parent", "Créer un nouveau dossier", "Vue détaillée"} <= tips
    box = QMessageBox(QMessageBox.Icon.Question, "COCON", "?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Close)
    qtbot.addWidget(box)
    assert {button.text().replace("&", "") for button in box.buttons()} == {"Oui", "Non", "Fermer"}
    # the fallback answers nothing for what it does not know: the program's own words stay as written
    assert tr("Tableau de bord") == "Tableau de bord" and tr("&Fichier") == "&Fichier"
    assert QCoreApplication.translate("QFileDialog", "&Inconnu") == "&Inconnu"
