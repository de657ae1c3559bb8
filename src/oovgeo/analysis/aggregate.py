"""Counts and rates per wijk or buurt for a period, and the change against the period before.

The database does the counting (one GROUP BY per request, in ``store/counts_repo.py``);
everything after that works on small frames of one row per area. Nothing here applies
disclosure rules: callers pass the result through ``oovgeo.privacy`` before anything reaches
a screen, so the same cached aggregate can serve every role (S4).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from oovgeo.analysis.rates import RATE_LABEL, denominator_text, per_1000_per_year
from oovgeo.store import counts_repo
from oovgeo.store.counts_repo import Filters as Filters  # the query object, importable here
from oovgeo.store.counts_repo import unplaced_count as unplaced_count
from oovgeo.store.db import Connection

# Measure registry: Dutch label -> column of ``area_table``; the select box reads from it.
MEASURES = {
    "Aantal": "count",
    RATE_LABEL: "per_1000",
    "Per 100 ha": "per_100ha",
    "Verandering t.o.v. vorige periode": "change",
}


def counts_by_area(conn: Connection, filters: Filters, level: str) -> pd.DataFrame:
    """Count records per area code in the period (``count``) and the period before (``prev_count``).

    Records without a code at ``level`` (e.g. known only at wijk level) are left out here
    and counted by ``unplaced_count``.
    """
    rows = counts_repo.area_counts(conn, filters, level)
    frame = pd.DataFrame(rows, columns=["code", "count", "prev_count"])
    return frame.astype({"count": "int64", "prev_count": "int64"})


def area_table(areas: gpd.GeoDataFrame, counts: pd.DataFrame, *, days: int) -> pd.DataFrame:
    """One row per area of ``areas`` (one level): counts, rates and change.

    Areas without records get 0. ``per_1000`` is per 1.000 inhabitants per year over
    ``days`` days of exposure (``rates.per_1000_per_year``); ``noemer`` says which
    inhabitants (and year) it divides by. ``per_100ha`` uses land area (the boundary file's
    land-area attribute; the polygon's area incl. water when the file has none, and
    ``area_note`` says so).

    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"code": ["WK1"], "name": ["A"], "inhabitants": [2000],
    ...     "land_ha": [float("nan")]}, geometry=[box(0, 0, 1000, 1000)], crs="EPSG:28992")
    >>> c = pd.DataFrame({"code": ["WK1"], "count": [10], "prev_count": [5]})
    >>> area_table(a, c, days=365)[["count", "per_1000", "per_100ha", "change"]].iloc[0].tolist()
    [10, 5.0, 10.0, 5]
    """
    out = pd.DataFrame(
        {
            "code": areas["code"].to_numpy(),
            "name": areas["name"].to_numpy(),
            "inhabitants": pd.array(areas["inhabitants"], dtype="Float64").to_numpy(
                dtype=float, na_value=np.nan
            ),
        }
    )
    land = pd.array(areas["land_ha"], dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    polygon_ha = areas.geometry.area.to_numpy() / 10_000
    out["land_ha"] = np.where(np.isnan(land), polygon_ha, land)
    out["area_note"] = np.where(np.isnan(land), "oppervlakte van de grens (incl. water)", "")
    years = areas["inhabitants_year"] if "inhabitants_year" in areas else [None] * len(areas)
    sources = areas["inhabitants_source"] if "inhabitants_source" in areas else [""] * len(areas)
    out["inhabitants_year"] = pd.array(list(years), dtype="Int64")
    out["noemer"] = [
        denominator_text(n, y, s)
        for n, y, s in zip(out["inhabitants"], out["inhabitants_year"], sources, strict=True)
    ]
    out = out.merge(counts, on="code", how="left")
    out[["count", "prev_count"]] = out[["count", "prev_count"]].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_1000"] = per_1000_per_year(out["count"], days, out["inhabitants"])
        out["per_100ha"] = np.where(out["land_ha"] > 0, out["count"] / out["land_ha"] * 100, np.nan)
        out["change"] = out["count"] - out["prev_count"]
        prev = out["prev_count"].to_numpy(dtype=float)
        out["change_pct"] = np.where(prev > 0, (out["count"] - prev) / prev * 100, np.nan)
    return out


def coordinates(conn: Connection, filters: Filters) -> tuple[np.ndarray, np.ndarray]:
    """RD x/y of the point records of the period, for server-side kernels and grids only.

    The arrays never leave the server: callers turn them into aggregates (a density image,
    counts per grid cell) before anything reaches a browser.
    """
    rows = counts_repo.point_coordinates(conn, filters)
    xy = np.array(rows, dtype=float).reshape(-1, 2)
    return xy[:, 0], xy[:, 1]


def grouped_counts(conn: Connection, filters: Filters, keys: list[str]) -> pd.DataFrame:
    """Count records of the period per combination of ``keys``.

    ``keys`` are columns such as ``wijk_code``, ``buurt_code``, ``thema``. The result has a
    ``count`` column; records without a key value are left out.
    """
    return pd.DataFrame(counts_repo.grouped(conn, filters, keys), columns=[*keys, "count"])
