"""Meeting packs: the slides for a partner meeting, built from the store, already protected.

    settings + meeting type + date  ->  build_pack()  ->  Pack(slides)  ->  to_pptx / to_pdf
                                                                         ->  Streamlit (page)

A ``Pack`` is renderer-independent: every slide holds a title, an optional PNG (maps and
charts drawn on the server with matplotlib, no browser, no tiles), an optional table of
display text, bullets and a note. Everything disclosure-related happens here, so the PPTX,
the PDF and the presentation page only lay out what the model holds (P3):

- no points, no addresses, no coordinates: counts per wijk (SQL GROUP BY) only, and the
  agreed actions either counted per wijk and status ('beschermd') or listed with their
  wijk or buurt name ('intern'; a title that holds the item's address loses it);
- counts below the threshold read ``"<k"``; a count hidden only to protect another reads
  ``"x"``; every count column is protected against its total (complementary suppression);
- no row totals next to protected counts, no differences, no rates of hidden counts;
- one mask per theme for the current period: the map of a theme, the table of significant
  changes and the wijk in focus show the same cells hidden (``measure_view`` and
  ``protect_comparison`` give the same mask for the same column), so two slides can never
  be combined to work a hidden cell back;
- one period grid (``meetings.period_grid``): the trend, the comparison and the pack's own
  period never overlap partially, so no difference of two periods reveals a small count.

Small counts are hidden for both audiences: slides leave the building.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.patheffects import withStroke
from sqlalchemy import Engine, func, select

from oovgeo.analysis.aggregate import Filters, area_table, grouped_counts
from oovgeo.analysis.classify import MISSING_COLOUR, classify
from oovgeo.analysis.compare import FALL, NORMAL, RISE, TOO_FEW, compare_table, protect_comparison
from oovgeo.analysis.mapdata import measure_view, verdict_classes
from oovgeo.analysis.trends import coverage_end, data_until
from oovgeo.config import Settings
from oovgeo.meetings import (
    MeetingError,
    MeetingType,
    dutch_period,
    meeting_type,
    pack_period,
    period_grid,
)
from oovgeo.privacy import (
    HIDDEN_MARK,
    Disclosure,
    format_count,
    hidden_mask,
    primary_mask,
    total_label,
)
from oovgeo.report.static_map import (
    MISSING_HATCH,
    add_north_arrow,
    add_scale_bar,
    draw,
    geometry_path,
)
from oovgeo.report.year_report import disclosure_note, dutch_date
from oovgeo.store import schema
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.shortlist import OPEN_STATUSES, STATUSES, list_items

if TYPE_CHECKING:
    from oovgeo.access import Identity

# Dutch slide titles per kind; the title slide carries the meeting's name, the wijk in focus
# its wijk's name after the colon.
TITLES = {
    "titel": "",
    "kaart_themas": "Hoofdthema's per wijk",
    "veranderingen": "Significante veranderingen per wijk",
    "trends": "Ontwikkeling per thema",
    "wijk_focus": "Wijk in beeld",
    "interventies": "Interventies sinds het vorige overleg",
    "afspraken": "Afspraken en hun status",
    "verantwoording": "Verantwoording",
}
AUDIENCE_LABELS = {
    "beschermd": "partners (beschermde cijfers: alleen aantallen per wijk)",
    "intern": "OOV-team (intern; kleine aantallen toch afgeschermd)",
}
MAX_TABLE_ROWS = 12  # a table must fit on its one slide: the slide list is fixed
MAX_CELL_CHARS = 70
IMAGE_DPI = 150
METHOD_NOTE = (
    "Methode: exacte toets voor twee Poisson-aantallen met de lengte van de periodes als "
    "blootstelling, gecorrigeerd voor meervoudig toetsen (Benjamini-Hochberg, 5%). Minder dan "
    "10 signalen in beide periodes samen: 'te weinig meldingen om iets te zeggen' (niet getoetst)."
)
TEST_NOTE = "Oordelen: exacte toets, gecorrigeerd voor meervoudig toetsen (zie Verantwoording)."
LOCATION_NOTE = (
    "Dit pakket bevat geen adressen, coördinaten of losse meldingen: alleen aantallen per wijk."
)
# Grey-readable styles per verdict on the change map: direction by hatch and arrow as well as
# by colour (red and blue print as nearly the same grey).
VERDICT_HATCH = {RISE: "////", FALL: "\\\\\\\\"}
VERDICT_MARK = {RISE: "▲", FALL: "▼"}
# Line styles per theme on the trend chart: marker and dash tell the lines apart in grey.
LINE_STYLES = (("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"))
LINE_GREYS = ("#000000", "#404040", "#707070", "#a0a0a0")


class PackError(ValueError):
    """A pack cannot be built (no boundaries, unknown meeting); Dutch and safe to show."""


@dataclass(frozen=True, eq=False)
class Slide:
    """One slide, ready to lay out; ``eq=False`` because it holds a DataFrame.

    Attributes
    ----------
    kind
        One of ``config.SLIDE_KINDS``.
    title
        Dutch title (the PPTX title placeholder, the PDF page heading, the page header).
    subtitle
        One line under the title: usually the period.
    image_png
        A map or chart as PNG bytes (``st.image`` shows them as they are).
    table
        Display text only (every cell a ``str``; checked): counts already protected.
    bullets
        Short Dutch lines beside or under the image and table.
    note
        Small print at the bottom: source, period, what ``<k`` and ``x`` mean.
    """

    kind: str
    title: str
    subtitle: str = ""
    image_png: bytes | None = None
    table: pd.DataFrame | None = None
    bullets: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "bullets", tuple(str(b) for b in self.bullets))
        if self.table is not None:
            # fail closed: a number in a pack table would not have passed the privacy rules
            cells = [*self.table.columns, *self.table.to_numpy().ravel().tolist()]
            if not all(isinstance(c, str) for c in cells):
                raise TypeError("pack tables hold display text only (protect counts first)")


@dataclass(frozen=True, eq=False)
class Pack:
    """A meeting pack: the meeting, its period, its audience and the slides in order."""

    meeting: MeetingType
    meeting_date: date
    period: tuple[date, date]
    previous_period: tuple[date, date]
    audience: str
    gemeente: str
    data_as_of: date
    made_on: date
    slides: tuple[Slide, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"{self.meeting.label} {dutch_date(self.meeting_date)}"

    @property
    def stem(self) -> str:
        """File name without extension: ``oovgeo_integraal_2026-11-24``."""
        return f"oovgeo_{self.meeting.code}_{self.meeting_date.isoformat()}"

    @property
    def footer(self) -> str:
        return f"{self.title} · gemeente {self.gemeente} · gemaakt met oovgeo"


# --- audience ----------------------------------------------------------------------------------


def audience_for(meeting: MeetingType, identity: Identity | None = None) -> str:
    """The audience a pack is built for: the meeting's, but never more than the viewer may see.

    'intern' lists the shortlist's cases, so only roles that work with the shortlist (who may
    open the Doelen page: beheerder, coordinator) get it; every other role gets 'beschermd'.
    No identity means the meeting's own audience (the command line: shell access to the
    server is full access).
    """
    from oovgeo.access import may_open

    if identity is None or meeting.audience == "beschermd":
        return meeting.audience
    return "intern" if may_open(identity.role, "doelen") else "beschermd"


def pack_disclosure(settings: Settings) -> Disclosure:
    """Every pack is protected, whatever the audience (slides leave the building)."""
    return Disclosure(
        protected=True,
        threshold=int(settings.get("privacy.suppression_threshold")),
        min_inhabitants=int(settings.get("privacy.min_inhabitants")),
    )


# --- data ----------------------------------------------------------------------------------------


@dataclass
class PackData:
    """What the slides are made of, read once from the store (aggregates only)."""

    settings: Settings
    meeting: MeetingType
    meeting_date: date
    audience: str
    disclosure: Disclosure
    period: tuple[date, date]
    grid: list[tuple[date, date]]
    areas: gpd.GeoDataFrame
    wijken: gpd.GeoDataFrame
    edition: int
    a_counts: pd.DataFrame  # wijk_code, thema, count: the pack's period
    b_counts: pd.DataFrame  # the same for the previous period of the grid
    grid_counts: pd.DataFrame  # periode (index into grid), thema, count (records with a wijk)
    interventions: pd.DataFrame  # thema, uitkomst, count
    items: pd.DataFrame  # shortlist items relevant to the period
    until: dict[str, date]
    until_interventions: dict[str, date]
    made_on: date

    @property
    def previous(self) -> tuple[date, date]:
        return self.grid[-2]

    @property
    def k(self) -> int:
        return self.disclosure.threshold

    @property
    def theme_labels(self) -> dict[str, str]:
        return self.settings.labels("themes")

    @property
    def wijk_names(self) -> dict[str, str]:
        return dict(zip(self.wijken["code"], self.wijken["name"], strict=True))

    @property
    def gemeente(self) -> str:
        names = self.areas.loc[self.areas["level"] == "gemeente", "name"]
        return ", ".join(str(n) for n in names) or "onbekend"

    @property
    def data_as_of(self) -> date:
        return coverage_end(self.until, self.made_on)


def _days(period: tuple[date, date]) -> int:
    return (period[1] - period[0]).days + 1


def _grid_counts(conn, grid: list[tuple[date, date]]) -> pd.DataFrame:
    """Signals per grid period and theme, only those placed in a wijk.

    Only records with a wijk: then a theme's total of a period is exactly the sum of the
    wijk cells of its map, which the map's complementary suppression already assumes known.
    """
    tbl = schema.signals
    rows = conn.execute(
        select(tbl.c.datum, tbl.c.thema, func.count())
        .where(tbl.c.datum >= grid[0][0], tbl.c.datum <= grid[-1][1], tbl.c.wijk_code.is_not(None))
        .group_by(tbl.c.datum, tbl.c.thema)
    ).all()
    daily = pd.DataFrame([tuple(r) for r in rows], columns=["datum", "thema", "count"])
    starts = np.array([np.datetime64(s) for s, _ in grid])
    days = pd.to_datetime(daily["datum"]).to_numpy(dtype="datetime64[D]")
    daily["periode"] = np.searchsorted(starts, days, side="right") - 1
    counts = daily.groupby(["periode", "thema"], as_index=False)["count"].sum()
    return counts.astype({"periode": "int64", "count": "int64"})


def _interventions(conn, period: tuple[date, date]) -> pd.DataFrame:
    """Interventions of the period per theme and outcome: counts, never rows."""
    tbl = schema.interventions
    rows = conn.execute(
        select(tbl.c.thema, tbl.c.uitkomst, func.count())
        .where(tbl.c.datum >= period[0], tbl.c.datum <= period[1])
        .group_by(tbl.c.thema, tbl.c.uitkomst)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["thema", "uitkomst", "count"])


def _relevant_items(engine: Engine, period: tuple[date, date]) -> pd.DataFrame:
    """Open shortlist items and those closed or rejected since the period began."""
    items = list_items(engine, include_closed=True)
    if items.empty:
        return items
    changed = pd.to_datetime(items["updated_at"], utc=True).dt.date
    keep = items["status"].isin(OPEN_STATUSES) | (changed >= period[0])
    return items[keep].reset_index(drop=True)


def load_data(
    engine: Engine,
    settings: Settings,
    meeting: MeetingType,
    meeting_date: date,
    start: date | None,
    audience: str,
    made_on: date,
) -> PackData:
    """Read everything a pack needs in one go: counts per wijk and theme, per period and
    theme, interventions per theme and outcome, the shortlist, data-as-of. No point rows."""
    period = pack_period(meeting, meeting_date, start)
    grid = period_grid(meeting, period)
    with engine.connect() as conn:
        edition = active_edition(conn, settings.get("boundaries.edition"))
        if edition is None:
            raise PackError("er zijn nog geen gebiedsgrenzen geladen")
        areas = load_areas(conn, edition)
        keys = ["wijk_code", "thema"]
        a_counts = grouped_counts(conn, Filters(*period), keys)
        b_counts = grouped_counts(conn, Filters(*grid[-2]), keys)
        counts = _grid_counts(conn, grid)
        interventions = _interventions(conn, period)
        until = data_until(conn)
        until_interventions = data_until(conn, "interventions")
    wijken = areas[areas["level"] == "wijk"].reset_index(drop=True)
    if wijken.empty:
        raise PackError("de geladen gebiedsindeling heeft geen wijken")
    return PackData(
        settings=settings,
        meeting=meeting,
        meeting_date=meeting_date,
        audience=audience,
        disclosure=pack_disclosure(settings),
        period=period,
        grid=grid,
        areas=areas,
        wijken=wijken,
        edition=edition,
        a_counts=a_counts.astype({"count": "int64"}),
        b_counts=b_counts.astype({"count": "int64"}),
        grid_counts=counts,
        interventions=interventions,
        items=_relevant_items(engine, period),
        until=until,
        until_interventions=until_interventions,
        made_on=made_on,
    )


# --- the protected tables the slides share --------------------------------------------------------


def main_themes(data: PackData) -> list[str]:
    """The meeting's main themes, else the (at most 4) most frequent themes of the period."""
    if data.meeting.themes:
        return list(data.meeting.themes)
    order = list(data.theme_labels)
    totals = data.a_counts.groupby("thema")["count"].sum()
    ranked = sorted(order, key=lambda t: (-int(totals.get(t, 0)), order.index(t)))
    return ranked[:4]


def wijk_theme_comparison(data: PackData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(exact, shown) comparison per wijk and theme: the period against the previous one.

    One FDR family over all wijken and themes. The display copy is protected per theme, so
    column ``a`` of each theme hides exactly the cells the theme's map hides.
    """
    table = compare_table(
        data.a_counts,
        data.b_counts,
        keys=["wijk_code", "thema"],
        days_a=_days(data.period),
        days_b=_days(data.previous),
    )
    if table.empty:
        return table, table.copy()
    parts = [
        protect_comparison(group.reset_index(drop=True), data.disclosure)
        for _, group in table.groupby("thema", sort=False)
    ]
    shown = pd.concat(parts, ignore_index=True)
    exact = pd.concat(
        [g.reset_index(drop=True) for _, g in table.groupby("thema", sort=False)],
        ignore_index=True,
    )
    return exact, shown


def wijk_verdicts(data: PackData) -> pd.DataFrame:
    """Per wijk (all themes together): the verdict only; its counts are never shown.

    Columns ``wijk_code``, ``oordeel``, ``ratio`` (rate of this period over the previous;
    used only to choose the wijk in focus, never shown), ``a`` (for the same choice).
    """
    per_wijk = [
        frame.groupby("wijk_code", as_index=False)["count"].sum()
        for frame in (data.a_counts, data.b_counts)
    ]
    codes = pd.DataFrame({"wijk_code": data.wijken["code"]})
    a, b = (codes.merge(f, on="wijk_code", how="left").fillna({"count": 0}) for f in per_wijk)
    table = compare_table(
        a.astype({"count": "int64"}),
        b.astype({"count": "int64"}),
        keys=["wijk_code"],
        days_a=_days(data.period),
        days_b=_days(data.previous),
    )
    shown = protect_comparison(table, data.disclosure)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(table["rate_b"] > 0, table["rate_a"] / table["rate_b"], np.inf)
    return pd.DataFrame(
        {
            "wijk_code": table["wijk_code"],
            "oordeel": shown["oordeel"],
            "ratio": ratio,
            "p": table["p"],
            "a": table["a"],
        }
    )


def focus_wijk(data: PackData, verdicts: pd.DataFrame) -> tuple[str, str]:
    """(wijk code, Dutch reason): the configured wijk, else the largest significant rise."""
    names = data.wijk_names
    configured = data.meeting.focus_wijk
    if configured and configured in names:
        return configured, "Ingesteld als wijk in beeld voor dit overleg."
    prefix = (
        f"De ingestelde wijk {configured} staat niet in de gebiedsindeling {data.edition}. "
        if configured
        else ""
    )
    rising = verdicts[verdicts["oordeel"] == RISE]
    if not rising.empty:
        best = rising.sort_values(["ratio", "p"], ascending=[False, True], kind="stable")
        return str(best["wijk_code"].iloc[0]), prefix + (
            "Gekozen omdat het aantal signalen hier het sterkst significant is gestegen "
            "ten opzichte van de vorige periode."
        )
    busiest = verdicts.sort_values("a", ascending=False, kind="stable")
    return str(busiest["wijk_code"].iloc[0]), prefix + (
        "Geen wijk is significant gestegen; gekozen is de wijk met de meeste signalen "
        "in deze periode."
    )


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
    return measure_view(area_table(data.wijken, counts), "count", data.disclosure)


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
    """Signals per week per period for the main themes; hidden counts leave a gap."""
    fig = Figure(figsize=(8.4, 5.4))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.1, 0.2, 0.86, 0.72))
    # each period's value sits in its middle; periods between meetings differ in length
    middles = [pd.Timestamp(s) + pd.Timedelta(days=_days((s, e)) / 2) for s, e in data.grid]
    weeks = np.array([_days(p) / 7 for p in data.grid])
    top = 0.0
    for i, theme in enumerate(themes):
        rows = table[table["thema"] == theme].sort_values("periode")
        values = rows["count"].to_numpy(dtype=float) / weeks
        values[rows["hidden"].to_numpy()] = np.nan
        marker, dash = LINE_STYLES[i % len(LINE_STYLES)]
        ax.plot(
            middles,
            values,
            marker=marker,
            linestyle=dash,
            color=LINE_GREYS[i % len(LINE_GREYS)],
            linewidth=1.6,
            markersize=5,
            label=data.theme_labels.get(theme, theme),
        )
        if np.isfinite(values).any():
            top = max(top, float(np.nanmax(values)))
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
    from matplotlib.dates import num2date

    day = num2date(value)
    return f"{MONTHS_SHORT[day.month - 1]} {day.year}"


# --- slides ---------------------------------------------------------------------------------------


def _period_line(data: PackData) -> str:
    return f"Periode {dutch_period(data.period)} (vorige periode {dutch_period(data.previous)})"


def _hidden_note(data: PackData) -> str:
    k = data.k
    return (
        f"Aantallen onder {k} staan als <{k}; x = verborgen zodat een klein aantal elders niet "
        "terug te rekenen is."
    )


def _clip(text: Any, limit: int = MAX_CELL_CHARS) -> str:
    value = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _capped(table: pd.DataFrame, what: str) -> tuple[pd.DataFrame, list[str]]:
    """At most ``MAX_TABLE_ROWS`` rows, and a bullet saying how many were left out."""
    if len(table) <= MAX_TABLE_ROWS:
        return table, []
    left = len(table) - MAX_TABLE_ROWS
    return table.head(MAX_TABLE_ROWS), [f"En nog {left} {what} (zie oovgeo)."]


def _text_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        out[column] = [_clip(v) for v in out[column]]
    return out.reset_index(drop=True)


def slide_title(data: PackData) -> Slide:
    bullets = [
        f"Periode: {dutch_period(data.period)} (sinds het vorige overleg).",
        f"Stand van de gegevens: {dutch_date(data.data_as_of)}.",
        f"Voor: {AUDIENCE_LABELS[data.audience]}.",
    ]
    if data.data_as_of < data.period[1]:
        bullets.append(
            "Let op: de gegevens lopen nog niet tot het einde van de periode; de laatste dagen "
            "ontbreken (nog)."
        )
    return Slide(
        kind="titel",
        title=data.meeting.label,
        subtitle=f"{dutch_date(data.meeting_date)} · gemeente {data.gemeente}",
        bullets=tuple(bullets),
        note=LOCATION_NOTE,
    )


def slide_theme_map(data: PackData, themes: Sequence[str]) -> Slide:
    labels = ", ".join(data.theme_labels.get(t, t) for t in themes)
    chosen = (
        "ingesteld voor dit overleg"
        if data.meeting.themes
        else "de thema's met de meeste signalen in deze periode"
    )
    return Slide(
        kind="kaart_themas",
        title=TITLES["kaart_themas"],
        subtitle=_period_line(data),
        image_png=theme_map_png(data, themes),
        bullets=(f"Signalen per wijk voor {labels} ({chosen}).",),
        note=_hidden_note(data),
    )


SIGNIFICANT_COLUMNS = {
    "wijk": "Wijk",
    "thema": "Thema",
    "a": "Deze periode",
    "b": "Vorige periode",
    "oordeel": "Oordeel",
}


def slide_changes(data: PackData, verdicts: pd.DataFrame, shown: pd.DataFrame) -> Slide:
    names, labels = data.wijk_names, data.theme_labels
    bullets = []
    if shown.empty:
        table = None
        bullets.append("Geen signalen in deze of de vorige periode.")
    else:
        significant = shown[shown["oordeel"].isin([RISE, FALL])].copy()
        significant["wijk"] = significant["wijk_code"].map(lambda c: names.get(c, c))
        significant["thema"] = significant["thema"].map(lambda t: labels.get(t, t))
        significant["_rank"] = significant["oordeel"].map({RISE: 0, FALL: 1})
        significant = significant.sort_values(["_rank", "wijk", "thema"], kind="stable")
        table = _text_table(
            significant[list(SIGNIFICANT_COLUMNS)].rename(columns=SIGNIFICANT_COLUMNS)
        )
        table, more = _capped(table, "significante veranderingen")
        bullets += more
        counts = shown["oordeel"].value_counts()
        bullets.insert(
            0,
            "Per wijk en thema: "
            + ", ".join(f"{int(counts.get(v, 0))} {v}" for v in (RISE, FALL, NORMAL, TOO_FEW))
            + ".",
        )
        if table.empty:
            table = None
            bullets.append("Geen significante veranderingen per wijk en thema.")
    wijk_counts = verdicts["oordeel"].value_counts()
    bullets.insert(
        0,
        "Kaart, per wijk (alle thema's samen): "
        f"{int(wijk_counts.get(RISE, 0))} {RISE}, {int(wijk_counts.get(FALL, 0))} {FALL}.",
    )
    return Slide(
        kind="veranderingen",
        title=TITLES["veranderingen"],
        subtitle=_period_line(data),
        image_png=change_map_png(data, verdicts),
        table=table,
        bullets=tuple(bullets),
        note=_hidden_note(data) + " " + TEST_NOTE,
    )


def slide_trends(data: PackData, themes: Sequence[str]) -> Slide:
    table = trend_table(data)
    last, before = len(data.grid) - 1, len(data.grid) - 2
    a = table[table["periode"] == last].set_index("thema")["count"]
    b = table[table["periode"] == before].set_index("thema")["count"]
    compared = compare_table(
        a.reset_index(),
        b.reset_index(),
        keys=["thema"],
        days_a=_days(data.grid[last]),
        days_b=_days(data.grid[before]),
    )
    verdict = protect_comparison(compared, data.disclosure).set_index("thema")["oordeel"]
    bullets = [
        f"{data.theme_labels.get(t, t)}: {verdict.get(t, TOO_FEW)} ten opzichte van de vorige "
        "periode."
        for t in themes
    ]
    bullets.append(
        f"Per periode tussen de overleggen, {len(data.grid)} periodes vanaf "
        f"{data.grid[0][0]:%d-%m-%Y}; een onderbroken lijn is een aantal dat te klein is om te "
        "tonen."
    )
    return Slide(
        kind="trends",
        title=TITLES["trends"],
        subtitle=_period_line(data),
        image_png=trend_png(data, themes, table),
        bullets=tuple(bullets),
        note=_hidden_note(data) + " " + TEST_NOTE,
    )


def slide_focus(data: PackData, verdicts: pd.DataFrame, shown: pd.DataFrame) -> Slide:
    code, reason = focus_wijk(data, verdicts)
    name = data.wijk_names.get(code, code)
    verdict = verdicts.set_index("wijk_code")["oordeel"].get(code, TOO_FEW)
    bullets = [reason, f"Alle signalen samen: {verdict} ten opzichte van de vorige periode."]
    table = None
    if not shown.empty:
        rows = shown[shown["wijk_code"] == code].copy()
        order = list(data.theme_labels)
        rows["_rank"] = rows["thema"].map(lambda t: order.index(t) if t in order else len(order))
        rows = rows.sort_values("_rank", kind="stable")
        rows["thema"] = rows["thema"].map(lambda t: data.theme_labels.get(t, t))
        columns = {k: v for k, v in SIGNIFICANT_COLUMNS.items() if k != "wijk"}
        table = _text_table(rows[list(columns)].rename(columns=columns))
        table, more = _capped(table, "thema's")
        bullets += more
        if table.empty:
            table = None
    return Slide(
        kind="wijk_focus",
        title=f"{TITLES['wijk_focus']}: {name}",
        subtitle=_period_line(data),
        image_png=focus_map_png(data, code),
        table=table,
        bullets=tuple(bullets),
        note=_hidden_note(data),
    )


def count_texts(counts: pd.Series, disclosure: Disclosure) -> list[str]:
    """Protected display texts of one column of counts that sums to a shown total.

    As on the map: ``"<k"`` for a small count, ``"x"`` for a count hidden only so that a small
    one cannot be computed back from the total (``"<k"`` would be untrue there).

    >>> count_texts(pd.Series([12, 3, 0, 7]), Disclosure(protected=True))
    ['12', '<5', '0', 'x']
    """
    values = counts.reset_index(drop=True)
    hidden = hidden_mask(values.to_frame("n"), ["n"], disclosure)["n"].to_numpy()
    small = primary_mask(values, disclosure.threshold).to_numpy()
    return [
        HIDDEN_MARK if h and not sm else format_count(n, h, disclosure.threshold)
        for n, h, sm in zip(values, hidden, small, strict=True)
    ]


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
        ax.text(value + reach * 0.02, y, text, va="center", fontsize=11, parse_math=False)
    ax.set_yticks(positions, [_clip(label, 40) for label in labels])
    for tick in ax.get_yticklabels():
        tick.set_parse_math(False)
        tick.set_fontsize(11)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, reach * 1.18)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    return _png(fig)


def slide_interventions(data: PackData) -> Slide:
    """Interventions of the period per outcome (chart) and per theme (table): two margins
    of the same total, each protected against it; their cross table is never shown."""
    frame = data.interventions
    subtitle = f"Gehouden van {dutch_period(data.period)}"
    if frame.empty:
        return Slide(
            kind="interventies",
            title=TITLES["interventies"],
            subtitle=subtitle,
            bullets=("Geen interventies in deze periode.",),
        )
    outcome_labels = data.settings.labels("outcomes")
    outcomes = frame.assign(uitkomst=frame["uitkomst"].fillna("onbekend"))
    per_outcome = outcomes.groupby("uitkomst", as_index=False)["count"].sum()
    order = [*outcome_labels, "onbekend"]
    per_outcome["_rank"] = per_outcome["uitkomst"].map(
        lambda u: order.index(u) if u in order else len(order)
    )
    per_outcome = per_outcome.sort_values("_rank", kind="stable").reset_index(drop=True)
    per_theme = frame.groupby("thema", as_index=False)["count"].sum()
    per_theme = per_theme.sort_values(["count", "thema"], ascending=[False, True])
    per_theme = per_theme.reset_index(drop=True)
    total = _safest_total([per_outcome["count"], per_theme["count"]], data.disclosure)
    outcome_texts = count_texts(per_outcome["count"], data.disclosure)
    image = outcome_chart_png(
        [outcome_labels.get(u, u) for u in per_outcome["uitkomst"]],
        per_outcome["count"],
        outcome_texts,
    )
    table = pd.DataFrame(
        {
            "Thema": [data.theme_labels.get(t, t) for t in per_theme["thema"]],
            "Aantal": count_texts(per_theme["count"], data.disclosure),
        }
    )
    table, more = _capped(_text_table(table), "thema's")
    table = pd.concat(
        [table, pd.DataFrame({"Thema": ["Totaal"], "Aantal": [total]})], ignore_index=True
    )
    return Slide(
        kind="interventies",
        title=TITLES["interventies"],
        subtitle=subtitle,
        image_png=image,
        table=table,
        bullets=("Links per uitkomst, rechts per thema.", *more),
        note=_hidden_note(data),
    )


def _safest_total(columns: Sequence[pd.Series], disclosure: Disclosure) -> str:
    """One total shown under several breakdowns: hidden as soon as one of them needs it."""
    labels = [total_label(c.reset_index(drop=True), disclosure) for c in columns]
    hidden = [label for label in labels if not re.fullmatch(r"[\d.]+", label)]
    return hidden[0] if hidden else labels[0]


def _without_address(title: Any, address: Any) -> str:
    """The item's title with its own address taken out (titles are typed by hand)."""
    text = "" if title is None else str(title)
    if isinstance(address, str) and address.strip():
        text = re.sub(re.escape(address.strip()), "[adres]", text, flags=re.IGNORECASE)
    return text


def slide_agreements(data: PackData) -> Slide:
    items = data.items
    subtitle = f"Open afspraken en afspraken afgerond sinds {data.period[0]:%d-%m-%Y}"
    if items.empty:
        return Slide(
            kind="afspraken",
            title=TITLES["afspraken"],
            subtitle=subtitle,
            bullets=("Geen afspraken op de lijst.",),
        )
    place = items["wijk_naam"].fillna(items["wijk_code"]).fillna("onbekende wijk")
    if data.audience == "intern":
        rank = items["status"].map({s: i for i, s in enumerate(STATUSES)})
        ordered = items.assign(_rank=rank, _plaats=items["buurt_naam"].fillna(place))
        ordered = ordered.sort_values(
            ["_rank", "deadline", "id"], kind="stable", na_position="last"
        )
        table = pd.DataFrame(
            {
                "Nr": [str(int(i)) for i in ordered["id"]],
                "Casus": [
                    _without_address(t, a)
                    for t, a in zip(ordered["title"], ordered["adres"], strict=True)
                ],
                "Plaats": ordered["_plaats"].astype(str).tolist(),
                "Afgesproken actie": ordered["action"].fillna("").astype(str).tolist(),
                "Eigenaar": ordered["owner"].fillna("").astype(str).tolist(),
                "Deadline": [
                    "" if pd.isna(d) else f"{pd.Timestamp(d):%d-%m-%Y}" for d in ordered["deadline"]
                ],
                "Status": ordered["status"].astype(str).tolist(),
            }
        )
        table, more = _capped(_text_table(table), "afspraken")
        return Slide(
            kind="afspraken",
            title=TITLES["afspraken"],
            subtitle=subtitle,
            table=table,
            bullets=tuple(more),
            note="Intern: casussen met wijk of buurt, zonder adressen of coördinaten.",
        )
    # beschermd: counts per wijk and status, each status column protected against its total
    present = [s for s in STATUSES if (items["status"] == s).any()]
    counts = pd.crosstab(place, items["status"]).reindex(columns=present, fill_value=0).sort_index()
    counts.index.name = "Wijk"
    counts = counts.reset_index()
    shown = counts.copy()
    for status in present:
        shown[status] = count_texts(counts[status], data.disclosure)
    totals = {s: total_label(counts[s], data.disclosure) for s in present}
    table = pd.concat([shown, pd.DataFrame([{"Wijk": "Totaal", **totals}])], ignore_index=True)
    table = _text_table(table.rename(columns={s: s.capitalize() for s in present}))
    table, more = _capped(table, "wijken")
    return Slide(
        kind="afspraken",
        title=TITLES["afspraken"],
        subtitle=subtitle,
        table=table,
        bullets=(
            "Aantal afspraken per wijk en status; de afspraken zelf staan in de "
            "afsprakenmatrix van het OOV-team.",
            *more,
        ),
        note=_hidden_note(data),
    )


def slide_accountability(data: PackData) -> Slide:
    source_labels = data.settings.labels("sources")
    sources = [
        f"{source_labels.get(s, s)} t/m {d:%d-%m-%Y}" for s, d in sorted(data.until.items()) if d
    ]
    bullets = [
        f"Periode: {dutch_period(data.period)}; vergeleken met {dutch_period(data.previous)}.",
        f"Stand van de gegevens: {dutch_date(data.data_as_of)} (de vroegste einddatum van de "
        "bronnen).",
        "Signalen per bron: " + ("; ".join(sources) if sources else "geen") + ".",
    ]
    if data.until_interventions.get("alle"):
        bullets.append(f"Interventies t/m {data.until_interventions['alle']:%d-%m-%Y}.")
    bullets += [
        f"Gebiedsindeling: CBS wijken en buurten {data.edition}.",
        disclosure_note(data.disclosure),
        METHOD_NOTE,
        LOCATION_NOTE,
        f"Gemaakt op {dutch_date(data.made_on)} voor {AUDIENCE_LABELS[data.audience]}.",
    ]
    return Slide(
        kind="verantwoording",
        title=TITLES["verantwoording"],
        subtitle=f"{data.meeting.label} {dutch_date(data.meeting_date)}",
        bullets=tuple(bullets),
    )


def build_pack(
    engine: Engine,
    settings: Settings,
    meeting: str | MeetingType,
    meeting_date: date,
    *,
    start: date | None = None,
    identity: Identity | None = None,
    made_on: date | None = None,
) -> Pack:
    """The pack for the meeting ``meeting`` (a code or a type) on ``meeting_date``.

    Parameters
    ----------
    start
        First day of the period (``--van``); default: the previous meeting of this type.
    identity
        Who asks; a protected role always gets the 'beschermd' pack (``audience_for``).
    made_on
        Today, for the data-as-of date and the title slide.

    Raises ``MeetingError`` / ``PackError`` (Dutch) for an unknown meeting type, a start
    after the meeting date or a store without boundaries.

    >>> pack = build_pack(engine, settings, "integraal", date(2026, 11, 24))  # doctest: +SKIP
    >>> [s.title for s in pack.slides][:2]  # doctest: +SKIP
    ['Integraal overleg', "Hoofdthema's per wijk"]
    """
    if isinstance(meeting, str):
        meeting = meeting_type(settings, meeting)
    made_on = made_on or date.today()
    data = load_data(
        engine,
        settings,
        meeting,
        meeting_date,
        start,
        audience_for(meeting, identity),
        made_on,
    )
    themes = main_themes(data)
    needs_comparison = {"veranderingen", "wijk_focus"} & set(meeting.slides)
    verdicts = wijk_verdicts(data) if needs_comparison else None
    shown = wijk_theme_comparison(data)[1] if needs_comparison else None
    makers = {
        "titel": lambda: slide_title(data),
        "kaart_themas": lambda: slide_theme_map(data, themes),
        "veranderingen": lambda: slide_changes(data, verdicts, shown),
        "trends": lambda: slide_trends(data, themes),
        "wijk_focus": lambda: slide_focus(data, verdicts, shown),
        "interventies": lambda: slide_interventions(data),
        "afspraken": lambda: slide_agreements(data),
        "verantwoording": lambda: slide_accountability(data),
    }
    slides = tuple(makers[kind]() for kind in meeting.slides)
    return Pack(
        meeting=meeting,
        meeting_date=meeting_date,
        period=data.period,
        previous_period=data.previous,
        audience=data.audience,
        gemeente=data.gemeente,
        data_as_of=data.data_as_of,
        made_on=made_on,
        slides=slides,
    )


# --- layout (shared by the PPTX and PDF renderers; inches on a 16:9 slide) -----------------------

SLIDE_SIZE_IN = (40 / 3, 7.5)  # PowerPoint's 16:9 (12,192,000 x 6,858,000 EMU)


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide in inches from the top left corner."""

    left: float
    top: float
    width: float
    height: float


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def fit(png: bytes, box: Box) -> Box:
    """The largest box of the image's aspect inside ``box``, centred, at its top."""
    width, height = png_size(png)
    scale = min(box.width / width, box.height / height)
    w, h = width * scale, height * scale
    return Box(box.left + (box.width - w) / 2, box.top, w, h)


TITLE_BOX = Box(0.5, 0.3, 12.33, 0.85)
SUBTITLE_BOX = Box(0.5, 1.1, 12.33, 0.45)
FOOTER_BOX = Box(0.5, 6.85, 12.33, 0.55)
CONTENT_TOP, CONTENT_BOTTOM = 1.65, 6.75
CHAR_EM = 0.58  # average character width of the sans-serif font, in ems (a safe estimate)
CELL_PAD_IN = 0.16  # left plus right cell margin


@dataclass(frozen=True)
class TableLayout:
    """A table's text wrapped to its column widths; both renderers draw exactly this."""

    size: float  # font size in points
    widths: list[float]  # column widths in inches
    header: list[str]  # wrapped header texts
    cells: list[list[str]]  # wrapped cell texts, row by row
    lines: list[int]  # lines per row, header first

    @property
    def row_heights(self) -> list[float]:
        return [n * self.size * 1.25 / 72 + 0.1 for n in self.lines]

    @property
    def height(self) -> float:
        return sum(self.row_heights)


def _wrap(text: str, chars: int) -> str:
    return "\n".join(textwrap.wrap(text, width=max(chars, 4), break_long_words=True)) or text


def table_layout(table: pd.DataFrame, width_in: float, size: float) -> TableLayout:
    """Column widths by content (at least the longest word, more for longer texts) and the
    texts wrapped to them."""
    texts = [[str(c), *(str(v) for v in table[c])] for c in table.columns]
    per_char = size * CHAR_EM / 72  # inches per character

    def need(words: int) -> float:
        return words * per_char + CELL_PAD_IN

    least = [need(max(len(w) for t in col for w in (t.split() or [""]))) for col in texts]
    want = [need(max(len(t) for t in col)) for col in texts]
    if sum(want) <= width_in:
        widths = [w * width_in / sum(want) for w in want]
    else:
        spare = max(width_in - sum(least), 0.0)
        extra = [w - m for w, m in zip(want, least, strict=True)]
        total = sum(extra) or 1.0
        widths = [m + spare * e / total for m, e in zip(least, extra, strict=True)]
        scale = width_in / sum(widths)
        widths = [w * scale for w in widths]
    chars = [int((w - CELL_PAD_IN) / per_char) for w in widths]
    wrapped = [[_wrap(t, n) for t in col] for col, n in zip(texts, chars, strict=True)]
    rows = list(zip(*wrapped, strict=True)) if wrapped else []
    lines = [max(t.count("\n") + 1 for t in row) for row in rows]
    return TableLayout(
        size=size,
        widths=widths,
        header=list(rows[0]) if rows else [],
        cells=[list(r) for r in rows[1:]],
        lines=lines,
    )


def slide_table_layout(slide: Slide, box: Box) -> TableLayout:
    """The table of ``slide`` in ``box``: smaller type when it would not fit its height."""
    size = 13.0 if box.width > 8 else 11.5
    while True:
        laid = table_layout(slide.table, box.width, size)
        if laid.height <= box.height or size <= 8:
            return laid
        size -= 0.5


def slide_layout(slide: Slide) -> dict[str, Box]:
    """Where the image, table and bullets of ``slide`` go (keys present only when used).

    A wide image (maps of several themes) spans the slide with the bullets under it; any
    other image takes the left half and the table and bullets the right; without an image
    the table spans the slide with the bullets under it.
    """
    height = CONTENT_BOTTOM - CONTENT_TOP
    boxes: dict[str, Box] = {}
    if slide.image_png is not None:
        width, image_height = png_size(slide.image_png)
        if width / image_height > 1.8:
            boxes["image"] = fit(slide.image_png, Box(0.5, CONTENT_TOP, 12.33, height - 0.7))
            under = boxes["image"].top + boxes["image"].height + 0.1
            boxes["bullets"] = Box(0.5, under, 12.33, CONTENT_BOTTOM - under)
            return boxes
        boxes["image"] = fit(slide.image_png, Box(0.4, CONTENT_TOP, 6.6, height))
        column = Box(7.2, CONTENT_TOP, 5.65, height)
    else:
        column = Box(0.5, CONTENT_TOP, 12.33, height)
    top = column.top
    if slide.table is not None:
        # the table gets what it needs, leaving room for the bullets when there are any
        room = column.height - (1.2 if slide.bullets else 0.0)
        laid = slide_table_layout(slide, Box(column.left, top, column.width, room))
        table_height = min(laid.height, room)
        boxes["table"] = Box(column.left, top, column.width, table_height)
        top += table_height + 0.25
    if slide.bullets and top < CONTENT_BOTTOM - 0.3:
        boxes["bullets"] = Box(column.left, top, column.width, CONTENT_BOTTOM - top)
    return boxes


def looks_like_count(text: str) -> bool:
    """Whether a cell reads as a count (``12``, ``1.234``, ``<5``, ``x``, ``–``): right-aligned."""
    return bool(re.fullmatch(r"[\d.]+|<\d+|≥\d+|x|–", text.strip()))


def wrapped_lines(text: str, width_in: float, size_pt: float) -> int:
    """About how many lines ``text`` takes in a box ``width_in`` wide at ``size_pt``."""
    chars = max(int(width_in * 72 / (size_pt * 0.52)), 10)
    return max(1, -(-len(text) // chars))


def text_size(texts: Sequence[str], box: Box, largest: float = 16, smallest: float = 9) -> float:
    """The largest font size (pt) at which ``texts`` (one paragraph each) fit in ``box``."""
    size = largest
    while size > smallest:
        lines = sum(wrapped_lines(t, box.width, size) for t in texts)
        if lines * size * 1.3 / 72 + len(texts) * size * 0.35 / 72 <= box.height:
            return size
        size -= 1
    return smallest


# --- files ----------------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a killed process) never sees half a file.

    A temporary file in the same folder is written and synced, then renamed over ``path``
    (``os.replace`` is atomic on one file system); on any error the temporary file is removed.
    """
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


__all__ = [
    "MeetingError",
    "Pack",
    "PackError",
    "Slide",
    "TITLES",
    "audience_for",
    "build_pack",
    "write_atomic",
]
