"""CBS schemas of other years, written here from hand-made polygons, into one model."""

import geopandas as gpd
import pandas as pd
import pytest
from areas_support import (
    statcode_file,
)
from shapely.geometry import MultiPolygon, Polygon, box

from oovgeo.areas import (
    BoundaryError,
    load_boundaries,
    normalise,
    read_boundaries,
)
from oovgeo.crs import RD, WGS84


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


def test_code_without_cbs_prefix_is_refused(tmp_path):
    path = statcode_file(
        tmp_path / "b_2025.geojson", [("0622", box(82500, 436000, 83100, 436500), {})]
    )
    with pytest.raises(BoundaryError, match="'0622'"):
        read_boundaries(path)
