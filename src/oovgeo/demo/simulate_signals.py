"""Where and when signals happen: placement cells, hotspot streets, the business park, seasons."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from oovgeo.crs import RD
from oovgeo.demo.params import (
    BUSINESS_PARK_KEYWORDS,
    BUSINESS_PARK_SHARE,
    BUSINESS_PARK_SOURCES,
    BUSINESS_PARK_THEMES,
    PARK_SPREAD_M,
    SEASONS,
    SOURCE_WEIGHTS,
    SOURCES,
    STREET_JITTER_M,
    STREET_LENGTH_M,
    STREET_MAIN_THEME_SHARE,
    STREET_SHARE,
    STREET_THEMES,
    THEME_WEIGHTS,
    THEMES,
    TREND_FACTOR,
    TREND_MONTHS_BEFORE_END,
    TREND_THEME,
    WEEKEND_FACTOR,
)


def trend_break_date(end: date) -> date:
    """First day of the month TREND_MONTHS_BEFORE_END months before the month of ``end``."""
    months = end.year * 12 + end.month - 1 - TREND_MONTHS_BEFORE_END
    return date(months // 12, months % 12 + 1, 1)


def period_start(end: date, years: int) -> date:
    """First day of the demo period: ``years`` years before ``end``, plus one day."""
    return (pd.Timestamp(end) - pd.DateOffset(years=years) + pd.Timedelta(days=1)).date()


# --- where -------------------------------------------------------------------------------------


def _placement_cells(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Buurten (or wijken if there are none) in RD with a background weight per cell."""
    level = "buurt" if (areas["level"] == "buurt").any() else "wijk"
    cells = areas[areas["level"] == level].copy()
    if cells.crs is not None and not cells.crs.equals(RD):
        cells = cells.to_crs(RD)
    cells["geometry"] = shapely.make_valid(cells.geometry.to_numpy())
    cells = cells[~cells.geometry.is_empty & (cells.area > 0)].reset_index(drop=True)
    if cells.empty:
        raise ValueError("areas holds no buurt or wijk with a geometry")
    hectares = cells.area.to_numpy() / 1e4
    raw = cells["inhabitants"] if "inhabitants" in cells else pd.Series(np.nan, index=cells.index)
    inhabitants = pd.to_numeric(raw, errors="coerce")
    known = inhabitants.notna().to_numpy()
    weight = inhabitants.to_numpy(dtype=float, na_value=np.nan)
    if known.any() and np.nansum(weight) > 0:
        density = np.nansum(weight) / hectares[known].sum()
        weight = np.where(known, weight, hectares * density)
    else:
        weight = hectares.copy()
    cells["weight"] = weight / weight.sum()
    cells["known"] = known
    return cells


def _sample_in_polygon(rng: np.random.Generator, geom: shapely.Geometry, n: int) -> np.ndarray:
    """Draw n uniform points inside geom: sample the bounding box, keep those inside."""
    if n <= 0:
        return np.empty((0, 2))
    xmin, ymin, xmax, ymax = geom.bounds
    fill = max(geom.area / max((xmax - xmin) * (ymax - ymin), 1e-9), 0.02)
    shapely.prepare(geom)
    found, got = [], 0
    while got < n:
        m = int((n - got) / fill * 1.2) + 16
        x, y = rng.uniform(xmin, xmax, m), rng.uniform(ymin, ymax, m)
        inside = shapely.contains_xy(geom, x, y)
        found.append(np.column_stack([x[inside], y[inside]]))
        got += int(inside.sum())
    return np.concatenate(found)[:n]


def _business_park(rng: np.random.Generator, cells: gpd.GeoDataFrame) -> int:
    """Index of the business park cell: by name, else fewest inhabitants per ha, else random."""
    names = cells["name"].astype(str).str.lower() if "name" in cells else None
    if names is not None:
        for keyword in BUSINESS_PARK_KEYWORDS:
            hits = np.flatnonzero(names.str.contains(keyword, regex=False).to_numpy())
            if len(hits):
                return int(hits[0])
    if cells["known"].all():
        per_ha = cells["weight"].to_numpy() / cells.area.to_numpy()
        return int(np.argmin(per_ha))
    large = np.flatnonzero(cells.area.to_numpy() >= np.median(cells.area))
    return int(rng.choice(large))


def _hotspot_streets(
    rng: np.random.Generator, cells: gpd.GeoDataFrame, exclude: int
) -> list[tuple[LineString, str, int]]:
    """Up to three (line, theme, cell index) street segments inside populous buurten."""
    order = _street_candidates(cells, exclude)
    top, rest = order[:10], order[10:]
    candidates = np.concatenate([rng.permutation(top), rest])
    streets = []
    for index in candidates:
        line = _fit_segment(rng, cells.geometry.iloc[index])
        if line is not None:
            streets.append((line, STREET_THEMES[len(streets)], int(index)))
        if len(streets) == len(STREET_THEMES):
            break
    return streets


def _street_candidates(cells: gpd.GeoDataFrame, exclude: int) -> np.ndarray:
    """Cell indices, most suitable first: most inhabitants, or smallest buurten (>= 15 ha)."""
    area = cells.area.to_numpy()
    if cells["known"].all():
        score = -cells["weight"].to_numpy()
    else:
        score = np.where(area >= 15e4, area, area.max() * 2 + (15e4 - area))
    order = np.argsort(score, kind="stable")
    return order[order != exclude]


def _fit_segment(
    rng: np.random.Generator, polygon: shapely.Geometry, tries: int = 300
) -> LineString | None:
    """Return a random 300-600 m segment lying at least 40 m inside polygon, or None."""
    inner = polygon.buffer(-40.0)
    if inner.is_empty:
        return None
    centres = _sample_in_polygon(rng, inner, tries)
    lengths = rng.uniform(*STREET_LENGTH_M, tries)
    lengths[tries // 2 :] = STREET_LENGTH_M[0]  # the second half tries the shortest length
    angles = rng.uniform(0, np.pi, tries)
    half = (lengths / 2)[:, None] * np.column_stack([np.cos(angles), np.sin(angles)])
    lines = shapely.linestrings(np.stack([centres - half, centres + half], axis=1))
    fits = np.flatnonzero(shapely.contains(inner, lines))
    if len(fits) == 0:
        return None
    start, stop = shapely.get_coordinates(lines[fits[0]]).round(1)
    return LineString([start, stop])


def _premises(rng: np.random.Generator, park: shapely.Geometry) -> np.ndarray:
    """Three premises on the business park, away from its edge where possible."""
    inner = park.buffer(-60.0)
    return _sample_in_polygon(rng, inner if inner.area > 1e4 else park, 3)


# --- when --------------------------------------------------------------------------------------


def _day_profiles(days: np.ndarray, breakday: int) -> dict[str, np.ndarray]:
    """Probability per day for each theme: seasonality, weekends and the trend break."""
    day_of_year = (days - days.astype("datetime64[Y]")).astype(int) + 1
    weekday = (days.astype(int) + 3) % 7  # 0 = Monday
    base = np.where(weekday >= 5, WEEKEND_FACTOR, 1.0)
    profiles = {}
    for theme in THEMES:
        weight = base.copy()
        if theme in SEASONS:
            amplitude, peak = SEASONS[theme]
            weight *= 1 + amplitude * np.cos(2 * np.pi * (day_of_year - peak) / 365.25)
        if theme == TREND_THEME:
            weight[max(breakday, 0) :] *= TREND_FACTOR
        profiles[theme] = weight / weight.sum()
    return profiles


def _draw_days(
    rng: np.random.Generator, themes: np.ndarray, profiles: dict[str, np.ndarray]
) -> np.ndarray:
    day = np.zeros(len(themes), dtype=np.int64)
    for t, theme in enumerate(THEMES):
        mask = themes == t
        if mask.any():
            day[mask] = rng.choice(len(profiles[theme]), size=int(mask.sum()), p=profiles[theme])
    return day


def _draw_themes(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    codes = np.array([THEMES.index(t) for t in weights])
    p = np.array(list(weights.values()))
    return rng.choice(codes, size=n, p=p / p.sum())


# --- signal parts ------------------------------------------------------------------------------


def _part(xy: np.ndarray, themes: np.ndarray, days: np.ndarray, origin: int) -> dict:
    n = len(xy)
    return {
        "x": xy[:, 0],
        "y": xy[:, 1],
        "theme": themes,
        "day": days,
        "origin": np.full(n, origin),
    }


def _background(
    rng: np.random.Generator,
    cells: gpd.GeoDataFrame,
    n_gen: int,
    n_streets: int,
    profiles: dict[str, np.ndarray],
) -> dict:
    """Signals in proportion to the cell weights, uniform inside each cell."""
    n = n_gen - int(round(n_gen * (STREET_SHARE * n_streets + BUSINESS_PARK_SHARE)))
    counts = rng.multinomial(n, cells["weight"].to_numpy())
    xy = np.concatenate(
        [_sample_in_polygon(rng, g, k) for g, k in zip(cells.geometry, counts, strict=True)]
    )
    themes = _draw_themes(rng, THEME_WEIGHTS, n)
    return _part(xy, themes, _draw_days(rng, themes, profiles), origin=0)


def _street_signals(
    rng: np.random.Generator,
    line: LineString,
    theme: str,
    n_gen: int,
    profiles: dict[str, np.ndarray],
) -> dict:
    """Signals jittered ~15 m around a street; mostly its own theme, else the other two."""
    n = int(round(n_gen * STREET_SHARE))
    (x0, y0), (x1, y1) = shapely.get_coordinates(line)
    along = rng.uniform(0, 1, n)[:, None]
    direction = np.array([x1 - x0, y1 - y0]) / line.length
    normal = np.array([-direction[1], direction[0]])
    xy = np.array([x0, y0]) + along * np.array([x1 - x0, y1 - y0])
    xy = xy + rng.normal(0, STREET_JITTER_M, n)[:, None] * normal
    xy = xy + rng.normal(0, 3.0, n)[:, None] * direction
    weights = {t: (1 - STREET_MAIN_THEME_SHARE) / 2 for t in STREET_THEMES}
    weights[theme] = STREET_MAIN_THEME_SHARE
    themes = _draw_themes(rng, weights, n)
    return _part(xy, themes, _draw_days(rng, themes, profiles), origin=1)


def _park_signals(
    rng: np.random.Generator,
    park: shapely.Geometry,
    premises: np.ndarray,
    n_gen: int,
    profiles: dict[str, np.ndarray],
) -> dict:
    """Ondermijning and mensenhandel signals clustered around the business park premises."""
    n = int(round(n_gen * BUSINESS_PARK_SHARE))
    shapely.prepare(park)
    found, got = [np.empty((0, 2))], 0
    while got < n:
        centre = premises[rng.integers(0, len(premises), 2 * n)]
        xy = centre + rng.normal(0, PARK_SPREAD_M, (2 * n, 2))
        xy = xy[shapely.contains_xy(park, xy[:, 0], xy[:, 1])]
        found.append(xy)
        got += len(xy)
    xy = np.concatenate(found)[:n]
    themes = _draw_themes(rng, BUSINESS_PARK_THEMES, n)
    return _part(xy, themes, _draw_days(rng, themes, profiles), origin=2)


def _combine(parts: list[dict], rng: np.random.Generator) -> dict:
    signals = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    signals["u"] = rng.uniform(0, 1, len(signals["x"]))  # decides removal after interventions
    return signals


def _subset(signals: dict, keep: np.ndarray) -> dict:
    return {key: value[keep] for key, value in signals.items()}


def _keep_inside(signals: dict, town: shapely.Geometry) -> dict:
    """Round to 0.1 m and drop the few jittered points that fall outside the areas."""
    signals["x"] = signals["x"].round(1)
    signals["y"] = signals["y"].round(1)
    return _subset(signals, shapely.contains_xy(town, signals["x"], signals["y"]))


def _assign_sources(rng: np.random.Generator, signals: dict, breakday: int) -> None:
    """Source per signal from its theme; the business park and the campaign shift the mix."""
    theme, n = signals["theme"], len(signals["theme"])
    source = np.zeros(n, dtype=np.int64)
    for t, code in enumerate(THEMES):
        mask = theme == t
        source[mask] = _draw_sources(rng, SOURCE_WEIGHTS[code], int(mask.sum()))
    park = signals["origin"] == 2
    source[park] = _draw_sources(rng, BUSINESS_PARK_SOURCES, int(park.sum()))
    # After the break ondermijning is 1.5x as frequent; the extra third comes via the campaign.
    extra = (theme == THEMES.index(TREND_THEME)) & (signals["day"] >= breakday)
    extra &= rng.uniform(0, 1, n) < (TREND_FACTOR - 1) / TREND_FACTOR
    source[extra] = SOURCES.index("meld_een_vermoeden")
    signals["source"] = source


def _draw_sources(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    codes = np.array([SOURCES.index(s) for s in weights])
    p = np.array(list(weights.values()))
    return rng.choice(codes, size=n, p=p / p.sum())
