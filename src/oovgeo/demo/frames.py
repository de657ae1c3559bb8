"""The demo as frames in the "generiek" profile: addresses, case numbers, hotspots, notes."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from oovgeo.crs import RD
from oovgeo.demo.params import (
    ANONYMOUS_SHARE,
    BACKGROUND_STREETS,
    BUSINESS_PARK_THEMES,
    CLOSURE_ONDERMIJNING,
    EFFECT_RADIUS_M,
    EFFECT_REMOVAL,
    HOTSPOT_COLUMNS,
    INTERVENTION_COLUMNS,
    MEASURES,
    OUTCOMES,
    PARK_CLUSTER_RADIUS_M,
    SIGNAL_COLUMNS,
    SOURCES,
    STREET_NAMES,
    THEMES,
)
from oovgeo.demo.simulate_signals import _subset, trend_break_date

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
        f"{EFFECT_RADIUS_M:.0f} m weg; op willekeurige plekken is er geen daling. Omdat ook "
        "vergelijkbare drukke plekken binnen maanden een interventie in de buurt krijgen, is "
        "het geplante verschil tegenover die plekken kleiner dan die "
        f"{EFFECT_REMOVAL:.0%} (bij de standaarddemo een verhouding van ongeveer 0,6).",
    ]
    return notes


def _dutch(day: date | np.datetime64) -> str:
    return pd.Timestamp(day).strftime("%d-%m-%Y")
