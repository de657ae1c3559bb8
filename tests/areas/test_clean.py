"""Coordinate reference systems and geometry repair."""

import geopandas as gpd
import pytest
from areas_support import (
    statcode_file,
    write_geojson,
)
from shapely.geometry import Polygon, box

from oovgeo.areas import (
    BoundaryError,
    read_boundaries,
    validate,
)
from oovgeo.crs import RD, WGS84


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
