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
