"""Documents: PDF (reportlab), Factur-X, PAdES signatures. Plain data in, bytes out; no Qt, no database."""
