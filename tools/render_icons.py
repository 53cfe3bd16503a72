"""Render resources/icons/cocon-desktop.svg to the PNG sizes and the Windows .ico (committed with the SVG).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
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


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = render(ICONS / "cocon-desktop.svg", ICONS)
    for path in [*pngs, windows_icon(pngs, ICONS / "cocon-desktop.ico")]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
