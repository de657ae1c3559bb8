"""Deterministic synthetic demo data: a fictitious town, signals and interventions.

Pure functions, no database and no Streamlit. Everything comes from
``numpy.random.default_rng(seed)``: the same seed gives identical frames.

``fictitious_town`` builds "Demostad (fictief)" (GM9999) at sea, about RD (45 000, 470 000) in
the North Sea west of Katwijk, so it can never be mistaken for a real town on the basemap:
8 wijken and 40 buurten made of Lloyd-relaxed Voronoi cells inside an irregular outline of
25 km². Wijken are the union of their buurten, the gemeente the union of all buurten.

``generate`` fills any area frame (the fictitious town or real CBS buurten) with signals and
interventions in the "generiek" import profile. Planted structure (also listed in
``DemoData.notes`` and, as geometries, in ``DemoData.hotspots``):

* Background: signals spread over the buurten in proportion to inhabitants (area where
  inhabitants are unknown), uniform inside each buurt polygon. Theme mix skewed like a real
  town: woonoverlast and jeugdoverlast most common, radicalisering rare. Each theme has several
  sources with plausible weights (woonoverlast mostly meldpunt_overlast and woningcorporatie,
  ondermijning meld_een_vermoeden, politie, riec and boa, ...).
* Three hotspot streets: 300-600 m segments inside populous buurten, signals jittered ~15 m
  around the line, one per theme woonoverlast, arbeidsmigranten, jeugdoverlast
  (``STREET_SHARE`` of the signals each: within 50 m well over 10x the average density).
* One business park (a buurt named "bedrijventerrein"/"industrie"/"haven", else the buurt with
  the fewest inhabitants per ha): a cluster of ondermijning and mensenhandel signals around three
  premises, mostly from meld_een_vermoeden and riec.
* Seasonality: jeugdoverlast (strongly) and woonoverlast peak in July, woninginbraak in late
  December; fewer signals at weekends.
* Trend break: from the first day of the month 18 months before ``end`` (``trend_break_date``)
  ondermijning signals rise by 50% after a fictitious Meld een Vermoeden campaign; the extra
  signals come from meld_een_vermoeden.
* Interventions (~400 a year) in action days of 1-10 premises: each action starts at a recent
  signal (the 6 months before it, weighted towards themes that premises inspections address)
  away from places with an action in the previous 9 months, and inspects premises that had
  recent signals within 150 m. Partners and outcomes depend on the theme.
* Intervention effect: in the 6 months after an intervention, 55% of the signals within 250 m
  are removed (signals are generated first, with a margin, then thinned and sub-sampled to
  ``n_signals``). Random control places show no such drop.

Addresses, postcodes ("99.."), house numbers and case numbers are invented; every address is a
function of the location, so signals and interventions at the same spot share their address.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from oovgeo import areas as areas_model
from oovgeo.crs import RD
from oovgeo.ingest.profiles import FIELDS

# Codes below must match the default configuration (themes, sources, partners, outcomes).
THEMES = (
    "ondermijning",
    "woonoverlast",
    "zorg_veiligheid",
    "digitale_veiligheid",
    "arbeidsmigranten",
    "mensenhandel",
    "brandveiligheid",
    "radicalisering",
    "woninginbraak",
    "jeugdoverlast",
)
SOURCES = (
    "meld_een_vermoeden",
    "meldpunt_overlast",
    "politie",
    "boa",
    "wijkagent",
    "woningcorporatie",
    "zorgpartner",
    "riec",
)
PARTNERS = (
    "politie",
    "belastingdienst",
    "omgevingsdienst",
    "arbeidsinspectie",
    "brandweer",
    "woningcorporatie",
    "handhaving",
)
OUTCOMES = (
    "geen_bevindingen",
    "waarschuwing",
    "bestuurlijke_boete",
    "last_onder_dwangsom",
    "sluiting",
    "bibob",
    "zorg_doorverwijzing",
)

AREA_COLUMNS = list(areas_model.AREA_COLUMNS)
# The demo writes exactly the "generiek" import profile's fields, in that order.
SIGNAL_COLUMNS = list(FIELDS["signals"])
# the demo has no shortlist, so no intervention is linked to an item
INTERVENTION_COLUMNS = [f for f in FIELDS["interventions"] if f != "shortlist_id"]
HOTSPOT_COLUMNS = ["kind", "name", "thema", "buurtcode", "geometry"]

# --- the fictitious town ---------------------------------------------------------------------
TOWN_CODE = "GM9999"
TOWN_NAME = "Demostad (fictief)"
TOWN_CENTRE = (45_000.0, 470_000.0)  # North Sea, ~40 km west of Katwijk
TOWN_AREA_M2 = 25e6
BUSINESS_PARK_NAME = "Bedrijventerrein De Kade"
SMALL_BUURT_NAME = "Jachthaven"
# Wijk names and their buurt names; "Centrum" is the cell nearest the centre, the others go
# clockwise from the north.
TOWN_WIJKEN = (
    (
        "Centrum",
        (
            "Binnenstad",
            "Marktkwartier",
            "Stationsbuurt",
            "Kerkbuurt",
            "Vestingbuurt",
            "Raadhuiskwartier",
        ),
    ),
    (
        "Noorderhof",
        ("Noorderhof-Noord", "Molenbuurt", "Bloemenbuurt", "Vogelzang", "Noorderhof-Zuid"),
    ),
    ("Haven", ("Havenkwartier", BUSINESS_PARK_NAME, SMALL_BUURT_NAME, "Loodsenbuurt")),
    ("Oostwijk", ("Oostwijk-Noord", "Schildersbuurt", "Rozenhof", "Parkzicht", "Oostwijk-Zuid")),
    ("Zuiderstrand", ("Strandbuurt", "Zuiderduin", "Schelpenbuurt", "Golfslag", "Zonnehoek")),
    ("Zeeweide", ("Zeeweide-Noord", "Meeuwenhoek", "Kwelderbuurt", "Helmgras", "Zeeweide-Zuid")),
    ("Westwijk", ("Bakenbuurt", "Westerpark", "Westwijk-Midden", "Vuurtorenbuurt", "Ankerplaats")),
    ("Duinrand", ("Duinrand-Noord", "Duinzicht", "Dennenbuurt", "Helmduin", "Duinrand-Zuid")),
)

# --- signals -------------------------------------------------------------------------------
# Share of each theme in the background (sums to 1).
THEME_WEIGHTS = {
    "woonoverlast": 0.24,
    "jeugdoverlast": 0.22,
    "zorg_veiligheid": 0.14,
    "woninginbraak": 0.10,
    "ondermijning": 0.09,
    "arbeidsmigranten": 0.07,
    "digitale_veiligheid": 0.06,
    "brandveiligheid": 0.04,
    "mensenhandel": 0.03,
    "radicalisering": 0.01,
}
SOURCE_WEIGHTS = {
    "ondermijning": {
        "meld_een_vermoeden": 0.30,
        "politie": 0.30,
        "riec": 0.15,
        "boa": 0.15,
        "wijkagent": 0.10,
    },
    "woonoverlast": {
        "meldpunt_overlast": 0.45,
        "woningcorporatie": 0.30,
        "wijkagent": 0.10,
        "politie": 0.10,
        "boa": 0.05,
    },
    "zorg_veiligheid": {
        "zorgpartner": 0.40,
        "politie": 0.25,
        "wijkagent": 0.20,
        "woningcorporatie": 0.10,
        "meldpunt_overlast": 0.05,
    },
    "digitale_veiligheid": {"politie": 0.70, "meldpunt_overlast": 0.15, "wijkagent": 0.15},
    "arbeidsmigranten": {
        "meldpunt_overlast": 0.35,
        "boa": 0.25,
        "woningcorporatie": 0.15,
        "meld_een_vermoeden": 0.15,
        "politie": 0.10,
    },
    "mensenhandel": {
        "politie": 0.45,
        "riec": 0.25,
        "meld_een_vermoeden": 0.20,
        "zorgpartner": 0.10,
    },
    "brandveiligheid": {
        "boa": 0.30,
        "woningcorporatie": 0.30,
        "meldpunt_overlast": 0.25,
        "zorgpartner": 0.15,
    },
    "radicalisering": {"politie": 0.50, "zorgpartner": 0.25, "wijkagent": 0.25},
    "woninginbraak": {"politie": 0.80, "wijkagent": 0.20},
    "jeugdoverlast": {
        "meldpunt_overlast": 0.45,
        "politie": 0.25,
        "boa": 0.20,
        "wijkagent": 0.10,
    },
}
BUSINESS_PARK_SOURCES = {"meld_een_vermoeden": 0.50, "riec": 0.25, "politie": 0.15, "boa": 0.10}
BUSINESS_PARK_THEMES = {"ondermijning": 0.75, "mensenhandel": 0.25}
BUSINESS_PARK_KEYWORDS = ("bedrijventerrein", "industrie", "haven")
BUSINESS_PARK_SHARE = 0.04
PARK_SPREAD_M = 50.0  # standard deviation around each premises
PARK_CLUSTER_RADIUS_M = 100.0  # planted hotspot geometry: 2 standard deviations
ANONYMOUS_SHARE = 0.40  # of meld_een_vermoeden signals; no other source is anonymous

STREET_THEMES = ("woonoverlast", "arbeidsmigranten", "jeugdoverlast")
STREET_NAMES = ("Voorbeeldstraat", "Proefweg", "Oefenkade")
STREET_SHARE = 0.04  # of all signals, per street
STREET_MAIN_THEME_SHARE = 0.8
STREET_JITTER_M = 15.0
STREET_LENGTH_M = (300.0, 600.0)
BACKGROUND_STREETS = (
    "Fictiestraat",
    "Testlaan",
    "Schetsplein",
    "Modelweg",
    "Denkbeeldsingel",
    "Droomgaardstraat",
    "Nergensweg",
    "Verzonnenlaan",
    "Zomaarstraat",
    "Steekproefstraat",
    "Kladbloklaan",
    "Concepthof",
    "Ontwerpstraat",
    "Prototypeweg",
    "Schijnhof",
    "Bedachtkade",
)

# Seasonality: (amplitude, day of year of the peak).
SEASONS = {
    "jeugdoverlast": (0.5, 196),
    "woonoverlast": (0.25, 196),
    "woninginbraak": (0.35, 355),
}
WEEKEND_FACTOR = 0.7
TREND_THEME = "ondermijning"
TREND_FACTOR = 1.5
TREND_MONTHS_BEFORE_END = 18

# --- interventions ---------------------------------------------------------------------------
# How likely a signal of each theme leads to a premises inspection.
INTERVENTION_THEME_WEIGHTS = {
    "ondermijning": 3.0,
    "arbeidsmigranten": 3.0,
    "mensenhandel": 3.0,
    "woonoverlast": 2.0,
    "brandveiligheid": 2.0,
    "zorg_veiligheid": 1.0,
    "jeugdoverlast": 0.5,
}
PARTNER_CHANCES = {
    "ondermijning": {
        "politie": 0.9,
        "belastingdienst": 0.6,
        "omgevingsdienst": 0.3,
        "brandweer": 0.2,
        "handhaving": 0.8,
    },
    "mensenhandel": {
        "politie": 0.95,
        "belastingdienst": 0.2,
        "arbeidsinspectie": 0.7,
        "handhaving": 0.5,
    },
    "arbeidsmigranten": {
        "belastingdienst": 0.2,
        "arbeidsinspectie": 0.7,
        "brandweer": 0.5,
        "woningcorporatie": 0.3,
        "handhaving": 0.9,
    },
    "woonoverlast": {"politie": 0.4, "woningcorporatie": 0.7, "handhaving": 0.9},
    "brandveiligheid": {"omgevingsdienst": 0.5, "brandweer": 0.95, "handhaving": 0.6},
    "zorg_veiligheid": {"politie": 0.5, "woningcorporatie": 0.5, "handhaving": 0.5},
    "jeugdoverlast": {"politie": 0.8, "handhaving": 0.8},
}
# Outcome frequencies per theme, in the order of OUTCOMES.
OUTCOME_WEIGHTS = {
    "default": (0.35, 0.25, 0.12, 0.12, 0.03, 0.03, 0.10),
    "ondermijning": (0.35, 0.15, 0.15, 0.12, 0.10, 0.12, 0.01),
    "mensenhandel": (0.40, 0.10, 0.10, 0.08, 0.12, 0.10, 0.10),
    "woonoverlast": (0.30, 0.30, 0.08, 0.12, 0.02, 0.00, 0.18),
    "zorg_veiligheid": (0.30, 0.30, 0.05, 0.05, 0.02, 0.00, 0.28),
}
MEASURES = {
    "geen_bevindingen": "",
    "waarschuwing": "schriftelijke waarschuwing",
    "bestuurlijke_boete": "bestuurlijke boete",
    "last_onder_dwangsom": "last onder dwangsom",
    "sluiting": "tijdelijke sluiting pand",
    "bibob": "Bibob-onderzoek gestart",
    "zorg_doorverwijzing": "doorverwijzing naar zorgpartner",
}
CLOSURE_ONDERMIJNING = "sluiting pand (art. 13b Opiumwet)"
ACTION_SIZE = (1, 10)  # premises per action day
PREMISE_RADIUS_M = 150.0
ACTION_EXCLUSION_M = 500.0
ACTION_EXCLUSION_DAYS = 270
EFFECT_RADIUS_M = 250.0
EFFECT_DAYS = 182
EFFECT_REMOVAL = 0.55
OVERSAMPLE = 1.5  # signals generated before thinning, relative to n_signals
BURN_IN_DAYS = 365  # simulated before the period, so the thinning is steady from day one


@dataclasses.dataclass(frozen=True)
class DemoData:
    """Synthetic signals and interventions plus what was planted in them."""

    signals: pd.DataFrame
    interventions: pd.DataFrame
    hotspots: gpd.GeoDataFrame
    notes: list[str]


# ============================================================================================
# Fictitious town
# ============================================================================================


def fictitious_town(seed: int = 2025, edition: int = 2025) -> gpd.GeoDataFrame:
    """Return gemeente, 8 wijken and 40 buurten of "Demostad (fictief)" (GM9999), in RD."""
    rng = np.random.default_rng(seed)
    for _ in range(50):
        buurten = _town_buurten(rng)
        if buurten is not None:
            break
    else:  # pragma: no cover - seeds 0-299 all succeed at the first attempt
        raise RuntimeError("could not build a fictitious town")
    _snap_shared_edges(buurten)
    _town_inhabitants(rng, buurten)
    wijken = _town_wijken(buurten)
    gemeente = {
        "level": "gemeente",
        "code": TOWN_CODE,
        "name": TOWN_NAME,
        "parent_code": None,
        "inhabitants": sum(b["inhabitants"] for b in buurten),
        "geometry": shapely.union_all([b["geometry"] for b in buurten]),
    }
    frame = gpd.GeoDataFrame([gemeente, *wijken, *buurten], geometry="geometry", crs=RD)
    frame["gemeente_code"] = TOWN_CODE
    frame["edition"] = int(edition)
    frame["parent_code"] = pd.Series(
        [None, *(r["parent_code"] for r in [*wijken, *buurten])], dtype=object
    )
    frame["inhabitants"] = frame["inhabitants"].astype("Int64")
    frame["land_ha"] = pd.array((frame.area / 1e4).round(2), dtype="Float64")
    return frame[AREA_COLUMNS].reset_index(drop=True)


def _town_buurten(rng: np.random.Generator) -> list[dict] | None:
    """Buurt records (code, name, parent, geometry); None if a cell came out in pieces."""
    outline = _town_outline(rng)
    wijk_cells = _order_wijk_cells(_relaxed_cells(rng, outline, len(TOWN_WIJKEN)))
    records = []
    for w, ((_, names), wijk_cell) in enumerate(zip(TOWN_WIJKEN, wijk_cells, strict=True), 1):
        cells = _relaxed_cells(rng, wijk_cell, len(names))
        cells = sorted(cells, key=lambda c: (-c.centroid.y, c.centroid.x))
        for b, (name, cell) in enumerate(zip(names, cells, strict=True), 1):
            if cell.geom_type != "Polygon":
                return None
            records.append(
                {
                    "level": "buurt",
                    "code": f"BU9999{w:02d}{b:02d}",
                    "name": name,
                    "parent_code": f"WK9999{w:02d}",
                    "geometry": cell,
                }
            )
    return records


def _snap_shared_edges(buurten: list[dict]) -> None:
    """Give neighbouring buurten identical vertices, so their unions have no slivers."""
    geoms = np.array([b["geometry"] for b in buurten])
    vertices = shapely.multipoints(shapely.get_coordinates(geoms))
    for buurt, geom in zip(buurten, shapely.snap(geoms, vertices, 0.01), strict=True):
        buurt["geometry"] = geom


def _town_outline(rng: np.random.Generator) -> shapely.Polygon:
    """Return an irregular, star-shaped outline of TOWN_AREA_M2 around TOWN_CENTRE."""
    theta = np.linspace(0, 2 * np.pi, 240, endpoint=False)
    radius = np.ones_like(theta)
    for k, amplitude in ((2, 0.10), (3, 0.07), (4, 0.04), (5, 0.03)):
        radius += amplitude * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    ring = np.column_stack([radius * np.cos(theta), radius * np.sin(theta)])
    unit_area = shapely.Polygon(ring).area
    scale = np.sqrt(TOWN_AREA_M2 / unit_area)
    return shapely.Polygon(ring * scale + np.asarray(TOWN_CENTRE))


def _relaxed_cells(
    rng: np.random.Generator, polygon: shapely.Geometry, n: int, iterations: int = 5
) -> list[shapely.Geometry]:
    """Return n Voronoi cells filling polygon, made roughly equal by Lloyd relaxation."""
    points = _sample_in_polygon(rng, polygon, n)
    for _ in range(iterations):
        cells = _voronoi_cells(points, polygon)
        points = shapely.get_coordinates(shapely.centroid(cells))
    return list(_voronoi_cells(points, polygon))


def _voronoi_cells(points: np.ndarray, polygon: shapely.Geometry) -> np.ndarray:
    diagram = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=polygon, ordered=True)
    return shapely.intersection(shapely.get_parts(diagram), polygon)


def _order_wijk_cells(cells: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Return the cell nearest the town centre first, then the others clockwise from the north."""
    centre = np.asarray(TOWN_CENTRE)
    xy = shapely.get_coordinates(shapely.centroid(cells)) - centre
    first = int(np.argmin(np.hypot(xy[:, 0], xy[:, 1])))
    bearing = np.degrees(np.arctan2(xy[:, 0], xy[:, 1])) % 360  # 0 = north, clockwise
    rest = sorted((i for i in range(len(cells)) if i != first), key=lambda i: bearing[i])
    return [cells[first]] + [cells[i] for i in rest]


def _town_inhabitants(rng: np.random.Generator, buurten: list[dict]) -> None:
    """Inhabitants per buurt, multiples of 5 like CBS; two nearly empty buurten."""
    for buurt in buurten:
        hectares = buurt["geometry"].area / 1e4
        density = rng.lognormal(np.log(30.0), 0.45)  # inhabitants per ha
        if buurt["code"].startswith("BU999901"):
            density *= 1.6  # the centre is denser
        if buurt["name"] == BUSINESS_PARK_NAME:
            value = 5 * rng.integers(0, 5)  # 0-20
        elif buurt["name"] == SMALL_BUURT_NAME:
            value = 5 * rng.integers(3, 10)  # 15-45
        else:
            value = 5 * round(hectares * density / 5)
        buurt["inhabitants"] = int(value)


def _town_wijken(buurten: list[dict]) -> list[dict]:
    wijken = []
    for w, (name, _) in enumerate(TOWN_WIJKEN, 1):
        code = f"WK9999{w:02d}"
        members = [b for b in buurten if b["parent_code"] == code]
        wijken.append(
            {
                "level": "wijk",
                "code": code,
                "name": name,
                "parent_code": TOWN_CODE,
                "inhabitants": sum(b["inhabitants"] for b in members),
                "geometry": shapely.union_all([b["geometry"] for b in members]),
            }
        )
    return wijken


# ============================================================================================
# Signals and interventions
# ============================================================================================


def trend_break_date(end: date) -> date:
    """First day of the month TREND_MONTHS_BEFORE_END months before the month of ``end``."""
    months = end.year * 12 + end.month - 1 - TREND_MONTHS_BEFORE_END
    return date(months // 12, months % 12 + 1, 1)


def period_start(end: date, years: int) -> date:
    """First day of the demo period: ``years`` years before ``end``, plus one day."""
    return (pd.Timestamp(end) - pd.DateOffset(years=years) + pd.Timedelta(days=1)).date()


def generate(
    areas: gpd.GeoDataFrame,
    *,
    seed: int = 42,
    end: date = date(2026, 10, 31),
    years: int = 3,
    n_signals: int = 15000,
    n_interventions: int = 1200,
) -> DemoData:
    """Synthetic signals and interventions over ``areas`` with planted, documented structure."""
    if years < 1 or n_signals < 0 or n_interventions < 0:
        raise ValueError("years must be >= 1 and the counts >= 0")
    if n_interventions and not n_signals:
        raise ValueError("interventions are placed at signals: n_signals must be > 0")
    rng = np.random.default_rng(seed)
    cells = _placement_cells(areas)
    town = shapely.union_all(cells.geometry.to_numpy())
    shapely.prepare(town)
    # The simulation starts BURN_IN_DAYS early, so the thinning by interventions is already in
    # its steady state on the first reported day; ``first`` indexes that day in ``days``.
    start = np.datetime64(period_start(end, years))
    days = np.arange(start - BURN_IN_DAYS, np.datetime64(end) + 1, dtype="datetime64[D]")
    first = BURN_IN_DAYS
    breakday = int((np.datetime64(trend_break_date(end)) - days[0]).astype(int))
    profiles = _day_profiles(days, breakday)

    n_gen = int(round(n_signals * OVERSAMPLE * len(days) / (len(days) - first)))
    park = _business_park(rng, cells)
    streets = _hotspot_streets(rng, cells, exclude=park)
    parts = [_background(rng, cells, n_gen, len(streets), profiles)]
    parts += [_street_signals(rng, line, theme, n_gen, profiles) for line, theme, _ in streets]
    premises = _premises(rng, cells.geometry.iloc[park])
    parts.append(_park_signals(rng, cells.geometry.iloc[park], premises, n_gen, profiles))
    signals = _combine(parts, rng)
    signals = _keep_inside(signals, town)
    _assign_sources(rng, signals, breakday)

    interventions = _interventions(rng, signals, days, first, n_interventions, town)
    signals = _final_selection(rng, signals, first, n_signals)
    hotspots = _hotspot_frame(cells, streets, park, premises)
    notes = _notes(cells, streets, park, days[first:], seed, signals, interventions)
    street_lines = [line for line, _, _ in streets]
    return DemoData(
        signals=_signal_frame(rng, signals, days, street_lines),
        interventions=_intervention_frame(interventions, days, street_lines),
        hotspots=hotspots,
        notes=notes,
    )


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


# --- interventions -----------------------------------------------------------------------------


def _interventions(
    rng: np.random.Generator,
    signals: dict,
    days: np.ndarray,
    first: int,
    n_interventions: int,
    town: shapely.Geometry,
) -> dict:
    """Plan action days at recent signal clusters and thin the signals after each of them.

    Works on ``signals`` in place: ``alive`` marks the signals that survive the thinning.
    Actions in the burn-in (before day ``first``) thin signals but are not returned.
    """
    n_burn_in = int(round(n_interventions * first / (len(days) - first)))
    burn_days, burn_sizes = _action_plan(rng, days, 0, first, n_burn_in)
    main_days, main_sizes = _action_plan(rng, days, first, len(days), n_interventions)
    action_days = np.concatenate([burn_days, main_days])
    sizes = np.concatenate([burn_sizes, main_sizes])
    relevance = np.array([INTERVENTION_THEME_WEIGHTS.get(t, 0.0) for t in THEMES])
    signals["alive"] = np.ones(len(signals["x"]), dtype=bool)
    centres, centre_days = np.empty((0, 2)), np.empty(0, dtype=np.int64)
    empty_int = np.empty(0, dtype=np.int64)
    rows = {"x": [np.empty(0)], "y": [np.empty(0)], "day": [empty_int], "theme": [empty_int]}
    for day, size in zip(action_days, sizes, strict=True):
        pool = _recent_pool(signals, relevance, day)
        nearby_in_time = centres[centre_days > day - ACTION_EXCLUSION_DAYS]
        centre = _action_centre(rng, signals, pool, relevance, nearby_in_time)
        centres = np.vstack([centres, [signals["x"][centre], signals["y"][centre]]])
        centre_days = np.append(centre_days, day)
        xy, themes = _action_premises(rng, signals, pool, centre, size, relevance, town)
        _thin(signals, xy, day)
        rows["x"].append(xy[:, 0])
        rows["y"].append(xy[:, 1])
        rows["theme"].append(themes)
        rows["day"].append(np.full(len(xy), day))
    result = {key: np.concatenate(value) for key, value in rows.items()}
    result = _subset(result, result["day"] >= first)
    _intervention_details(rng, result)
    return result


def _action_plan(
    rng: np.random.Generator, days: np.ndarray, lo: int, hi: int, n_interventions: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted weekdays in days[lo:hi] for action days, and their sizes summing to the total."""
    sizes = _action_sizes(rng, n_interventions)
    weekdays = lo + np.flatnonzero((days[lo:hi].astype(int) + 3) % 7 < 5)
    if len(weekdays) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.sort(rng.choice(weekdays, size=len(sizes))), sizes


def _action_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Premises per action day, 1-10, summing to exactly n."""
    sizes = rng.integers(ACTION_SIZE[0], ACTION_SIZE[1] + 1, size=max(n, 1))
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    sizes[-1] -= sizes.sum() - n
    return sizes[sizes > 0]


def _recent_pool(signals: dict, relevance: np.ndarray, day: int) -> np.ndarray:
    """Surviving signals of the 6 months before ``day`` (wider early in the period)."""
    relevant = signals["alive"] & (relevance[signals["theme"]] > 0)
    pool = np.flatnonzero(relevant & (signals["day"] >= day - EFFECT_DAYS) & (signals["day"] < day))
    if len(pool) < 20:
        pool = np.flatnonzero(relevant & (np.abs(signals["day"] - day) < EFFECT_DAYS))
    if len(pool) == 0:
        pool = np.flatnonzero(signals["alive"])
    return pool


def _action_centre(
    rng: np.random.Generator,
    signals: dict,
    pool: np.ndarray,
    relevance: np.ndarray,
    recent_centres: np.ndarray,
) -> int:
    """Draw a recent signal, weighted by theme, 500 m from the last 9 months' actions if we can."""
    weight = relevance[signals["theme"][pool]] + 1e-9
    candidates = rng.choice(pool, size=40, p=weight / weight.sum())
    if len(recent_centres) == 0:
        return int(candidates[0])
    dx = signals["x"][candidates][:, None] - recent_centres[:, 0]
    dy = signals["y"][candidates][:, None] - recent_centres[:, 1]
    nearest = np.hypot(dx, dy).min(axis=1)
    free = np.flatnonzero(nearest >= ACTION_EXCLUSION_M)
    return int(candidates[free[0]] if len(free) else candidates[np.argmax(nearest)])


def _action_premises(
    rng: np.random.Generator,
    signals: dict,
    pool: np.ndarray,
    centre: int,
    size: int,
    relevance: np.ndarray,
    town: shapely.Geometry,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the centre plus premises with recent signals within 150 m (or points near it)."""
    cx, cy = signals["x"][centre], signals["y"][centre]
    near = pool[np.hypot(signals["x"][pool] - cx, signals["y"][pool] - cy) <= PREMISE_RADIUS_M]
    near = near[near != centre]
    chosen = np.concatenate([[centre], rng.permutation(near)[: size - 1]]).astype(np.int64)
    xy = np.column_stack([signals["x"][chosen], signals["y"][chosen]])
    own = signals["theme"][chosen]
    themes = np.where(relevance[own] > 0, own, signals["theme"][centre])
    missing = size - len(chosen)
    if missing > 0:
        extra = np.array([cx, cy]) + rng.normal(0, 60.0, (missing, 2))
        extra = extra.round(1)
        inside = shapely.contains_xy(town, extra[:, 0], extra[:, 1])
        extra[~inside] = [cx, cy]
        xy = np.vstack([xy, extra])
        themes = np.concatenate([themes, np.full(missing, signals["theme"][centre])])
    return xy, themes


def _thin(signals: dict, xy: np.ndarray, day: int) -> None:
    """Remove EFFECT_REMOVAL of the signals within 250 m in the 6 months after ``day``."""
    window = np.flatnonzero(
        signals["alive"] & (signals["day"] >= day) & (signals["day"] < day + EFFECT_DAYS)
    )
    dx = signals["x"][window][:, None] - xy[:, 0]
    dy = signals["y"][window][:, None] - xy[:, 1]
    covered = (np.hypot(dx, dy) <= EFFECT_RADIUS_M).any(axis=1)
    removed = window[covered & (signals["u"][window] < EFFECT_REMOVAL)]
    signals["alive"][removed] = False


def _intervention_details(rng: np.random.Generator, rows: dict) -> None:
    """Partners and outcome per intervention, depending on its theme."""
    n = len(rows["x"])
    partners = np.empty(n, dtype=object)
    outcomes = np.zeros(n, dtype=np.int64)
    for i, t in enumerate(rows["theme"]):
        theme = THEMES[t]
        chances = PARTNER_CHANCES.get(theme, {"politie": 0.5, "handhaving": 0.9})
        joined = [p for p in PARTNERS if p in chances and rng.uniform() < chances[p]]
        partners[i] = ";".join(joined or ["handhaving"])
        p = np.array(OUTCOME_WEIGHTS.get(theme, OUTCOME_WEIGHTS["default"]))
        outcomes[i] = rng.choice(len(OUTCOMES), p=p / p.sum())
    rows["partners"] = partners
    rows["outcome"] = outcomes


def _final_selection(rng: np.random.Generator, signals: dict, first: int, n_signals: int) -> dict:
    """Return the surviving signals after the burn-in, sub-sampled uniformly to n_signals."""
    alive = np.flatnonzero(signals["alive"] & (signals["day"] >= first))
    if len(alive) > n_signals:
        alive = np.sort(rng.choice(alive, size=n_signals, replace=False))
    return _subset(signals, alive)


# --- frames ------------------------------------------------------------------------------------


def _cell_hash(x: np.ndarray, y: np.ndarray, size: float) -> np.ndarray:
    """Return a deterministic non-negative integer per square cell of ``size`` metres."""
    ix = np.floor(x / size).astype(np.int64)
    iy = np.floor(y / size).astype(np.int64)
    return np.abs((ix * 73856093) ^ (iy * 19349663)) % 1_000_003


def _addresses(
    x: np.ndarray, y: np.ndarray, streets: list[LineString]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Invented (street, house number, postcode) as a function of the location.

    Street names come from a 200 m grid, house numbers from an 8 m grid; within 45 m of a
    planted street the address is on that street, numbered along it (odd and even sides).
    Postcodes start with 99 and follow a 1 km grid (digits) and a 100 m grid (letters).
    """
    street = np.array(BACKGROUND_STREETS, dtype=object)[
        _cell_hash(x, y, 200.0) % len(BACKGROUND_STREETS)
    ]
    number = 1 + _cell_hash(x, y, 8.0) % 180
    for line, name in zip(streets, STREET_NAMES, strict=False):
        (x0, y0), (x1, y1) = shapely.get_coordinates(line)
        ux, uy = (x1 - x0) / line.length, (y1 - y0) / line.length
        along = (x - x0) * ux + (y - y0) * uy
        side = (x - x0) * -uy + (y - y0) * ux
        on = (along >= -20) & (along <= line.length + 20) & (np.abs(side) <= 45)
        street[on] = name
        number[on] = 2 * np.floor(np.clip(along[on], 0, None) / 12).astype(np.int64) + 1
        number[on] += side[on] < 0
    letters = np.array(list("ABCDEFGHJKLMNPRTVWXZ"))
    code = _cell_hash(x, y, 100.0)
    postcode = (
        "99"
        + pd.Series(_cell_hash(x, y, 1000.0) % 100).map("{:02d}".format).to_numpy(dtype=object)
        + letters[code % 20]
        + letters[(code // 20) % 20]
    )
    return street, number.astype(str).astype(object), postcode


def _signal_frame(
    rng: np.random.Generator, signals: dict, days: np.ndarray, streets: list[LineString]
) -> pd.DataFrame:
    order = np.argsort(signals["day"], kind="stable")
    s = _subset(signals, order)
    n = len(order)
    street, number, postcode = _addresses(s["x"], s["y"], streets)
    source = np.array(SOURCES, dtype=object)[s["source"]]
    anonymous = (source == "meld_een_vermoeden") & (rng.uniform(0, 1, n) < ANONYMOUS_SHARE)
    frame = pd.DataFrame(
        {
            "melding_id": [f"DEMO-S-{i:06d}" for i in range(1, n + 1)],
            "datum": days[s["day"]].astype(object),
            "thema": np.array(THEMES, dtype=object)[s["theme"]],
            "bron": source,
            "x": s["x"].astype(float),
            "y": s["y"].astype(float),
            "lat": np.nan,
            "lon": np.nan,
            "buurtcode": "",
            "postcode": postcode,
            "huisnummer": number,
            "adres": street + " " + number,
            "dossiernummer": _case_numbers(rng, days[s["day"]]),
            "anoniem": anonymous,
        }
    )
    return frame[SIGNAL_COLUMNS]


def _case_numbers(rng: np.random.Generator, dates: np.ndarray) -> list[str]:
    """Z/yy/nnnnnn, increasing in date order within each year, from a random offset."""
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    numbers = np.empty(len(dates), dtype=np.int64)
    for year in np.unique(years):
        mask = years == year
        steps = rng.integers(1, 4, int(mask.sum()))
        numbers[mask] = rng.integers(1000, 5000) + np.cumsum(steps)
    return [f"Z/{y % 100:02d}/{k:06d}" for y, k in zip(years, numbers, strict=True)]


def _intervention_frame(rows: dict, days: np.ndarray, streets: list[LineString]) -> pd.DataFrame:
    order = np.argsort(rows["day"], kind="stable")
    r = {key: np.asarray(value)[order] for key, value in rows.items()}
    n = len(order)
    street, number, _ = _addresses(r["x"], r["y"], streets)
    themes = np.array(THEMES, dtype=object)[r["theme"]]
    outcomes = np.array(OUTCOMES, dtype=object)[r["outcome"]]
    measures = [
        CLOSURE_ONDERMIJNING if o == "sluiting" and t == "ondermijning" else MEASURES[o]
        for o, t in zip(outcomes, themes, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "interventie_id": [f"DEMO-I-{i:04d}" for i in range(1, n + 1)],
            "datum": days[r["day"]].astype(object),
            "thema": themes,
            "x": r["x"].astype(float),
            "y": r["y"].astype(float),
            "lat": np.nan,
            "lon": np.nan,
            "buurtcode": "",
            "adres": street + " " + number,
            "partners": r["partners"],
            "uitkomst": outcomes,
            "maatregel": measures,
        }
    )
    return frame[INTERVENTION_COLUMNS]


def _hotspot_frame(
    cells: gpd.GeoDataFrame,
    streets: list[tuple[LineString, str, int]],
    park: int,
    premises: np.ndarray,
) -> gpd.GeoDataFrame:
    codes = cells["code"].astype(str).to_numpy() if "code" in cells else np.full(len(cells), "")
    rows = [
        {"kind": "straat", "name": name, "thema": theme, "buurtcode": codes[i], "geometry": line}
        for (line, theme, i), name in zip(streets, STREET_NAMES, strict=False)
    ]
    park_geom = cells.geometry.iloc[park]
    cluster = shapely.union_all(shapely.buffer(shapely.points(premises), PARK_CLUSTER_RADIUS_M))
    rows.append(
        {
            "kind": "bedrijventerrein",
            "name": str(cells["name"].iloc[park]) if "name" in cells else "bedrijventerrein",
            "thema": ";".join(BUSINESS_PARK_THEMES),
            "buurtcode": codes[park],
            "geometry": shapely.intersection(cluster, park_geom),
        }
    )
    return gpd.GeoDataFrame(rows, columns=HOTSPOT_COLUMNS, geometry="geometry", crs=RD)


def _notes(
    cells: gpd.GeoDataFrame,
    streets: list[tuple[LineString, str, int]],
    park: int,
    days: np.ndarray,
    seed: int,
    signals: dict,
    interventions: dict,
) -> list[str]:
    """Dutch, user-facing description of the planted structure."""
    names = cells["name"].astype(str).to_numpy() if "name" in cells else cells.index.astype(str)
    spread = "aantal inwoners" if cells["known"].all() else "inwoners, of oppervlakte (ook water)"
    notes = [
        f"Fictieve demogegevens (seed {seed}), {_dutch(days[0])} t/m {_dutch(days[-1])}: "
        f"{len(signals['x'])} signalen en {len(interventions['x'])} interventies. "
        "Adressen, postcodes (99..) en dossiernummers zijn verzonnen.",
        f"Achtergrond: signalen verdeeld over de buurten naar {spread}; "
        "woonoverlast en jeugdoverlast komen het meest voor, radicalisering zelden.",
    ]
    notes += [
        f"Hotspot-straat: {name} in {names[i]} ({theme}), ~{line.length:.0f} m."
        for (line, theme, i), name in zip(streets, STREET_NAMES, strict=False)
    ]
    notes += [
        f"Hotspot-bedrijventerrein: {names[park]}, cluster van ondermijning- en "
        "mensenhandelsignalen rond drie panden, vooral via Meld een Vermoeden en RIEC.",
        "Seizoenen: jeugdoverlast en woonoverlast pieken in de zomer, woninginbraak in de winter.",
        f"Trendbreuk: vanaf {_dutch(trend_break_date(days[-1].astype(date)))} ~50% meer "
        "ondermijningssignalen na een (fictieve) campagne van Meld een Vermoeden.",
        f"Interventies: ~{len(interventions['x']) * 365 // len(days)} per jaar in actiedagen "
        "van 1-10 panden bij recente signalen. Geplant effect: in de 6 maanden na een "
        f"interventie valt {EFFECT_REMOVAL:.0%} van de signalen binnen "
        f"{EFFECT_RADIUS_M:.0f} m weg; op willekeurige plekken is er geen daling.",
    ]
    return notes


def _dutch(day: date | np.datetime64) -> str:
    return pd.Timestamp(day).strftime("%d-%m-%Y")
