"""Boundary file formats: the real 2025 files, shapefile, zip, GeoPackage, unreadable files."""

import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from areas_support import (
    BUURTEN,
    GEMEENTEN,
    WIJKEN,
    WIJKEN_UIT_BUURTEN,
    write_geojson,
)
from shapely.geometry import Point, box

from oovgeo.areas import (
    AREA_COLUMNS,
    BoundaryError,
    load_boundaries,
    read_boundaries,
    validate,
)
from oovgeo.crs import RD


def test_shared_buurten_load_with_codes_parents_and_names():
    areas = read_boundaries(BUURTEN)

    assert tuple(areas.columns) == AREA_COLUMNS
    assert areas.crs.equals(RD)
    assert len(areas) == 59
    assert areas["gemeente_code"].value_counts().to_dict() == {"GM0622": 40, "GM0556": 19}
    assert set(areas["level"]) == {"buurt"}
    assert set(areas["edition"]) == {2025}
    first = areas.set_index("code").loc["BU06220101"]
    assert (first["name"], first["parent_code"], first["gemeente_code"]) == (
        "Indische Buurt",
        "WK062201",
        "GM0622",
    )
    assert areas["inhabitants"].dtype == "Int64" and areas["inhabitants"].isna().all()
    assert areas["land_ha"].dtype == "Float64"
    assert validate(areas) == []
    # Valid input geometry is left exactly as published.
    source = gpd.read_file(BUURTEN).set_index("statcode")
    assert (
        areas.set_index("code")
        .geometry.geom_equals_exact(source.geometry.reindex(areas["code"]), tolerance=0)
        .all()
    )


def test_shared_wijken_gemeenten_and_wijken_from_buurten_load():
    wijken = read_boundaries(WIJKEN)
    assert len(wijken) == 28
    assert wijken["gemeente_code"].value_counts().to_dict() == {
        "GM0606": 12,
        "GM0622": 8,
        "GM0556": 8,
    }
    assert wijken.set_index("code").loc["WK062201", "parent_code"] == "GM0622"

    gemeenten = read_boundaries(GEMEENTEN)
    assert sorted(gemeenten["code"]) == ["GM0556", "GM0606", "GM0622"]
    assert gemeenten["parent_code"].tolist() == [None, None, None]
    assert gemeenten.set_index("code").loc["GM0622", "name"] == "Vlaardingen"

    rebuilt = read_boundaries(WIJKEN_UIT_BUURTEN)
    assert len(rebuilt) == 16 and set(rebuilt["level"]) == {"wijk"}
    for frame in (wijken, gemeenten, rebuilt):
        assert frame.crs.equals(RD) and set(frame["edition"]) == {2025}


OLD_BUURTEN = [
    # BU_CODE, BU_NAAM, WK_CODE, GM_CODE, GM_NAAM, AANT_INW, WATER, OPP_LAND, polygon
    ("BU06220101", "Indische Buurt", "WK062201", "GM0622", "Vlaardingen", 4215, "NEE", 31,
     box(82500, 436000, 83100, 436500)),
    ("BU06220102", "Vettenoordse Polder Oost", "WK062201", "GM0622", "Vlaardingen", -99997, "NEE",
     -99997, box(82500, 436500, 83100, 437000)),
    ("BU06220199", "Nieuwe Maas", "WK062201", "GM0622", "Vlaardingen", 0, "JA", 0,
     box(83100, 436000, 83700, 437000)),
]  # fmt: skip


def old_schema_buurten():
    columns = [
        "BU_CODE",
        "BU_NAAM",
        "WK_CODE",
        "GM_CODE",
        "GM_NAAM",
        "AANT_INW",
        "WATER",
        "OPP_LAND",
    ]
    table = pd.DataFrame([row[:-1] for row in OLD_BUURTEN], columns=columns)
    return gpd.GeoDataFrame(table, geometry=[row[-1] for row in OLD_BUURTEN], crs=RD)


def old_schema_gemeenten():
    table = pd.DataFrame(
        {
            "GM_CODE": ["GM0622", "GM0622"],
            "GM_NAAM": ["Vlaardingen", "Vlaardingen"],
            "AANT_INW": [74805, -99997],
            "WATER": ["NEE", "JA"],
            "OPP_LAND": [2376, -99997],
        }
    )
    geometry = [box(82500, 436000, 83700, 437000), box(82500, 435500, 83700, 436000)]
    return gpd.GeoDataFrame(table, geometry=geometry, crs=RD)


def assert_old_buurten(areas):
    assert list(areas["code"]) == ["BU06220101", "BU06220102"]  # the water row is gone
    assert list(areas["parent_code"]) == ["WK062201", "WK062201"]
    assert areas["inhabitants"].iloc[0] == 4215
    assert pd.isna(areas["inhabitants"].iloc[1])  # -99997 is secret, never a number
    assert areas["land_ha"].iloc[0] == 31 and pd.isna(areas["land_ha"].iloc[1])
    assert set(areas["edition"]) == {2021}
    assert any("WATER = JA" in note for note in areas.attrs["notes"])


def test_upper_case_shapefile_of_2021(tmp_path):
    path = tmp_path / "buurt_2021.shp"
    old_schema_buurten().to_file(path)
    areas = read_boundaries(path)
    assert_old_buurten(areas)
    assert areas.crs.equals(RD)


def test_upper_case_zip_with_nested_shapefiles(tmp_path):
    old_schema_buurten().to_file(tmp_path / "buurt_2021_v1.shp")
    old_schema_gemeenten().to_file(tmp_path / "gem_2021_v1.shp")
    archive = tmp_path / "WijkBuurtkaart_2021_v1.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("*_2021_v1.*"):
            zipped.write(part, f"WijkBuurtkaart_2021_v1/{part.name}")

    areas = read_boundaries(archive)
    assert_old_buurten(areas[areas["level"] == "buurt"].reset_index(drop=True))
    gemeente = areas[areas["level"] == "gemeente"]
    assert list(gemeente["code"]) == ["GM0622"]  # the gemeente's water polygon is dropped
    assert gemeente["inhabitants"].tolist() == [74805]


def test_upper_case_geopackage_reads_every_area_layer(tmp_path):
    path = tmp_path / "wijkenbuurten_2021.gpkg"
    old_schema_buurten().to_file(path, layer="cbs_buurten_2021")
    old_schema_gemeenten().to_file(path, layer="cbs_gemeenten_2021")
    other = gpd.GeoDataFrame(
        {"toelichting": ["bron: CBS"]}, geometry=[Point(83000, 436500)], crs=RD
    )
    other.to_file(path, layer="metadata")

    areas = read_boundaries(path)
    assert sorted(areas["code"]) == ["BU06220101", "BU06220102", "GM0622"]
    assert read_boundaries(path, level="gemeente")["code"].tolist() == ["GM0622"]
    assert_old_buurten(areas[areas["level"] == "buurt"].reset_index(drop=True))

    combined = load_boundaries([path])  # wijk derived from the two buurten
    wijk = combined.set_index("code").loc["WK062201"]
    assert wijk["level"] == "wijk" and wijk["name"] == "WK062201"  # no wijk name in the file
    assert pd.isna(wijk["inhabitants"])  # a secret part makes the sum unknown
    assert wijk["geometry"].area == pytest.approx(600 * 1000)


def test_file_without_code_column(tmp_path):
    path = write_geojson(tmp_path / "wijken_2025.geojson", [({"naam": "Centrum"}, box(0, 0, 1, 1))])
    with pytest.raises(BoundaryError, match="geen CBS-gebiedscode gevonden") as caught:
        read_boundaries(path)
    assert "naam" in str(caught.value)  # it says which columns it did find


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kapot_2025.geojson", b"dit is geen geojson"),
        ("leeg_2025.geojson", b""),
        ("kapot_2025.zip", b"PK\x03\x04 half"),
        ("kapot_2025.gpkg", b"SQLite format 3\x00 half"),
    ],
)
def test_unreadable_files(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BoundaryError, match=f"kan bestand niet lezen: {name}"):
        read_boundaries(path)


def test_missing_file(tmp_path):
    with pytest.raises(BoundaryError, match="bestand niet gevonden: .*weg_2025.geojson"):
        load_boundaries([tmp_path / "weg_2025.geojson"])


def test_empty_feature_collection(tmp_path):
    path = write_geojson(tmp_path / "buurten_2025.geojson", [])
    with pytest.raises(BoundaryError, match="bevat geen gebieden"):
        read_boundaries(path)
