"""The accounting files, built in one place for the command line (`cocon journal`, `cocon report`) and the
dashboard's « Exports comptables »: the livre-journal des recettes of a year (CSV for the accountant's software, or
PDF with the yearly summary for the 2035 return) and a network's activity report for a period (PDF). Bytes out:
where they are written is the caller's choice. reportlab is imported only when a PDF is built."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.journal_csv import journal_csv
from cocon_desktop.documents.report_data import ActivityReport, YearSummary
from cocon_desktop.services.activity_report import activity_report
from cocon_desktop.services.journal import receipts_journal, year_summary
from cocon_desktop.services.practice_profile import load_profile


@dataclass(frozen=True)
class JournalFile:
    data: bytes
    receipts: int  # how many receipts the journal lists
    summary: YearSummary


@dataclass(frozen=True)
class ActivityReportFile:
    data: bytes
    report: ActivityReport


def journal_file(sessions: sessionmaker[Session], year: int, kind: str, made_on: date) -> JournalFile:
    """The livre-journal of `year`: `kind` "csv", or else a PDF with the yearly summary, dated `made_on`."""
    entries = receipts_journal(sessions, year)
    summary = year_summary(sessions, year)
    if kind == "csv":
        return JournalFile(journal_csv(entries), len(entries), summary)
    from cocon_desktop.documents.journal_pdf import render_journal_pdf  # reportlab: imported when writing a PDF

    return JournalFile(render_journal_pdf(entries, summary, load_profile(sessions), made_on), len(entries), summary)


def activity_report_file(sessions: sessionmaker[Session], network: str, first: date, last: date,
                         made_on: date) -> ActivityReportFile:
    """The activity report of `network` from `first` to `last` (PDF, dated `made_on`) and the figures it shows."""
    from cocon_desktop.documents.activity_report_pdf import render_activity_report_pdf  # reportlab: when writing

    report = activity_report(sessions, network, first, last)
    return ActivityReportFile(render_activity_report_pdf(report, load_profile(sessions), made_on), report)
