"""folium map builders and the one escaping helper for every data string on a map (O1, O3).

``area_map`` draws plain areas; ``choropleth`` colours them by ``oovgeo.analysis.classify``
classes, with a plain-HTML legend inside the map (no branca: it pulls d3 from a CDN);
``image_overlay`` lays a server-rendered PNG (heat) over a map.

folium escapes nothing: tooltip and popup text is inserted as raw HTML, and a ``${...}`` or a
backtick in a string can run as JavaScript inside template literals even after HTML escaping.
Worse, branca compiles each rendered script block as a Jinja template once more, so a
``{{ ... }}`` in data is evaluated on the server. ``escape`` handles all three; every data
string that reaches a map goes through it.
"""

from __future__ import annotations

import base64
import html
import math
import re

import folium
import geopandas as gpd
import pandas as pd
import shapely
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from jinja2 import Template

from oovgeo.analysis.classify import MISSING_COLOUR, MISSING_LABEL, Classes
from oovgeo.crs import RD, WGS84
from oovgeo.dutch import number as format_number

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


# "{{", "{%" and "{#" open Jinja tags. branca wraps every rendered script block in a new
# ``Element(template=...)`` and so compiles it as a template a second time: a data string
# holding "{{ 7*7 }}" comes out as "49" (and Jinja's default environment is not sandboxed).
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def escape(value: object) -> str:
    """HTML-escape, neutralise template-literal characters and Jinja tag openers.

    >>> escape("<img src=x onerror=alert(1)> ${alert(1)} `x` \\\\")
    '&lt;img src=x onerror=alert(1)&gt; &#36;{alert(1)} &#96;x&#96; &#92;'
    >>> escape("{{ 7*7 }} {% if %} {#")
    '&#123;{ 7*7 }} &#123;% if %} &#123;#'
    """
    text = html.escape("" if value is None else str(value), quote=True)
    text = text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
    return _JINJA_OPEN.sub("&#123;", text)


def web_shapes(gdf: gpd.GeoDataFrame) -> dict[str, dict]:
    """Area code -> GeoJSON geometry for the browser: simplified, WGS84, rounded.

    The costly part of drawing areas; it depends only on the boundaries, so pages cache it
    per edition and level and pass it to ``to_web``/``choropleth``.
    """
    if gdf.crs is None or gdf.crs.to_epsg() != 28992:
        raise ValueError(f"to_web expects areas in {RD}, got {gdf.crs}")
    geoms = gdf.geometry.to_numpy()
    if len(geoms):
        geoms = shapely.coverage_simplify(geoms, SIMPLIFY_M)
    web = gpd.GeoSeries(list(geoms), crs=RD).to_crs(WGS84)
    rounded = shapely.set_precision(web.to_numpy(), 10**-DECIMALS)
    return {
        str(code): shapely.geometry.mapping(geom)
        for code, geom in zip(gdf["code"], rounded, strict=True)
    }


def to_web(
    gdf: gpd.GeoDataFrame, columns: list[str], shapes: dict[str, dict] | None = None
) -> dict:
    """Areas as a small GeoJSON dict for the browser (geometry from ``web_shapes``).

    Only ``columns`` travel as properties (O3); their string values are escaped. Pass
    ``shapes`` (from ``web_shapes`` of the same areas) to skip simplifying again.
    """
    shapes = shapes if shapes is not None else web_shapes(gdf)
    properties = pd.DataFrame(
        {c: gdf[c].map(lambda v: escape(v) if isinstance(v, str) else v) for c in columns}
    ).astype(object)
    properties = properties.where(properties.notna(), None)
    features = [
        {"type": "Feature", "properties": props, "geometry": shapes[str(code)]}
        for code, props in zip(gdf["code"], properties.to_dict("records"), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def base_map(bounds_rd: tuple[float, float, float, float], basemap: str = "grijs") -> folium.Map:
    """Return an empty map fitted to RD bounds, with the chosen basemap (or none)."""
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; choose from {sorted(BASEMAPS)}")
    tiles = BASEMAPS[basemap]
    # zoom in quarter steps: with whole steps a town fitted into a 480 px high map often
    # lands a full level out and fills a third of it
    m = folium.Map(
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_control=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    if tiles is not None:
        url, attribution = tiles
        folium.TileLayer(url, attr=attribution, name=BASEMAP_LABELS[basemap], max_zoom=19).add_to(m)
    box = gpd.GeoSeries([shapely.box(*bounds_rd)], crs=RD).to_crs(WGS84).total_bounds
    corners = [[float(box[1]), float(box[0])], [float(box[3]), float(box[2])]]
    m.fit_bounds(corners)
    return m


def area_map(
    areas: gpd.GeoDataFrame,
    *,
    basemap: str = "grijs",
    tooltip: dict[str, str] | None = None,
    fill: str = "#3b6ea5",
) -> folium.Map:
    """Return a map of areas (e.g. the wijken) with a tooltip per area.

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
    """Return the code of the area a user clicked, from ``st_folium``'s return value.

    >>> clicked_area_code({"last_active_drawing": {"properties": {"code": "WK062202"}}})
    'WK062202'
    >>> clicked_area_code({"last_active_drawing": None}) is None
    True
    """
    drawing = (value or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    return code if isinstance(code, str) else None


# --- choropleth -------------------------------------------------------------------------------

FILL = "fill"  # the one computed feature property: the class colour
NO_VALUE = "–"  # shown in a tooltip for an area without a value
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class HtmlBlock(folium.Element):
    """Pre-built HTML placed in the page as is.

    ``folium.Element(text)`` would compile ``text`` as a Jinja template, so a ``{{ ... }}`` in
    data would be evaluated on the server; here the text is a value, never a template.
    """

    _template = Template("{{ this.content }}")

    def __init__(self, content: str):
        super().__init__()
        self._name = "HtmlBlock"
        self.content = content


def _colour(value: str) -> str:
    if not isinstance(value, str) or not _HEX.match(value):
        raise ValueError(f"colours must be '#rrggbb', got {value!r}")
    return value


def _display(value: object) -> object:
    """Tooltip text for one cell: strings as given, numbers in Dutch notation, gaps as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return NO_VALUE
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float):
        return format_number(float(value))
    return str(value)


def legend_items(classes: Classes, *, missing: bool | None = None) -> list[tuple[str, str]]:
    """(colour, label) per class, plus the grey "no value" entry when values are missing.

    >>> from oovgeo.analysis.classify import classify
    >>> _, classes = classify(pd.Series([0.0, 4.0, 10.0, None]), "Gelijke intervallen", 2)
    >>> legend_items(classes)[0], legend_items(classes)[-1][0]
    (('#ffeda0', '0 – 5'), '#bdbdbd')
    """
    items = list(zip(classes.colours, classes.labels, strict=True))
    if classes.missing if missing is None else missing:
        items.append((MISSING_COLOUR, MISSING_LABEL))
    return items


def legend_frame(classes: Classes, *, missing: bool | None = None) -> pd.DataFrame:
    """Return the legend as an ``st.dataframe`` table: klasse, van, tot, kleur (Dutch numbers)."""
    rows = []
    for colour, label in legend_items(classes, missing=missing):
        van, _, tot = ("", "", "") if label == MISSING_LABEL else label.partition(" – ")
        rows.append({"klasse": label, "van": van, "tot": tot or van, "kleur": colour})
    return pd.DataFrame(rows, columns=["klasse", "van", "tot", "kleur"])


def legend_html(classes: Classes, title: str, *, missing: bool | None = None) -> str:
    """Build a small self-contained legend block (fixed bottom right), escaping title and labels."""
    return items_legend_html(legend_items(classes, missing=missing), title)


def items_legend_html(items: list[tuple[str, str]], title: str) -> str:
    """Return the legend block for any list of ``(colour, label)``, e.g. categories."""
    rows = "".join(
        '<div style="margin:2px 0;white-space:nowrap;">'
        f'<span style="display:inline-block;width:14px;height:14px;margin-right:6px;'
        f'vertical-align:middle;border:1px solid #777;background:{_colour(colour)};"></span>'
        f"{escape(label)}</div>"
        for colour, label in items
    )
    return (
        '<div class="oovgeo-legend" style="position:fixed;bottom:24px;right:12px;z-index:1000;'
        "background:rgba(255,255,255,0.92);padding:6px 8px;border:1px solid #999;"
        'border-radius:4px;font:12px/1.4 sans-serif;color:#222;">'
        f'<div style="font-weight:bold;margin-bottom:4px;">{escape(title)}</div>{rows}</div>'
    )


def add_legend(m: folium.Map, classes: Classes, title: str, *, missing: bool | None = None):
    """Put the legend into the map page itself, so the map (and a screenshot) explains itself.

    Plain HTML, no branca colormap: a colormap makes streamlit-folium fetch d3 from a CDN.
    """
    return add_html(m, legend_html(classes, title, missing=missing))


def add_html(m: folium.Map, html: str) -> HtmlBlock:
    """Put pre-built (already escaped) HTML into the map page, e.g. ``items_legend_html``."""
    block = HtmlBlock(html)
    root = m.get_root()
    if not isinstance(root, folium.Figure):  # folium puts every Map in a branca Figure
        raise TypeError("the map is not part of an HTML page")
    root.html.add_child(block)
    return block


def _choropleth_style(edge: str):
    def style(feature: dict) -> dict:
        return {
            "fillColor": feature["properties"][FILL],
            "fillOpacity": 0.75,
            "color": edge,
            "weight": 1,
        }

    return style


def _choropleth_highlight(_feature: dict) -> dict:
    return {"color": "#1f3b5a", "weight": 3, "fillOpacity": 0.9}


def choropleth(
    areas: gpd.GeoDataFrame,
    values: pd.DataFrame,
    *,
    value_column: str,
    classes_index: pd.Series,
    classes: Classes,
    tooltip: dict[str, str],
    basemap: str = "grijs",
    legend_title: str | None = None,
    shapes: dict[str, dict] | None = None,
) -> folium.Map:
    """Areas coloured by class, with a tooltip and a legend.

    Parameters
    ----------
    areas
        Area polygons in RD with a unique ``code`` column (and e.g. ``name``).
    values
        Display table keyed by area code (a ``code`` column, else the index): the strings the
        audience may see, after privacy suppression (``"<5"``). Only the tooltip columns are read.
    value_column
        The displayed value; added to the tooltip (labelled with its name) when missing there.
    classes_index, classes
        From ``oovgeo.analysis.classify.classify``, indexed by area code. Areas without a class
        (``-1`` or absent) are grey.
    tooltip
        Column -> Dutch label, taken from ``values`` first, then from ``areas``.

    The features carry only ``code``, the tooltip columns (escaped) and ``fill``, the
    precomputed class colour (O3).

    >>> from shapely.geometry import box
    >>> from oovgeo.analysis.classify import classify
    >>> areas = gpd.GeoDataFrame({"code": ["WK01"], "name": ["Noord"]},
    ...                          geometry=[box(80000, 436000, 80500, 436500)], crs=RD)
    >>> values = pd.DataFrame({"aantal": ["<5"]}, index=pd.Index(["WK01"], name="code"))
    >>> idx, classes = classify(pd.Series([3.0], index=values.index), "Kwantielen")
    >>> m = choropleth(areas, values, value_column="aantal", classes_index=idx,
    ...                classes=classes, tooltip={"name": "Wijk", "aantal": "Meldingen"})
    """
    if "code" not in areas.columns:
        raise ValueError("areas need a 'code' column")
    if areas["code"].duplicated().any():
        raise ValueError("area codes must be unique")
    if len(areas) == 0:
        raise ValueError("no areas to draw")
    table = values if "code" in values.columns else values.assign(code=values.index)
    if table["code"].duplicated().any():
        raise ValueError("values must have one row per area code")
    if classes_index.index.duplicated().any():
        raise ValueError("classes_index must have one entry per area code")
    if len(classes_index) and not classes_index.index.isin(areas["code"]).any():
        raise ValueError("classes_index must be indexed by area code (no code matches)")

    tooltip = dict(tooltip)
    if value_column not in tooltip:
        tooltip[value_column] = value_column
    if FILL in tooltip:
        raise ValueError(f"'{FILL}' is reserved for the class colour")
    unsafe = [c for c in tooltip if not isinstance(c, str) or escape(c) != c]
    if unsafe:
        raise ValueError(f"tooltip column names must be plain text, got {unsafe}")
    fields = [c for c in tooltip if c != "code"]

    frame = gpd.GeoDataFrame(
        {"code": areas["code"].to_numpy()}, geometry=areas.geometry.to_numpy(), crs=areas.crs
    )
    by_code = table.set_index("code")
    for column in fields:
        if column in by_code.columns:
            column_values = frame["code"].map(by_code[column])
        elif column in areas.columns:
            column_values = pd.Series(areas[column].to_numpy(), index=frame.index)
        else:
            raise KeyError(f"tooltip column {column!r} is in neither values nor areas")
        frame[column] = column_values.map(_display).astype(object)
    if "code" in tooltip:
        fields.insert(0, "code")

    index = frame["code"].map(classes_index).fillna(-1).astype(int)
    if (index >= classes.k).any():
        raise ValueError(f"class index out of range for {classes.k} classes")
    frame[FILL] = [_colour(classes.colour(i)) for i in index]

    m = base_map(tuple(areas.total_bounds), basemap)
    data = to_web(frame, ["code", *[f for f in fields if f != "code"], FILL], shapes)
    folium.GeoJson(
        data,
        name="klassen",
        style_function=_choropleth_style(_colour(classes.edge)),
        highlight_function=_choropleth_highlight,
        tooltip=folium.GeoJsonTooltip(
            fields=fields, aliases=[escape(tooltip[f]) for f in fields], sticky=True
        ),
    ).add_to(m)
    title = tooltip[value_column] if legend_title is None else legend_title
    add_legend(m, classes, title, missing=classes.missing or bool((index < 0).any()))
    return m


def image_overlay(
    m: folium.Map,
    png: bytes,
    bounds_wgs84: tuple[float, float, float, float],
    name: str = "Heat",
    *,
    opacity: float = 0.7,
) -> folium.raster_layers.ImageOverlay:
    """Lay a server-rendered PNG (e.g. a kernel density grid) over the map.

    ``bounds_wgs84`` is ``(min_lon, min_lat, max_lon, max_lat)``, the order of
    ``GeoSeries.total_bounds``. The image travels as a data URI and is not interactive, so no
    point coordinates reach the browser. Leaflet stretches the image linearly in Web Mercator;
    at town scale the difference from a WGS84 grid is far below a pixel.
    """
    if not isinstance(png, bytes | bytearray) or not bytes(png).startswith(_PNG_SIGNATURE):
        raise ValueError("image_overlay expects PNG bytes")
    west, south, east, north = (float(b) for b in bounds_wgs84)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(f"bounds must be (min_lon, min_lat, max_lon, max_lat), got {bounds_wgs84}")
    url = "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")
    overlay = folium.raster_layers.ImageOverlay(
        url,
        bounds=[[south, west], [north, east]],
        name=escape(name),
        opacity=opacity,
        interactive=False,
        cross_origin=False,
        pixelated=False,
    )
    overlay.add_to(m)
    return overlay


def to_web_points(
    frame: pd.DataFrame,
    columns: list[str],
    size: pd.Series,
    size_range: tuple[float, float] | None = None,
) -> dict:
    """Convert RD points to GeoJSON for the browser.

    RD points (``x``, ``y``) as GeoJSON for the browser with only ``columns`` (escaped)
    and a marker radius ``straal`` (4-14 px) scaled from ``size``; nothing else travels.
    ``size_range`` (smallest, largest) scales several layers alike; default: ``size``'s own.
    """
    lon, lat = (
        gpd.GeoSeries(gpd.points_from_xy(frame["x"], frame["y"]), crs=RD)
        .to_crs(WGS84)
        .pipe(lambda s: (s.x.round(DECIMALS).to_numpy(), s.y.round(DECIMALS).to_numpy()))
    )
    values = size.astype(float).to_numpy()
    if size_range is None:
        size_range = (values.min(), values.max()) if len(values) else (0.0, 0.0)
    low, span = size_range[0], size_range[1] - size_range[0]
    radius = 4 + 10 * ((values - low) / span if span > 0 else 0 * values)
    features = []
    for i, (_, row) in enumerate(frame.iterrows()):
        props = {
            c: escape(row[c]) if isinstance(row[c], str) else _plain_value(row[c]) for c in columns
        }
        props["straal"] = round(float(radius[i]), 1)
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [lon[i], lat[i]]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _plain_value(value):
    """Convert numpy scalars to Python values for JSON."""
    return value.item() if hasattr(value, "item") else value


LOOSE_PLACES = 25  # the best-ranked places are never hidden in a cluster
BEST_PANE = "beste_plaatsen"
_RADIUS_FROM_PROPERTIES = JsCode(
    "function(feature, layer) { layer.setRadius(feature.properties.straal); }"
)


def add_ranked_places(
    m: folium.Map,
    places: pd.DataFrame,
    *,
    rank: str = "rang",
    ident: str = "candidate_id",
    size: str = "score",
    colour: str = "#7b3294",
    loose: int = LOOSE_PLACES,
) -> None:
    """Draw ranked places as circles, clustering all but the best.

    Ranked places (RD ``x``, ``y``) as circles sized by ``size``, carrying only ``ident``
    and ``rank``. The best ``loose`` places are always drawn, on top; the others are clustered
    (Leaflet.markercluster, served locally) so thousands stay readable and the page small.

    Within a layer the places are drawn from the worst rank to the best, so where circles
    overlap the better one is on top and is the one a click reaches.
    """
    ordered = places.sort_values(rank)
    size_range = (float(ordered[size].min()), float(ordered[size].max()))

    def layer(frame: pd.DataFrame, name: str, pane: str | None = None) -> folium.GeoJson:
        drawn = frame.iloc[::-1]
        marker = folium.CircleMarker(radius=6, weight=1, color=colour, fill=True, fill_opacity=0.6)
        if pane:
            marker.options["pane"] = pane  # folium's path options drop an unknown 'pane'
        return folium.GeoJson(
            to_web_points(drawn, [ident, rank], drawn[size], size_range),
            name=name,
            marker=marker,
            # the radius set in JavaScript: a style_function would list every id in the page
            on_each_feature=_RADIUS_FROM_PROPERTIES,
            tooltip=folium.GeoJsonTooltip(fields=[rank], aliases=[escape("Rang")]),
        )

    rest = ordered.iloc[loose:]
    if not rest.empty:
        cluster = MarkerCluster(
            name="overige plaatsen",
            options={"showCoverageOnHover": False, "disableClusteringAtZoom": 17},
        )
        layer(rest, "overige").add_to(cluster)
        cluster.add_to(m)
    # their own pane above the cluster icons (marker pane, z 600), so no icon covers them
    folium.map.CustomPane(BEST_PANE, z_index=625).add_to(m)
    layer(ordered.iloc[:loose], "beste plaatsen", pane=BEST_PANE).add_to(m)
