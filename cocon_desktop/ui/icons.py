"""The application icon and the navigation icons (Material Design Icons), as files under resources/icons."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from cocon_desktop.paths import resources_dir

BLUE = "#1f4e8c"  # the program's blue (links, headings, the application icon)
SELECTED = "#102a43"  # the selected navigation row's text
NAV_ICON_SIZES = (16, 24, 32, 48)
APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)
NAV_ICONS = {  # QtAwesome names, rendered by tools/render_icons.py
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


def navigation_icon(key: str) -> QIcon:
    """The page's symbol, pre-rendered (tools/render_icons.py): blue, dark blue on the selected row; an empty icon
    if the files are missing (never an error)."""
    folder = resources_dir() / "icons" / "nav"
    icon = QIcon()
    for size in NAV_ICON_SIZES:
        for suffix, mode in (("", QIcon.Mode.Normal), ("-selected", QIcon.Mode.Selected)):
            path = folder / f"{key}-{size}{suffix}.png"
            if path.is_file():
                icon.addFile(str(path), QSize(size, size), mode)
    return icon
