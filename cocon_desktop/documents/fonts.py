"""Fonts and colour profile for PDF/A documents: DejaVu (embedded, covers French typography) and sRGB.

reportlab's standard Helvetica is never embedded (PDF/A forbids that) and lacks U+202F, the narrow
no-break space that French number formatting uses. Every document of the program draws with the
DejaVu fonts shipped in resources/fonts, registered here once.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from cocon_desktop.paths import fonts_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
MONO = "DejaVuSansMono"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf",
          MONO: "DejaVuSansMono.ttf"}


def font_path(name: str) -> Path:
    """The TrueType file of one of the registered fonts (pyHanko's stamp embeds it too)."""
    return fonts_dir() / _FILES[name]


@functools.cache
def register_fonts() -> None:
    """Register the DejaVu family with reportlab (idempotent) and make it the canvas default.

    `rl_config.canvas_basefontname` is read by reportlab.lib.styles at its import; documents here
    name their fonts explicitly anyway, so the import order of reportlab's modules does not matter."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
    rl_config.canvas_basefontname = REGULAR


@functools.cache
def srgb_icc_profile() -> bytes:
    """An sRGB ICC profile made by LittleCMS (through Pillow), for the PDF/A OutputIntent."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())
