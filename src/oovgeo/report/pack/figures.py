"""Maps and charts of a pack, drawn with matplotlib as PNG (no browser, no tiles)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PatchCollection
from matplotlib.dates import num2date
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.patheffects import withStroke

from oovgeo import dutch
from oovgeo.analysis.aggregate import area_table
from oovgeo.analysis.classify import MISSING_COLOUR, classify
from oovgeo.analysis.mapdata import measure_view, verdict_classes
from oovgeo.privacy import (
    hidden_mask,
)
from oovgeo.report.pack.data import PackData, period_days
from oovgeo.report.pack.model import clip
from oovgeo.report.static_map import (
    MISSING_HATCH,
    add_north_arrow,
    add_scale_bar,
    draw,
    geometry_path,
)
from oovgeo.vocab import FALL, RISE, TOO_FEW

if TYPE_CHECKING:
    pass


IMAGE_DPI = 150
# Grey-readable styles per verdict on the change map: direction by hatch and arrow as well as
# by colour (red and blue print as nearly the same grey).
VERDICT_HATCH = {RISE: "////", FALL: "\\\\\\\\"}
VERDICT_MARK = {RISE: "▲", FALL: "▼"}
# Line styles per theme on the trend chart: marker and dash tell the lines apart in grey.
LINE_STYLES = (("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"))
LINE_GREYS = ("#000000", "#404040", "#707070", "#a0a0a0")


# --- drawing helpers ------------------------------------------------------------------------------


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=IMAGE_DPI, facecolor="white")
    return buffer.getvalue()


def _frame_axes(ax, areas: gpd.GeoDataFrame) -> None:
    xmin, ymin, xmax, ymax = areas.total_bounds
    pad = 0.03 * max(xmax - xmin, ymax - ymin, 1.0)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def _hatch(ax, geometries: Sequence, hatch: str, colour: str = "#000000") -> None:
    """Hatch over already drawn areas, so a grey print keeps what colour alone would lose."""
    if not len(geometries):
        return
    ax.add_collection(
        PatchCollection(
            [PathPatch(geometry_path(g)) for g in geometries],
            facecolors="none",
            edgecolors=colour,
            linewidths=0,
            hatch=hatch,
            zorder=2,
        )
    )


def _label(ax, x: float, y: float, text: str, size: float = 7.0, bold: bool = False) -> None:
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=size,
        fontweight="bold" if bold else "normal",
        color="#111111",
        parse_math=False,
        path_effects=[withStroke(linewidth=2.4, foreground="white")],
        zorder=4,
    )


def theme_map_png(data: PackData, themes: Sequence[str]) -> bytes:
    """One panel per main theme: signals per wijk in the period, labelled with the shown count.

    Values come from ``measure_view`` (hidden counts have no value: grey and hatched, their
    colour reveals nothing); every panel has its own classes, as the themes differ in size.
    """
    n = max(len(themes), 1)
    fig = Figure(figsize=(13.0, 4.9))
    fig.patch.set_facecolor("white")
    wijken = data.wijken
    points = shapely.point_on_surface(wijken.geometry.to_numpy())
    for i, theme in enumerate(themes):
        ax = fig.add_axes((i / n + 0.005, 0.2, 1 / n - 0.01, 0.72))
        view = theme_view(data, theme)
        index, classes = classify(
            view.set_index("code")["value"], "Natuurlijke grenzen (Fisher-Jenks)", 4, decimals=0
        )
        draw(ax, wijken, index, classes, linewidth=0.8)
        for point, text in zip(points, view["weergave"], strict=True):
            _label(ax, point.x, point.y, text, size=8.5, bold=True)
        ax.set_title(
            data.theme_labels.get(theme, theme), fontsize=12, fontweight="bold", parse_math=False
        )
        handles = [
            Patch(facecolor=c, edgecolor="#777777", linewidth=0.5, label=lab)
            for c, lab in zip(classes.colours, classes.labels, strict=True)
        ]
        handles.append(
            Patch(
                facecolor=MISSING_COLOUR,
                edgecolor="#6e6e6e",
                hatch=MISSING_HATCH,
                linewidth=0.5,
                label=f"verborgen (<{data.k} of x)",
            )
        )
        legend = ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.02),
            ncols=2,
            fontsize=7.5,
            frameon=False,
            handlelength=1.4,
            handleheight=1.1,
        )
        for text in legend.get_texts():
            text.set_parse_math(False)
    if themes:
        first = fig.axes[0]
        xmin, _, xmax, _ = wijken.total_bounds
        add_scale_bar(first, max(xmax - xmin, 1.0))
    return _png(fig)


def theme_view(data: PackData, theme: str) -> pd.DataFrame:
    """``measure_view`` of the count of ``theme`` per wijk (rows in the order of the wijken)."""
    rows = data.a_counts[data.a_counts["thema"] == theme]
    prev = data.b_counts[data.b_counts["thema"] == theme]
    counts = (
        rows[["wijk_code", "count"]]
        .merge(
            prev[["wijk_code", "count"]].rename(columns={"count": "prev_count"}),
            on="wijk_code",
            how="outer",
        )
        .fillna(0)
        .rename(columns={"wijk_code": "code"})
        .astype({"count": "int64", "prev_count": "int64"})
    )
    days = (data.period[1] - data.period[0]).days + 1
    return measure_view(area_table(data.wijken, counts, days=days), "count", data.disclosure)


def change_map_png(data: PackData, verdicts: pd.DataFrame) -> bytes:
    """Wijken coloured by verdict, with hatches and arrows so a grey print says the same."""
    wijken = data.wijken
    by_code = verdicts.set_index("wijk_code")["oordeel"].reindex(wijken["code"]).fillna(TOO_FEW)
    index, classes = verdict_classes(by_code.reset_index(drop=True))
    index.index = wijken["code"].to_numpy()
    fig = Figure(figsize=(7.0, 5.6))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.01, 0.16, 0.98, 0.83))
    draw(ax, wijken, index, classes, linewidth=0.8)
    for verdict, hatch in VERDICT_HATCH.items():
        _hatch(ax, wijken.geometry[(by_code == verdict).to_numpy()].to_numpy(), hatch, "#ffffff")
    points = shapely.point_on_surface(wijken.geometry.to_numpy())
    for point, name, verdict in zip(points, wijken["name"], by_code, strict=True):
        mark = VERDICT_MARK.get(verdict, "")
        _label(ax, point.x, point.y, f"{name}\n{mark}" if mark else str(name), size=9)
    xmin, _, xmax, _ = wijken.total_bounds
    add_scale_bar(ax, max(xmax - xmin, 1.0))
    add_north_arrow(ax)
    handles = [
        Patch(facecolor="#b2182b", edgecolor="#000000", hatch="////", label="▲ " + RISE),
        Patch(facecolor="#2166ac", edgecolor="#000000", hatch="\\\\\\\\", label="▼ " + FALL),
        Patch(
            facecolor="#f0f0f0",
            edgecolor="#777777",
            label="geen significante verandering of te weinig meldingen",
        ),
    ]
    legend = fig.legend(
        handles=handles, loc="lower center", ncols=1, fontsize=8, frameon=False, handleheight=1.2
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
    return _png(fig)


def focus_map_png(data: PackData, code: str) -> bytes:
    """Where the wijk in focus lies: its buurten named, the other wijken light. No figures."""
    wijken = data.wijken
    buurten = data.areas[
        (data.areas["level"] == "buurt") & (data.areas["parent_code"] == code)
    ].reset_index(drop=True)
    fig = Figure(figsize=(6.4, 5.6))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    focus = (wijken["code"] == code).to_numpy()
    paths = [PathPatch(geometry_path(g)) for g in wijken.geometry]
    ax.add_collection(
        PatchCollection(
            paths,
            facecolors=["#9e9e9e" if f else "#f2f2f2" for f in focus],
            edgecolors="#555555",
            linewidths=[2.0 if f else 0.6 for f in focus],
            zorder=1,
        )
    )
    if not buurten.empty:
        ax.add_collection(
            PatchCollection(
                [PathPatch(geometry_path(g)) for g in buurten.geometry],
                facecolors="none",
                edgecolors="#ffffff",
                linewidths=0.8,
                zorder=2,
            )
        )
        for point, name in zip(
            shapely.point_on_surface(buurten.geometry.to_numpy()), buurten["name"], strict=True
        ):
            _label(ax, point.x, point.y, str(name), size=8.5)
    for point, name, is_focus in zip(
        shapely.point_on_surface(wijken.geometry.to_numpy()), wijken["name"], focus, strict=True
    ):
        if not is_focus:
            _label(ax, point.x, point.y, str(name), size=8.5)
    _frame_axes(ax, wijken)
    xmin, _, xmax, _ = wijken.total_bounds
    add_scale_bar(ax, max(xmax - xmin, 1.0))
    add_north_arrow(ax)
    return _png(fig)


def trend_table(data: PackData) -> pd.DataFrame:
    """Signals per grid period and theme, protected per period across the themes.

    Columns ``periode`` (index into the grid), ``thema``, ``count`` (exact), ``hidden``.
    """
    themes = list(data.theme_labels)
    full = pd.MultiIndex.from_product([range(len(data.grid)), themes], names=["periode", "thema"])
    counts = (
        data.grid_counts.set_index(["periode", "thema"])["count"]
        .reindex(full, fill_value=0)
        .reset_index()
    )
    counts["hidden"] = False
    for _, rows in counts.groupby("periode"):
        mask = hidden_mask(rows[["count"]], ["count"], data.disclosure)["count"]
        counts.loc[rows.index, "hidden"] = mask.to_numpy()
    return counts


def trend_png(data: PackData, themes: Sequence[str], table: pd.DataFrame) -> bytes:
    """Signals per week per period for the main themes; hidden counts leave a gap.

    Periods that end after the data are complete (``data.data_as_of``) are the incomplete
    tail: their value is per week of the days covered, and the line into them is drawn
    dashed and lighter (with a note), so a partial period never reads as a collapse.
    """
    fig = Figure(figsize=(8.4, 5.4))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.1, 0.2, 0.86, 0.72))
    # each period's value sits in its middle; periods between meetings differ in length
    middles = [pd.Timestamp(s) + pd.Timedelta(days=period_days((s, e)) / 2) for s, e in data.grid]
    until = data.data_as_of
    covered = [period_days((s, min(e, until))) if s <= until else 0 for s, e in data.grid]
    complete = np.array([e <= until for _, e in data.grid])
    weeks = np.array([max(days, 1) / 7 for days in covered])
    last = int(np.flatnonzero(complete)[-1]) if complete.any() else -1
    top = 0.0
    for i, theme in enumerate(themes):
        rows = table[table["thema"] == theme].sort_values("periode")
        values = rows["count"].to_numpy(dtype=float) / weeks
        values[rows["hidden"].to_numpy()] = np.nan
        values[np.array(covered) == 0] = np.nan  # no data yet: no point, not a zero
        marker, dash = LINE_STYLES[i % len(LINE_STYLES)]
        colour = LINE_GREYS[i % len(LINE_GREYS)]
        ax.plot(
            middles[: last + 1],
            values[: last + 1],
            marker=marker,
            linestyle=dash,
            color=colour,
            linewidth=1.6,
            markersize=5,
            label=data.theme_labels.get(theme, theme),
        )
        if last < len(values) - 1:
            start = max(last, 0)
            ax.plot(
                middles[start:],
                values[start:],
                marker=marker,
                linestyle=(0, (4, 3)),
                color=colour,
                alpha=0.4,
                linewidth=1.6,
                markersize=5,
            )
        if np.isfinite(values).any():
            top = max(top, float(np.nanmax(values)))
    if last < len(data.grid) - 1:
        ax.text(
            0.99,
            0.01,
            f"vaag gestreept: onvolledig (gegevens compleet t/m {dutch.day(until)})",
            transform=ax.transAxes,
            ha="right",
            fontsize=9,
            color="#555555",
            parse_math=False,
        )
    first_day = pd.Timestamp(data.period[0])
    ax.axvspan(first_day, pd.Timestamp(data.period[1]) + pd.Timedelta(days=1), color="#e0e0e0")
    ax.text(
        first_day,
        (top or 1.0) * 1.08,
        "deze periode",
        fontsize=10,
        color="#333333",
        parse_math=False,
    )
    ax.set_ylim(0, (top or 1.0) * 1.18)
    ax.set_ylabel("signalen per week", fontsize=11)
    ax.tick_params(labelsize=10)
    ax.xaxis.set_major_formatter(lambda x, _pos: _month_label(x))
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend = ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, fontsize=10.5, frameon=False
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
    return _png(fig)


MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _month_label(value: float) -> str:
    day = num2date(value)
    return f"{MONTHS_SHORT[day.month - 1]} {day.year}"


def outcome_chart_png(labels: Sequence[str], counts: pd.Series, texts: Sequence[str]) -> bytes:
    """Horizontal bars of the shown counts; a hidden count gets no bar, only its text."""
    fig = Figure(figsize=(6.6, 0.55 * len(labels) + 1.0))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.42, 0.08, 0.5, 0.88))
    positions = np.arange(len(labels))
    shown = np.array([t[:1].isdigit() for t in texts])
    values = np.where(shown, counts.to_numpy(dtype=float), 0.0)
    ax.barh(positions[shown], values[shown], color="#525252", height=0.65)
    reach = float(values.max()) if values.size and values.max() > 0 else 1.0
    for y, value, text in zip(positions, values, texts, strict=True):
        ax.text(value + reach * 0.02, float(y), text, va="center", fontsize=11, parse_math=False)
    ax.set_yticks(positions, [clip(label, 40) for label in labels])
    for tick in ax.get_yticklabels():
        tick.set_parse_math(False)
        tick.set_fontsize(11)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, reach * 1.18)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    return _png(fig)
