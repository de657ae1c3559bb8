"""Context layers on a folium map: one toggleable layer per soort in the layer control.

Polygons (camera areas, business parks) are outlines without fill, each soort with its own
colour and dash pattern so they stay apart on a grey print; points (BRP address checks) are
small white markers with a dark ring. Who may receive which features is decided before this,
by ``store.context_repo.visible_features``; this module draws what it is given. Every string
passes ``maps.escape`` (O1) and features carry only the displayed properties (O3). Polygons are
simplified and coordinates rounded, so a layer adds little to the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import shapely

from oovgeo.crs import RD, WGS84
from oovgeo.maps import DECIMALS, SIMPLIFY_M, escape
from oovgeo.vocab import CONTEXT_KINDS

POINT, POLYGON = "punt", "vlak"
NO_VALUE = "–"
# Context layers get their own pane: above the choropleth and the clustered places (overlay
# pane, z 400), below markers and the best places (600, 625), whatever order they are added in.
PANE = "contextlagen"
PANE_Z = 450


@dataclass(frozen=True)
class Style:
    """How one soort is drawn: stroke colour, SVG dash pattern, width; the legend's CSS line."""

    colour: str
    dash: str | None
    weight: float
    css: str  # border style of the swatch in the layer control: dashed, dotted, solid


STYLES = {
    "camera": Style("#08519c", "10 6", 3, "dashed"),
    "bedrijventerrein": Style("#54278f", "1 7", 4, "dotted"),
    "brp_controle": Style("#000000", None, 1.5, "solid"),
    "overig": Style("#252525", None, 2, "solid"),
}


def layer_label(soort: str, naam: str) -> str:
    """Return the HTML of a layer's entry in the layer control: a line swatch and the name.

    Leaflet puts the entry in the page as HTML, so the name is escaped here (O1).

    >>> "&lt;b&gt;" in layer_label("camera", "<b>")
    True
    """
    style = STYLES.get(soort, STYLES["overig"])
    kind = CONTEXT_KINDS.get(soort, soort)
    text = kind if naam.strip() in ("", kind) else f"{kind}: {naam.strip()}"
    if soort == "brp_controle":
        swatch = (
            '<span style="display:inline-block;width:8px;height:8px;margin:0 8px 0 6px;'
            f'border:2px solid {style.colour};border-radius:50%;background:#fff;"></span>'
        )
    else:
        swatch = (
            '<span style="display:inline-block;width:22px;margin-right:6px;vertical-align:middle;'
            f'border-top:3px {style.css} {style.colour};"></span>'
        )
    return swatch + escape(text)


def _text(value: object, fallback: str = NO_VALUE) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return escape(fallback)
    return escape(value)


def context_web(features: gpd.GeoDataFrame) -> dict:
    """Return features of one layer as GeoJSON for the browser: WGS84, simplified, rounded.

    Polygons carry ``naam``; points ``naam``, ``datum`` (dd-mm-jjjj) and ``referentie``. All
    escaped; nothing else travels (O3).
    """
    if features.crs is None or features.crs.to_epsg() != 28992:
        raise ValueError(f"context features must be in {RD}, got {features.crs}")
    geoms = features.geometry.to_numpy()
    polygon = (features["shape"] == POLYGON).to_numpy()
    if polygon.any():
        geoms = geoms.copy()
        geoms[polygon] = shapely.simplify(geoms[polygon], SIMPLIFY_M, preserve_topology=True)
    web = gpd.GeoSeries(list(geoms), crs=RD).to_crs(WGS84).to_numpy()
    rounded = shapely.set_precision(web, 10**-DECIMALS)
    out = []
    for row, geom, is_polygon in zip(
        features.itertuples(index=False), rounded, polygon, strict=True
    ):
        if geom is None or geom.is_empty:
            continue
        props = {"naam": _text(row.naam, str(row.laag))}
        if not is_polygon:
            day = row.datum
            known = day is not None and not pd.isna(day)
            props["datum"] = day.strftime("%d-%m-%Y") if known else NO_VALUE
            props["referentie"] = _text(row.referentie)
        out.append(
            {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}
        )
    return {"type": "FeatureCollection", "features": out}


def _polygon_style(style: Style):
    def apply(_feature: dict) -> dict:
        return {
            "color": style.colour,
            "weight": style.weight,
            "dashArray": style.dash,
            "lineCap": "round",
            "fill": False,
            "opacity": 0.95,
        }

    return apply


def add_context_layers(m: folium.Map, features: gpd.GeoDataFrame) -> list[str]:
    """Add one layer per soort of ``features`` (``context_repo.visible_features``) and a control.

    Polygon layers are on when the map opens, point layers off (they are people's addresses:
    shown only when asked for). Call it after every other layer: the layer control lists the
    layers added before it. Returns the names of the layers added, in order.
    """
    added: list[str] = []
    if features.empty:
        return added
    folium.map.CustomPane(PANE, z_index=PANE_Z).add_to(m)
    order = {s: i for i, s in enumerate(CONTEXT_KINDS)}
    for soort in sorted(set(features["soort"]), key=lambda s: order.get(s, len(order))):
        rows = features[features["soort"] == soort]
        naam = str(rows["laag"].iloc[0])
        style = STYLES.get(soort, STYLES["overig"])
        for shape in (POLYGON, POINT):
            part = rows[rows["shape"] == shape]
            if part.empty:
                continue
            group = folium.FeatureGroup(name=layer_label(soort, naam), show=shape == POLYGON)
            if shape == POLYGON:
                folium.GeoJson(
                    context_web(part),
                    pane=PANE,
                    style_function=_polygon_style(style),
                    tooltip=folium.GeoJsonTooltip(fields=["naam"], labels=False),
                ).add_to(group)
            else:
                marker = folium.CircleMarker(
                    radius=3,
                    weight=style.weight,
                    color=style.colour,
                    fill=True,
                    fill_color="#ffffff",
                    fill_opacity=1,
                )
                marker.options["pane"] = PANE  # folium's path options drop an unknown 'pane'
                folium.GeoJson(
                    context_web(part),
                    pane=PANE,
                    marker=marker,
                    tooltip=folium.GeoJsonTooltip(
                        fields=["naam", "datum", "referentie"],
                        aliases=[escape("Laag"), escape("Datum"), escape("Referentie")],
                    ),
                ).add_to(group)
            group.add_to(m)
            added.append(naam)
    if added:
        folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return added
