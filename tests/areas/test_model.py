"""The public constants and code helpers of the area model."""

from oovgeo.areas import (
    AREA_COLUMNS,
    LEVELS,
    parse_gemeente_code,
)


def test_levels_and_columns_are_public_constants():
    assert LEVELS == ("gemeente", "wijk", "buurt")
    assert AREA_COLUMNS[-1] == "geometry" and len(AREA_COLUMNS) == 9
    assert parse_gemeente_code(622) == "GM0622"
