"""The copy of a stored PDF that the window shows: QtPdf leaves form widgets out, so the PAdES stamp (a signature
field's appearance) is also drawn as page content (`documents/duplicata.printable`, an incremental update). The file
saved, exported or sent stays the signed one."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def with_stamps(pdf: bytes) -> bytes:
    """The copy to show, or the bytes given if the stamp cannot be drawn (a PDF pyHanko cannot rewrite is still
    shown, without its stamp). Off the GUI thread: ~10 ms for an invoice, ~0.5 s the first time (pyHanko's
    import)."""
    from cocon_desktop.documents.duplicata import printable

    try:
        return printable(pdf)
    except Exception as error:
        log.warning("signature stamp not drawn for the preview: %s", type(error).__name__)
        return pdf
