"""Render resources/icons/cocon-desktop.svg to the PNG sizes and the Windows .ico (committed with the SVG), and the
navigation icons (Material Design Icons, through QtAwesome, a development-only dependency) to
resources/icons/nav/: the program loads PNG files at start instead of importing QtAwesome (0.3–0.5 s).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 32, 48, 64, 128, 256)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(svg: Path, out_dir: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out_dir / f"{svg.stem}-{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        written.append(path)
    return written


def windows_icon(pngs: list[Path], out: Path) -> Path:
    """The .ico of the Windows installer and executable (every size in one file), written by Pillow."""
    from PIL import Image

    largest = Image.open(max(pngs, key=lambda p: int(p.stem.rsplit("-", 1)[1])))
    largest.save(out, format="ICO", sizes=[(s, s) for s in SIZES])
    return out


def navigation_icons(out_dir: Path) -> list[Path]:
    """Each navigation symbol in the program's blue, and in the selected row's dark blue, at NAV_ICON_SIZES."""
    import os

    os.environ.setdefault("QT_API", "pyside6")  # QtPy, under QtAwesome, must use PySide6
    import qtawesome

    from cocon_desktop.ui.icons import BLUE, NAV_ICON_SIZES, NAV_ICONS, SELECTED

    out_dir.mkdir(exist_ok=True)
    written = []
    for key, name in NAV_ICONS.items():
        for suffix, color in (("", BLUE), ("-selected", SELECTED)):
            icon = qtawesome.icon(name, color=color)
            for size in NAV_ICON_SIZES:
                path = out_dir / f"{key}-{size}{suffix}.png"
                if not icon.pixmap(size, size).save(str(path)):
                    raise SystemExit(f"could not write {path}")
                written.append(path)
    (out_dir / "SOURCE.txt").write_text(
        "Material Design Icons (https://pictogrammers.com), Apache License 2.0, rendered from the font shipped\n"
        f"with QtAwesome {qtawesome.__version__} by tools/render_icons.py.\n", encoding="utf-8")
    return written


def main() -> int:
    from PySide6.QtWidgets import QApplication  # QtAwesome needs a QApplication

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    pngs = render(ICONS / "cocon-desktop.svg", ICONS)
    for path in [*pngs, windows_icon(pngs, ICONS / "cocon-desktop.ico"), *navigation_icons(ICONS / "nav")]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
