"""Issuing 200 invoices (render + Factur-X + PAdES signature) vs reportlab alone drawing the same pages.

Goal (issue 20, #7): the whole chain ≤ 2× the drawing alone. The chain runs as an invoice run does
(documents/render_pool.py): on every core of the machine — both cores of the 2-CPU machine this was measured on —
while the baseline is reportlab drawing the same 200 pages in one process. The baseline is measured before AND
after the chain and averaged, so that a change of speed of this shared VM weighs on both sides alike. A second
line gives the per-invoice cost of each step on one core (drawing, Factur-X, signature), measured invoice by
invoice on 40 invoices."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable

from cocon_desktop.documents.facturx import embed_facturx
from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.render_pool import render_signed_many, worker_count
from cocon_desktop.documents.signing import sign_pdf, validate
from cocon_desktop.security.certificate import create_self_signed
from tests.document_samples import sample_invoice

COUNT = 200
STEPS_SAMPLE = 40


def _invoices(count: int = COUNT) -> list[InvoiceData]:
    """A month of invoices of 1 to 30 lines (most of a practice's invoices are short)."""
    return [sample_invoice(1 + i % 30, number=f"FAC-2026-{i + 1:04d}") for i in range(count)]


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _draw_all(invoices: list[InvoiceData]) -> None:
    for data in invoices:
        render_invoice_pdf(data)


def rows() -> list[tuple[str, str, str, str]]:
    invoices = _invoices()
    cert, key = create_self_signed("Camille Martin EI", "Cabinet de démonstration", "91234567500017")
    render_invoice_pdf(invoices[0])  # fonts registered and ICC profile made once, outside the measure

    before = _seconds(functools.partial(_draw_all, invoices))
    chain = _seconds(lambda: sum(len(pdf) for pdf in render_signed_many(invoices, cert, key)))
    after = _seconds(functools.partial(_draw_all, invoices))
    baseline = (before + after) / 2

    steps = {"render": 0.0, "embed": 0.0, "sign": 0.0}
    signed = b""
    for data in invoices[:STEPS_SAMPLE]:
        begin = time.perf_counter()
        pdf = render_invoice_pdf(data)
        rendered = time.perf_counter()
        embedded = embed_facturx(pdf, data)
        embedded_at = time.perf_counter()
        signed = sign_pdf(embedded, cert, key)
        steps["render"] += rendered - begin
        steps["embed"] += embedded_at - rendered
        steps["sign"] += time.perf_counter() - embedded_at
    check = _seconds(functools.partial(validate, signed, cert))
    per = {name: value / STEPS_SAMPLE * 1000 for name, value in steps.items()}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        (f"{COUNT} invoices issued (render + Factur-X + signature, {worker_count(COUNT)} worker processes on "
         f"{cores} cores) vs reportlab alone on one", f"{chain:.1f} s", f"{chain / baseline:.2f}× ({baseline:.1f} s)",
         "≤ 2×"),
        ("per invoice on one core: render / embed / sign", f"{per['render'] + per['embed'] + per['sign']:.0f} ms",
         f"{per['render']:.0f} / {per['embed']:.0f} / {per['sign']:.0f} ms", ""),
        ("validate one signed invoice (pyHanko)", f"{check * 1000:.0f} ms", "", ""),
    ]


if __name__ == "__main__":
    for row in rows():
        print("  ".join(row))
