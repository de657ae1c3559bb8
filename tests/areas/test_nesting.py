"""Wijken whose buurten stick out of them load, with a warning naming each such wijk."""

import geopandas as gpd
import shapely
from areas_support import BUURTEN, WIJKEN, WIJKEN_UIT_BUURTEN

from oovgeo.areas import load_boundaries
from oovgeo.areas.validation import NEST_TOLERANCE


def _warned_wijken(areas) -> list[str]:
    """The wijk codes named by the warnings (the last line is the advice)."""
    return [line.split()[1] for line in areas.attrs["warnings"] if line.startswith("wijk ")]


def test_wijken_built_from_their_buurten_give_no_warning():
    areas = load_boundaries([WIJKEN_UIT_BUURTEN, BUURTEN], gemeenten=["GM0622"])
    assert areas.attrs["warnings"] == []
    assert load_boundaries([BUURTEN], gemeenten=["GM0622"]).attrs["warnings"] == []


def test_a_shrunk_wijk_is_named_with_the_buurten_that_stick_out(tmp_path):
    wijken = gpd.read_file(WIJKEN_UIT_BUURTEN)
    at = wijken.index[wijken["statcode"] == "WK062203"][0]
    # 80 % of its width and height around its centre: its outer buurten stick out
    wijken.loc[at, "geometry"] = shapely.affinity.scale(wijken.geometry[at], 0.8, 0.8)
    crafted = tmp_path / "wijken_2025_gekrompen.geojson"
    wijken.to_file(crafted, driver="GeoJSON")

    areas = load_boundaries([crafted, BUURTEN], gemeenten=["GM0622"])

    assert _warned_wijken(areas) == ["WK062203"]
    line = areas.attrs["warnings"][0]
    assert line.startswith("wijk WK062203 Vettenoordse Polder: ")
    shrunk = areas.set_index("code").loc["WK062203", "geometry"]
    buurten = gpd.read_file(BUURTEN)
    for code, geometry in zip(buurten["statcode"], buurten.geometry, strict=True):
        if code.startswith("BU062203"):
            outside = geometry.difference(shrunk).area / geometry.area
            assert (code in line) == (outside > NEST_TOLERANCE), code
    assert "laad dan alleen de buurten" in areas.attrs["warnings"][-1]


def test_the_official_generalised_wijken_do_not_nest_and_say_so():
    # README of ../shared/data: CBS generalises each layer on its own; in Centrum a buurt lies
    # for 42 % outside the official wijk polygon.
    areas = load_boundaries([WIJKEN, BUURTEN], gemeenten=["GM0622"])
    warned = _warned_wijken(areas)
    assert {"WK062201", "WK062205"} <= set(warned)
    assert "BU06220102 42 %" in next(w for w in areas.attrs["warnings"] if "WK062201" in w)
