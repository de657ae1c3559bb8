"""Reading CBS boundaries of every schema and CRS into one model, validation, population."""

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from oovgeo.areas import (
    AREA_COLUMNS,
    LEVELS,
    BoundaryError,
    load_boundaries,
    normalise,
    parse_gemeente_code,
    read_boundaries,
    read_population,
    validate,
    with_population,
)
from oovgeo.crs import RD, WGS84

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
BUURTEN = SHARED / "buurten_2025.geojson"
WIJKEN = SHARED / "wijken_2025.geojson"
WIJKEN_UIT_BUURTEN = SHARED / "wijken_2025_uit_buurten.geojson"
GEMEENTEN = SHARED / "gemeenten_2025.geojson"


def write_geojson(path, features, crs=None):
    """Write a FeatureCollection by hand: (properties, shapely geometry or None) pairs."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": properties,
                "geometry": None if geometry is None else geometry.__geo_interface__,
            }
            for properties, geometry in features
        ],
    }
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection))
    return path


def statcode_file(path, rows, jaar=2025):
    """A small file in the shape of ../shared/data: statcode, statnaam, wk_code, gm_code."""
    features = []
    for code, geometry, extra in rows:
        properties = {"statcode": code, "statnaam": f"Gebied {code}", "jaar": jaar, **extra}
        features.append((properties, geometry))
    return write_geojson(path, features, crs="urn:ogc:def:crs:EPSG::28992")


# ---------------------------------------------------------------------------------------------
# The real 2025 files in ../shared/data


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


def test_filters_on_gemeente_and_level():
    assert len(read_boundaries(BUURTEN, gemeenten=["622"])) == 40
    assert len(read_boundaries(WIJKEN, gemeenten=["gm0556", "GM0606"])) == 20
    assert set(read_boundaries(BUURTEN, level="buurt")["level"]) == {"buurt"}
    with pytest.raises(BoundaryError, match="geen gebieden over"):
        read_boundaries(BUURTEN, level="wijk")
    with pytest.raises(BoundaryError, match="onbekend niveau"):
        read_boundaries(BUURTEN, level="straat")
    with pytest.raises(BoundaryError, match="onbekende gemeentecode 'Vlaardingen'"):
        read_boundaries(BUURTEN, gemeenten=["Vlaardingen"])


def test_load_buurten_only_derives_wijken_and_gemeente():
    areas = load_boundaries([BUURTEN], gemeenten=["GM0622"])

    assert areas["level"].value_counts().to_dict() == {"buurt": 40, "wijk": 8, "gemeente": 1}
    by_code = areas.set_index("code")
    assert "editie 2025: 8 wijk(en) samengesteld uit de buurten" in areas.attrs["notes"]
    assert by_code.loc["WK062203", "name"] == "Vettenoordse Polder"  # from wk_naam
    assert by_code.loc["WK062203", "parent_code"] == "GM0622"
    assert by_code.loc["GM0622", "name"] == "Vlaardingen"  # from gm_naam
    assert by_code.loc["BU06220101", "parent_code"] == "WK062201"
    # The derived wijk is the union of its buurten, like the reference file built that way.
    reference = read_boundaries(WIJKEN_UIT_BUURTEN).set_index("code")
    for code in [f"WK06220{n}" for n in range(1, 9)]:
        derived = by_code.loc[code, "geometry"]
        assert derived.symmetric_difference(reference.loc[code, "geometry"]).area < 1.0
    assert by_code.loc["GM0622", "geometry"].area == pytest.approx(
        areas.loc[areas["level"] == "buurt"].union_all().area, rel=1e-9
    )


def test_load_all_three_layers_keeps_official_wijk_geometry():
    areas = load_boundaries([GEMEENTEN, WIJKEN, BUURTEN])

    assert areas["level"].value_counts().to_dict() == {"buurt": 59, "wijk": 28, "gemeente": 3}
    lookup = pd.read_csv(SHARED / "gebiedscodes_2025.csv")
    assert sorted(areas["code"]) == sorted(lookup["statcode"])
    official = read_boundaries(WIJKEN).set_index("code")
    loaded = areas.set_index("code")
    assert loaded.loc["WK062201", "geometry"].equals(official.loc["WK062201", "geometry"])
    # ... and not the union of its buurten, which differs for every generalised wijk.
    union = areas[areas["parent_code"] == "WK062201"].union_all()
    assert not loaded.loc["WK062201", "geometry"].equals(union)


def test_a_code_in_two_files_is_taken_from_the_last():
    areas = load_boundaries([WIJKEN, WIJKEN_UIT_BUURTEN])
    wijken = areas[areas["level"] == "wijk"].set_index("code")
    assert len(wijken) == 28  # no duplicates
    rebuilt = read_boundaries(WIJKEN_UIT_BUURTEN).set_index("code")
    assert wijken.loc["WK062201", "geometry"].equals(rebuilt.loc["WK062201", "geometry"])


# ---------------------------------------------------------------------------------------------
# CBS schemas of other years, written here from hand-made polygons

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


def test_lower_case_geojson_in_wgs84_comes_back_in_rd(tmp_path):
    polygons = {
        "BU06220101": box(82500, 436000, 83100, 436500),
        "BU06220102": Polygon([(82500, 436500), (83100, 436500), (82800, 437000)]),
    }
    table = gpd.GeoDataFrame(
        {
            "buurtcode": list(polygons),
            "buurtnaam": ["Indische Buurt", "Vettenoordse Polder Oost"],
            "wijkcode": ["WK062201", "WK062201"],
            "gemeentecode": ["GM0622", "GM0622"],
            "gemeentenaam": ["Vlaardingen", "Vlaardingen"],
            "aantal_inwoners": [4215, -99997],
            "water": ["NEE", "NEE"],
            "oppervlakte_land_in_ha": [30.5, 12.0],
            "jaar": [2023, 2023],
        },
        geometry=list(polygons.values()),
        crs=RD,
    ).to_crs(WGS84)
    path = tmp_path / "buurten.geojson"
    table.to_file(path)

    areas = read_boundaries(path).set_index("code")
    assert areas.crs.equals(RD)
    for code, polygon in polygons.items():
        assert areas.loc[code, "geometry"].hausdorff_distance(polygon) < 1.0
    assert areas.loc["BU06220101", "land_ha"] == 30.5
    assert pd.isna(areas.loc["BU06220102", "inhabitants"])
    assert set(areas["edition"]) == {2023}


def test_pdok_camel_case_properties_are_understood():
    table = gpd.GeoDataFrame(
        {
            "buurtCode": ["BU06220101"],
            "buurtNaam": ["Indische Buurt"],
            "wijkCode": ["WK062201"],
            "gemeenteCode": ["GM0622"],
            "aantalInwoners": [4215],
            "oppervlakteLandInHa": [31],
            "jaarcode": [2024],
        },
        geometry=[box(4.33, 51.90, 4.34, 51.91)],
        crs=WGS84,
    )
    areas = normalise(table)
    row = areas.iloc[0]
    assert (row["code"], row["name"], row["parent_code"], row["edition"]) == (
        "BU06220101",
        "Indische Buurt",
        "WK062201",
        2024,
    )
    assert row["inhabitants"] == 4215 and row["land_ha"] == 31


def test_codes_with_letters_and_multipolygons(tmp_path):
    # Amsterdam-style codes: the parts after the gemeente digits may hold letters.
    two_parts = MultiPolygon(
        [box(120000, 485000, 120500, 485500), box(121000, 485000, 121500, 485500)]
    )
    path = statcode_file(
        tmp_path / "amsterdam_2025.geojson",
        [
            ("BU0363AD01", two_parts, {"wk_code": "WK0363AD", "gm_code": "GM0363"}),
            ("WK0363AD", box(120000, 485000, 121500, 485500), {"gm_code": "GM0363"}),
        ],
    )
    areas = load_boundaries([path]).set_index("code")
    assert areas.loc["BU0363AD01", "parent_code"] == "WK0363AD"
    assert areas.loc["BU0363AD01", "geometry"].geom_type == "MultiPolygon"
    assert areas.loc["WK0363AD", "parent_code"] == "GM0363"
    assert areas.loc["GM0363", "level"] == "gemeente"  # derived from the wijk


# ---------------------------------------------------------------------------------------------
# Coordinate reference systems


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_file_without_crs_is_placed_by_its_coordinates(tmp_path):
    rd_box = box(82500, 436000, 83100, 436500)
    frame = gpd.GeoDataFrame({"BU_CODE": ["BU06220101"]}, geometry=[rd_box])
    frame.to_file(tmp_path / "rd_2022.shp")
    assert read_boundaries(tmp_path / "rd_2022.shp").geometry.iloc[0].equals(rd_box)

    lonlat = gpd.GeoSeries([rd_box], crs=RD).to_crs(WGS84).iloc[0]
    gpd.GeoDataFrame({"BU_CODE": ["BU06220101"]}, geometry=[lonlat]).to_file(
        tmp_path / "lonlat_2022.shp"
    )
    placed = read_boundaries(tmp_path / "lonlat_2022.shp").geometry.iloc[0]
    assert placed.hausdorff_distance(rd_box) < 1.0

    # GeoJSON without a crs member is WGS84 by the standard, but RD numbers cannot be lon/lat.
    path = write_geojson(tmp_path / "rd_2022.geojson", [({"buurtcode": "BU06220101"}, rd_box)])
    assert read_boundaries(path).geometry.iloc[0].equals(rd_box)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_unknown_crs_is_refused(tmp_path):
    far_away = box(5_000_000, 5_000_000, 5_001_000, 5_001_000)
    gpd.GeoDataFrame({"BU_CODE": ["BU06220101"]}, geometry=[far_away]).to_file(
        tmp_path / "elders_2022.shp"
    )
    with pytest.raises(BoundaryError, match="onbekend coördinatenstelsel"):
        read_boundaries(tmp_path / "elders_2022.shp")


def test_wrongly_declared_crs_is_refused(tmp_path):
    # RD numbers labelled as Web Mercator end up far outside the Netherlands.
    frame = gpd.GeoDataFrame(
        {"BU_CODE": ["BU06220101"]}, geometry=[box(82500, 436000, 83100, 436500)], crs="EPSG:3857"
    )
    frame.to_file(tmp_path / "fout_2022.gpkg")
    with pytest.raises(BoundaryError, match="niet in Nederland"):
        read_boundaries(tmp_path / "fout_2022.gpkg")


# ---------------------------------------------------------------------------------------------
# Clear errors


def test_file_without_code_column(tmp_path):
    path = write_geojson(tmp_path / "wijken_2025.geojson", [({"naam": "Centrum"}, box(0, 0, 1, 1))])
    with pytest.raises(BoundaryError, match="geen CBS-gebiedscode gevonden") as caught:
        read_boundaries(path)
    assert "naam" in str(caught.value)  # it says which columns it did find


def test_bad_code_is_named(tmp_path):
    path = statcode_file(
        tmp_path / "b_2025.geojson", [("BU123", box(82500, 436000, 83100, 436500), {})]
    )
    with pytest.raises(BoundaryError, match="ongeldige buurtcode 'BU123'"):
        load_boundaries([path])


def test_code_without_cbs_prefix_is_refused(tmp_path):
    path = statcode_file(
        tmp_path / "b_2025.geojson", [("0622", box(82500, 436000, 83100, 436500), {})]
    )
    with pytest.raises(BoundaryError, match="'0622'"):
        read_boundaries(path)


def test_buurt_whose_wijk_disagrees_with_its_code(tmp_path):
    path = statcode_file(
        tmp_path / "b_2025.geojson",
        [("BU06220101", box(82500, 436000, 83100, 436500), {"wk_code": "WK062202"})],
    )
    with pytest.raises(BoundaryError) as caught:
        load_boundaries([path])
    assert "BU06220101" in str(caught.value) and "WK062202" in str(caught.value)


def test_buurt_whose_wijk_is_missing_from_the_wijk_layer(tmp_path):
    buurten = statcode_file(
        tmp_path / "buurten_2025.geojson",
        [("BU06220901", box(82500, 436000, 83100, 436500), {"wk_code": "WK062209"})],
    )
    with pytest.raises(BoundaryError, match="wijk WK062209 ontbreekt"):
        load_boundaries([WIJKEN, buurten], gemeenten=["GM0622"])


def test_no_edition_asks_for_editie(tmp_path):
    path = write_geojson(
        tmp_path / "buurten.geojson",
        [({"buurtcode": "BU06220101"}, box(82500, 436000, 83100, 436500))],
        crs="urn:ogc:def:crs:EPSG::28992",
    )
    with pytest.raises(BoundaryError, match="--editie"):
        read_boundaries(path)
    assert set(read_boundaries(path, edition=2024)["edition"]) == {2024}


def test_mixed_editions(tmp_path):
    polygon = box(82500, 436000, 83100, 436500)
    path = write_geojson(
        tmp_path / "buurten.geojson",
        [
            ({"statcode": "BU06220101", "jaar": 2024}, polygon),
            ({"statcode": "BU06220101", "jaar": 2025}, polygon),
            ({"statcode": "BU06220102", "jaar": 2025}, polygon),
        ],
        crs="urn:ogc:def:crs:EPSG::28992",
    )
    with pytest.raises(BoundaryError, match=r"meerdere edities \(2024, 2025\)"):
        read_boundaries(path)
    chosen = read_boundaries(path, edition=2025)
    assert sorted(chosen["code"]) == ["BU06220101", "BU06220102"]
    assert set(chosen["edition"]) == {2025}


def test_duplicate_codes(tmp_path):
    path = statcode_file(
        tmp_path / "b_2025.geojson",
        [
            ("BU06220101", box(82500, 436000, 83100, 436500), {}),
            ("BU06220101", box(82500, 436500, 83100, 437000), {}),
        ],
    )
    with pytest.raises(BoundaryError, match="BU06220101 komt 2 keer voor"):
        load_boundaries([path])


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
    with pytest.raises(BoundaryError, match="bestaat niet"):
        load_boundaries([tmp_path / "weg_2025.geojson"])


def test_empty_feature_collection(tmp_path):
    path = write_geojson(tmp_path / "buurten_2025.geojson", [])
    with pytest.raises(BoundaryError, match="bevat geen gebieden"):
        read_boundaries(path)


def test_empty_geometries_are_skipped_and_counted(tmp_path):
    path = statcode_file(
        tmp_path / "b_2025.geojson",
        [
            ("BU06220101", box(82500, 436000, 83100, 436500), {}),
            ("BU17831001", None, {}),
            ("BU17831002", Polygon(), {}),
        ],
    )
    areas = read_boundaries(path)
    assert list(areas["code"]) == ["BU06220101"]
    assert any("2 gebied(en) zonder (vlak)geometrie" in note for note in areas.attrs["notes"])

    only_empty = statcode_file(tmp_path / "c_2025.geojson", [("BU17831001", None, {})])
    with pytest.raises(BoundaryError, match="lege geometrie"):
        read_boundaries(only_empty)


def test_invalid_geometry_is_repaired(tmp_path):
    bowtie = Polygon([(82500, 436000), (83100, 436500), (83100, 436000), (82500, 436500)])
    assert not bowtie.is_valid
    path = statcode_file(tmp_path / "b_2025.geojson", [("BU06220101", bowtie, {})])
    areas = read_boundaries(path)
    assert areas.geometry.iloc[0].is_valid
    # Both triangles of the bow-tie are kept (buffer(0) would silently drop one).
    assert areas.geometry.iloc[0].area == pytest.approx(2 * 0.5 * 500 * 300)
    assert validate(areas) == []


def test_error_lists_at_most_ten_problems(tmp_path):
    rows = [(f"BU06229{n:03d}", box(82500, 436000, 83100, 436500), {}) for n in range(15)]
    rows += rows  # every code twice
    with pytest.raises(BoundaryError) as caught:
        load_boundaries([statcode_file(tmp_path / "b_2025.geojson", rows)])
    message = str(caught.value)
    assert "15 problemen" in message and "nog 5 andere problemen" in message
    assert len(caught.value.problems) == 15


# ---------------------------------------------------------------------------------------------
# validate() on hand-made frames


def small_model():
    areas = load_boundaries([WIJKEN, BUURTEN], gemeenten=["GM0622"])
    keep = ["GM0622", "WK062201", "WK062202", "BU06220101"]
    return areas[areas["code"].isin(keep)].reset_index(drop=True)


def test_validate_accepts_a_consistent_model_and_spots_changes():
    areas = small_model()
    assert validate(areas) == []

    orphan = areas[areas["code"] != "WK062201"]
    assert validate(orphan) == [
        "buurt BU06220101: wijk WK062201 ontbreekt in de wijklaag van editie 2025"
    ]
    assert validate(areas[~areas["level"].isin(["wijk"])]) == []  # no wijk layer: nothing to miss
    broken = areas.copy()
    broken.loc[broken["code"] == "WK062201", "parent_code"] = "GM0556"
    assert any("wijk WK062201" in p and "GM0556" in p for p in validate(broken))
    empty = areas.copy()
    empty.loc[empty["code"] == "BU06220101", "geometry"] = Polygon()
    assert "BU06220101: lege geometrie" in validate(empty)
    assert validate(areas.to_crs(WGS84))[0].startswith("coördinatenstelsel")
    assert validate(areas.drop(columns="land_ha")) == ["kolommen ontbreken: land_ha"]


def test_levels_and_columns_are_public_constants():
    assert LEVELS == ("gemeente", "wijk", "buurt")
    assert AREA_COLUMNS[-1] == "geometry" and len(AREA_COLUMNS) == 9
    assert parse_gemeente_code(622) == "GM0622"


# ---------------------------------------------------------------------------------------------
# Population


POPULATION_ROWS = [
    "gebiedscode;naam;jaar;inwoners",
    "BU06220101;Indische Buurt;2025;1235",
    "BU06220102;Café-buurt;2025;-99997",
    "BU06220103;Centrum;2025;.",
    "BU06220104;Hoogstad;2025;",
    "BU06220101;Indische Buurt;2024;1200",
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_population_semicolon_with_bom_or_cp1252(tmp_path, encoding):
    path = tmp_path / "inwoners.csv"
    path.write_bytes(("\r\n".join(POPULATION_ROWS) + "\r\n").encode(encoding))

    population = read_population(path)

    assert list(population.columns) == ["code", "year", "inhabitants"]
    assert population["inhabitants"].dtype == "Int64"
    assert population["year"].tolist() == [2025, 2025, 2025, 2025, 2024]
    assert population["inhabitants"].iloc[0] == 1235
    assert population["inhabitants"].iloc[1:4].isna().all()  # -99997, "." and empty


def test_population_english_header_with_commas(tmp_path):
    path = tmp_path / "population.csv"
    path.write_text("code,year,inhabitants\nbu06220101 ,2025,1235\nGM0622,2025,74805\n")
    population = read_population(path)
    assert population["code"].tolist() == ["BU06220101", "GM0622"]
    assert population["inhabitants"].tolist() == [1235, 74805]


def test_population_bad_rows_are_listed(tmp_path):
    path = tmp_path / "inwoners.csv"
    path.write_text(
        "code;jaar;aantal_inwoners\n"
        "BU06220101;2025;1235\n"
        "BU12;2025;10\n"
        "BU06220102;twintig;10\n"
        "BU06220103;2025;12a\n"
        "BU06220101;2025;1240\n"
    )
    with pytest.raises(BoundaryError) as caught:
        read_population(path)
    message = str(caught.value)
    assert "rij 3" in message and "'BU12'" in message
    assert "rij 4" in message and "'twintig'" in message
    assert "rij 5" in message and "'12a'" in message
    assert "rij 6" in message and "rij 2" in message  # duplicate of row 2


def test_population_missing_column(tmp_path):
    path = tmp_path / "inwoners.csv"
    path.write_text("code;jaar\nBU06220101;2025\n")
    with pytest.raises(BoundaryError, match="kolom voor inhabitants ontbreekt"):
        read_population(path)


def test_with_population_fills_only_the_matching_year_and_keeps_input():
    areas = read_boundaries(BUURTEN, gemeenten=["GM0622"])
    before = areas.copy()
    population = pd.DataFrame(
        {
            "code": ["BU06220101", "BU06220101", "BU06220102"],
            "year": [2025, 2024, 2024],
            "inhabitants": pd.array([1235, 9999, 500], dtype="Int64"),
        }
    )

    filled = with_population(areas, population).set_index("code")

    assert filled.loc["BU06220101", "inhabitants"] == 1235
    assert pd.isna(filled.loc["BU06220102", "inhabitants"])  # only a 2024 figure exists
    assert filled["inhabitants"].notna().sum() == 1
    assert filled["inhabitants"].dtype == "Int64"
    pd.testing.assert_frame_equal(areas, before)  # the input is not changed
