"""Reprints and print runs of issued documents: the "DUPLICATA" mark, and several PDFs bound into one file.

A duplicata is the PDF **as issued**, byte for byte, followed by an incremental update that shows the mark on
every page: the original bytes are a prefix of the duplicata, so its signature still covers them, and the update
only adds read-only, unsigned signature fields whose appearance is the mark. Validators with a difference
analysis (pyHanko's default policy) class that as form filling, allowed after a signature without a
/DocMDP restriction: the original signature stays VALID (issue 20, #2; `pdfsig` agrees). Drawing the mark into
the pages' content, as before, made pyHanko judge it INVALID."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pypdf import PdfReader, PdfWriter

from cocon_desktop.documents.formatting import short_date
from cocon_desktop.documents.watermark import watermark_page

MARK = "DUPLICATA"
_PRINT, _READ_ONLY, _LOCKED = 4, 64, 128  # annotation flags (ISO 32000-1, 12.5.3)


def _overlay(number: str, issued: date, printed: date) -> bytes:
    """One A4 page: a large diagonal mark and, at the top, which document this duplicates."""
    return watermark_page(MARK, f"{MARK} — copie du document n° {number} émis le {short_date(issued)}, "
                                f"réimprimée le {short_date(printed)}",
                          colour=(0.75, 0.1, 0.1), caption_colour=(0.7, 0.1, 0.1), size=84)


def mark_duplicata(pdf: bytes, number: str, issued: date, printed: date) -> bytes:
    """The issued PDF with "DUPLICATA" on every page, appended as an incremental update (see the module).

    The mark is not page content (changing a signed page is what validators refuse): on each page it is the
    appearance of a new, read-only, unsigned signature field covering the page — the one kind of object
    pyHanko's difference analysis accepts after a signature without a /DocMDP (form filling)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(_overlay(number, issued, printed))), page_ix=0)
    taken = {name for name, _, _ in fields.enumerate_sig_fields(writer)}
    prefix = next(f"{MARK}{suffix}" for suffix in ("", *range(2, 1000)) if not any(
        str(name).startswith(f"{MARK}{suffix}-") for name in taken))  # a duplicata of a duplicata: new names
    for index in range(int(writer.root["/Pages"]["/Count"])):
        page_ref, _ = writer.find_page_for_modification(index)  # type: ignore[no-untyped-call]
        x1, y1, x2, y2 = (float(v) for v in page_ref.get_object()["/MediaBox"])
        box = (int(min(x1, x2)), int(min(y1, y2)), round(max(x1, x2)), round(max(y1, y2)))
        name = f"{prefix}-{index + 1}"
        fields.append_signature_field(writer, fields.SigFieldSpec(
            sig_field_name=name, on_page=index, box=box, readable_field_name=f"{MARK} (page {index + 1})"))
        (_, _, field), = fields.enumerate_sig_fields(writer, with_name=name)
        widget = field.get_object()
        widget[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): xobject})  # type: ignore[no-untyped-call]
        widget[pdf_name("/F")] = generic.NumberObject(_PRINT | _READ_ONLY | _LOCKED)  # type: ignore[no-untyped-call]
        widget[pdf_name("/Ff")] = generic.NumberObject(1)  # type: ignore[no-untyped-call]  # ReadOnly: no one signs it
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _entry(dictionary: generic.DictionaryObject, key: str) -> Any:
    """The value under `key`, dereferenced (pyHanko's indexing dereferences; `get` does not), or None."""
    try:
        return dictionary[key]
    except KeyError:
        return None


def _appearances(page: generic.DictionaryObject) -> tuple[list[str], dict[str, generic.IndirectObject]]:
    """The drawing operations and XObjects that paint each widget's normal appearance where it stands."""
    operations: list[str] = []
    xobjects: dict[str, generic.IndirectObject] = {}
    resources = _entry(page, "/Resources")
    drawn = _entry(resources, "/XObject") if isinstance(resources, generic.DictionaryObject) else None
    if isinstance(drawn, generic.DictionaryObject) and any(str(k).startswith("/CoconAppearance") for k in drawn):
        return operations, xobjects  # already a printable copy
    for index, annotation in enumerate(_entry(page, "/Annots") or []):
        widget = annotation.get_object()
        appearance = widget.get("/AP")
        normal = appearance.raw_get("/N") if isinstance(appearance, generic.DictionaryObject) else None
        if widget.get("/Subtype") != "/Widget" or not isinstance(normal, generic.IndirectObject):
            continue
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        b1, c1, b2, c2 = (float(v) for v in normal.get_object()["/BBox"])  # type: ignore[no-untyped-call]
        # boxes may be written corner to corner in any order: map the BBox's lower left onto the Rect's
        sx = abs(x2 - x1) / abs(b2 - b1) if b2 != b1 else 1.0
        sy = abs(y2 - y1) / abs(c2 - c1) if c2 != c1 else 1.0
        name = f"/CoconAppearance{index}"
        xobjects[name] = normal
        operations.append(f"q {sx:.6f} 0 0 {sy:.6f} {min(x1, x2) - min(b1, b2) * sx:.4f} "
                          f"{min(y1, y2) - min(c1, c2) * sy:.4f} cm {name} Do Q")
    return operations, xobjects


def printable(pdf: bytes) -> bytes:
    """A copy to show and print where the signature stamp (a signature field's appearance) is page content too.

    QtPdf's renderer leaves form widgets out, so the PAdES stamp would neither show in the preview nor print;
    here each widget's appearance is also drawn in the page (exactly over it), in an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    begin: generic.IndirectObject | None = None
    for index in range(int(writer.root["/Pages"]["/Count"])):
        page_ref, _ = writer.prev.find_page_for_modification(index)  # type: ignore[no-untyped-call]
        operations, xobjects = _appearances(page_ref.get_object())
        if not operations:
            continue
        begin = begin or writer.add_object(generic.StreamObject(stream_data=b"q\n"))
        end = writer.add_object(generic.StreamObject(stream_data=("\nQ " + " ".join(operations) + "\n").encode()))
        resources = generic.DictionaryObject({  # type: ignore[no-untyped-call]
            pdf_name("/XObject"): generic.DictionaryObject({pdf_name(k): v for k, v in xobjects.items()}),  # type: ignore[no-untyped-call]
        })
        writer.add_stream_to_page(index, begin, prepend=True)  # type: ignore[no-untyped-call]
        writer.add_stream_to_page(index, end, resources=resources)  # type: ignore[no-untyped-call]
    if begin is None:
        return pdf
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def combine(pdfs: Sequence[bytes]) -> bytes:
    """Several documents as one file to print, in the order given: signatures do not survive (print only), their
    stamps do (see `printable`)."""
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(printable(pdf))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
