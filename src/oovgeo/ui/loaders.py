"""Cached reads for the pages.

Cached reads for the pages, keyed by plain values, never by role: disclosure rules and
access checks are applied per user, outside the cache (S4). Aggregates, plus one exception:
``target_candidates`` holds place data (addresses), so its callers check the ``view_points``
right before calling it and audit every view.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

import geopandas as gpd
import pandas as pd
import streamlit as st

from oovgeo.access import Identity
from oovgeo.analysis.aggregate import Filters, counts_by_area, unplaced_count
from oovgeo.analysis.rates import with_period_population
from oovgeo.analysis.targets import Weights, candidates
from oovgeo.maps import web_shapes
from oovgeo.services import operations as ops
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.context_repo import context_polygons
from oovgeo.store.population_repo import load_population
from oovgeo.store.records import intervention_points, signal_points
from oovgeo.vocab import CONTEXT_REASONS

TTL = 300  # seconds; imports also clear these caches


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def areas(database_url: str, edition: int) -> gpd.GeoDataFrame:
    """Return the areas of ``edition`` (cached)."""
    return load_areas(ops.engine_for_url(database_url), edition)


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def period_areas(database_url: str, edition: int, start: date, end: date) -> gpd.GeoDataFrame:
    """Areas of ``edition`` with the inhabitants of the year nearest to the period (cached).

    Wijken and gemeenten included (sums of their buurten where loaded so); adds
    ``inhabitants_year`` and ``inhabitants_source`` (see ``rates.with_period_population``).
    """
    with ops.engine_for_url(database_url).connect() as conn:
        population = load_population(conn)
    return with_period_population(areas(database_url, edition), population, start, end)


@st.cache_data(ttl=TTL, max_entries=128, show_spinner=False)
def area_counts(database_url: str, level: str, filters: Filters) -> tuple[pd.DataFrame, int]:
    """Return the counts per area and the number of unplaced records (cached per filters).

    ``filters.perturbation`` decides exact or protected figures (P3), and keys the cache.
    """
    with ops.engine_for_url(database_url).connect() as conn:
        return counts_by_area(conn, filters, level), unplaced_count(conn, filters, level)


def edition(settings) -> int | None:
    """Return the active boundary edition, or None."""
    with ops.open_store(settings).connect() as conn:
        return active_edition(conn, settings.get("boundaries.edition"))


def clear() -> None:
    """After an import or a boundary load: the next read comes from the database."""
    st.cache_data.clear()


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def shapes(database_url: str, edition: int, level: str) -> dict[str, dict]:
    """Browser-ready geometry of one level (simplified, WGS84): computed once per edition."""
    all_areas = areas(database_url, edition)
    return web_shapes(all_areas[all_areas["level"] == level])


def weights_key(weights: Weights) -> tuple:
    """``Weights`` as a plain hashable value for :func:`target_candidates` (sorted items)."""
    plain = asdict(weights)
    plain["theme_weights"] = tuple(sorted(weights.theme_weights.items()))
    return tuple(sorted(plain.items()))


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def target_candidates(
    database_url: str,
    start: date,
    end: date,
    themes: tuple[str, ...],
    sources: tuple[str, ...],
    weights: tuple,
    today: date,
    source_labels: tuple[tuple[str, str], ...] = (),
    theme_labels: tuple[tuple[str, str], ...] = (),
    *,
    _identity: Identity,
) -> tuple[pd.DataFrame, int]:
    """Return ranked candidate places and the number of signals they come from.

    Ranked candidate places (``targets.candidates``) of the signals from ``start`` to
    ``end`` and the number of signals they come from. ``weights`` is :func:`weights_key`.

    Returns PLACE DATA: addresses and coordinates of places, which only roles with the
    ``view_points`` right may see. The cache key holds no role or user (``_identity`` is left
    out of it), so a cached result is returned to whoever asks with the same values. Callers
    must check ``access.require(identity, "view_points")`` BEFORE calling this and write the
    ``view_points`` audit entry on every view, cached or not. ``_identity`` is checked again
    by the store reads on a cache miss.
    """
    plain = dict(weights)
    plain["theme_weights"] = dict(plain["theme_weights"])
    with ops.engine_for_url(database_url).connect() as conn:
        signals = signal_points(conn, _identity, start, end, themes, sources)
        held = intervention_points(conn, _identity, end - timedelta(days=730), end)
        context = context_polygons(conn, list(CONTEXT_REASONS))  # "binnen cameragebied"
    ranked = candidates(
        signals,
        held,
        today=today,
        weights=Weights(**plain),
        source_labels=dict(source_labels),
        theme_labels=dict(theme_labels),
        context=context,
    )
    return ranked, len(signals)
