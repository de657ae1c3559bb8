"""Reading context layer files: the three formats, reprojection to RD, skips and refusals."""

from __future__ import annotations

import json
from datetime import date

import pytest
from context_support import (
    CENTRE,
    square,
    write_brp_csv_rd,
    write_features,
    write_geojson_wgs84,
    write_gpkg,
)
from shapely.geometry import Point

from oovgeo.context import ContextError, read_context_file

TODAY = date(2026, 1, 1)
X, Y = CENTRE


def test_geojson_in_wgs84_is_reprojected_to_rd_with_its_names(tmp_path):
    polygons = [square(X, Y), square(X + 1000, Y)]
    path = write_geojson_wgs84(tmp_path / "camera.geojson", polygons, ["Centrum", None])
    layer = read_context_file(path, "camera", "Cameragebieden 2025", today=TODAY)
    assert (layer.read, layer.loaded, layer.skipped) == (2, 2, {})
    assert layer.naam == "Cameragebieden 2025" and layer.filename == "camera.geojson"
    assert list(layer.features["shape"]) == ["vlak", "vlak"]
    assert list(layer.features["naam"]) == ["Centrum", None]
    # back in RD metres: the same squares within centimetres
    for got, want in zip(layer.features.geometry, polygons, strict=True):
        assert got.symmetric_difference(want).area < 1.0
    assert "beheerder" not in layer.features.columns  # only the kept properties


def test_geopackage_in_rd(tmp_path):
    path = write_gpkg(tmp_path / "bt.gpkg", [square(X, Y - 2000, 400)], ["Industriehaven"])
    layer = read_context_file(path, "bedrijventerrein", today=TODAY)
    assert layer.loaded == 1 and layer.naam == "Bedrijventerreinen"  # the soort's label
    assert layer.features["naam"].iloc[0] == "Industriehaven"  # column 'Naam', any case
    assert layer.features.geometry.iloc[0].equals(square(X, Y - 2000, 400))


def test_brp_csv_in_rd_with_decimal_commas_keeps_only_place_day_and_reference(tmp_path):
    path = write_brp_csv_rd(tmp_path / "brp.csv", [(X + 0.25, Y + 0.75), (X + 300, Y - 40.5)])
    layer = read_context_file(path, "brp_controle", today=TODAY)
    assert layer.loaded == 2
    first = layer.features.iloc[0]
    assert (first.geometry.x, first.geometry.y) == (X + 0.25, Y + 0.75)
    assert first["datum"] == date(2025, 3, 1) and first["referentie"] == "BRP-000"
    assert layer.features["naam"].isna().all()  # the name column of the file is not kept
    text = layer.features.to_string()
    assert "Jan Jansen" not in text and "Hoofdstraat" not in text
    assert any("niet bewaard" in n and "naam" in n and "adres" in n for n in layer.notes)


def test_csv_with_lat_lon_and_comma_separator(tmp_path):
    path = tmp_path / "punten.csv"
    path.write_text('naam,lat,lon\nA,"51,9100","4,3400"\nB,51.9050,4.3500\n', "utf-8")
    layer = read_context_file(path, "overig", today=TODAY)
    assert layer.loaded == 2 and list(layer.features["naam"]) == ["A", "B"]
    x, y = layer.features.geometry.iloc[0].x, layer.features.geometry.iloc[0].y
    assert 80_000 < x < 86_000 and 435_000 < y < 440_000  # Vlaardingen, in RD


def test_geojson_in_rd_without_crs_member_is_taken_as_rd(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [X, Y]},
    }
    layer = read_context_file(
        write_features(tmp_path / "rd.geojson", [feature]), "overig", today=TODAY
    )
    assert layer.features.geometry.iloc[0].equals(Point(X, Y))


def test_unusable_features_are_skipped_and_counted_per_reason(tmp_path):
    path = tmp_path / "brp.csv"
    path.write_text(
        f"x;y\n{X};{Y}\nabc;{Y}\n0;0\n{X};\n{X};{Y + 5}\n150000;700000\n".replace(".0", ""), "utf-8"
    )
    layer = read_context_file(path, "brp_controle", today=TODAY)
    assert layer.read == 6 and layer.loaded == 2
    assert layer.skipped == {
        "coördinaat is geen getal": 1,
        "coördinaat is 0": 1,
        "geen geometrie": 1,
        "buiten Nederland": 1,
    }
    assert layer.loaded + sum(layer.skipped.values()) == layer.read


def test_a_polygon_outside_the_netherlands_is_skipped(tmp_path):
    far = {
        "type": "Feature",
        "properties": {"naam": "Rome"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[12.4, 41.9], [12.5, 41.9], [12.5, 42.0], [12.4, 41.9]]],
        },
    }
    path = write_geojson_wgs84(tmp_path / "c.geojson", [square(X, Y)], ["Centrum"])
    features = json.loads(path.read_text())["features"] + [far]
    layer = read_context_file(write_features(path, features), "camera", today=TODAY)
    assert layer.loaded == 1 and layer.skipped == {"buiten Nederland": 1}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leeg.geojson", '{"type": "FeatureCollection", "features": []}', "geen geometrie"),
        ("kapot.geojson", "{dit is geen json", "kan bestand niet lezen"),
        ("tabel.csv", "naam;straat\nA;Kerkstraat\n", "geen geometrie; verwacht kolommen x en y"),
        ("kaart.shp.txt.pdf", "x", "wordt niet ondersteund"),
    ],
)
def test_unreadable_or_geometry_free_files_are_refused_in_dutch(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(ContextError, match=message):
        read_context_file(path, "camera", today=TODAY)


def test_a_missing_file_and_an_unknown_soort_are_refused(tmp_path):
    with pytest.raises(ContextError, match="bestaat niet"):
        read_context_file(tmp_path / "weg.geojson", "camera", today=TODAY)
    path = write_gpkg(tmp_path / "bt.gpkg", [square(X, Y)], ["A"])
    with pytest.raises(ContextError, match="onbekende soort 'winkels'"):
        read_context_file(path, "winkels", today=TODAY)


def test_a_file_with_everything_outside_the_netherlands_is_refused(tmp_path):
    # lat and lon written the wrong way round (lon/lat order lost): nothing lands in NL
    path = tmp_path / "verkeerd.geojson"
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [51.9, 4.34]},
    }
    with pytest.raises(ContextError, match="geen bruikbare objecten \\(1 buiten Nederland\\)"):
        read_context_file(write_features(path, [feature]), "overig", today=TODAY)


def test_a_file_mixing_points_and_polygons_is_refused(tmp_path):
    path = write_geojson_wgs84(tmp_path / "mix.geojson", [square(X, Y)], ["A"])
    features = json.loads(path.read_text())["features"]
    features.append(
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [4.34, 51.9]},
        }
    )
    with pytest.raises(ContextError, match="mengt punten \\(1\\) en vlakken \\(1\\)"):
        read_context_file(write_features(path, features), "camera", today=TODAY)


def test_brp_checks_must_be_points(tmp_path):
    path = write_gpkg(tmp_path / "brp.gpkg", [square(X, Y)], ["Blok"])
    with pytest.raises(ContextError, match="geen punt \\(BRP-adrescontroles zijn adressen\\)"):
        read_context_file(path, "brp_controle", today=TODAY)
