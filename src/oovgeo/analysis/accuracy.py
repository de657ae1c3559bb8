"""How well each map layer predicts where the next events fall: the Predictive Accuracy Index.

PAI (Chainey et al.) = (share of the held-out events in the selected cells) / (share of the area
selected), where the selected cells are those with the highest scores of the layer, taken in
order until they cover :data:`AREA_SHARE` of the area. 1 is no better than random; 2,5 means
the chosen tenth of the town held a quarter of the later events.

Windows (:func:`windows`): the held-out events are those of the most recent
:data:`HELD_OUT_WEEKS` complete weeks (Monday to Sunday) up to the end of the chosen period. Each
layer is made from the events of a window as long as the chosen period that ends the day before
those weeks: the question is "had you drawn this layer with this much data, eight weeks ago,
where would it have sent you?". The pure functions take coordinates, counts and areas; no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import shapely

from oovgeo import dutch
from oovgeo.analysis import density, hotspots

HELD_OUT_WEEKS = 8
AREA_SHARE = 0.10
LAYERS = {
    "heat": "warmtekaart",
    "grid": "Gi*-raster",
    "buurt": "Gi* over buurten",
    "counts_grid": "gewone tellingen per cel van 250 m",
    "counts_buurt": "gewone tellingen per buurt",
}


@dataclass(frozen=True)
class Windows:
    """The fitting window and the held-out weeks (inclusive dates)."""

    fit_start: date
    fit_end: date
    test_start: date
    test_end: date


def windows(start: date, end: date, weeks: int = HELD_OUT_WEEKS) -> Windows:
    """Held-out complete weeks up to ``end`` and, before them, a window as long as the period.

    Examples
    --------
    >>> windows(date(2026, 10, 4), date(2026, 10, 31))  # a Saturday: the last week ends on the 25th
    Windows(fit_start=datetime.date(2026, 8, 3), fit_end=datetime.date(2026, 8, 30), \
test_start=datetime.date(2026, 8, 31), test_end=datetime.date(2026, 10, 25))
    """
    test_end = end - timedelta(days=(end.weekday() + 1) % 7)
    test_start = test_end - timedelta(days=7 * weeks - 1)
    fit_end = test_start - timedelta(days=1)
    fit_start = fit_end - timedelta(days=(end - start).days)
    return Windows(fit_start, fit_end, test_start, test_end)


def pai(scores, areas, hits, share: float = AREA_SHARE) -> float | None:
    """PAI of one layer: the top-scored units covering ``share`` of the area.

    Units are taken from the highest score down (ties in the given order) while the area taken
    so far is below ``share`` of the total, so the last unit may overshoot; the area share in
    the denominator is the one actually selected. None when there are no held-out events.

    Examples
    --------
    >>> round(pai([5, 1, 0, 0], [1, 1, 1, 7], [3, 1, 0, 6]), 6)  # 30 % of events, 10 % of area
    3.0
    """
    s = np.asarray(scores, dtype=float)
    a = np.asarray(areas, dtype=float)
    h = np.asarray(hits, dtype=float)
    if h.sum() <= 0 or a.sum() <= 0:
        return None
    order = np.lexsort((np.arange(len(s)), -s))
    before = np.concatenate([[0.0], np.cumsum(a[order])[:-1]])
    chosen = order[before < share * a.sum()]
    return float((h[chosen].sum() / h.sum()) / (a[chosen].sum() / a.sum()))


def unit_counts(xy: tuple, units: gpd.GeoDataFrame) -> np.ndarray:
    """Points per unit (in the row order of ``units``); points outside every unit are left out."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*xy), crs=units.crs)
    joined = gpd.sjoin(points, units[["geometry"]].reset_index(drop=True), predicate="within")
    return np.bincount(joined["index_right"].to_numpy(dtype=int), minlength=len(units))


def layer_pais(
    fit_xy: tuple,
    test_xy: tuple,
    cells: gpd.GeoDataFrame,
    buurten: gpd.GeoDataFrame,
    *,
    heat_cell_m: float,
    bandwidth_m: float,
    share: float = AREA_SHARE,
) -> dict[str, float | None]:
    """PAI of every layer in :data:`LAYERS`, made from ``fit_xy`` and scored on ``test_xy``.

    ``cells`` are :func:`hotspots.grid_cells` of the town, ``buurten`` its buurten (RD, with
    ``land_ha``). The heat layer is scored on its own raster cells whose centre lies in the town;
    Gi* layers by their z-score (normal approximation: only the order matters here), plain
    counts by events per km².
    """
    result: dict[str, float | None] = {}
    town = shapely.union_all(buurten.geometry.to_numpy())
    xmin, ymin, xmax, ymax = town.bounds
    bounds = (xmin, ymin, xmax, ymax)
    grid = density.kernel_density(
        *fit_xy, bounds_rd=bounds, cell_m=heat_cell_m, bandwidth_m=bandwidth_m
    )
    hits = density.bin_points(*test_xy, bounds_rd=grid.bounds_rd, cell_m=heat_cell_m)
    rows, cols = grid.values.shape
    cx = grid.bounds_rd[0] + (np.arange(cols) + 0.5) * heat_cell_m
    cy = grid.bounds_rd[3] - (np.arange(rows) + 0.5) * heat_cell_m
    inside = shapely.contains_xy(town, *np.meshgrid(cx, cy))
    result["heat"] = pai(grid.values[inside], np.ones(int(inside.sum())), hits[inside], share)
    for unit, frame in (("grid", cells), ("buurt", buurten)):
        frame = frame.reset_index(drop=True)
        fitted = unit_counts(fit_xy, frame)
        held = unit_counts(test_xy, frame)
        per_km2 = hotspots.density_per_km2(fitted, frame)
        ha = hotspots.density_per_km2(np.ones(len(frame)), frame).rdiv(100.0)
        result[f"counts_{unit}"] = pai(per_km2, ha, held, share)
        gi = hotspots.gi_star(frame.assign(v=per_km2.to_numpy()), "v", permutations=0)
        result[unit] = pai(gi["gi_z"], ha, held, share)
    return result


def best(pais: dict[str, float | None], among=("grid", "buurt")) -> str:
    """Return the layer among ``among`` with the highest PAI (the first when none is known)."""
    known = [(v, -i, k) for i, k in enumerate(among) if (v := pais.get(k)) is not None]
    return max(known)[2] if known else among[0]


def sentence(pais: dict[str, float | None], layer: str, w: Windows) -> str:
    """Dutch sentence for the page: this layer's PAI beside plain counts on the same units."""
    weeks = f"de afgelopen {HELD_OUT_WEEKS} weken ({dutch.period(w.test_start, w.test_end)})"
    counts = pais.get("counts_buurt" if layer == "buurt" else "counts_grid")
    value = pais.get(layer)
    if value is None:
        return f"Hoe goed de {LAYERS[layer]} voorspelt is niet te zeggen: {weeks} geen meldingen."
    text = f"De {LAYERS[layer]} voorspelde {weeks} {dutch.number(value)}× beter dan willekeurig"
    if counts is not None:
        text += f"; {LAYERS['counts_buurt' if layer == 'buurt' else 'counts_grid']}"
        text += f" {dutch.number(counts)}×"
    days = (w.fit_end - w.fit_start).days + 1
    return (
        f"{text}. Gemeten als: de {dutch.short(AREA_SHARE * 100)}% van het gebied waar de laag"
        f" het hoogst was, gemaakt met de {days} dagen vóór die weken; een waarde van 1 is niet"
        " beter dan gokken."
    )
