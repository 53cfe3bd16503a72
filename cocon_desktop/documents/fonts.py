"""Fonts and colour profile for PDF/A documents: DejaVu (embedded, covers French typography) and sRGB.

reportlab's standard Helvetica is never embedded (PDF/A forbids that) and lacks U+202F, the narrow
no-break space that French number formatting uses. Every document of the program draws with the
DejaVu fonts shipped in resources/fonts, registered here once.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from cocon_desktop.paths import fonts_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
MONO = "DejaVuSansMono"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf",
          MONO: "DejaVuSansMono.ttf"}


_ORIGINAL_SUBSET_TAG = ttfonts.SUBSETN
_writing = threading.local()  # the font whose subsets are being written by this thread, if any


def subset_tag(font_name: bytes, code_points: list[int]) -> bytes:
    """Six capital letters derived from the font and the glyphs of one subset (ISO 32000-1, 9.6.4: different
    subsets get different tags). reportlab names every first subset "AAAAAA": the invoice's DejaVuSans and
    the signature stamp's, different glyph sets in the same file, would share one name."""
    digest = hashlib.sha256(font_name + b"\0" + ",".join(map(str, code_points)).encode("ascii")).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(6):
        number, rest = divmod(number, 26)
        letters.append(65 + rest)
    return bytes(letters)


def _subset_tag(n: int, *args: Any) -> bytes:
    font: _TaggedTTFont | None = getattr(_writing, "font", None)
    if font is None:
        return bytes(_ORIGINAL_SUBSET_TAG(n, *args))
    return subset_tag(font.face.name + font.face.subfontNameX, font.state[_writing.doc].subsets[n])


class _TaggedTTFont(TTFont):  # type: ignore[misc]  # reportlab ships no type hints
    """A TrueType font whose subsets are tagged by `subset_tag` when reportlab writes them."""

    def addObjects(self, doc: Any) -> None:
        _writing.font, _writing.doc = self, doc
        try:
            super().addObjects(doc)
        finally:
            _writing.font = _writing.doc = None


ttfonts.SUBSETN = _subset_tag  # reportlab's addObjects reads this module global; other fonts keep its names


def font_path(name: str) -> Path:
    """The TrueType file of one of the registered fonts (pyHanko's stamp embeds it too)."""
    return fonts_dir() / _FILES[name]


@functools.cache
def register_fonts() -> None:
    """Register the DejaVu family with reportlab (idempotent) and make it the canvas default.

    `rl_config.canvas_basefontname` is read by reportlab.lib.styles at its import; documents here
    name their fonts explicitly anyway, so the import order of reportlab's modules does not matter."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(_TaggedTTFont(name, str(fonts_dir() / file)))
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
