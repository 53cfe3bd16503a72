"""French everywhere: Qt's own translations, the French locale, the shipped DejaVu fonts."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from cocon_desktop.errors import CoconError, FieldError
from cocon_desktop.paths import fonts_dir

log = logging.getLogger(__name__)
_translators: list[QTranslator] = []


class AcceleratorFallback(QTranslator):
    """Qt's own strings that gained an accelerator after its French catalogue was written: Qt 6.12's file dialog
    asks « &Look in: » and « Files of &type: » where qtbase_fr.qm only knows « Look in: » and « Files of type: »;
    this answers with the catalogue's words for the text without its « & », marked on their first letter."""

    def __init__(self, parent: QObject, catalogues: list[QTranslator]) -> None:
        super().__init__(parent)
        self.catalogues = catalogues

    def isEmpty(self) -> bool:
        return False

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        """None (a null QString: no answer) when it has none — "" would be an answer, and every text empty."""
        if not context.startswith("Q") or "&" not in source or "&&" in source:
            return None  # Qt's own classes only (QFileDialog…): the program's sentences are French already
        plain = source.replace("&", "")
        for catalogue in self.catalogues:
            words = catalogue.translate(context, plain, disambiguation, n)
            if words:
                return "&" + words
        return None


def install_french(app: QApplication) -> bool:
    """Load Qt's French translations (standard dialogs, buttons) and the French locale."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = False
    catalogues: list[QTranslator] = []
    fallback = AcceleratorFallback(app, catalogues)
    app.installTranslator(fallback)  # installed first, so asked last: only when the catalogues have no answer
    _translators.append(fallback)
    for name in ("qtbase_fr", "qt_fr"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
            catalogues.append(translator)
            loaded = True
    if not loaded:
        log.warning("Qt's French translations were not found in %s", folder)
    return loaded


FIRST_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")  # what the first window draws with


def install_fonts(app: QApplication) -> None:
    """The shipped DejaVu fonts: regular and bold now, the others (oblique, mono: the recovery key) right after
    the first paint — Qt reads each whole file (0.3–0.8 MB) when it is registered."""
    paths = sorted(fonts_dir().glob("*.ttf"))
    for path in paths:
        if path.name in FIRST_FONTS:
            QFontDatabase.addApplicationFont(str(path))
    later = [str(path) for path in paths if path.name not in FIRST_FONTS]
    QTimer.singleShot(0, lambda: [QFontDatabase.addApplicationFont(path) for path in later])
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    app.setFont(font)


def tr(text: str, context: str = "cocon") -> str:
    return QCoreApplication.translate(context, text)


def message(code: str, data: dict[str, Any] | None = None) -> str:
    """The French sentence for a core code, through Qt's translation layer."""
    from cocon_desktop import messages  # ~400 sentences: read at the first message, not to show the window

    template = tr(messages.template(code, data), "messages")
    try:
        return template.format(**(data or {}))
    except (KeyError, IndexError, ValueError):
        return template


def ntr(singular: str, plural: str, count: int) -> str:
    """ngettext: the French singular (0 and 1) or plural of a sentence, translated; the caller fills the count in:
    ntr("{0} facture émise", "{0} factures émises", n).format(n)."""
    from cocon_desktop import messages

    return tr(messages.plural(count, singular, plural))


def agreed(sex: str, masculine: str, feminine: str) -> str:
    """A word agreed with a person's sex: agreed(child.sex, "né le {0}", "née le {0}") (messages.agreed)."""
    from cocon_desktop import messages

    return tr(messages.agreed(sex, masculine, feminine))


def line_message(code: str, data: dict[str, Any]) -> str:
    """A dashboard line's French sentence (messages.line_text), through Qt's translation layer."""
    from cocon_desktop import messages

    return messages.line_text(code, data, lambda template: tr(template, "messages"))


def error_text(error: BaseException) -> str:
    if isinstance(error, CoconError):
        from cocon_desktop import messages

        return tr(messages.describe(error), "messages")
    if isinstance(error, OSError):
        return tr("Erreur d'accès au disque : {0}").format(error.strerror or error)
    return tr("Erreur inattendue : {0}").format(type(error).__name__)


def field_text(error: FieldError) -> str:
    return message(error.code, error.data)
