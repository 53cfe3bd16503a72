"""The colours of every PDF the program draws (reportlab colours), so that invoices, attestations and reports
look like one family. pdf_page.py keeps the same ink and muted grey as RGB tuples for its canvas."""

from __future__ import annotations

from reportlab.lib import colors

INK = colors.Color(0.16, 0.19, 0.24)
MUTED = colors.Color(0.38, 0.42, 0.48)
ACCENT = colors.Color(0.12, 0.35, 0.55)
HEADER_FILL = colors.Color(0.91, 0.94, 0.97)
STRIPE = colors.Color(0.975, 0.98, 0.985)
RULE = colors.Color(0.78, 0.82, 0.87)
MENTION_FILL = colors.Color(0.90, 0.96, 0.91)
MENTION_INK = colors.Color(0.09, 0.37, 0.13)
