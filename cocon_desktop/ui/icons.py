"""The application icon (resources/icons) and the navigation icons (QtAwesome, Material Design Icons)."""

from __future__ import annotations

import os

from PySide6.QtGui import QIcon

from cocon_desktop.paths import resources_dir

BLUE = "#1f4e8c"  # the program's blue (links, headings, the application icon)
APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)
NAV_ICONS = {
    "dashboard": "mdi6.view-dashboard-outline",
    "children": "mdi6.baby-face-outline",
    "seances": "mdi6.calendar-check-outline",
    "invoicing": "mdi6.receipt-text-outline",
    "attestations": "mdi6.certificate-outline",
    "sync": "mdi6.cloud-sync-outline",
    "settings": "mdi6.cog-outline",
}


def app_icon() -> QIcon:
    """COCON Desktop's icon: the PNG sizes rendered from the SVG (tools/render_icons.py)."""
    folder = resources_dir() / "icons"
    icon = QIcon()
    for size in APP_ICON_SIZES:
        path = folder / f"cocon-desktop-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    if icon.isNull():
        icon = QIcon(str(folder / "cocon-desktop.svg"))
    return icon


def symbol(name: str, color: str = BLUE) -> QIcon:
    """A QtAwesome icon; an empty icon if the library or the symbol is missing (never an error)."""
    os.environ.setdefault("QT_API", "pyside6")  # QtPy, under QtAwesome, must use PySide6
    try:
        import qtawesome

        icon: QIcon = qtawesome.icon(name, color=color, color_active=color, color_selected="#102a43")
        return icon
    except Exception:  # a missing font must not stop the program
        return QIcon()


def navigation_icon(key: str) -> QIcon:
    return symbol(NAV_ICONS[key]) if key in NAV_ICONS else QIcon()
