"""The hotspot layers as the Kaart page and ``oovgeo hotspots`` both compute them.

One set of functions reads the signals (or interventions) of the filters, builds the units
(the 250 m grid over the town or the buurten), tests them with :func:`hotspots.hotspot_map`
and measures every layer's Predictive Accuracy Index on held-out weeks
(:mod:`oovgeo.analysis.accuracy`). The page caches them and the CLI prints them, so their
figures cannot drift apart. Only unit aggregates come out; the points stay here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import geopandas as gpd
import pandas as pd
import shapely

from oovgeo.analysis import accuracy, hotspots
from oovgeo.analysis.aggregate import Filters, coordinates, counts_by_area
from oovgeo.config import Settings
from oovgeo.services import completeness as complete
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.db import Engine

UNITS = ("buurt", "grid")  # the page's order: buurt first on a tie
CELL_M = 250.0
DEFAULT_DAYS = 28  # the page's default period: the last 4 weeks
GRID_NOTE = " Randcellen die voor minder dan een kwart in de gemeente liggen, tellen niet mee."
UNIT_COLUMNS = ["code", "aantal", "gi_z", "gi_p", "gi_p_fdr", "hotspot", "geometry"]


class HotspotError(ValueError):
    """The hotspots cannot be computed for these choices (message in Dutch, for the screen)."""


@dataclass(frozen=True)
class HotspotAnalysis:
    """Everything the hotspot layer shows, as the CLI prints it."""

    units: gpd.GeoDataFrame  # every unit: UNIT_COLUMNS (hotspot: the Dutch class)
    method: str  # the page's Dutch method sentence
    pais: dict[str, float | None]  # accuracy.layer_pais
    windows: accuracy.Windows  # the fitting window and the held-out weeks
    unit: str  # "grid" or "buurt"
    filters: Filters  # the period as counted (ending at ``until`` at the latest)
    until: date  # the completeness date used


def edition(engine: Engine, settings: Settings) -> int | None:
    """Return the active boundary edition, or None when no boundaries are loaded."""
    with engine.connect() as conn:
        return active_edition(conn, settings.get("boundaries.edition"))


def until(engine: Engine, settings: Settings, filters: Filters, today: date) -> date:
    """Return the completeness date of the sources ``filters`` counts."""
    sources = filters.sources if filters.kind == "signals" else ()
    return complete.until(engine, settings, filters.kind, sources, today)


def default_period(end: date) -> tuple[date, date]:
    """Return the page's default period: the last 4 weeks up to ``end`` (completeness date)."""
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def counted(filters: Filters, complete_until: date) -> Filters:
    """Return ``filters`` ending at the completeness date when that is before its end."""
    return replace(filters, end=min(filters.end, complete_until))


def town_cells(buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the 250 m grid cells over the union of the buurten."""
    return hotspots.grid_cells(shapely.union_all(buurten.geometry.to_numpy()), CELL_M)


def hotspot_units(
    engine: Engine, edition: int, filters: Filters, unit: str
) -> tuple[gpd.GeoDataFrame, str]:
    """Test every unit (grid cells or buurten) of ``filters``; return them and the method.

    The frame holds every unit with :data:`UNIT_COLUMNS`; ``hotspot`` is its Dutch class
    (``hotspots.NOT_SIGNIFICANT`` for most).
    """
    if unit not in UNITS:
        raise ValueError(f"unknown hotspot unit {unit!r}")
    buurten = load_areas(engine, edition, level="buurt")
    counts: pd.Series
    if unit == "grid":
        units = town_cells(buurten)
        with engine.connect() as conn:
            x, y = coordinates(conn, filters)
        joined = gpd.sjoin(
            gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=units.crs),
            units[["code", "geometry"]],
            predicate="within",
        )
        counts = joined["code"].value_counts()
    else:
        with engine.connect() as conn:
            counts = counts_by_area(conn, filters, "buurt").set_index("code")["count"]
        units = buurten[["code", "name", "land_ha", "geometry"]]
    result = hotspots.hotspot_map(units, counts)
    method = result.attrs.get("methode", "") + (GRID_NOTE if unit == "grid" else "")
    # maps.to_web keys every feature by its code: keep it (its absence crashed the grid layer)
    return result[UNIT_COLUMNS].reset_index(drop=True), method


def layer_accuracy(
    engine: Engine,
    edition: int,
    filters: Filters,
    complete_until: date,
    *,
    heat_cell_m: float,
    bandwidth_m: float,
) -> tuple[dict[str, float | None], accuracy.Windows]:
    """Return the PAI of every layer (:func:`accuracy.layer_pais`) and the windows used.

    The held-out weeks end at the end of the period or at the completeness date when that is
    earlier: undelivered days would score every layer on events that are not there yet.
    """
    w = accuracy.windows(filters.start, min(filters.end, complete_until))
    buurten = load_areas(engine, edition, level="buurt")
    with engine.connect() as conn:
        fit = coordinates(conn, replace(filters, start=w.fit_start, end=w.fit_end))
        held = coordinates(conn, replace(filters, start=w.test_start, end=w.test_end))
    pais = accuracy.layer_pais(
        fit, held, town_cells(buurten), buurten, heat_cell_m=heat_cell_m, bandwidth_m=bandwidth_m
    )
    return pais, w


def accuracy_of(
    engine: Engine, settings: Settings, edition: int, filters: Filters, complete_until: date
) -> tuple[dict[str, float | None], accuracy.Windows]:
    """:func:`layer_accuracy` with the heat layer's settings (``maps.heat_*``)."""
    return layer_accuracy(
        engine,
        edition,
        filters,
        complete_until,
        heat_cell_m=settings.get("maps.heat_cell_m"),
        bandwidth_m=settings.get("maps.heat_bandwidth_m"),
    )


def best_unit(pais: dict[str, float | None]) -> str:
    """Return the hotspot unit whose Gi* layer predicted best (the page's default)."""
    return accuracy.best(pais, UNITS)


def analyse(
    engine: Engine,
    settings: Settings,
    *,
    kind: str = "signals",
    start: date | None = None,
    end: date | None = None,
    themes: Sequence[str] = (),
    sources: Sequence[str] = (),
    unit: str | None = None,
    today: date,
) -> HotspotAnalysis:
    """Compute the whole hotspot layer of the Kaart page for these choices.

    Without ``start``/``end`` the period is the page's default (the last 4 weeks up to the
    completeness date; only ``end``: the 4 weeks up to it); the period always ends at the
    completeness date at the latest.
    Without ``unit`` the unit whose layer predicted best is taken, as the page offers it.
    Raises ``HotspotError`` when no boundaries are loaded or the period holds no complete day.
    """
    found = edition(engine, settings)
    if found is None:
        raise HotspotError("Er zijn nog geen gebiedsgrenzen geladen.")
    sources = tuple(sources) if kind == "signals" else ()
    probe = Filters(today, today, kind, tuple(themes), sources)
    done = until(engine, settings, probe, today)
    stop = end or done
    begin = start or default_period(min(stop, done))[0]
    filters = counted(replace(probe, start=begin, end=stop), done)
    if filters.start > filters.end:
        raise HotspotError(
            f"De periode begint na {done:%d-%m-%Y}, de laatste dag met volledige gegevens."
        )
    pais, w = accuracy_of(engine, settings, found, filters, done)
    chosen = unit or best_unit(pais)
    units, method = hotspot_units(engine, found, filters, chosen)
    return HotspotAnalysis(units, method, pais, w, chosen, filters, done)
