"""Extra map layers computed on the server: the heat image, the Gi* hotspots, context layers.

Both are cached as aggregates (an image, classes per cell or buurt) keyed by plain values;
the points they are made from never leave the server. The hotspot figures come from
``services.hotspots`` (which ``oovgeo hotspots`` prints too); these wrappers only cache and draw.
"""

from __future__ import annotations

from datetime import date

import folium
import geopandas as gpd
import streamlit as st

from oovgeo.analysis import accuracy, density, hotspots
from oovgeo.analysis.aggregate import Filters, coordinates
from oovgeo.context_map import add_context_layers
from oovgeo.maps import escape, image_overlay, to_web
from oovgeo.services import hotspots as service
from oovgeo.services import operations as ops
from oovgeo.store.context_repo import visible_features
from oovgeo.ui import Context, completeness, loaders
from oovgeo.ui.loaders import TTL

UNITS = {"buurt": "Buurten", "grid": "Raster van 250 m"}
HOT, COLD = "#b2182b", "#2166ac"


@st.cache_data(ttl=TTL, max_entries=32, show_spinner="Warmtekaart berekenen...")
def heat_image(
    url: str,
    start: date,
    end: date,
    kind: str,
    themes: tuple,
    sources: tuple,
    cell_m: float,
    bandwidth_m: float,
    bounds: tuple,
) -> tuple[bytes, list]:
    """Return the heat map of the signals as PNG bytes and its WGS84 bounds."""
    with ops.engine_for_url(url).connect() as conn:
        x, y = coordinates(conn, Filters(start, end, kind, themes, sources))
    grid = density.kernel_density(x, y, bounds_rd=bounds, cell_m=cell_m, bandwidth_m=bandwidth_m)
    return density.to_png(grid), density.wgs84_bounds(grid)


def add_heat_layer(
    m: folium.Map,
    url: str,
    filters: Filters,
    areas: gpd.GeoDataFrame,
    cell_m: float,
    bandwidth_m: float,
) -> None:
    """Add the heat map of ``filters`` over ``areas`` to ``m`` as an image overlay."""
    xmin, ymin, xmax, ymax = areas.total_bounds
    pad = 3 * bandwidth_m
    png, ((lat0, lon0), (lat1, lon1)) = heat_image(
        url,
        filters.start,
        filters.end,
        filters.kind,
        filters.themes,
        filters.sources,
        cell_m,
        bandwidth_m,
        (xmin - pad, ymin - pad, xmax + pad, ymax + pad),
    )
    image_overlay(m, png, (lon0, lat0, lon1, lat1), name="Warmtekaart")


@st.cache_data(ttl=TTL, max_entries=32, show_spinner="Hotspots berekenen...")
def hotspot_units(
    url: str,
    edition: int,
    start: date,
    end: date,
    kind: str,
    themes: tuple,
    sources: tuple,
    unit: str,
) -> tuple[gpd.GeoDataFrame, str]:
    """Return the significant hotspot units (code, hotspot, gi_z, geometry) and the method."""
    units, method = service.hotspot_units(
        ops.engine_for_url(url), edition, Filters(start, end, kind, themes, sources), unit
    )
    significant = units[units["hotspot"] != hotspots.NOT_SIGNIFICANT]
    return significant[["code", "hotspot", "gi_z", "geometry"]], method


def add_hotspot_layer(m: folium.Map, url: str, edition: int, filters: Filters, unit: str) -> str:
    """Draw the significant hot and cold spots; return the method sentence for the page."""
    found, method = hotspot_units(
        url,
        edition,
        filters.start,
        filters.end,
        filters.kind,
        filters.themes,
        filters.sources,
        unit,
    )
    if len(found):
        data = to_web(
            found.assign(kleur=[HOT if z > 0 else COLD for z in found["gi_z"]]),
            ["hotspot", "kleur"],
        )
        folium.GeoJson(
            data,
            name="Hotspots",
            style_function=lambda f: {
                "color": f["properties"]["kleur"],
                "weight": 3,
                "fill": False,
            },
            tooltip=folium.GeoJsonTooltip(fields=["hotspot"], aliases=[escape("Gi*")]),
        ).add_to(m)
    return f"{len(found)} significante gebieden. {method}"


@st.cache_data(ttl=TTL, max_entries=32, show_spinner="Voorspelkracht van de lagen meten...")
def layer_accuracy(
    url: str,
    edition: int,
    start: date,
    end: date,
    kind: str,
    themes: tuple,
    sources: tuple,
    heat_cell_m: float,
    bandwidth_m: float,
    until: date | None = None,
) -> tuple[dict, accuracy.Windows]:
    """Return the PAI of every layer and the windows used (:func:`service.layer_accuracy`).

    The held-out weeks end at ``until`` (the completeness date) when that is before ``end``.
    """
    return service.layer_accuracy(
        ops.engine_for_url(url),
        edition,
        Filters(start, end, kind, themes, sources),
        end if until is None else until,
        heat_cell_m=heat_cell_m,
        bandwidth_m=bandwidth_m,
    )


def accuracy_sentences(
    url: str,
    edition: int,
    filters: Filters,
    layers: list[str],
    heat_cell_m,
    bandwidth_m,
    until: date | None = None,
) -> list[str]:
    """One Dutch sentence per shown layer (``heat``, ``grid``, ``buurt``) with its PAI."""
    pais, w = layer_accuracy(
        url,
        edition,
        filters.start,
        filters.end,
        filters.kind,
        filters.themes,
        filters.sources,
        heat_cell_m,
        bandwidth_m,
        until,
    )
    return [accuracy.sentence(pais, layer, w) for layer in layers]


def best_unit(ctx: Context) -> str:
    """Return the hotspot unit whose Gi* layer predicted best over the default period.

    The default period is the last 4 weeks of signals up to their completeness date.
    """
    edition = loaders.edition(ctx.settings)
    if edition is None:
        return next(iter(UNITS))
    done = completeness.until(ctx, "signals")
    start, end = service.default_period(done)
    pais, _ = layer_accuracy(
        ctx.settings.database_url,
        edition,
        start,
        end,
        "signals",
        (),
        (),
        ctx.settings.get("maps.heat_cell_m"),
        ctx.settings.get("maps.heat_bandwidth_m"),
        done,
    )
    return service.best_unit(pais)


def add_context(m: folium.Map, ctx: Context, where: str) -> list[str]:
    """Add the context layers this user may see to ``m``; return their names.

    Read on every run, not cached: ``visible_features`` decides per identity, in the query,
    that points (BRP address checks) reach only roles that may see points (A4, S4). Sending
    points is viewing point data: audited with the page (``where``) and their number (A6).
    """
    with ctx.engine.connect() as conn:
        features = visible_features(conn, ctx.identity)
    points = int((features["shape"] == "punt").sum())
    if points:
        ctx.audit("view_points", f"contextlagen {where}", punten=points)
    return add_context_layers(m, features)
