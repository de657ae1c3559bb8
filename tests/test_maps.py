"""Map HTML: escaping of hostile area names, only displayed properties, local Leaflet."""

import geopandas as gpd
import pytest
from shapely.geometry import box

from oovgeo.maps import BASEMAPS, area_map, clicked_area_code, escape, to_web
from oovgeo.static_assets import ensure_static, use_local_assets

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${alert(document.cookie)}",
    "`;alert(1);//",
    "\\u003cscript\\u003e",
]


def areas(names):
    return gpd.GeoDataFrame(
        {
            "level": ["wijk"] * len(names),
            "code": [f"WK0001{i:02d}" for i in range(len(names))],
            "name": names,
            "secret": ["Hoofdstraat 1"] * len(names),
        },
        geometry=[box(80000 + i * 500, 436000, 80400 + i * 500, 436400) for i in range(len(names))],
        crs="EPSG:28992",
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_neutralises_html_and_template_literals(payload):
    out = escape(payload)
    for ch in "<>`$\\":
        assert ch not in out


def test_hostile_area_names_appear_escaped_in_map_html():
    html = area_map(areas(PAYLOADS), basemap="geen").get_root().render()
    assert "<img src=x" not in html
    assert "${alert" not in html
    assert "`;alert" not in html
    # the GeoJSON carries the escaped text (JSON writes '&' as \u0026): shown as text
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
    assert "\\u0026#36;{alert(document.cookie)}" in html


def test_only_displayed_properties_reach_the_browser():
    data = to_web(areas(["Centrum"]), ["code", "name"])
    assert set(data["features"][0]["properties"]) == {"code", "name"}
    html = area_map(areas(["Centrum"]), basemap="geen").get_root().render()
    assert "Hoofdstraat" not in html


def test_geometry_is_wgs84_and_rounded():
    data = to_web(areas(["Centrum"]), ["code"])
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 3 < lon < 8 and 50 < lat < 54
    assert len(str(lon).split(".")[1]) <= 5


def test_local_assets_replace_cdns(tmp_path):
    target = ensure_static(tmp_path / "static")
    assert (target / "leaflet.js").stat().st_size > 100_000
    use_local_assets()
    html = area_map(areas(["Centrum"]), basemap="geen").get_root().render()
    assert "/app/static/vendor/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html


def test_marker_clusters_load_from_this_server_too(tmp_path):
    from folium.plugins import MarkerCluster

    target = ensure_static(tmp_path / "static")
    assert (target / "leaflet.markercluster.js").stat().st_size > 10_000
    use_local_assets()
    m = area_map(areas(["Centrum"]), basemap="geen")
    MarkerCluster().add_to(m)
    html = m.get_root().render()
    assert "/app/static/vendor/leaflet.markercluster.js" in html
    assert "/app/static/vendor/MarkerCluster.Default.css" in html
    assert "cdnjs" not in html


def test_no_tiles_without_basemap_and_pdok_grey_by_default():
    assert "achtergrondkaart" not in area_map(areas(["A"]), basemap="geen").get_root().render()
    assert "grijs" in area_map(areas(["A"])).get_root().render()
    assert BASEMAPS["geen"] is None


def test_clicked_area_code_from_st_folium_value():
    value = {"last_active_drawing": {"type": "Feature", "properties": {"code": "WK062202"}}}
    assert clicked_area_code(value) == "WK062202"
    assert clicked_area_code(None) is None
    assert clicked_area_code({"last_active_drawing": {"properties": {"code": 5}}}) is None
