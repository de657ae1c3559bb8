"""Context layers on the maps: what each role's browser receives, escaping, size and style."""

from __future__ import annotations

import html as html_module
import json
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import geopandas as gpd
import pytest
from context_support import CENTRE, square, write_brp_csv_rd, write_geojson_wgs84
from shapely.geometry import Point

from oovgeo.access import Identity
from oovgeo.context_map import STYLES, add_context_layers, context_web
from oovgeo.maps import base_map
from oovgeo.services import context as service
from oovgeo.ui.layers import add_context

X, Y = CENTRE
TODAY = date(2026, 1, 1)
BRP_POINTS = [(X + 123.4, Y + 56.7), (X - 321.0, Y + 98.7)]


def features(html: str) -> list[dict]:
    """The GeoJSON features folium embedded in the map HTML."""
    found = []
    for match in re.finditer(r'"features": (\[.*?\]), "type": "FeatureCollection"', html):
        found.extend(json.loads(match.group(1)))
    return found


@pytest.fixture
def loaded(sqlite_store, tmp_path):
    engine, _ = sqlite_store
    cams = write_geojson_wgs84(
        tmp_path / "cam.geojson", [square(X, Y), square(X + 600, Y)], ["Markt", None]
    )
    service.load(engine, cams, "camera", "Camera's centrum", actor="t", today=TODAY)
    bt = write_geojson_wgs84(tmp_path / "bt.geojson", [square(X, Y - 2000, 400)], ["Haven"])
    service.load(engine, bt, "bedrijventerrein", actor="t", today=TODAY)
    service.load(
        engine,
        write_brp_csv_rd(tmp_path / "brp.csv", BRP_POINTS),
        "brp_controle",
        actor="t",
        today=TODAY,
    )
    return engine


def kaart_html(engine, role: str) -> tuple[str, list[tuple]]:
    """The map HTML a user of ``role`` gets from the pages' own function, and its audit calls."""
    audited: list[tuple] = []
    ctx = SimpleNamespace(
        engine=engine,
        identity=Identity("t", role, "local", datetime.now(UTC)),
        audit=lambda *args, **kw: audited.append((*args, kw)),
    )
    m = base_map((X - 2000, Y - 2500, X + 2000, Y + 1000), "geen")
    add_context(m, ctx, "kaart")
    return m.get_root().render(), audited


def layer_control(html: str) -> dict[str, bool]:
    """Layer control entry (its text, as the user reads it) -> shown when the map opens."""
    found = {}
    for label, var in re.findall(r'("(?:[^"\\]|\\.)*") : (feature_group_\w+)', html):
        text = html_module.unescape(re.sub(r"<[^>]*>", "", json.loads(label)))
        found[text] = f"{var}.addTo(map_" in html
    return found


def brp_lonlat() -> list[str]:
    web = gpd.GeoSeries([Point(p) for p in BRP_POINTS], crs="EPSG:28992").to_crs("EPSG:4326")
    return [f"{round(p.x, 5)}" for p in web] + [f"{round(p.y, 5)}" for p in web]


@pytest.mark.parametrize("role", ["manager", "presentatie", "analist"])
def test_a_protected_or_analyst_map_holds_no_context_point(loaded, role):
    html, audited = kaart_html(loaded, role)
    found = features(html)
    assert layer_control(html) == {
        "Cameratoezicht: Camera's centrum": True,
        "Bedrijventerreinen": True,
    }
    assert {f["geometry"]["type"] for f in found} == {"Polygon"}
    assert not any(text in html for text in brp_lonlat())  # no coordinate of a BRP check
    assert "BRP-000" not in html and "BRP-adrescontroles" not in html
    assert audited == []  # no point data was sent


def test_the_core_team_gets_the_brp_points_off_by_default_and_audited(loaded):
    html, audited = kaart_html(loaded, "coordinator")
    points = [f for f in features(html) if f["geometry"]["type"] == "Point"]
    assert len(points) == 2
    assert {f["properties"]["referentie"] for f in points} == {"BRP-000", "BRP-001"}
    assert set(points[0]["properties"]) == {"naam", "datum", "referentie"}  # O3
    assert points[0]["properties"]["datum"] == "01-03-2025"
    assert all(text in html for text in brp_lonlat())
    assert audited == [("view_points", "contextlagen kaart", {"punten": 2})]
    # three layers in the control; the polygons shown at once, the points only when asked
    assert layer_control(html) == {
        "Cameratoezicht: Camera's centrum": True,
        "Bedrijventerreinen": True,
        "BRP-adrescontroles": False,
    }


def test_names_are_escaped_in_tooltips_and_the_layer_control(sqlite_store, tmp_path):
    engine, _ = sqlite_store
    hostile = ["<img src=x onerror=alert(1)>", "${alert(document.cookie)}"]
    path = write_geojson_wgs84(tmp_path / "c.geojson", [square(X, Y), square(X + 600, Y)], hostile)
    service.load(engine, path, "camera", "{{ 7*7 }}`;alert(1);//", actor="t", today=TODAY)
    html, _ = kaart_html(engine, "coordinator")
    assert "<img src=x" not in html and "${alert" not in html and "`;alert" not in html
    assert "{{ 7*7 }}" not in html and "49" not in html.split("Cameratoezicht")[1][:40]
    names = {f["properties"]["naam"] for f in features(html)}
    assert names == {"&lt;img src=x onerror=alert(1)&gt;", "&#36;{alert(document.cookie)}"}


def test_outlines_have_no_fill_and_each_soort_its_own_dash_pattern():
    patterns = {soort: (s.colour, s.dash) for soort, s in STYLES.items() if soort != "brp_controle"}
    assert len(set(patterns.values())) == len(patterns)
    frame = gpd.GeoDataFrame(
        {
            "soort": ["camera", "bedrijventerrein"],
            "laag": ["C", "B"],
            "shape": ["vlak", "vlak"],
            "naam": [None, None],
            "datum": [None, None],
            "referentie": [None, None],
        },
        geometry=[square(X, Y), square(X, Y - 2000)],
        crs="EPSG:28992",
    )
    m = base_map((X - 500, Y - 2500, X + 500, Y + 500), "geen")
    assert add_context_layers(m, frame) == ["C", "B"]
    html = m.get_root().render()
    assert '"fill": false' in html
    assert f'"dashArray": "{STYLES["camera"].dash}"' in html
    assert f'"dashArray": "{STYLES["bedrijventerrein"].dash}"' in html


def test_polygons_are_simplified_and_coordinates_rounded():
    circle = Point(X, Y).buffer(300, quad_segs=500)
    assert len(circle.exterior.coords) > 1500
    frame = gpd.GeoDataFrame(
        {
            "soort": ["camera"],
            "laag": ["C"],
            "shape": ["vlak"],
            "naam": ["Rond"],
            "datum": [None],
            "referentie": [None],
        },
        geometry=[circle],
        crs="EPSG:28992",
    )
    ring = context_web(frame)["features"][0]["geometry"]["coordinates"][0]
    assert 20 < len(ring) < 200  # 5 m tolerance: a 300 m circle keeps its shape, not its bulk
    assert all(len(repr(v).split(".")[1]) <= 5 for xy in ring for v in xy)
    assert context_web(frame)["features"][0]["properties"] == {"naam": "Rond"}
