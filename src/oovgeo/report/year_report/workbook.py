"""The year report as an XLSX workbook: every string a plain, safe cell (O4)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from oovgeo import dutch
from oovgeo.exports import safe_cell
from oovgeo.report.year_report.cells import (
    HEADER_FILL,
    NUMBER_FORMATS,
    ROW_FILLS,
    column_headers,
    columns_of,
    display,
    exact_value,
    is_missing,
)
from oovgeo.report.year_report.model import (
    SHEET_SUMMARY,
    SHEET_THEME,
    SHEET_WIJK_THEME,
    THEME_KEYS,
    WIJK_THEME_KEYS,
    YearReport,
    verdict_summary,
)

# --- XLSX ----------------------------------------------------------------------------------


def _put(ws: Worksheet, row: int, column: int, value):
    """Write one cell; strings formula-safe (O4) and stored as plain text, never a formula."""
    if isinstance(value, str):
        value = safe_cell(value) if value else None  # "" (hidden) is an empty cell
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _table_sheet(ws: Worksheet, report: YearReport, table: pd.DataFrame, keys: Sequence[str]):
    columns = columns_of(table, keys)
    headers = column_headers(report, table)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    rule = Border(bottom=Side(style="thin", color="000000"))
    widths = []
    for j, column in enumerate(columns, start=1):
        cell = _put(ws, 1, j, headers[column])
        cell.font = bold
        cell.fill = header_fill
        cell.border = rule
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths.append(len(headers[column]))

    fills = {v: PatternFill("solid", fgColor=c) for v, c in ROW_FILLS.items()}
    for i, (_, row) in enumerate(table.iterrows(), start=2):
        fill = fills.get(str(row["oordeel"]))
        for j, column in enumerate(columns, start=1):
            raw = row[column]
            if column in keys:
                value = "" if is_missing(raw) else str(raw)
            elif report.protected:
                value = display(column, raw)
            else:
                value = exact_value(column, raw)
            cell = _put(ws, i, j, value)
            if isinstance(value, int | float) and column in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column]
            if isinstance(value, str) and column not in (*keys, "oordeel"):
                cell.alignment = Alignment(horizontal="right")
            if fill is not None:
                cell.fill = fill
            shown = cell.value if isinstance(cell.value, str) else display(column, raw)
            widths[j - 1] = max(widths[j - 1], len(str(shown)))

    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 45)
    ws.freeze_panes = "A2"
    if len(table):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(table) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _summary_sheet(ws: Worksheet, report: YearReport, made_on: date) -> None:
    _put(ws, 1, 1, report.title).font = Font(bold=True, size=14)
    _put(ws, 2, 1, f"Jaar {report.year} vergeleken met {report.previous}")
    _put(ws, 3, 1, f"Gemaakt op {dutch.long_date(made_on)}")
    row = 5
    _put(ws, row, 1, "Toelichting").font = Font(bold=True)
    for note in report.notes:
        row += 1
        _put(ws, row, 1, note)
    row += 2
    _put(ws, row, 1, "Oordelen").font = Font(bold=True)
    row += 1
    _put(ws, row, 1, f"Per thema: {verdict_summary(report.by_theme)}.")
    row += 1
    _put(ws, row, 1, f"Per wijk en thema: {verdict_summary(report.by_wijk_theme)}.")
    row += 2
    _put(ws, row, 1, "Kleuren in de tabellen").font = Font(bold=True)
    for verdict, colour in ROW_FILLS.items():
        row += 1
        _put(ws, row, 1, verdict).fill = PatternFill("solid", fgColor=colour)
    row += 1
    _put(ws, row, 1, "zonder kleur: binnen normale variatie of te weinig meldingen")
    ws.column_dimensions["A"].width = 110
    for r in range(1, row + 1):
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def to_xlsx(report: YearReport, *, made_on: date | None = None) -> bytes:
    """Render the report as a workbook: "Samenvatting", "Per thema", "Per wijk en thema".

    Table sheets have a bold header row that stays in view (frozen) and repeats on print,
    column widths to fit and a fill per ``oordeel`` (light red for a significant rise, light
    blue for a fall, distinct in grey). The fills are plain cell styles, not conditional
    formatting rules, so the workbook holds no formulas at all. Exact reports write numbers as
    numbers; protected reports write every cell as the display text.
    """
    made_on = made_on or date.today()
    wb = Workbook()
    summary = wb.active
    summary.title = SHEET_SUMMARY
    _summary_sheet(summary, report, made_on)
    _table_sheet(wb.create_sheet(SHEET_THEME), report, report.by_theme, THEME_KEYS)
    _table_sheet(wb.create_sheet(SHEET_WIJK_THEME), report, report.by_wijk_theme, WIJK_THEME_KEYS)
    wb.properties.title = safe_cell(report.title)
    wb.properties.creator = "oovgeo"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- PDF -----------------------------------------------------------------------------------
