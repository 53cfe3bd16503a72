"""The funder's report as CSV files for a French spreadsheet, like the batches' actes.csv: semicolons, CRLF, UTF-8
with a BOM, amounts with a decimal comma and no grouping (cocon_exchange.spreadsheet_csv)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from cocon_exchange.spreadsheet_csv import csv_bytes, decimal_comma, inert
from cocon_network.server.reporting import ChildRow, FunderReport

REPORT_HEADER = ("mois", "departement", "discipline", "enfants_suivis", "seances", "bilans", "actes", "montant")
CHILDREN_HEADER = ("numero_inclusion", "departement", "discipline", "premier_acte", "dernier_acte", "seances",
                   "bilans", "actes", "montant")


def _amount(cents: int) -> str:
    return decimal_comma(Decimal(cents) / 100)


def report_csv(report: FunderReport) -> bytes:
    """One line per month, département and discipline (`mois` as AAAA-MM)."""
    return csv_bytes(REPORT_HEADER, (
        (r.month_key, inert(r.departement), inert(r.discipline), str(r.children), str(r.seances), str(r.bilans),
         str(r.acts), _amount(r.cents))
        for r in report.rows))


def children_csv(rows: Sequence[ChildRow]) -> bytes:
    """One line per child (inclusion number only) and discipline."""
    return csv_bytes(CHILDREN_HEADER, (
        (inert(r.inclusion_number), inert(r.departement), inert(r.discipline), r.first_day.isoformat(),
         r.last_day.isoformat(), str(r.seances), str(r.bilans), str(r.acts), _amount(r.cents))
        for r in rows))


def report_filename(report: FunderReport, what: str = "rapport", extension: str = "csv") -> str:
    network = f"-{report.network}" if report.network else ""
    return f"COCON{network}-{what}-{report.start.isoformat()}-{report.end.isoformat()}.{extension}"
