"""Several files into one checked model: derived levels, the last file wins."""

import pandas as pd
import pytest
from areas_support import (
    BUURTEN,
    GEMEENTEN,
    SHARED,
    WIJKEN,
    WIJKEN_UIT_BUURTEN,
)

from oovgeo.areas import (
    BoundaryError,
    load_boundaries,
    read_boundaries,
)


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


def test_gemeenten_alone_are_refused_naming_the_files_to_add():
    with pytest.raises(BoundaryError) as caught:
        load_boundaries([GEMEENTEN], gemeenten=["GM0622"])
    message = str(caught.value)
    assert message.startswith("gemeenten_2025.geojson: alleen gemeentegrenzen (GM0622")
    assert "buurten_2025.geojson" in message and "wijken" in message


def test_gemeenten_with_buurten_keep_the_official_outline():
    areas = load_boundaries([GEMEENTEN, BUURTEN], gemeenten=["GM0622"])
    assert areas["level"].value_counts().to_dict() == {"buurt": 40, "wijk": 8, "gemeente": 1}
    official = read_boundaries(GEMEENTEN, gemeenten=["GM0622"]).geometry.iloc[0]
    assert areas.set_index("code").loc["GM0622", "geometry"].equals(official)
