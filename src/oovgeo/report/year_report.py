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
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.table import Table
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from oovgeo.exports import safe_cell
from oovgeo.privacy import Disclosure, format_count

RISE = "significant gestegen"
FALL = "significant gedaald"
NORMAL = "binnen normale variatie"
TOO_FEW = "te weinig meldingen om iets te zeggen"
VERDICTS = (RISE, FALL, NORMAL, TOO_FEW)

METHOD_NOTE = (
    "Methode: exacte toets voor twee Poisson-aantallen, gecorrigeerd voor meervoudig toetsen "
    "(Benjamini-Hochberg). 'Te weinig meldingen om iets te zeggen': minder dan 10 meldingen in "
    "beide jaren samen; die zijn niet getoetst."
)
NO_SIGNIFICANT = "Geen significante veranderingen per wijk en thema."

SHEET_SUMMARY = "Samenvatting"
SHEET_THEME = "Per thema"
SHEET_WIJK_THEME = "Per wijk en thema"

THEME_KEYS = ("thema",)
WIJK_THEME_KEYS = ("wijk", "thema")
REQUIRED = ("a", "b", "verschil", "oordeel")
# Order of the value columns in the workbook; optional ones are written when present.
VALUE_COLUMNS = (
    "a",
    "b",
    "verschil",
    "verschil_pct",
    "oordeel",
    "rate_a",
    "rate_b",
    "p",
    "p_fdr",
    "inwoners",
)

# Fills per verdict: red-ish for a rise, blue-ish for a fall. Their grey values differ
# (luminance about 0.89 and 0.75), so a grey print still tells them apart and from white.
FILL_RISE = "FADBD8"
FILL_FALL = "A9C4EB"
ROW_FILLS = {RISE: FILL_RISE, FALL: FILL_FALL}
HEADER_FILL = "E7E6E6"

# Bar styles per verdict: significant ones dark and hatched (direction by hatch as well as by
# colour), the others light and plain, "too few" white with a dashed edge: readable in grey.
BAR_STYLES = {
    RISE: {"facecolor": "#a50f15", "hatch": "////", "edgecolor": "#000000", "linestyle": "-"},
    FALL: {"facecolor": "#08519c", "hatch": "\\\\\\\\", "edgecolor": "#000000", "linestyle": "-"},
    NORMAL: {"facecolor": "#c8c8c8", "hatch": "", "edgecolor": "#555555", "linestyle": "-"},
    TOO_FEW: {"facecolor": "#ffffff", "hatch": "", "edgecolor": "#555555", "linestyle": "--"},
}

A4_PORTRAIT_IN = (8.27, 11.69)
THEME_ROWS_FIRST_PAGE = 18  # theme rows beside the chart on page 2
TABLE_ROWS_PER_PAGE = 40  # rows on a page that holds only a table
ROW_HEIGHT = 0.021  # figure fraction per table row (A4 portrait, 8 pt)
MAX_CHARS = {"thema": 34, "wijk": 26}

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

_DUTCH_NUMBER = re.compile(r"^[+\-\u2212]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+\-\u2212]?\d+(,\d+)?$")


@dataclass(frozen=True, eq=False)
class YearReport:
    """One year compared with the year before, per theme and per wijk and theme.

    ``eq=False``: the report holds DataFrames, which have no single truth value, so reports
    compare (and hash) by identity.

    Attributes
    ----------
    year
        The report year; the reference is ``year - 1``.
    gemeente
        Name of the municipality, for titles.
    by_theme
        Comparison table with key ``thema`` (``compare_table`` result, or for protected
        reports its ``protect_comparison`` display copy).
    by_wijk_theme
        The same with keys ``wijk`` (name) and ``thema``.
    notes
        Dutch sentences shown under the title: data as of, sources, disclosure, method.
    protected
        Whether the tables are the display copies for a protected audience.
    """

    year: int
    gemeente: str
    by_theme: pd.DataFrame
    by_wijk_theme: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    protected: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.year, int | np.integer) or not 1900 <= int(self.year) <= 2200:
            raise ValueError(f"year must be a calendar year, got {self.year!r}")
        _check_table(self.by_theme, THEME_KEYS, "by_theme", protected=self.protected)
        _check_table(self.by_wijk_theme, WIJK_THEME_KEYS, "by_wijk_theme", protected=self.protected)
        object.__setattr__(self, "year", int(self.year))
        object.__setattr__(self, "notes", [str(n) for n in self.notes])

    @property
    def previous(self) -> int:
        return self.year - 1

    @property
    def title(self) -> str:
        return f"Jaarvergelijking {self.year} – {self.previous}, gemeente {self.gemeente}"


def _check_table(table: pd.DataFrame, keys: Sequence[str], name: str, *, protected: bool) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame")
    missing = [c for c in (*keys, *REQUIRED) if c not in table.columns]
    if missing:
        raise ValueError(f"{name} is not a comparison table; missing columns: {missing}")
    if protected:
        # Fail closed: raw compare_table counts are numbers; the display copy holds text.
        for column in ("a", "b"):
            values = table[column]
            numeric = pd.api.types.is_numeric_dtype(values) or any(
                isinstance(v, int | float | np.number) and not pd.isna(v) for v in values
            )
            if numeric:
                raise ValueError(
                    f"{name}.{column} holds numbers: a protected report needs the display "
                    "copy from protect_comparison"
                )


def dutch_date(day: date) -> str:
    """``date(2025, 1, 15)`` -> ``"15 januari 2025"``.

    >>> dutch_date(date(2025, 1, 15))
    '15 januari 2025'
    """
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def disclosure_note(disclosure: Disclosure) -> str:
    """The sentence that explains small-count protection (P3).

    >>> disclosure_note(Disclosure(protected=True))[:38]
    'Privacy: aantallen onder 5 als <5 weer'
    """
    k = disclosure.threshold
    return (
        f"Privacy: aantallen onder {k} als <{k} weergegeven; een aantal dat alleen verborgen is "
        "zodat een klein aantal elders niet terug te rekenen is, staat als x. Verschillen, "
        "percentages en p-waarden die een verborgen aantal zouden prijsgeven zijn weggelaten."
    )


def build_year_report(
    by_theme: pd.DataFrame,
    by_wijk_theme: pd.DataFrame,
    *,
    year: int,
    gemeente: str,
    disclosure: Disclosure,
    data_as_of: date,
    sources: Sequence[str],
    extra_notes: Sequence[str] = (),
) -> YearReport:
    """A ``YearReport`` with the standard Dutch notes.

    Pass the ``protect_comparison`` display copies when ``disclosure.protected``. The notes
    are, in order: data as of, sources, the disclosure note (protected only), the method note,
    then ``extra_notes`` (e.g. "De politiecijfers van december zijn nog onvolledig.").
    """
    notes = [f"Stand van de gegevens: {dutch_date(data_as_of)}."]
    listed = [str(s).strip() for s in sources if str(s).strip()]
    notes.append(f"Bronnen: {', '.join(listed)}." if listed else "Bronnen: niet opgegeven.")
    if disclosure.protected:
        notes.append(disclosure_note(disclosure))
    notes.append(METHOD_NOTE)
    notes.extend(str(n) for n in extra_notes)
    return YearReport(
        year=year,
        gemeente=gemeente,
        by_theme=by_theme,
        by_wijk_theme=by_wijk_theme,
        notes=notes,
        protected=disclosure.protected,
    )


def verdict_summary(table: pd.DataFrame) -> str:
    """How many rows got each verdict, as a Dutch phrase (rows, not signals: safe to show).

    >>> verdict_summary(pd.DataFrame({"oordeel": [RISE, NORMAL, NORMAL]}))
    '1 significant gestegen, 0 significant gedaald, 2 binnen normale variatie, 0 te weinig ...'
    """
    counts = table["oordeel"].value_counts()
    parts = [f"{int(counts.get(v, 0))} {v}" for v in VERDICTS[:3]]
    parts.append(f"{int(counts.get(TOO_FEW, 0))} te weinig meldingen")
    return ", ".join(parts)


# --- numbers and their Dutch display -------------------------------------------------------


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_number(value) -> float | None:
    """A number from a number or a Dutch display string (``"1.234"``, ``"−5"``); else None.

    ``"<5"``, ``""`` and missing values give None.
    """
    if _missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.number):
        return float(value)
    text = str(value).strip()
    if not _DUTCH_NUMBER.match(text):
        return None
    text = text.replace("\u2212", "-").replace(".", "").replace(",", ".")
    return float(text)


def _dutch(number: float, decimals: int) -> str:
    """``-1234.5`` -> ``"−1.234,5"``: thousands dots, decimal comma, a real minus sign.

    The minus sign (U+2212) keeps a negative number from reading as a formula in a workbook.
    """
    text = f"{abs(number):,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if number < 0 and float(text.replace(".", "").replace(",", ".")) != 0:
        return "\u2212" + text
    return text


def _count_text(value) -> str:
    """A count as display text: a string stays as it is, a number gets thousands dots."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        return value
    return format_count(value, False, 5)


def _display(column: str, value) -> str:
    """The display text of one cell: what a protected workbook and every PDF table show."""
    if column == "a" or column == "b" or column == "inwoners":
        return _count_text(value)
    if isinstance(value, str):
        return value
    number = _as_number(value)
    if number is None:
        return ""
    if column == "verschil":
        return _dutch(number, 0)
    if column == "verschil_pct":
        return _dutch(number, 1)
    if column in ("rate_a", "rate_b"):
        return _dutch(number, 2)
    if column in ("p", "p_fdr"):
        return "<0,001" if number < 0.001 else _dutch(number, 3)
    return _dutch(number, 2)


def _exact_value(column: str, value):
    """The workbook value of one cell of an exact report: numbers as int/float, else text."""
    if _missing(value):
        return None
    if column == "oordeel" or isinstance(value, bool):
        return str(value)
    number = _as_number(value)
    if number is None:
        return str(value)
    if column in ("a", "b", "verschil", "inwoners") and number == int(number):
        return int(number)
    return number


NUMBER_FORMATS = {
    "a": "#,##0",
    "b": "#,##0",
    "verschil": "#,##0",
    "inwoners": "#,##0",
    "verschil_pct": "0.0",
    "rate_a": "0.00",
    "rate_b": "0.00",
    "p": "0.0000",
    "p_fdr": "0.0000",
}


def _headers(report: YearReport, table: pd.DataFrame) -> dict[str, str]:
    per = "per 1.000 inwoners" if "inwoners" in table.columns else "per dag"
    return {
        "wijk": "Wijk",
        "thema": "Thema",
        "a": str(report.year),
        "b": str(report.previous),
        "verschil": "Verschil",
        "verschil_pct": "Verschil (%)",
        "oordeel": "Oordeel",
        "rate_a": f"{report.year} {per}",
        "rate_b": f"{report.previous} {per}",
        "p": "p-waarde",
        "p_fdr": "p-waarde (gecorrigeerd)",
        "inwoners": "Inwoners",
    }


def _columns(table: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    return [*keys, *(c for c in VALUE_COLUMNS if c in table.columns)]


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
    columns = _columns(table, keys)
    headers = _headers(report, table)
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
                value = "" if _missing(raw) else str(raw)
            elif report.protected:
                value = _display(column, raw)
            else:
                value = _exact_value(column, raw)
            cell = _put(ws, i, j, value)
            if isinstance(value, int | float) and column in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column]
            if isinstance(value, str) and column not in (*keys, "oordeel"):
                cell.alignment = Alignment(horizontal="right")
            if fill is not None:
                cell.fill = fill
            shown = cell.value if isinstance(cell.value, str) else _display(column, raw)
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
    _put(ws, 3, 1, f"Gemaakt op {dutch_date(made_on)}")
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
    """The report as a workbook: "Samenvatting", "Per thema", "Per wijk en thema".

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


def _plain(text) -> str:
    r"""Text for matplotlib that never switches to maths: every ``$`` becomes ``\$``.

    matplotlib renders an escaped dollar as a plain ``$``.

    >>> _plain("kosten $x$")
    'kosten \\$x\\$'
    """
    return str(text).replace("$", r"\$")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell_text(column: str, value) -> str:
    if column in MAX_CHARS:
        text = "" if _missing(value) else str(value)
        return _plain(_clip(text, MAX_CHARS[column]))
    return _plain(_display(column, value))


def _pdf_frame(report: YearReport, table: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    columns = [*keys, "a", "b", "verschil", "oordeel"]
    headers = _headers(report, table)
    data = {
        headers[c]: [_cell_text(c, v) for v in table[c]] for c in columns
    }  # one column per header; headers are distinct
    return pd.DataFrame(data, columns=[headers[c] for c in columns], dtype=object)


def pdf_tables(report: YearReport) -> list[pd.DataFrame]:
    """The tables ``to_pdf`` draws, cell for cell, as text (``$`` already escaped).

    ``[per thema, significante veranderingen per wijk en thema]``. The second holds only the
    rows judged "significant gestegen" or "significant gedaald", sorted by wijk and theme, and
    may be empty. Counts are the display text of the report (``"<5"`` when protected).
    """
    themes = _pdf_frame(report, report.by_theme, THEME_KEYS)
    wijk = report.by_wijk_theme
    significant = wijk[wijk["oordeel"].isin([RISE, FALL])]
    order = significant[list(WIJK_THEME_KEYS)].astype(str)
    significant = significant.loc[order.sort_values(list(WIJK_THEME_KEYS), kind="stable").index]
    changes = _pdf_frame(report, significant, WIJK_THEME_KEYS).reset_index(drop=True)
    return [themes.reset_index(drop=True), changes]


def _new_page() -> Figure:
    fig = Figure(figsize=A4_PORTRAIT_IN)
    fig.patch.set_facecolor("white")
    return fig


def _text(fig: Figure, x: float, y: float, text: str, **kwargs) -> None:
    fig.text(x, y, text, usetex=False, ha="left", va="top", **kwargs)


def _page_heading(fig: Figure, report: YearReport, heading: str) -> None:
    _text(fig, 0.07, 0.965, _plain(report.title), fontsize=9, color="#444444")
    _text(fig, 0.07, 0.94, heading, fontsize=14, fontweight="bold")


def _title_page(report: YearReport, made_on: date) -> Figure:
    fig = _new_page()
    _text(fig, 0.07, 0.92, _plain(report.title), fontsize=17, fontweight="bold", wrap=True)
    y = 0.855
    _text(fig, 0.07, y, f"Gemaakt op {dutch_date(made_on)}", fontsize=10, color="#444444")
    y -= 0.05
    blocks = [
        ("Toelichting", report.notes),
        (
            "Oordelen",
            [
                f"Per thema: {verdict_summary(report.by_theme)}.",
                f"Per wijk en thema: {verdict_summary(report.by_wijk_theme)}.",
            ],
        ),
    ]
    for heading, lines in blocks:
        _text(fig, 0.07, y, heading, fontsize=12, fontweight="bold")
        y -= 0.03
        for line in lines:
            wrapped = textwrap.wrap(str(line), width=92) or [""]
            _text(fig, 0.07, y, _plain("\n".join(wrapped)), fontsize=9.5, linespacing=1.4)
            y -= 0.0175 * len(wrapped) + 0.012
        y -= 0.02
    return fig


def _draw_table(
    fig: Figure, frame: pd.DataFrame, verdicts: Sequence[str], rect, widths, n_keys: int
) -> None:
    """``frame`` as a table filling ``rect`` (figure fractions); rows filled per verdict.

    The first ``n_keys`` columns and the last (the verdict) are text, left-aligned; the
    figures in between are right-aligned.
    """
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    table = Table(ax, bbox=(0, 0, 1, 1))
    n = len(frame) + 1
    height = 1 / n
    text_columns = {*range(n_keys), len(frame.columns) - 1}
    for j, name in enumerate(frame.columns):
        loc = "left" if j in text_columns else "right"
        cell = table.add_cell(0, j, widths[j], height, text=str(name), loc=loc, facecolor="#e7e6e6")
        cell.get_text().set_fontweight("bold")
    for i, (row, verdict) in enumerate(zip(frame.itertuples(index=False), verdicts, strict=True)):
        colour = ROW_FILLS.get(verdict)
        face = f"#{colour}" if colour else "white"
        for j, value in enumerate(row):
            loc = "left" if j in text_columns else "right"
            table.add_cell(i + 1, j, widths[j], height, text=str(value), loc=loc, facecolor=face)
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    for cell in table.get_celld().values():
        cell.set_edgecolor("#999999")
        cell.set_linewidth(0.4)
        cell.get_text().set_usetex(False)
    ax.add_table(table)


def _draw_changes(ax: Axes, report: YearReport) -> list[Patch]:
    """Horizontal bars of ``verschil`` per theme; hidden differences get no bar.

    Returns the legend entries (one per verdict).
    """
    table = report.by_theme
    labels = [_plain(_clip(str(t), MAX_CHARS["thema"])) for t in table["thema"]]
    values = [_as_number(v) for v in table["verschil"]]
    positions = np.arange(len(labels))
    for y, value, verdict in zip(positions, values, table["oordeel"], strict=True):
        style = BAR_STYLES.get(str(verdict), BAR_STYLES[NORMAL])
        if value is None:
            ax.text(0, y, "  niet getoond", va="center", fontsize=6.5, usetex=False)
            continue
        ax.barh(y, value, height=0.7, linewidth=0.6, **style)
    ax.axvline(0, color="#000000", linewidth=0.8)
    ax.set_yticks(positions, labels)
    for tick in ax.get_yticklabels():
        tick.set_usetex(False)
        tick.set_fontsize(7 if len(labels) <= 25 else 5.5)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first theme on top
    shown = [abs(v) for v in values if v is not None]
    reach = max(shown) if shown and max(shown) > 0 else 1.0
    ax.set_xlim(-reach * 1.1, reach * 1.1)
    ax.xaxis.set_major_formatter(lambda x, _pos: _dutch(x, 0))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel(
        f"Verschil in aantal meldingen, {report.year} ten opzichte van {report.previous}",
        fontsize=8,
        usetex=False,
    )
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(label=verdict, linewidth=0.6, **BAR_STYLES[verdict]) for verdict in VERDICTS]
    return handles


def _legend(fig: Figure, handles: list[Patch], top: float) -> None:
    legend = fig.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, top),
        ncols=2,
        fontsize=7.5,
        frameon=False,
        handlelength=2.2,
        handleheight=1.2,
    )
    for text in legend.get_texts():
        text.set_usetex(False)


THEME_WIDTHS = (0.32, 0.09, 0.09, 0.1, 0.40)
WIJK_WIDTHS = (0.22, 0.27, 0.09, 0.09, 0.09, 0.24)


def _chunks(n: int, first: int, rest: int) -> list[slice]:
    if n <= first:
        return [slice(0, n)]
    out = [slice(0, first)]
    out.extend(slice(s, min(s + rest, n)) for s in range(first, n, rest))
    return out


def _theme_pages(report: YearReport, frame: pd.DataFrame) -> list[Figure]:
    verdicts = [str(v) for v in report.by_theme["oordeel"]]
    pages = []
    for number, part in enumerate(_chunks(len(frame), THEME_ROWS_FIRST_PAGE, TABLE_ROWS_PER_PAGE)):
        fig = _new_page()
        rows = part.stop - part.start
        if number == 0:
            _page_heading(fig, report, "Per thema")
            top = 0.915
            height = ROW_HEIGHT * (rows + 1)
            rect = (0.07, top - height, 0.86, height)
            _draw_table(fig, frame.iloc[part], verdicts[part], rect, THEME_WIDTHS, 1)
            chart_top = top - height - 0.07
            _text(fig, 0.07, chart_top + 0.04, "Verandering per thema", fontsize=11, weight="bold")
            chart_height = min(chart_top - 0.14, max(0.12, 0.035 * len(frame) + 0.04))
            ax = fig.add_axes((0.30, chart_top - chart_height, 0.63, chart_height))
            _legend(fig, _draw_changes(ax, report), chart_top - chart_height - 0.045)
        else:
            _page_heading(fig, report, "Per thema (vervolg)")
            height = ROW_HEIGHT * (rows + 1)
            rect = (0.07, 0.915 - height, 0.86, height)
            _draw_table(fig, frame.iloc[part], verdicts[part], rect, THEME_WIDTHS, 1)
        pages.append(fig)
    return pages


def _change_pages(report: YearReport, frame: pd.DataFrame) -> list[Figure]:
    heading = "Significante veranderingen per wijk en thema"
    if frame.empty:
        fig = _new_page()
        _page_heading(fig, report, heading)
        _text(fig, 0.07, 0.89, NO_SIGNIFICANT, fontsize=10)
        return [fig]
    verdicts = [str(v) for v in frame["Oordeel"]]
    pages = []
    parts = _chunks(len(frame), TABLE_ROWS_PER_PAGE, TABLE_ROWS_PER_PAGE)
    for number, part in enumerate(parts):
        fig = _new_page()
        _page_heading(fig, report, heading if number == 0 else f"{heading} (vervolg)")
        height = ROW_HEIGHT * (part.stop - part.start + 1)
        rect = (0.07, 0.915 - height, 0.86, height)
        _draw_table(fig, frame.iloc[part], verdicts[part], rect, WIJK_WIDTHS, 2)
        pages.append(fig)
    return pages


def pdf_page_count(report: YearReport) -> int:
    """How many pages ``to_pdf`` makes: title, theme table(s) with the chart, changes."""
    themes, changes = pdf_tables(report)
    theme_pages = len(_chunks(len(themes), THEME_ROWS_FIRST_PAGE, TABLE_ROWS_PER_PAGE))
    change_pages = max(1, math.ceil(len(changes) / TABLE_ROWS_PER_PAGE))
    return 1 + theme_pages + change_pages


def to_pdf(report: YearReport, *, made_on: date | None = None) -> bytes:
    """The report as a short A4 portrait PDF.

    Page 1: title, date made, notes and the verdict summary. Page 2: the theme table
    (``a``, ``b``, ``verschil``, ``oordeel``) and a bar chart of the change per theme, with
    significant changes dark and hatched (readable in grey). Then the significant changes per
    wijk and theme, or the sentence "Geen significante veranderingen per wijk en thema.".
    Built from ``matplotlib.figure.Figure`` pages (no pyplot state); the tables drawn are
    exactly ``pdf_tables(report)``.
    """
    made_on = made_on or date.today()
    themes, changes = pdf_tables(report)
    pages = [_title_page(report, made_on)]
    pages += _theme_pages(report, themes)
    pages += _change_pages(report, changes)
    buf = io.BytesIO()
    metadata = {"Title": report.title, "Author": "oovgeo", "Creator": "oovgeo"}
    with PdfPages(buf, metadata=metadata) as pdf:
        for fig in pages:
            pdf.savefig(fig)
    return buf.getvalue()
