"""Context layers on the pages as each role receives them (the st_folium script of the page)."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from apptest_support import build_demo_home, open_page
from context_support import square, write_brp_csv_rd, write_geojson_wgs84
from shapely.geometry import Point

from oovgeo.config import load_settings
from oovgeo.demo.town import TOWN_CENTRE
from oovgeo.services import context as service
from oovgeo.services import operations as ops

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)

X, Y = TOWN_CENTRE
BRP = [(X + 111.1, Y + 222.2), (X - 333.3, Y + 44.4)]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = build_demo_home(tmp_path_factory)
    files = tmp_path_factory.mktemp("context")
    engine = ops.open_store(load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None))
    # one camera area over the whole town: every candidate place lies inside it
    town = write_geojson_wgs84(files / "cam.geojson", [square(X, Y, 5000)], ["Hele stad"])
    service.load(engine, town, "camera", "Camera's", actor="t")
    service.load(engine, write_brp_csv_rd(files / "brp.csv", BRP), "brp_controle", actor="t")
    return home


def map_script(at) -> str:
    """The map as the browser would receive it: the st_folium component's script."""
    (component,) = [
        e for e in at.get("component_instance") if "st_folium" in e.proto.component_name
    ]
    return json.loads(component.proto.json_args)["script"]


def features(script: str) -> list[dict]:
    found = []
    for match in re.finditer(r'"features": (\[.*?\]), "type": "FeatureCollection"', script):
        found.extend(json.loads(match.group(1)))
    return found


def brp_lonlat() -> list[str]:
    web = gpd.GeoSeries([Point(p) for p in BRP], crs="EPSG:28992").to_crs("EPSG:4326")
    return [f"{round(p.x, 5)}" for p in web] + [f"{round(p.y, 5)}" for p in web]


@pytest.mark.parametrize("role", ["manager", "presentatie"])
def test_a_protected_kaart_gets_the_camera_outline_and_no_brp_point(home, monkeypatch, role):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("3_Kaart.py", role=role)
    assert not at.exception
    script = map_script(at)
    assert "Cameratoezicht: Camera" in script  # the public outline is there
    assert not [f for f in features(script) if f["geometry"]["type"] == "Point"]
    assert not any(text in script for text in brp_lonlat())
    assert "BRP" not in script


def test_a_coordinators_kaart_gets_the_brp_points_too(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("3_Kaart.py")
    assert not at.exception
    script = map_script(at)
    assert len([f for f in features(script) if f["geometry"]["type"] == "Point"]) == 2
    assert all(text in script for text in brp_lonlat())


def test_doelen_reasons_say_a_place_is_inside_the_camera_area(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("6_Doelen.py")
    assert not at.exception
    ranked = next(df.value for df in at.dataframe if "redenen" in df.value.columns)
    assert ranked["redenen"].str.endswith("; binnen cameragebied").all()
    assert "Cameratoezicht: Camera" in map_script(at)
