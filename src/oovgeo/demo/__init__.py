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

from oovgeo.demo.frames import _hotspot_frame, _intervention_frame, _notes, _signal_frame
from oovgeo.demo.params import (
    AREA_COLUMNS,
    BURN_IN_DAYS,
    INTERVENTION_COLUMNS,
    INTERVENTION_THEME_WEIGHTS,
    OUTCOMES,
    OVERSAMPLE,
    PARTNERS,
    SIGNAL_COLUMNS,
    SOURCES,
    THEMES,
)
from oovgeo.demo.population import synthetic_population
from oovgeo.demo.simulate_interventions import _final_selection, _interventions
from oovgeo.demo.simulate_signals import (
    _assign_sources,
    _background,
    _business_park,
    _combine,
    _day_profiles,
    _hotspot_streets,
    _keep_inside,
    _park_signals,
    _placement_cells,
    _premises,
    _street_signals,
    period_start,
    trend_break_date,
)
from oovgeo.demo.town import TOWN_CODE, TOWN_NAME, fictitious_town

__all__ = [
    "AREA_COLUMNS",
    "INTERVENTION_COLUMNS",
    "INTERVENTION_THEME_WEIGHTS",
    "OUTCOMES",
    "PARTNERS",
    "SIGNAL_COLUMNS",
    "SOURCES",
    "THEMES",
    "TOWN_CODE",
    "TOWN_NAME",
    "DemoData",
    "fictitious_town",
    "synthetic_population",
    "generate",
    "period_start",
    "trend_break_date",
]


@dataclasses.dataclass(frozen=True)
class DemoData:
    """Synthetic signals and interventions plus what was planted in them."""

    signals: pd.DataFrame
    interventions: pd.DataFrame
    hotspots: gpd.GeoDataFrame
    notes: list[str]


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
