"""Placebo: random places and dates to run the effect on as if they were interventions.

Placebo
    ``control_places`` draws random places and dates; run ``effect_per_intervention`` on them
    as if they were interventions. Their pooled interval should contain 1. If it does not, the
    method (or the data) produces "effects" by itself and the real result means little.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

CONTROL_COLUMNS = ["interventie_id", "datum", "thema", "x", "y", "buurtcode", "wijkcode"]
CONTROL_THEME = "controle"


def control_places(
    areas: gpd.GeoDataFrame,
    n: int,
    seed: int = 0,
    *,
    start: date | str,
    end: date | str,
) -> pd.DataFrame:
    """``n`` random places inside the buurten, with random dates, as placebo "interventions".

    Places are uniform over the area of the buurten (the wijken when there are no buurten),
    found by rejection sampling in their bounding box with ``shapely.contains_xy``; dates are
    uniform over ``start`` to ``end`` inclusive (pass the first and last intervention date).
    Deterministic for a given ``seed``.

    Returns columns ``interventie_id`` ("CONTROLE-0001", ...), ``datum`` (date), ``thema``
    ("controle"), ``x``, ``y`` (RD), ``buurtcode`` and ``wijkcode`` of the area drawn in.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if last < first:
        raise ValueError("end lies before start")
    level = "buurt" if (areas["level"] == "buurt").any() else "wijk"
    units = areas[areas["level"] == level].sort_values("code").reset_index(drop=True)
    units = units[~units.geometry.is_empty & units.geometry.notna()].reset_index(drop=True)
    if units.empty:
        raise ValueError("no buurten or wijken to draw control places in")
    geoms = units.geometry.to_numpy()
    shapely.prepare(geoms)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    rng = np.random.default_rng(seed)

    x = np.empty(0)
    y = np.empty(0)
    unit = np.empty(0, dtype=np.int64)
    for _ in range(1000):
        if len(x) >= n:
            break
        batch = max(2 * (n - len(x)), 64)
        cx = rng.uniform(xmin, xmax, batch)
        cy = rng.uniform(ymin, ymax, batch)
        found = np.full(batch, -1, dtype=np.int64)
        for k, geom in enumerate(geoms):  # lowest code wins where generalised areas overlap
            free = found < 0
            found[free] = np.where(shapely.contains_xy(geom, cx[free], cy[free]), k, -1)
        inside = found >= 0
        x, y = np.append(x, cx[inside]), np.append(y, cy[inside])
        unit = np.append(unit, found[inside])
    else:  # pragma: no cover - only for areas that are mostly holes
        raise RuntimeError("could not draw control places inside the areas")
    x, y, unit = x[:n].round(1), y[:n].round(1), unit[:n]

    days = rng.integers(0, (last - first).days + 1, n)
    dates = (first + pd.to_timedelta(days, unit="D")).date
    if level == "buurt":
        buurt = units["code"].to_numpy(dtype=object)[unit]
        wijk = units["parent_code"].to_numpy(dtype=object)[unit]
    else:
        buurt = np.full(n, None, dtype=object)
        wijk = units["code"].to_numpy(dtype=object)[unit]
    return pd.DataFrame(
        {
            "interventie_id": [f"CONTROLE-{i:04d}" for i in range(1, n + 1)],
            "datum": pd.Series(dates, dtype=object),
            "thema": CONTROL_THEME,
            "x": x,
            "y": y,
            "buurtcode": buurt,
            "wijkcode": wijk,
        },
        columns=CONTROL_COLUMNS,
    )
