"""The fictitious town "Demostad (fictief)": relaxed Voronoi buurten in an outline at sea."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from oovgeo.crs import RD
from oovgeo.demo.params import AREA_COLUMNS
from oovgeo.demo.simulate_signals import _sample_in_polygon

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
