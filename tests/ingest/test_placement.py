"""Placement rules on tiny hand-made areas: inside, on a shared border, in a gap, far away."""

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from oovgeo.ingest.placement import AreaIndex


@pytest.fixture
def two_buurten():
    # Two buurten side by side sharing the border x = 100; a wijk each; one gemeente.
    return gpd.GeoDataFrame(
        {
            "level": ["buurt", "buurt", "wijk", "wijk"],
            "code": ["BU00010102", "BU00010201", "WK000101", "WK000102"],
            "parent_code": ["WK000101", "WK000102", "GM0001", "GM0001"],
            "gemeente_code": ["GM0001"] * 4,
        },
        geometry=[
            box(0, 0, 100, 100),
            box(100, 0, 200, 100),
            box(0, 0, 100, 100),
            box(100, 0, 200, 100),
        ],
        crs="EPSG:28992",
    )


def test_points_inside_get_their_buurt_and_wijk(two_buurten):
    p = AreaIndex(two_buurten).place(np.array([50.0, 150.0]), np.array([50.0, 50.0]), 10)
    assert p.buurt_code.tolist() == ["BU00010102", "BU00010201"]
    assert p.wijk_code.tolist() == ["WK000101", "WK000102"]
    assert p.how.tolist() == ["punt", "punt"]


def test_point_on_shared_border_goes_to_exactly_one_area(two_buurten):
    index = AreaIndex(two_buurten)
    p = index.place(np.array([100.0, 100.0]), np.array([50.0, 50.0]), 0)
    # same answer both times, lowest code, counted once
    assert p.buurt_code.tolist() == ["BU00010102", "BU00010102"]
    assert p.how.tolist() == ["punt", "punt"]
    # input order does not matter
    q = AreaIndex(two_buurten.iloc[::-1]).place(np.array([100.0]), np.array([50.0]), 0)
    assert q.buurt_code.tolist() == ["BU00010102"]


def test_gap_within_tolerance_goes_to_nearest_beyond_is_not_placed(two_buurten):
    p = AreaIndex(two_buurten).place(
        np.array([230.0, 260.0, -5.0]), np.array([50.0, 50.0, 50.0]), 40
    )
    assert p.buurt_code.tolist() == ["BU00010201", None, "BU00010102"]
    assert p.how.tolist() == ["nabij", "", "nabij"]
    np.testing.assert_allclose(p.distance[[0, 2]], [30.0, 5.0])


def test_wrong_crs_is_refused(two_buurten):
    with pytest.raises(ValueError, match="EPSG:28992"):
        AreaIndex(two_buurten.set_crs(4326, allow_override=True))


def test_empty_input(two_buurten):
    p = AreaIndex(two_buurten).place(np.array([]), np.array([]), 10)
    assert len(p.buurt_code) == 0


def test_area_only_codes(two_buurten):
    index = AreaIndex(two_buurten)
    assert index.by_code("BU00010201") == ("BU00010201", "WK000102", "GM0001")
    assert index.by_code("WK000101") == (None, "WK000101", "GM0001")
    assert index.by_code("BU99999999") is None


def test_agrees_with_geopandas_sjoin_on_real_buurten(shared_data):
    gdf = gpd.read_file(shared_data / "buurten_2025.geojson")
    areas = gpd.GeoDataFrame(
        {
            "level": "buurt",
            "code": gdf["statcode"],
            "parent_code": gdf["wk_code"],
            "gemeente_code": gdf["gm_code"],
        },
        geometry=gdf.geometry,
        crs=gdf.crs,
    )
    rng = np.random.default_rng(7)
    xmin, ymin, xmax, ymax = areas.total_bounds
    x = rng.uniform(xmin - 500, xmax + 500, 20_000)
    y = rng.uniform(ymin - 500, ymax + 500, 20_000)
    ours = AreaIndex(areas).place(x, y, 100.0)

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=areas.crs)
    joined = gpd.sjoin(points, areas[["code", "geometry"]], predicate="within", how="left")
    expected = joined.groupby(level=0)["code"].min()  # lowest code where polygons overlap
    inside = expected.notna().to_numpy()
    assert inside.sum() > 5_000 and (~inside).sum() > 1_000
    assert (ours.buurt_code[inside] == expected[inside].to_numpy()).all()
    assert set(ours.how[inside]) == {"punt"}
    assert set(ours.how[~inside]) <= {"nabij", ""}
    # outside every area: placed exactly when within 100 m of one
    tree_dist = np.array([areas.distance(p).min() for p in points.geometry[~inside][:300]])
    placed = ours.how[~inside][:300] == "nabij"
    assert (placed == (tree_dist <= 100.0)).all()
