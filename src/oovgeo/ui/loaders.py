"""Cached reads for the pages. Only aggregates are cached, keyed by plain values, never by
role: disclosure rules are applied after the cache, per user (S4)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from oovgeo import operations as ops
from oovgeo.analysis.aggregate import Filters, counts_by_area, unplaced_count
from oovgeo.maps import web_shapes
from oovgeo.store.areas_repo import active_edition, load_areas

TTL = 300  # seconds; imports also clear these caches


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def areas(database_url: str, edition: int) -> gpd.GeoDataFrame:
    return load_areas(ops.engine_for_url(database_url), edition)


@st.cache_data(ttl=TTL, max_entries=128, show_spinner=False)
def area_counts(
    database_url: str,
    level: str,
    start: date,
    end: date,
    kind: str,
    themes: tuple[str, ...],
    sources: tuple[str, ...],
) -> tuple[pd.DataFrame, int]:
    filters = Filters(start, end, kind, themes, sources)
    with ops.engine_for_url(database_url).connect() as conn:
        return counts_by_area(conn, filters, level), unplaced_count(conn, filters, level)


def edition(settings) -> int | None:
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
