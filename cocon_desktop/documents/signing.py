"""PAdES signature of invoices (pyHanko), with a visible French stamp on the last page, and its validation.

Signing appends an incremental update: every byte before it (the pages, the Factur-X attachment, the XMP)
stays as it was. pyHanko's synchronous API calls `asyncio.run`: call these functions from a worker
thread (the UI's `run_task`), never inside a running event loop.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.extensions import DeveloperExtension
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cocon_desktop.documents import fonts
from cocon_desktop.documents.facturx import embed_facturx
from cocon_desktop.documents.formatting import date_time
from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.pdf_page import INK, MUTED, SIGNATURE_BOX
from cocon_desktop.security.certificate import describe_certificate
from cocon_exchange.pdf_signature import NOT_SIGNED as NOT_SIGNED
from cocon_exchange.pdf_signature import SignatureCheck as SignatureCheck
from cocon_exchange.pdf_signature import asn1_certificates
from cocon_exchange.pdf_signature import embedded_signer_certificate as embedded_signer_certificate
from cocon_exchange.pdf_signature import validate as validate

FIELD_NAME = "Signature1"
INVOICE_REASON = "Facture émise et signée par le cabinet"
ATTESTATION_REASON = "Attestation délivrée et signée par le cabinet"
BYTES_RESERVED = 16384  # room for the CMS: an ECDSA P-256 signature with a short chain needs ~2 KB
PDF_VERSION = (1, 7)  # PDF/A-3 is built on ISO 32000-1 (PDF 1.7): the signature's revision must not raise it
PARIS = ZoneInfo("Europe/Paris")


def _stamp_pdf(signer: str, when: datetime) -> bytes:
    """The stamp's look, drawn by reportlab with the embedded DejaVu fonts (PDF/A: no standard font).

    `when` is shown in Paris time, and says so: a reader elsewhere knows which hour it is."""
    fonts.register_fonts()
    x1, y1, x2, y2 = SIGNATURE_BOX
    width, height = x2 - x1, y2 - y1
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), initialFontName=fonts.REGULAR)
    canvas.setStrokeColorRGB(0.12, 0.35, 0.55)
    canvas.setLineWidth(0.8)
    canvas.roundRect(0.5, 0.5, width - 1, height - 1, 4)
    canvas.setFillColorRGB(*MUTED)
    canvas.setFont(fonts.REGULAR, 7)
    canvas.drawString(7, height - 13, "Signé électroniquement par")
    canvas.setFillColorRGB(*INK)
    size = 9.0  # a long name gets a smaller font rather than running out of the box
    while size > 5 and stringWidth(signer, fonts.BOLD, size) > width - 14:
        size -= 0.5
    canvas.setFont(fonts.BOLD, size)
    canvas.drawString(7, height - 26, signer)
    canvas.setFont(fonts.REGULAR, 7.5)
    canvas.drawString(7, height - 39, f"le {date_time(when)} (heure de Paris)")
    canvas.setFillColorRGB(*MUTED)
    canvas.setFont(fonts.REGULAR, 6.5)
    canvas.drawString(7, 6, "Signature PAdES — certificat du cabinet")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


class _ImportedStamp(content.PdfContent):
    """A one-page PDF (in memory) used as the stamp's appearance, imported as a form XObject."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self._pdf)), page_ix=0)
        self.resources.xobject["/Stamp"] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return b"/Stamp Do"


_XMP_VALUES = {key: re.compile(rf"<{key}>([^<]*)</{key}>") for key in
               ("pdf:Producer", "xmp:CreateDate", "xmp:ModifyDate", "pdf:Keywords")}
_INFO_KEPT = ("/Title", "/Author", "/Subject", "/Creator")


class _MetadataKeepingWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the XMP packet factur-x wrote as it is.

    pyHanko rewrites the XMP packet in the signature's revision, which renames the Factur-X properties'
    "fx:" prefix (the PDF/A extension schema declares "fx") and writes "pdf:keywords" in lower case.
    Here the packet stays byte-identical and only the Info dictionary is aligned on it, as PDF/A asks:
    same producer and dates, no /Keywords (factur-x writes it in Info only) and no /Trapped.

    It also keeps the document at PDF 1.7, the base of PDF/A-3: pyHanko would set the catalog's /Version to
    2.0 for an ECDSA P-256 key (ISO 32002's extension). PAdES in PDF 1.7 is declared by the ESIC extension,
    which pyHanko registers too; ECDSA signatures are allowed there (ETSI EN 319 142-1)."""

    def __init__(self, input_stream: io.BytesIO) -> None:
        super().__init__(input_stream)
        version = generic.pdf_name(f"/{PDF_VERSION[0]}.{PDF_VERSION[1]}")
        if self.root.get("/Version") != version:  # said in the catalog too, not only in the header
            self.root["/Version"] = version
            self.update_root()  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated

    def ensure_output_version(self, version: tuple[int, int]) -> None:
        super().ensure_output_version(min(version, PDF_VERSION))  # type: ignore[no-untyped-call]

    def register_extension(self, ext: DeveloperExtension) -> None:
        if ext.base_version == generic.pdf_name(f"/{PDF_VERSION[0]}.{PDF_VERSION[1]}"):
            super().register_extension(ext)  # ESIC (PAdES on 1.7); the 2.0-based ones would contradict 1.7

    def _update_meta(self) -> None:
        info = self.trailer["/Info"] if self._info is not None else None
        if not isinstance(info, generic.DictionaryObject) or "/Metadata" not in self.root:
            return
        xmp = self.root["/Metadata"].data.decode("utf-8", "replace")
        values = {key: match.group(1) for key, pattern in _XMP_VALUES.items() if (match := pattern.search(xmp))}
        wanted: dict[str, generic.PdfObject] = {key: info[key] for key in _INFO_KEPT if key in info}
        if "pdf:Producer" in values:
            wanted["/Producer"] = generic.TextStringObject(values["pdf:Producer"])
        if "pdf:Keywords" in values:
            wanted["/Keywords"] = generic.TextStringObject(values["pdf:Keywords"])
        for xmp_key, info_key in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
            if xmp_key in values:
                wanted[info_key] = generic.pdf_date(datetime.fromisoformat(values[xmp_key]))
        if dict(info) != wanted and self._info is not None:
            for key in [k for k in info if k not in wanted]:
                del info[key]
            info.update({generic.NameObject(key): value for key, value in wanted.items()})
            self.mark_update(self._info)


def sign_pdf(pdf: bytes, certificate_pem: bytes, private_key_der: bytes, *, when: datetime | None = None,
             reason: str = INVOICE_REASON) -> bytes:
    """PAdES-B-B signature (SHA-256) in field "Signature1", visible at the bottom right of the last page."""
    chain = asn1_certificates(certificate_pem)
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # pyhanko-certvalidator's hints stop here
    for certificate in chain[1:]:  # the signer's own certificate goes in once, as signing_cert
        registry.register(certificate)
    signer = signers.SimpleSigner(
        signing_cert=chain[0], signing_key=asn1_keys.PrivateKeyInfo.load(private_key_der),
        cert_registry=registry,
    )
    return sign_with(pdf, signer, describe_certificate(certificate_pem).common_name, when=when, reason=reason)


def _signer_certificate_once(signer: signers.Signer) -> None:
    """pyHanko puts in the CMS every certificate of the signer's registry plus the signing certificate: when
    the registry holds the signing certificate too (a PKCS#11 signer registers it), the CMS carries it twice.
    The registry is narrowed to the other certificates (pyHanko keeps it in `_cert_registry`)."""
    own = signer.signing_cert.dump() if signer.signing_cert is not None else None
    others = [c for c in signer.cert_registry if c.dump() != own]
    if len(others) != len(list(signer.cert_registry)):
        registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        for certificate in others:
            registry.register(certificate)
        signer._cert_registry = registry


def sign_with(pdf: bytes, signer: signers.Signer, name: str, *, when: datetime | None = None,
              reason: str = INVOICE_REASON) -> bytes:
    """The signature itself, whatever holds the key (the database or a PKCS#11 token): same field, same stamp,
    the signing certificate once in the CMS."""
    _signer_certificate_once(signer)
    moment = (when or datetime.now()).astimezone(PARIS)
    style = StaticStampStyle(
        background=_ImportedStamp(_stamp_pdf(name, moment)), border_width=0, background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN,
                                                     y_align=layout.AxisAlignment.ALIGN_MIN,
                                                     margins=layout.Margins(0, 0, 0, 0)),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        name=name, location="France", reason=reason,
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=SIGNATURE_BOX),
    )
    writer = _MetadataKeepingWriter(io.BytesIO(pdf))
    out = pdf_signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED, output=io.BytesIO())
    return bytes(out.getvalue())


def render_signed_invoice(data: InvoiceData, certificate_pem: bytes, private_key_der: bytes,
                          *, when: datetime | None = None) -> bytes:
    """The invoice as issued: rendered (PDF/A-3b), Factur-X XML embedded, then signed."""
    return sign_pdf(embed_facturx(render_invoice_pdf(data), data), certificate_pem, private_key_der, when=when)
