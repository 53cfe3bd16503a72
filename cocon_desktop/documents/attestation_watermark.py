"""« APERÇU — non émise »: the mark of an attestation shown before it is issued (no number used, nothing stored),
drawn across every page so that a printed preview can never pass for the attestation itself."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from cocon_desktop.documents.watermark import watermark_page

MARK = "APERÇU — non émise"
NUMBER = "(aperçu)"  # where the number goes: none is used before the attestation is issued


def _overlay() -> bytes:
    return watermark_page(MARK, f"{MARK} : aucun numéro attribué, ce document n'a pas de valeur d'attestation",
                          colour=(0.1, 0.3, 0.7), caption_colour=(0.1, 0.3, 0.7), size=56)


def mark_preview(pdf: bytes) -> bytes:
    """Every page of `pdf` with the « APERÇU — non émise » mark drawn over it."""
    stamp = PdfReader(io.BytesIO(_overlay())).pages[0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
