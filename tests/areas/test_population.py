"""Inhabitants per area and year from a CSV."""

import pandas as pd
import pytest
from areas_support import (
    BUURTEN,
)

from oovgeo.areas import (
    BoundaryError,
    read_boundaries,
    read_population,
    with_population,
)

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
    with pytest.raises(BoundaryError, match="kolom voor de inwoners ontbreekt"):
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
