"""Choropleth HTML: colours per class, escaping, only displayed properties, legend, overlay."""

import base64
import io
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imsave
from shapely.geometry import box

from oovgeo.analysis.classify import MISSING_COLOUR, MISSING_LABEL, SEQUENTIAL, classify
from oovgeo.maps import (
    area_map,
    choropleth,
    escape,
    image_overlay,
    legend_frame,
    legend_html,
    legend_items,
)

CODES = ["WK000100", "WK000101", "WK000102", "WK000103"]
NAMES = ["Noord", "Oost", "Zuid", "West"]
# Jinja would turn this into "oovx" if data were compiled as a template (letters outside hex,
# so a random element id cannot contain it by chance).
JINJA = "{{ 'oo' ~ 'vx' }}"


def make_areas(names=NAMES):
    return gpd.GeoDataFrame(
        {
            "code": CODES[: len(names)],
            "name": names,
            "adres": ["Hoofdstraat 1"] * len(names),
            "inhabitants": [1234] * len(names),
        },
        geometry=[box(80000 + i * 500, 436000, 80400 + i * 500, 436400) for i in range(len(names))],
        crs="EPSG:28992",
    )


def make_values():
    # rate per 1,000 inhabitants: classified; "weergave": what the audience may see
    return pd.DataFrame(
        {
            "code": CODES,
            "rate": [1.5, 7.25, 12.5, 31.75],
            "weergave": ["1,5", "7,3", "12,5", "31,8"],
            "notitie": ["geheim"] * 4,
        }
    )


def build(areas=None, values=None, **kwargs):
    areas = make_areas() if areas is None else areas
    values = make_values() if values is None else values
    index, classes = classify(values.set_index("code")["rate"], "Eigen grenzen", breaks=[5, 10, 20])
    options = {
        "value_column": "weergave",
        "classes_index": index,
        "classes": classes,
        "tooltip": {"name": "Wijk", "weergave": "Meldingen per 1.000 inwoners"},
        "basemap": "geen",
    }
    options.update(kwargs)
    return choropleth(areas, values, **options), classes


def geojson_of(m):
    layers = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert len(layers) == 1
    return layers[0].data


def features_in_html(html):
    """The FeatureCollection exactly as the browser receives it."""
    match = re.search(r"_add\((\{\"features\".*?\})\);", html)
    assert match, "no embedded GeoJSON"
    return json.loads(match.group(1))["features"]


def test_each_area_is_filled_with_its_class_colour():
    m, classes = build()
    assert classes.bounds == [5.0, 10.0, 20.0, 31.75]
    html = m.get_root().render()
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in features_in_html(html)}
    # 1.5 <= 5 < 7.25 <= 10 < 12.5 <= 20 < 31.75
    assert fills == dict(zip(CODES, SEQUENTIAL[4], strict=True))
    assert fills == {
        "WK000100": "#ffffb2",
        "WK000101": "#fecc5c",
        "WK000102": "#fd8d3c",
        "WK000103": "#e31a1c",
    }
    # the style function read the colour from the feature: every colour is in the style map
    for colour in SEQUENTIAL[4]:
        assert f'"fillColor": "{colour}"' in html


def test_only_code_tooltip_columns_and_fill_reach_the_browser():
    m, _ = build()
    html = m.get_root().render()
    for feature in features_in_html(html):
        assert set(feature["properties"]) == {"code", "name", "weergave", "fill"}
    assert set(geojson_of(m)["features"][0]["properties"]) == {"code", "name", "weergave", "fill"}
    for text in ("Hoofdstraat", "adres", "geheim", "notitie", "inhabitants", "1234"):
        assert text not in html
    # the unformatted rates were used for the classes only
    for raw in ("7.25", "31.75", "12.5,"):
        assert raw not in html


def test_suppressed_count_shows_as_given_and_the_raw_count_nowhere():
    values = make_values()
    values["aantal"] = ["<5", "12", "27", "63"]
    values["aantal_exact"] = [3, 12, 27, 63]
    values.loc[0, "rate"] = np.nan  # hidden: no colour may give it away
    m, classes = build(
        values=values,
        value_column="aantal",
        tooltip={"name": "Wijk", "aantal": "Meldingen"},
    )
    html = m.get_root().render()
    props = {f["properties"]["code"]: f["properties"] for f in features_in_html(html)}
    assert props["WK000100"]["aantal"] == "&lt;5"  # shown as "<5"
    assert props["WK000100"]["fill"] == MISSING_COLOUR
    assert "aantal_exact" not in html
    assert all(set(p) == {"code", "name", "aantal", "fill"} for p in props.values())
    assert MISSING_LABEL in html  # the grey class is explained in the legend


@pytest.mark.parametrize(
    "payload",
    ["<img src=x onerror=alert(1)>", "${alert(1)}", "`;alert(1);//", "\\u003cscript\\u003e", JINJA],
)
def test_hostile_names_appear_only_escaped(payload):
    m, _ = build(areas=make_areas([payload, "Oost", "Zuid", "West"]))
    html = m.get_root().render()
    assert payload not in html
    assert "<img src=x" not in html
    assert "${alert" not in html
    assert "`;alert" not in html
    assert "oovx" not in html  # not evaluated as a Jinja template
    name = features_in_html(html)[0]["properties"]["name"]
    assert name == escape(payload)
    for ch in "<>`$\\":
        assert ch not in name


def test_hostile_labels_and_title_in_tooltip_and_legend_are_escaped():
    m, _ = build(
        tooltip={"name": "<b>Wijk</b>", "weergave": "${x}"},
        legend_title="<script>alert(1)</script> " + JINJA,
    )
    html = m.get_root().render()
    assert "<script>alert(1)</script>" not in html
    assert "<b>Wijk</b>" not in html and "${x}" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "oovx" not in html
    assert "&#123;{ &#x27;oo&#x27; ~ &#x27;vx&#x27; }}" in html


def test_jinja_in_area_names_is_not_evaluated_on_the_start_page_map_either():
    html = area_map(make_areas([JINJA]), basemap="geen").get_root().render()
    assert "oovx" not in html


def test_value_column_is_added_to_the_tooltip_when_missing():
    m, _ = build(tooltip={"name": "Wijk"})
    props = geojson_of(m)["features"][0]["properties"]
    assert props["weergave"] == "1,5"


def test_values_keyed_by_index_and_missing_areas_are_grey_with_a_dash():
    values = make_values().set_index("code").iloc[:3]
    index, classes = classify(values["rate"], "Kwantielen", 3)
    m = choropleth(
        make_areas(),
        values,
        value_column="weergave",
        classes_index=index,
        classes=classes,
        tooltip={"name": "Wijk"},
        basemap="geen",
    )
    props = {f["properties"]["code"]: f["properties"] for f in geojson_of(m)["features"]}
    assert props["WK000103"]["fill"] == MISSING_COLOUR
    assert props["WK000103"]["weergave"] == "–"
    assert MISSING_LABEL in m.get_root().render()


def test_classes_not_keyed_by_code_are_refused():
    values = make_values()
    index, classes = classify(values["rate"], "Kwantielen", 3)  # RangeIndex, not codes
    with pytest.raises(ValueError, match="indexed by area code"):
        choropleth(
            make_areas(),
            values,
            value_column="weergave",
            classes_index=index,
            classes=classes,
            tooltip={"name": "Wijk"},
        )


def test_unknown_tooltip_column_and_reserved_fill_are_refused():
    with pytest.raises(KeyError, match="bestaatniet"):
        build(tooltip={"bestaatniet": "X"})
    with pytest.raises(ValueError, match="reserved"):
        build(tooltip={"fill": "X"})


def test_legend_block_in_the_map_with_the_class_labels():
    m, classes = build()
    html = m.get_root().render()
    assert 'class="oovgeo-legend"' in html
    assert "Meldingen per 1.000 inwoners" in html
    assert classes.labels == ["1,5 – 5", "5 – 10", "10 – 20", "20 – 31,8"]
    for label in classes.labels:
        assert label in html
    assert "branca" not in html and "d3.js" not in html and "d3.min.js" not in html
    assert MISSING_LABEL not in html  # nothing missing, no grey entry


def test_legend_items_and_frame():
    _, classes = classify(pd.Series([0.0, 4.0, 10.0, np.nan]), "Gelijke intervallen", 2)
    assert legend_items(classes) == [
        ("#ffeda0", "0 – 5"),
        ("#f03b20", "5 – 10"),
        (MISSING_COLOUR, MISSING_LABEL),
    ]
    assert legend_items(classes, missing=False) == legend_items(classes)[:2]
    frame = legend_frame(classes)
    assert list(frame.columns) == ["klasse", "van", "tot", "kleur"]
    assert frame.iloc[1].tolist() == ["5 – 10", "5", "10", "#f03b20"]
    assert frame.iloc[2].tolist() == [MISSING_LABEL, "", "", MISSING_COLOUR]


def test_legend_html_escapes_title():
    _, classes = classify(pd.Series([1.0, 2.0]), "Kwantielen", 2)
    html = legend_html(classes, "<img src=x onerror=alert(1)>")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def tiny_png():
    buffer = io.BytesIO()
    imsave(buffer, np.random.default_rng(0).random((8, 8)), format="png", cmap="magma")
    return buffer.getvalue()


def test_image_overlay_is_a_data_uri_and_carries_no_points():
    m = area_map(make_areas(), basemap="geen")
    png = tiny_png()
    image_overlay(m, png, (4.30, 51.90, 4.35, 51.92), name="Heat <b>")
    html = m.get_root().render()
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    assert uri in html
    assert "L.imageOverlay" in html
    assert '"interactive": false' in html
    assert '"opacity": 0.7' in html
    assert "[[51.9, 4.3], [51.92, 4.35]]" in html
    for point_layer in ("L.marker", "L.circleMarker", "L.circle(", "heatLayer"):
        assert point_layer not in html


@pytest.mark.parametrize(
    ("png", "bounds"),
    [
        (b"GIF89a", (4.3, 51.9, 4.35, 51.92)),
        (None, (51.9, 4.3, 51.92, 4.35)[::-1]),  # lat/lon swapped or reversed
        (None, (4.35, 51.9, 4.3, 51.92)),
    ],
)
def test_image_overlay_refuses_bad_input(png, bounds):
    with pytest.raises(ValueError):
        image_overlay(area_map(make_areas(), basemap="geen"), png or tiny_png(), bounds)
