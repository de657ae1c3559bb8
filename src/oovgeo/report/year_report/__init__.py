"""The yearly evaluation for the council: one year against the year before, as XLSX and PDF.

Journey 4: a policy advisor compares last year with the year before per theme and per wijk,
sees which changes are significant, which are within normal variation and where numbers are
too small to say anything, and exports the tables to Excel and the report to PDF.

Input are the comparison tables of ``oovgeo.analysis.compare`` (not imported here): the result
of ``compare_table`` for exact reports, or the display copy of ``protect_comparison`` for
protected audiences (P3). Columns: the keys (``thema``; ``wijk``, ``thema``), ``a`` (report
year), ``b`` (year before), ``verschil``, ``oordeel`` and optionally ``verschil_pct``,
``rate_a``, ``rate_b``, ``p``, ``p_fdr``, ``inwoners``.

    by_theme + by_wijk_theme + notes  ->  YearReport  ->  to_xlsx() / to_pdf()

Output safety
    Every string written to the workbook passes ``exports.safe_cell`` (O4) and is stored as a
    plain string cell, so no cell of the workbook is a formula. Every data string drawn in the
    PDF passes ``_plain`` (``$`` escaped, so matplotlib never reads it as maths) and each text
    is drawn with ``usetex=False``.

Protected reports
    A protected report must hold display tables (counts as text such as ``"<5"``); a table with
    numeric counts is refused. Every cell of a protected workbook is text, so no hidden count
    can come back as a number, and the PDF draws only what the display tables show.

Rooms: ``model`` (YearReport, its notes and checks), ``cells`` (display text and workbook
values per cell), ``workbook`` (XLSX), ``pdf`` (A4 PDF).
"""

from oovgeo.dutch import long_date as dutch_date
from oovgeo.report.year_report.cells import FILL_FALL, FILL_RISE
from oovgeo.report.year_report.model import (
    NO_SIGNIFICANT,
    YearReport,
    build_year_report,
    disclosure_note,
    verdict_summary,
)
from oovgeo.report.year_report.pdf import pdf_page_count, pdf_tables, to_pdf
from oovgeo.report.year_report.workbook import to_xlsx
from oovgeo.vocab import FALL, METHOD_NOTE, NORMAL, RISE, TOO_FEW, VERDICTS

__all__ = [
    "FALL",
    "FILL_FALL",
    "FILL_RISE",
    "METHOD_NOTE",
    "NORMAL",
    "NO_SIGNIFICANT",
    "RISE",
    "TOO_FEW",
    "VERDICTS",
    "YearReport",
    "build_year_report",
    "disclosure_note",
    "dutch_date",
    "pdf_page_count",
    "pdf_tables",
    "to_pdf",
    "to_xlsx",
    "verdict_summary",
]
