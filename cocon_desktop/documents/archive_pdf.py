"""A compact, unsigned one-page PDF for the large demo's archived invoices (`cocon demo --size large`).

A real invoice (PDF/A-3b, Factur-X, PAdES) costs ~135 ms and ~115 KB to issue here: 12,000 of them would take
27 minutes and 1.4 GB. The large demo gives its older invoices this page instead — the same number, period,
lines and total, written by hand in a few microseconds, and saying plainly that it is a load-test copy,
unsigned. `cocon verify` therefore stops at the first of them (see docs/performance.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cocon_desktop.messages import counted

ArchiveLine = tuple[date, str, str, str, int]
"""(service day, inclusion number, initials, kind label, amount in cents)."""

NOTICE = ("Copie d'archive du cabinet de démonstration à grande échelle : document de charge, NON SIGNÉ, "
          "sans Factur-X.")


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _euros(value: int) -> str:
    return f"{value // 100},{value % 100:02d} EUR"


def archive_invoice_pdf(number: str, issue_date: date, period: tuple[date, date], network: str, seller: str,
                        lines: Sequence[ArchiveLine], total_cents: int) -> bytes:
    """One A4 page, Helvetica (WinAnsi), uncompressed: readable by pdftotext, deterministic for its inputs."""
    text: list[tuple[float, str]] = [
        (13, f"Facture {number}"),
        (9, f"{seller} — réseau {network} — émise le {issue_date.strftime('%d/%m/%Y')}"),
        (9, f"Période du {period[0].strftime('%d/%m/%Y')} au {period[1].strftime('%d/%m/%Y')}"),
        (8, NOTICE),
    ]
    text += [(9, f"{day.strftime('%d/%m/%Y')}   {inclusion}   {initials}   {kind}   {_euros(amount)}")
             for day, inclusion, initials, kind, amount in lines[:60]]
    if len(lines) > 60:
        text.append((9, f"… et {counted(len(lines) - 60, 'autre ligne', 'autres lignes')}"))
    text.append((11, f"Total : {_euros(total_cents)}"))
    ops = [b"BT", b"50 800 Td"]
    for size, line in text:
        ops.append(b"/F1 %d Tf 0 -%d Td (" % (size, size + 5) + _escape(line) + b") Tj")
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (" + _escape(f"Facture {number} (archive de démonstration)") + b") /Producer (COCON Desktop) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % index + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
