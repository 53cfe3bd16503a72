"""Issuing 200 invoices (render + Factur-X + PAdES signature) vs reportlab alone drawing the same pages.

Goal: the whole chain costs at most 3× the drawing. Per-invoice times of each step are shown beside it.
The baseline and the chain alternate invoice by invoice (drawing alone, then the whole chain of the same
invoice): a pause or a change of speed of this shared VM weighs on both sides alike. Measured in two blocks, the
baseline first, the ratio ranged from 2.4× to 4.6× between two runs minutes apart, the code unchanged."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from cocon_desktop.documents.facturx import embed_facturx
from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.signing import sign_pdf, validate
from cocon_desktop.security.certificate import create_self_signed
from tests.document_samples import sample_invoice

COUNT = 200


def _invoices(count: int = COUNT) -> list[InvoiceData]:
    """A month of invoices of 1 to 30 lines (most of a practice's invoices are short)."""
    return [sample_invoice(1 + i % 30, number=f"FAC-2026-{i + 1:04d}") for i in range(count)]


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rows() -> list[tuple[str, str, str, str]]:
    invoices = _invoices()
    cert, key = create_self_signed("Camille Martin EI", "Cabinet de démonstration", "91234567500017")
    render_invoice_pdf(invoices[0])  # fonts registered and ICC profile made once, outside the measure
    steps = {"render": 0.0, "embed": 0.0, "sign": 0.0, "validate": 0.0}

    baseline = 0.0

    def issue_all() -> None:
        nonlocal baseline
        for data in invoices:
            baseline += _seconds(functools.partial(render_invoice_pdf, data))
            begin = time.perf_counter()
            pdf = render_invoice_pdf(data)
            rendered = time.perf_counter()
            embedded = embed_facturx(pdf, data)
            embedded_at = time.perf_counter()
            signed = sign_pdf(embedded, cert, key)
            signed_at = time.perf_counter()
            steps["render"] += rendered - begin
            steps["embed"] += embedded_at - rendered
            steps["sign"] += signed_at - embedded_at
            if data is invoices[0]:
                steps["validate"] = _seconds(functools.partial(validate, signed, cert))

    issue_all()
    full = steps["render"] + steps["embed"] + steps["sign"]
    per = {name: value / COUNT * 1000 for name, value in steps.items()}
    return [
        (f"{COUNT} invoices issued (render + Factur-X + signature) vs reportlab alone", f"{full:.1f} s",
         f"{full / baseline:.2f}× ({baseline:.1f} s)", "≤ 3×"),
        ("per invoice: render / embed / sign", f"{per['render'] + per['embed'] + per['sign']:.0f} ms",
         f"{per['render']:.0f} / {per['embed']:.0f} / {per['sign']:.0f} ms", ""),
        ("validate one signed invoice (pyHanko)", f"{steps['validate'] * 1000:.0f} ms", "", ""),
    ]


if __name__ == "__main__":
    for row in rows():
        print("  ".join(row))
