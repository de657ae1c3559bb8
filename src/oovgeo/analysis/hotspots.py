"""Statistically significant hot and cold spots: Getis-Ord Gi* with a false-discovery-rate step.

Run Gi* on densities or rates, never on raw counts. Over areas of unequal size a large area
collects more events just by being large, and neighbouring large areas then look like a cluster:
on purely random points over 15,000 unequal areas Gi* on raw counts flagged 2,138 areas as hot,
Gi* on density with the FDR correction none (domain notes). :func:`density_per_km2` turns counts
into events per km², and :func:`grid_cells` gives equal cells in the first place.

Inference. esda's ``G_Local`` gives analytic z-scores (``Zs``) and a permutation pseudo p-value
(``p_sim``). The permutation test holds the area's own value fixed and shuffles only its neighbours,
so for Gi* it asks "are the neighbours unusually high?" and misses a very high cell with ordinary
neighbours: over four demo seeds (250 m cells) it flagged 11 of the 40 cells on the planted hotspot
streets, the normal approximation 37. On random points both flag nearly nothing after the FDR step
(at most 2 of 416 cells in 40 random runs with the normal approximation, once boundary slivers are
left out, see :func:`grid_cells`). So the default is the two-sided p-value of the analytic z-score,
the classic Getis-Ord test, which is sound when every area has about eight or more neighbours (queen
contiguity on a grid, k=8 nearest neighbours); the permutation p-value stays available in
:data:`INFERENCE` and in the column ``gi_p_sim``. esda's ``p_sim`` is one-sided in the observed
direction (at most 0.5), so it is doubled before use, as esda itself recommends, because both hot
and cold spots are reported.

Both fail at low volume over units of unequal size. The map's layers use :data:`REDISTRIBUTE`
(:func:`redistribution_p`): the same number of events is dropped at random over the area, each
unit receiving them in proportion to its land area, many times, and Gi* is recomputed each time;
the p-value is the share of those random maps whose Gi* is at least as extreme. A boundary sliver
with one event has a huge density, but so it often has on the random maps, so it is no longer
flagged. At the demo's four-week volume (362 signals over 416 cells of 250 m) the normal
approximation showed a hotspot on 17-21 % of random-point maps; this test on none of 40 grid maps,
and on 3 % of 200 buurt maps (5,5 % with a hot or a cold buurt) (tests/analysis/test_hotspots.py).
With 9999 random maps the smallest two-sided p is 0,0002, so on 416 cells a single isolated cell
cannot pass the Benjamini-Hochberg step (0,05 / 416); a cluster of a few cells can. It needs no
permutation library (esda's permutation path is slow without numba): the random maps are one
multinomial draw and one sparse product (about 0,5 s for 416 cells).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from libpysal.weights import KNN, Queen, W
from pyproj import CRS
from scipy.stats import false_discovery_control

from oovgeo import dutch
from oovgeo.crs import RD

MIN_AREAS = 3
KNN_NEIGHBOURS = 8
NOT_SIGNIFICANT = "niet significant"
# Confidence bands on the FDR-adjusted p-value, strongest first.
BANDS = ((0.01, "99%"), (0.05, "95%"), (0.10, "90%"))
ALPHAS = tuple(sorted(p for p, _ in BANDS))
# Every class label, in legend order (hot to cold).
CLASSES = (
    *(f"hotspot ({label})" for _, label in BANDS),
    NOT_SIGNIFICANT,
    *(f"coldspot ({label})" for _, label in reversed(BANDS)),
)
MAX_GRID_CELLS = 200_000


# --- weights -------------------------------------------------------------------------------------


def queen_weights(gdf: gpd.GeoDataFrame) -> W:
    """Queen contiguity (areas sharing an edge or a corner); islands get their nearest area.

    An area without any touching neighbour (an exclave, a detached grid cell) would be compared
    with nothing. It is linked, both ways, to the area with the nearest centroid. The positions
    of those areas are kept in the attribute ``attached_islands`` of the returned weights.

    Examples
    --------
    >>> cells = gpd.GeoSeries([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1),
    ...                        shapely.box(5, 0, 6, 1)], crs=RD).to_frame("geometry")
    >>> w = queen_weights(cells)
    >>> w.neighbors, w.attached_islands
    ({0: [1], 1: [0, 2], 2: [1]}, [2])
    """
    w = Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
    islands = [int(i) for i in w.islands]
    if islands:
        nearest = KNN.from_dataframe(gdf, k=1, use_index=False)
        neighbours = {int(i): {int(j) for j in w.neighbors[i]} for i in w.id_order}
        for i in islands:
            j = int(nearest.neighbors[i][0])
            neighbours[i].add(j)
            neighbours[j].add(i)
        w = W({i: sorted(n) for i, n in neighbours.items()}, silence_warnings=True)
    w.attached_islands = islands
    return w


def knn_weights(gdf: gpd.GeoDataFrame) -> W:
    """Return the ``min(8, n - 1)`` areas with the nearest centroids (distances in metres, RD).

    Examples
    --------
    >>> cells = gpd.GeoSeries([shapely.box(i, 0, i + 1, 1) for i in range(4)], crs=RD)
    >>> knn_weights(cells.to_frame("geometry")).neighbors[0]
    [1, 2, 3]
    """
    w = KNN.from_dataframe(gdf, k=min(KNN_NEIGHBOURS, len(gdf) - 1), use_index=False)
    neighbours = {int(i): sorted(int(j) for j in w.neighbors[i]) for i in w.id_order}
    w = W(neighbours, silence_warnings=True)
    w.attached_islands = []
    return w


# Label shown in the page -> function(GeoDataFrame in RD) -> binary libpysal weights.
WEIGHTS: dict[str, Callable[[gpd.GeoDataFrame], W]] = {
    "Aangrenzend (queen)": queen_weights,
    "Afstand (k=8 buren)": knn_weights,
}


# --- inference -----------------------------------------------------------------------------------


def _normal_p(g: esda.G_Local) -> np.ndarray:
    return np.minimum(1.0, 2.0 * np.asarray(g.p_norm, dtype=float))


def _permutation_p(g: esda.G_Local) -> np.ndarray:
    return np.minimum(1.0, 2.0 * np.asarray(g.p_sim, dtype=float))


# Label -> (function(G_Local) -> two-sided p-values, Dutch phrase for the method sentence;
# {permutations} and {seed} are filled in).
INFERENCE: dict[str, tuple[Callable[[esda.G_Local], np.ndarray], str]] = {
    "Normale benadering": (_normal_p, "tweezijdige p-waarden uit de z-score (normale benadering)"),
    "Permutaties": (
        _permutation_p,
        "tweezijdige pseudo-p-waarden uit {permutations} permutaties (seed {seed})",
    ),
}


REDISTRIBUTE = "Herverdeling naar oppervlakte"
REDISTRIBUTIONS = 9999
# Weights in words a coordinator reads (the keys of WEIGHTS are the technical labels).
PLAIN_WEIGHTS = {
    "Aangrenzend (queen)": "de gebieden die er een grens of een hoek mee delen",
    "Afstand (k=8 buren)": "de 8 dichtstbijzijnde gebieden",
}


def redistribution_p(
    counts, hectares, w: W, *, simulations: int = REDISTRIBUTIONS, seed: int = 12345
) -> np.ndarray:
    """Two-sided Monte Carlo p-value of Gi* (star, binary) under random placement by area.

    The null hypothesis: the ``counts.sum()`` events fell independently at random over the
    area, so that each unit receives them in proportion to ``hectares`` (a multinomial draw).
    Gi* of every unit, ``sum of the densities of the unit and its neighbours / sum of all
    densities``, is recomputed on ``simulations`` such random maps; the p-value is
    ``2 * min(#{G >= observed} + 1, #{G <= observed} + 1) / (simulations + 1)``, capped at 1.
    Ties count as at least as extreme, so with few events the test is conservative.

    Examples
    --------
    >>> cells = grid_cells(shapely.box(0, 0, 1500, 1500), cell_m=250)
    >>> counts = np.where(cells["code"].isin(["C0002_0002", "C0003_0002"]), 12, 1)
    >>> p = redistribution_p(counts, cells["land_ha"], queen_weights(cells), simulations=999)
    >>> bool(p[cells["code"] == "C0002_0002"][0] < 0.01), bool(p.min() > 0.1)
    (True, False)
    """
    c = np.asarray(counts, dtype=float)
    ha = np.asarray(hectares, dtype=float)
    total = int(round(c.sum()))
    if total == 0 or simulations < 1:
        return np.ones(len(c))
    star = (w.sparse > 0).astype(float).tocsr()
    star.setdiag(1.0)
    observed_y = c / ha
    observed = (star @ observed_y) / observed_y.sum()
    tolerance = 1e-9 * np.abs(observed)
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(ha) / ha.sum()
    n = len(c)
    high = np.zeros(n)
    low = np.zeros(n)
    done = 0
    while done < simulations:
        k = min(2000, simulations - done)
        # a multinomial draw, one event at a time: the unit each event falls in, then counts
        unit = np.minimum(np.searchsorted(cumulative, rng.random((k, total))), n - 1)
        rows = np.repeat(np.arange(k) * n, total)
        y = np.bincount(rows + unit.ravel(), minlength=k * n).reshape(k, n) / ha
        g = (star @ y.T).T / y.sum(axis=1, keepdims=True)
        high += (g >= observed - tolerance).sum(axis=0)
        low += (g <= observed + tolerance).sum(axis=0)
        done += k
    return np.minimum(1.0, 2.0 * (np.minimum(high, low) + 1.0) / (simulations + 1.0))


# --- areas and values ----------------------------------------------------------------------------


def grid_cells(area, cell_m: float = 250.0, *, min_share: float = 0.25) -> gpd.GeoDataFrame:
    """Square RD cells covering an area, for Gi* on equal units.

    The grid is aligned to multiples of ``cell_m`` in RD, so the same area always gives the same
    cells and codes. Cells are whole squares (neighbours share exact corners, which queen
    contiguity needs). ``land_ha`` is the part of the cell inside the area: divide by it, not by
    the full cell. Cells with less than ``min_share`` of their surface inside the area are left
    out: a sliver at the boundary with one or two events gets an extreme density and, in tests
    on random points, most false hotspots. Points in those slivers are not analysed.

    Parameters
    ----------
    area : shapely geometry, GeoSeries or GeoDataFrame
        The study area in RD New (a GeoSeries or GeoDataFrame is unioned first).
    cell_m : float
        Cell width in metres.
    min_share : float
        Smallest share (0-1) of a cell that must lie inside the area.

    Returns
    -------
    GeoDataFrame
        Columns ``code`` ("C{column:04d}_{row:04d}", column from the west, row from the north),
        ``land_ha`` and ``geometry`` (RD).

    Examples
    --------
    >>> cells = grid_cells(shapely.box(0, 0, 500, 250), cell_m=250)
    >>> cells["code"].tolist(), cells["land_ha"].tolist()
    (['C0000_0000', 'C0001_0000'], [6.25, 6.25])
    """
    geom = _as_rd_geometry(area)
    if not cell_m > 0 or not 0 <= min_share <= 1:
        raise ValueError("Celgrootte moet groter dan 0 zijn en min_share tussen 0 en 1 liggen.")
    if geom.is_empty:
        raise ValueError("Het gebied is leeg: er zijn geen cellen te maken.")
    xmin, ymin, xmax, ymax = geom.bounds
    x0, y1 = math.floor(xmin / cell_m) * cell_m, math.ceil(ymax / cell_m) * cell_m
    nx = max(1, math.ceil((xmax - x0) / cell_m))
    ny = max(1, math.ceil((y1 - ymin) / cell_m))
    if nx * ny > MAX_GRID_CELLS:
        raise ValueError(
            f"Het rooster zou {nx * ny} cellen krijgen (maximum {MAX_GRID_CELLS}): kies grotere"
            " cellen of een kleiner gebied."
        )
    cols, rows = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny)))
    boxes = shapely.box(
        x0 + cols * cell_m, y1 - (rows + 1) * cell_m, x0 + (cols + 1) * cell_m, y1 - rows * cell_m
    )
    shapely.prepare(geom)
    hit = shapely.intersects(geom, boxes)
    inside = np.zeros(len(boxes))
    inside[hit] = shapely.area(shapely.intersection(boxes[hit], geom))
    keep = hit & (inside >= min_share * cell_m * cell_m) & (inside > 0)
    codes = [f"C{c:04d}_{r:04d}" for c, r in zip(cols[keep], rows[keep], strict=True)]
    return gpd.GeoDataFrame(
        {"code": codes, "land_ha": inside[keep] / 1e4}, geometry=boxes[keep], crs=RD
    )


def density_per_km2(counts, areas: gpd.GeoDataFrame) -> pd.Series:
    """Events per km² of land for each area: the input Gi* should get instead of counts.

    Parameters
    ----------
    counts : pandas.Series or array-like
        A Series indexed by area code (areas missing from it count 0), or values in the row
        order of ``areas``.
    areas : GeoDataFrame
        Areas with ``code`` and, where known, ``land_ha`` (area model and :func:`grid_cells`).
        Where ``land_ha`` is missing or 0 the geometry's area is used (RD, water included).

    Returns
    -------
    pandas.Series
        Float, index of ``areas``, named ``per_km2``; NaN where the area has no surface.

    Examples
    --------
    >>> cells = grid_cells(shapely.box(0, 0, 500, 250), cell_m=250)
    >>> density_per_km2(pd.Series({"C0001_0000": 3}), cells).tolist()
    [0.0, 48.0]
    """
    values = _aligned_counts(counts, areas)
    hectares = _area_ha(areas)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_km2 = np.where(hectares > 0, values / (hectares / 100.0), np.nan)
    return pd.Series(per_km2, index=areas.index, name="per_km2", dtype=float)


# --- Gi* -----------------------------------------------------------------------------------------


def gi_star(
    gdf: gpd.GeoDataFrame,
    value_column: str,
    *,
    weights: str = "Aangrenzend (queen)",
    alpha: float = 0.05,
    permutations: int = 999,
    seed: int = 12345,
    inference: str = "Normale benadering",
    count_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* per area with Benjamini-Hochberg FDR correction and Dutch class labels.

    Parameters
    ----------
    gdf : GeoDataFrame
        Areas in RD New, at least three; not modified.
    value_column : str
        A density or rate (non-negative, finite); see :func:`density_per_km2`.
    weights : str
        A key of :data:`WEIGHTS`.
    alpha : float
        False discovery rate: 0.01, 0.05 or 0.10. Areas whose adjusted p-value is below it get
        the strongest band they reach (99% for p < 0.01, 95% for p < 0.05, 90% for p < 0.10);
        with the default 0.05 the 90% band is not used.
    permutations : int
        Permutations for esda's pseudo p-value (0 skips them; not with ``"Permutaties"``).
    seed : int
        Seed of the permutations.
    inference : str
        A key of :data:`INFERENCE` or :data:`REDISTRIBUTE`; see the module docstring.
    count_column : str, optional
        Event counts per area; required with :data:`REDISTRIBUTE`, whose random maps spread
        ``permutations`` times (at least 999; 9999 on the page) the same number of events in
        proportion to the land area (``land_ha``, else the geometry's area).

    Returns
    -------
    GeoDataFrame
        A copy with ``gi_z`` (esda ``Zs``), ``gi_p`` (two-sided p used), ``gi_p_sim`` (esda
        ``p_sim``, one-sided; NaN without permutations), ``gi_p_fdr`` (Benjamini-Hochberg
        adjusted ``gi_p``), ``gi_neighbours`` (neighbours besides the area itself) and
        ``hotspot`` (one of :data:`CLASSES`). ``attrs["methode"]`` holds a Dutch sentence for
        the page; ``attrs["gi_star"]`` the parameters.

    Examples
    --------
    >>> cells = grid_cells(shapely.box(0, 0, 1500, 1500), cell_m=250)
    >>> values = np.where(cells["code"].isin(["C0002_0002", "C0003_0002", "C0002_0003"]), 90, 10)
    >>> result = gi_star(cells.assign(per_km2=values), "per_km2")
    >>> result.loc[result["code"] == "C0002_0002", "hotspot"].item()
    'hotspot (95%)'
    """
    y = _checked_values(gdf, value_column)
    if weights not in WEIGHTS:
        raise ValueError(f"Onbekende buurdefinitie {weights!r}; kies uit {', '.join(WEIGHTS)}.")
    redistribute = inference == REDISTRIBUTE
    if redistribute and (count_column not in gdf.columns or permutations < 999):
        raise ValueError("Herverdeling vraagt een kolom met aantallen en minstens 999 keer.")
    if inference not in INFERENCE and not redistribute:
        raise ValueError(f"Onbekende toets {inference!r}; kies uit {', '.join(INFERENCE)}.")
    if alpha not in ALPHAS:
        raise ValueError(f"Alpha moet een van {', '.join(dutch.short(a) for a in ALPHAS)} zijn.")
    if permutations < 0 or (inference == "Permutaties" and permutations < 99):
        raise ValueError("Gebruik minstens 99 permutaties (bij voorkeur 999).")
    w = WEIGHTS[weights](gdf)
    neighbours = np.array([len(w.neighbors[i]) for i in range(len(gdf))])
    result = gdf.copy()
    if np.ptp(y) == 0:
        z, p, p_sim = np.zeros(len(y)), np.ones(len(y)), np.full(len(y), np.nan)
    else:
        g = _g_local(y, w, 0 if redistribute else permutations, seed)
        z = np.asarray(g.Zs, dtype=float)
        if redistribute:
            counts = _checked_values(gdf, str(count_column))
            p = redistribution_p(counts, _area_ha(gdf), w, simulations=permutations, seed=seed)
            p_sim = p / 2.0
        else:
            p = INFERENCE[inference][0](g)
            p_sim = np.asarray(g.p_sim, dtype=float) if permutations else np.full(len(y), np.nan)
    p_fdr = false_discovery_control(p)
    result["gi_z"] = z
    result["gi_p"] = p
    result["gi_p_sim"] = p_sim
    result["gi_p_fdr"] = p_fdr
    result["gi_neighbours"] = neighbours
    result["hotspot"] = classify(z, p_fdr, alpha=alpha)
    islands = list(w.attached_islands)
    result.attrs["methode"] = (_plain_sentence if redistribute else _method_sentence)(
        value_column, weights, alpha, permutations, seed, inference, len(islands), np.ptp(y) == 0
    )
    result.attrs["gi_star"] = {
        "value_column": value_column,
        "weights": weights,
        "alpha": alpha,
        "permutations": permutations,
        "seed": seed,
        "inference": inference,
        "attached_islands": _labels(gdf, islands),
    }
    return result


def classify(z, p_fdr, *, alpha: float = 0.05) -> np.ndarray:
    """Dutch class label per area from the z-score's sign and the FDR-adjusted p-value.

    Examples
    --------
    >>> classify([2.9, -2.1, 1.8], [0.004, 0.03, 0.07]).tolist()
    ['hotspot (99%)', 'coldspot (95%)', 'niet significant']
    >>> classify([1.8], [0.07], alpha=0.10).tolist()
    ['hotspot (90%)']
    """
    z = np.asarray(z, dtype=float)
    p = np.asarray(p_fdr, dtype=float)
    labels = np.full(z.shape, NOT_SIGNIFICANT, dtype=object)
    for threshold, band in reversed(BANDS):  # weakest first, stronger bands overwrite
        if threshold > alpha:
            continue
        hit = (p < threshold) & (z != 0)
        labels[hit & (z > 0)] = f"hotspot ({band})"
        labels[hit & (z < 0)] = f"coldspot ({band})"
    return labels


# --- helpers -------------------------------------------------------------------------------------


def _g_local(y: np.ndarray, w: W, permutations: int, seed: int) -> esda.G_Local:
    with warnings.catch_warnings():
        # esda announces a future change of its default alternative; G_Local cannot pass one.
        warnings.filterwarnings("ignore", "The alternative hypothesis", DeprecationWarning)
        # n_jobs=1: the permutation ids come from `seed` either way, and at town scale a
        # process pool costs more than it saves.
        return esda.G_Local(
            y, w, transform="B", permutations=permutations, star=True, seed=seed, n_jobs=1
        )


def _checked_values(gdf: gpd.GeoDataFrame, value_column: str) -> np.ndarray:
    if value_column not in gdf.columns:
        raise ValueError(f"Kolom {value_column!r} ontbreekt.")
    if len(gdf) < MIN_AREAS:
        raise ValueError(
            f"Hotspotanalyse heeft minstens {MIN_AREAS} gebieden nodig, er zijn er {len(gdf)}."
        )
    if gdf.crs is None or CRS.from_user_input(gdf.crs) != CRS.from_user_input(RD):
        raise ValueError(f"Gebieden moeten in RD ({RD}) staan, niet in {gdf.crs}.")
    y = pd.to_numeric(gdf[value_column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(y) | (y < 0)
    if bad.any():
        where = gdf["code"] if "code" in gdf.columns else pd.Series(gdf.index)
        examples = ", ".join(str(c) for c in where[bad].head(5))
        raise ValueError(
            f"{int(bad.sum())} gebied(en) zonder geldige, niet-negatieve waarde in"
            f" {value_column!r} (bijvoorbeeld {examples}); laat ze weg of vul ze eerst aan."
        )
    return y


def _labels(gdf: gpd.GeoDataFrame, positions: list[int]) -> list[str]:
    names = gdf["code"] if "code" in gdf.columns else pd.Series(gdf.index, index=gdf.index)
    return [str(v) for v in names.iloc[positions]]


def _aligned_counts(counts, areas: gpd.GeoDataFrame) -> np.ndarray:
    if isinstance(counts, pd.Series):
        if "code" not in areas.columns:
            raise ValueError("Aantallen per code vragen een kolom 'code' in de gebieden.")
        unknown = sorted(set(map(str, counts.index)) - set(map(str, areas["code"])))
        if unknown:
            raise ValueError(f"Aantallen voor onbekende gebieden: {', '.join(unknown[:5])}.")
        by_code = counts.set_axis(counts.index.map(str))
        return by_code.reindex(areas["code"].astype(str)).fillna(0).to_numpy(dtype=float)
    values = np.asarray(counts, dtype=float).ravel()
    if values.size != len(areas):
        raise ValueError(f"{values.size} aantallen voor {len(areas)} gebieden.")
    return values


def _area_ha(areas: gpd.GeoDataFrame) -> np.ndarray:
    geometry_ha = np.asarray(areas.geometry.area, dtype=float) / 1e4
    if "land_ha" not in areas.columns:
        return geometry_ha
    land = pd.to_numeric(areas["land_ha"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isfinite(land) & (land > 0), land, geometry_ha)


def _as_rd_geometry(area) -> shapely.Geometry:
    if isinstance(area, gpd.GeoDataFrame | gpd.GeoSeries):
        if area.crs is None or CRS.from_user_input(area.crs) != CRS.from_user_input(RD):
            raise ValueError(f"Het gebied moet in RD ({RD}) staan, niet in {area.crs}.")
        return area.union_all()
    if not isinstance(area, shapely.Geometry):
        raise ValueError("Geef het gebied als geometrie in RD.")
    return area


def _method_sentence(
    value_column: str,
    weights: str,
    alpha: float,
    permutations: int,
    seed: int,
    inference: str,
    n_islands: int,
    constant: bool,
) -> str:
    test = INFERENCE[inference][1].format(permutations=permutations, seed=seed)
    if permutations and "{permutations}" not in INFERENCE[inference][1]:
        test += f" (ter controle ook {permutations} permutaties, seed {seed})"
    sentence = (
        f"Getis-Ord Gi* (het gebied zelf telt mee) op '{value_column}', buren: {weights}"
        f" (binaire gewichten); {test}; gecorrigeerd voor meervoudig toetsen met Benjamini-Hochberg"
        f" (false discovery rate {dutch.short(alpha)}): hotspot of coldspot bij gecorrigeerde"
        f" p < {dutch.short(alpha)}."
    )
    if n_islands:
        sentence += (
            f" {n_islands} gebied(en) zonder aangrenzende buren zijn gekoppeld aan het"
            " dichtstbijzijnde gebied."
        )
    if constant:
        sentence += " Alle waarden zijn gelijk: er is geen patroon te toetsen."
    return sentence


def _plain_sentence(
    value_column: str,
    weights: str,
    alpha: float,
    permutations: int,
    seed: int,
    inference: str,
    n_islands: int,
    constant: bool,
) -> str:
    sentence = (
        f"Hotspots volgens Getis-Ord Gi*: de {value_column} van elk gebied samen met"
        f" {PLAIN_WEIGHTS[weights]}. Getoetst door dezelfde meldingen {dutch.integer(permutations)}"
        " keer willekeurig over de gemeente te verdelen, elk gebied naar verhouding van zijn"
        " oppervlakte; een gebied is een hotspot als zo'n hoge waarde bij toeval zelden voorkomt,"
        " ook na correctie voor het aantal getoetste gebieden (Benjamini-Hochberg: naar"
        f" verwachting hoogstens {dutch.short(alpha * 100)}% van de getoonde gebieden vals alarm)."
        " Kleine randstukken krijgen zo geen hotspot cadeau: met één melding is hun dichtheid"
        " ook bij toeval vaak hoog."
    )
    if constant:
        sentence += " Alle waarden zijn gelijk: er is geen patroon te toetsen."
    return sentence


def hotspot_map(
    units: gpd.GeoDataFrame, counts, *, simulations: int = REDISTRIBUTIONS, seed: int = 12345
) -> gpd.GeoDataFrame:
    """Run the map's procedure: density per km², Gi* tested by redistribution, BH at 0,05.

    ``units`` are grid cells (:func:`grid_cells`) or areas with ``code`` and ``land_ha``;
    ``counts`` as in :func:`density_per_km2`. Returns :func:`gi_star`'s frame with ``aantal``
    and ``dichtheid`` added.
    """
    frame = units.assign(
        aantal=_aligned_counts(counts, units),
        dichtheid=density_per_km2(counts, units).to_numpy(),
    )
    return gi_star(
        frame,
        "dichtheid",
        inference=REDISTRIBUTE,
        count_column="aantal",
        permutations=simulations,
        seed=seed,
    )
