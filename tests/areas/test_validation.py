"""validate() and the errors it reports, on files and on hand-made frames."""

import pytest
from areas_support import (
    BUURTEN,
    WIJKEN,
    statcode_file,
)
from shapely.geometry import Polygon, box

from oovgeo.areas import (
    BoundaryError,
    load_boundaries,
    validate,
)
from oovgeo.crs import WGS84


def test_bad_code_is_named(tmp_path):
    path = statcode_file(
        tmp_path / "b_2025.geojson", [("BU123", box(82500, 436000, 83100, 436500), {})]
    )
    with pytest.raises(BoundaryError, match="ongeldige buurtcode 'BU123'"):
        load_boundaries([path])


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


def test_error_lists_at_most_ten_problems(tmp_path):
    rows = [(f"BU06229{n:03d}", box(82500, 436000, 83100, 436500), {}) for n in range(15)]
    rows += rows  # every code twice
    with pytest.raises(BoundaryError) as caught:
        load_boundaries([statcode_file(tmp_path / "b_2025.geojson", rows)])
    message = str(caught.value)
    assert "15 problemen" in message and "nog 5 andere problemen" in message
    assert len(caught.value.problems) == 15


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
