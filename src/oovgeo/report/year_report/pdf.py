"""The year report as an A4 PDF, drawn with matplotlib Figures (never pyplot)."""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.table import Table
from matplotlib.transforms import Bbox

from oovgeo import dutch
from oovgeo.report.year_report.cells import (
    ROW_FILLS,
    as_number,
    column_headers,
    display,
    is_missing,
)
from oovgeo.report.year_report.model import (
    NO_SIGNIFICANT,
    THEME_KEYS,
    WIJK_THEME_KEYS,
    YearReport,
    verdict_summary,
)
from oovgeo.vocab import FALL, NORMAL, RISE, TOO_FEW, VERDICTS

# Bar styles per verdict: significant ones dark and hatched (direction by hatch as well as by
# colour), the others light and plain, "too few" white with a dashed edge: readable in grey.
# matplotlib keyword arguments per verdict (Any: they go to several typed parameters)
BAR_STYLES: dict[str, dict[str, Any]] = {
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
        text = "" if is_missing(value) else str(value)
        return _plain(_clip(text, MAX_CHARS[column]))
    return _plain(display(column, value))


def _pdf_frame(report: YearReport, table: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    columns = [*keys, "a", "b", "verschil", "oordeel"]
    headers = column_headers(report, table)
    data = {
        headers[c]: [_cell_text(c, v) for v in table[c]] for c in columns
    }  # one column per header; headers are distinct
    return pd.DataFrame(data, columns=[headers[c] for c in columns], dtype=object)


def pdf_tables(report: YearReport) -> list[pd.DataFrame]:
    """Return the tables ``to_pdf`` draws, cell for cell, as text (``$`` already escaped).

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
    _text(fig, 0.07, y, f"Gemaakt op {dutch.long_date(made_on)}", fontsize=10, color="#444444")
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
    table = Table(ax, bbox=Bbox.from_bounds(0, 0, 1, 1))
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
    values = [as_number(v) for v in table["verschil"]]
    positions = np.arange(len(labels))
    for y, value, verdict in zip(positions, values, table["oordeel"], strict=True):
        style = BAR_STYLES.get(str(verdict), BAR_STYLES[NORMAL])
        if value is None:
            ax.text(0, float(y), "  niet getoond", va="center", fontsize=6.5, usetex=False)
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
    ax.xaxis.set_major_formatter(lambda x, _pos: dutch.fixed(x, 0))
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
    """Render the report as a short A4 portrait PDF.

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
