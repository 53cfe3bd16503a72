"""Bar charts as server-rendered SVG (no script): vertical bars per month, horizontal bars per category. Each chart
is an image with its title and a text alternative; the page shows the same figures as a table beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 560, 220
LEFT, BOTTOM, TOP = 8, 34, 18


def _nice_max(value: int) -> int:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def month_bars(ident: str, title: str, labels: Sequence[str], values: Sequence[int],
               fmt: Callable[[int], str]) -> Markup:
    """Vertical bars, one per month (`labels` short: « nov. 26 »), the value above each bar."""
    count = max(len(values), 1)
    top = _nice_max(max(values, default=0))
    slot = (WIDTH - LEFT * 2) / count
    bar = slot * 0.68
    plot = HEIGHT - BOTTOM - TOP
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-t {ident}-d" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{escape(title)}</title>'
             f'<desc id="{ident}-d">{escape(_description(labels, values, fmt))}</desc>',
             f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - LEFT}" y2="{HEIGHT - BOTTOM}"/>']
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = plot * max(value, 0) / top
        x = LEFT + index * slot + (slot - bar) / 2
        y = HEIGHT - BOTTOM - height
        middle = x + bar / 2
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}"/>')
        parts.append(f'<text x="{middle:.1f}" y="{y - 4:.1f}" text-anchor="middle">{escape(fmt(value))}</text>')
        parts.append(f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def category_bars(ident: str, title: str, labels: Sequence[str], values: Sequence[int],
                  fmt: Callable[[int], str]) -> Markup:
    """Horizontal bars, one per category (a discipline), its label left and its value right."""
    row, label_width, value_width = 24, 150, 110
    height = TOP + row * max(len(values), 1) + 6
    top = max(max(values, default=0), 1)
    span = WIDTH - label_width - value_width
    parts = [f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{escape(title)}</title>'
             f'<desc id="{ident}-d">{escape(_description(labels, values, fmt))}</desc>']
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + index * row
        width = span * max(value, 0) / top
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect class="bar2" x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{row - 8}"/>')
        parts.append(f'<text x="{label_width + width + 6:.1f}" y="{y + 15}">{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _description(labels: Sequence[str], values: Sequence[int], fmt: Callable[[int], str]) -> str:
    return " ; ".join(f"{label} : {fmt(value)}" for label, value in zip(labels, values, strict=True))
