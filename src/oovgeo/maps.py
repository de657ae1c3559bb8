"""folium map builders and the one escaping helper for every data string on a map (O1, O3).

folium escapes nothing: tooltip and popup text is inserted as raw HTML, and a ``${...}`` or a
backtick in a string can run as JavaScript inside template literals even after HTML escaping.
``escape`` handles both; every data string that reaches a map goes through it.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import shapely

from oovgeo.crs import RD, WGS84

# Basemaps: label -> (tile URL, attribution); None means no tiles at all.
PDOK_WMTS = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/{layer}/EPSG:3857/{{z}}/{{x}}/{{y}}.png"
)
PDOK_ATTRIBUTION = "Kaartgegevens &copy; Kadaster"
BASEMAPS: dict[str, tuple[str, str] | None] = {
    "grijs": (PDOK_WMTS.format(layer="grijs"), PDOK_ATTRIBUTION),
    "standaard": (PDOK_WMTS.format(layer="standaard"), PDOK_ATTRIBUTION),
    "luchtfoto": (
        "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_ortho25/EPSG:3857/{z}/{x}/{y}.jpeg",
        PDOK_ATTRIBUTION,
    ),
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap-bijdragers",
    ),
    "geen": None,
}
BASEMAP_LABELS = {
    "grijs": "PDOK achtergrondkaart grijs",
    "standaard": "PDOK achtergrondkaart standaard",
    "luchtfoto": "PDOK luchtfoto",
    "osm": "OpenStreetMap",
    "geen": "Geen achtergrond",
}

SIMPLIFY_M = 5.0  # metres; invisible at town scale, keeps shared edges shared
DECIMALS = 5  # about 1 m in WGS84


def escape(value: object) -> str:
    """HTML-escape and neutralise template-literal characters.

    >>> escape("<img src=x onerror=alert(1)> ${alert(1)} `x` \\\\")
    '&lt;img src=x onerror=alert(1)&gt; &#36;{alert(1)} &#96;x&#96; &#92;'
    """
    text = html.escape("" if value is None else str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def to_web(gdf: gpd.GeoDataFrame, columns: list[str]) -> dict:
    """Areas as a small GeoJSON dict for the browser: simplified, WGS84, rounded.

    Only ``columns`` travel as properties (O3); their string values are escaped.
    """
    if gdf.crs is None or gdf.crs.to_epsg() != 28992:
        raise ValueError(f"to_web expects areas in {RD}, got {gdf.crs}")
    geoms = gdf.geometry.to_numpy()
    if len(geoms):
        geoms = shapely.coverage_simplify(geoms, SIMPLIFY_M)
    web = gpd.GeoDataFrame(
        {c: gdf[c].map(lambda v: escape(v) if isinstance(v, str) else v) for c in columns},
        geometry=list(geoms),
        crs=RD,
    ).to_crs(WGS84)
    web["geometry"] = shapely.set_precision(web.geometry.to_numpy(), 10**-DECIMALS)
    return json.loads(web.to_json(drop_id=True))


def base_map(bounds_rd: tuple[float, float, float, float], basemap: str = "grijs") -> folium.Map:
    """An empty map fitted to RD bounds, with the chosen basemap (or none)."""
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; choose from {sorted(BASEMAPS)}")
    tiles = BASEMAPS[basemap]
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_control=True)
    if tiles is not None:
        url, attribution = tiles
        folium.TileLayer(url, attr=attribution, name=BASEMAP_LABELS[basemap], max_zoom=19).add_to(m)
    box = gpd.GeoSeries([shapely.box(*bounds_rd)], crs=RD).to_crs(WGS84).total_bounds
    m.fit_bounds([[box[1], box[0]], [box[3], box[2]]])
    return m


def area_map(
    areas: gpd.GeoDataFrame,
    *,
    basemap: str = "grijs",
    tooltip: dict[str, str] | None = None,
    fill: str = "#3b6ea5",
) -> folium.Map:
    """A map of areas (e.g. the wijken) with a tooltip per area.

    ``tooltip`` maps column -> Dutch label; only those columns and ``code`` (used to tell
    which area was clicked) go to the browser.
    """
    tooltip = tooltip or {"name": "Naam"}
    m = base_map(tuple(areas.total_bounds), basemap)
    data = to_web(areas, ["code", *tooltip])
    folium.GeoJson(
        data,
        name="gebieden",
        style_function=lambda _f: {
            "color": "#1f3b5a",
            "weight": 2,
            "fillColor": fill,
            "fillOpacity": 0.15,
        },
        highlight_function=lambda _f: {"weight": 4, "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(
            fields=list(tooltip), aliases=[escape(a) for a in tooltip.values()], sticky=True
        ),
    ).add_to(m)
    return m


def clicked_area_code(value: dict | None) -> str | None:
    """The code of the area a user clicked, from ``st_folium``'s return value.

    >>> clicked_area_code({"last_active_drawing": {"properties": {"code": "WK062202"}}})
    'WK062202'
    >>> clicked_area_code({"last_active_drawing": None}) is None
    True
    """
    drawing = (value or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    return code if isinstance(code, str) else None
