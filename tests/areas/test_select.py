"""Choosing gemeenten, level and edition while reading."""

import pytest
from areas_support import (
    BUURTEN,
    WIJKEN,
    write_geojson,
)
from shapely.geometry import box

from oovgeo.areas import (
    BoundaryError,
    read_boundaries,
)


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
