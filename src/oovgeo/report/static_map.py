"""A static PNG of a choropleth for slides and print: matplotlib only, no browser, no basemap.

Built on ``matplotlib.figure.Figure`` directly (no pyplot), so nothing touches global state
and it works on a server without a display. The same ``Classes`` as the folium map give the
same colours and legend labels. The sequential palette darkens monotonically, so a grey print
keeps the order; areas without a value are grey *and* hatched so they never pass for a class.

    areas (RD, with ``code``) + classes_index (code -> class) + classes  ->  PNG bytes
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.patheffects import withStroke
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from oovgeo.analysis.classify import MISSING_COLOUR, MISSING_LABEL, Classes
from oovgeo.crs import RD
from oovgeo.dutch import number as format_number

MISSING_HATCH = "////"
FIGURE_WIDTH_IN = 8.0  # layout in inches; dpi follows from the requested pixel width
SCALE_STEPS_M = (100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 25_000, 50_000)


def geometry_path(geom) -> Path:
    """One compound path per area: every polygon part with its holes.

    Exteriors run counter-clockwise and holes clockwise, so matplotlib's non-zero fill leaves
    the holes empty.
    """
    rings = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        part = shapely.orient_polygons(part)
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            rings.append(Path(xy, codes))
    return Path.make_compound_path(*rings) if rings else Path(np.zeros((0, 2)))


def _class_per_area(areas: gpd.GeoDataFrame, classes_index: pd.Series, k: int) -> np.ndarray:
    index = areas["code"].map(classes_index).fillna(-1).astype(int).to_numpy()
    if (index >= k).any():
        raise ValueError(f"class index out of range for {k} classes")
    return index


def draw(
    ax: Axes,
    areas: gpd.GeoDataFrame,
    classes_index: pd.Series,
    classes: Classes,
    *,
    labels: pd.Series | None = None,
    linewidth: float = 0.6,
) -> PatchCollection:
    """Draw the areas on ``ax``, one patch per area in its class colour; return the patches.

    ``classes_index`` and ``labels`` are indexed by area code; areas without a class are grey
    and hatched. Labels are drawn as plain text at a point inside each area.
    """
    if areas.crs is None or areas.crs.to_epsg() != 28992:
        raise ValueError(f"static maps expect areas in {RD} (metres), got {areas.crs}")
    if "code" not in areas.columns:
        raise ValueError("areas need a 'code' column")
    if len(areas) == 0:
        raise ValueError("no areas to draw")
    index = _class_per_area(areas, classes_index, classes.k)
    paths = [geometry_path(g) for g in areas.geometry]
    patches = PatchCollection(
        [PathPatch(p) for p in paths],
        facecolors=[classes.colour(int(i)) for i in index],
        edgecolors=classes.edge,
        linewidths=linewidth,
        zorder=1,
    )
    ax.add_collection(patches)
    if (index < 0).any():
        ax.add_collection(
            PatchCollection(
                [PathPatch(p) for p, i in zip(paths, index, strict=True) if i < 0],
                facecolors="none",
                edgecolors="#6e6e6e",
                linewidths=0,
                hatch=MISSING_HATCH,
                zorder=2,
            )
        )
    if labels is not None:
        texts = areas["code"].map(labels)
        points = shapely.point_on_surface(areas.geometry.to_numpy())
        for text, point in zip(texts, points, strict=True):
            if text is None or (isinstance(text, float) and np.isnan(text)) or point.is_empty:
                continue
            ax.text(
                point.x,
                point.y,
                str(text),
                ha="center",
                va="center",
                fontsize=6.5,
                color="#1a1a1a",
                parse_math=False,  # a '$' in a name must not switch to maths
                path_effects=[withStroke(linewidth=2.2, foreground="white")],
                zorder=3,
            )
    xmin, ymin, xmax, ymax = areas.total_bounds
    pad = 0.03 * max(xmax - xmin, ymax - ymin, 1.0)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal", adjustable="box")  # metres both ways; the axes box shrinks to fit
    ax.set_axis_off()
    return patches


def scale_length(width_m: float) -> float:
    """Return a round scale-bar length of at most a fifth of the map width.

    >>> scale_length(12_000), scale_length(300), scale_length(250_000)
    (2000, 100, 50000)
    """
    target = width_m / 5
    fitting = [s for s in SCALE_STEPS_M if s <= target]
    return fitting[-1] if fitting else SCALE_STEPS_M[0]


def scale_label(metres: float) -> str:
    """Dutch scale-bar text.

    >>> scale_label(500), scale_label(2500)
    ('500 m', '2,5 km')
    """
    return (
        f"{format_number(metres, 0)} m" if metres < 1000 else f"{format_number(metres / 1000)} km"
    )


def add_scale_bar(ax: Axes, width_m: float) -> AnchoredSizeBar:
    """Add a scale bar in kilometres (RD coordinates are metres), lower left."""
    length = scale_length(width_m)
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        scale_label(length),
        loc="lower left",
        pad=0.3,
        borderpad=0.5,
        sep=3,
        frameon=False,
        size_vertical=width_m / 250,
        color="#222222",
        fontproperties=FontProperties(size=7),
    )
    ax.add_artist(bar)
    return bar


def add_north_arrow(ax: Axes) -> None:
    """Add an arrow to grid north, top right (RD grid north is within 2 degrees of true north)."""
    ax.annotate(
        "N",
        xy=(0.96, 0.99),
        xytext=(0.96, 0.88),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        arrowprops={"facecolor": "#222222", "edgecolor": "none", "width": 3, "headwidth": 9},
    )


def add_legend(fig: Figure, classes: Classes, title: str = "", *, missing: bool = False):
    """Add the class legend beside the map, with a hatched grey entry when values are missing."""
    handles = [
        Patch(facecolor=colour, edgecolor="#777777", linewidth=0.5, label=label)
        for colour, label in zip(classes.colours, classes.labels, strict=True)
    ]
    if missing:
        handles.append(
            Patch(
                facecolor=MISSING_COLOUR,
                edgecolor="#6e6e6e",
                linewidth=0.5,
                hatch=MISSING_HATCH,
                label=MISSING_LABEL.replace(" (", "\n("),  # fits beside the map
            )
        )
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.76, 0.80),
        frameon=False,
        title=title or None,
        fontsize=8,
        title_fontsize=9,
        alignment="left",
        handlelength=1.6,
        handleheight=1.2,
    )
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)
    return legend


def render_png(
    areas: gpd.GeoDataFrame,
    classes_index: pd.Series,
    classes: Classes,
    *,
    title: str,
    subtitle: str = "",
    labels: pd.Series | None = None,
    legend_title: str = "",
    width_px: int = 1600,
    height_px: int = 1200,
) -> bytes:
    """Return the choropleth as PNG bytes: title, subtitle, legend, scale bar and north arrow.

    ``subtitle`` carries the period and the source line, e.g.
    ``"1 jan – 31 mrt 2025 · Bron: meldingen gemeente; aantallen onder 5 als <5"``.
    All text is drawn as plain text (no maths, no HTML), so data strings need no escaping.
    The layout is fixed in inches and the resolution follows ``width_px``, so a bigger PNG is
    the same picture, sharper.
    """
    if not (200 <= width_px <= 8000 and 200 <= height_px <= 8000):
        raise ValueError(f"size must be 200..8000 px, got {width_px} x {height_px}")
    dpi = width_px / FIGURE_WIDTH_IN
    fig = Figure(figsize=(FIGURE_WIDTH_IN, FIGURE_WIDTH_IN * height_px / width_px), dpi=dpi)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.02, 0.04, 0.72, 0.80))
    draw(ax, areas, classes_index, classes, labels=labels)
    index = _class_per_area(areas, classes_index, classes.k)

    xmin, _, xmax, _ = areas.total_bounds
    add_scale_bar(ax, max(xmax - xmin, 1.0))
    add_north_arrow(ax)
    add_legend(fig, classes, legend_title, missing=classes.missing or bool((index < 0).any()))
    fig.text(
        0.02,
        0.975,
        title,
        ha="left",
        va="top",
        fontsize=15,
        fontweight="bold",
        parse_math=False,
        wrap=True,
    )
    if subtitle:
        fig.text(
            0.02,
            0.915,
            subtitle,
            ha="left",
            va="top",
            fontsize=8.5,
            color="#444444",
            parse_math=False,
            wrap=True,
        )

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
