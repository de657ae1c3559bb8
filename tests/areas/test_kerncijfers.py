"""CBS "Kerncijfers wijken en buurten" in the forms CBS hands it out (85984NED, 85618NED).

Before issue 14 only the form of ``tests/analysis/test_rates.py`` loaded; a typed data set
saved by pandas (commas, ``1235.0``), a download with names in ``WijkenEnBuurten`` and a
StatLine file name without the table id were refused.
"""

import pandas as pd
import pytest

from oovgeo.areas import BoundaryError
from oovgeo.areas.kerncijfers import read_population_file

# (ID, key, name, gemeente, region type, code, inhabitants) as in the 2024 table; "." is secret
REGIONS = [
    ("0", "NL00", "Nederland", "Nederland", "Land", "NL00", "17942942"),
    ("1", "PV28", "Zuid-Holland", "Zuid-Holland", "Provincie", "PV28", "3834504"),
    ("2", "GM0622", "Vlaardingen", "Vlaardingen", "Gemeente", "GM0622", "75230"),
    ("3", "WK062201", "Centrum", "Vlaardingen", "Wijk", "WK062201", "9850"),
    ("4", "BU06220101", "Indische Buurt", "Vlaardingen", "Buurt", "BU06220101", "1235"),
    ("5", "BU06220102", "Oude Haven", "Vlaardingen", "Buurt", "BU06220102", "."),
]
HEADER = [
    "ID",
    "WijkenEnBuurten",
    "Gemeentenaam_1",
    "SoortRegio_2",
    "Codering_3",
    "IndelingswijzigingWijkenEnBuurten_4",
    "AantalInwoners_5",
    "Mannen_6",
]
EXPECTED = {"GM0622": 75230, "WK062201": 9850, "BU06220101": 1235, "BU06220102": None}


def _figures(frame) -> dict:
    return {
        code: None if pd.isna(n) else int(n)
        for code, n in zip(frame["code"], frame["inhabitants"], strict=True)
    }


def _untyped(key_column: str = "key") -> list[str]:
    """The StatLine CSV: every cell quoted and padded, keys left, figures right aligned."""
    lines = [";".join(f'"{h}"' for h in HEADER)]
    for row_id, key, name, gemeente, kind, code, count in REGIONS:
        first = key if key_column == "key" else name
        cells = [
            row_id,
            first.ljust(10),
            gemeente.ljust(40),
            kind.ljust(10),
            code.ljust(10),
            "1".rjust(10),
            count.rjust(10),
            ".".rjust(10),
        ]
        lines.append(";".join(f'"{c}"' for c in cells))
    return lines


def test_statline_csv_all_quoted_and_padded(tmp_path):
    path = tmp_path / "85984NED_UntypedDataSet_07122025_101500.csv"
    path.write_bytes(("\r\n".join(_untyped()) + "\r\n").encode("utf-8-sig"))
    frame = read_population_file(path)
    assert _figures(frame) == EXPECTED
    assert set(frame["year"]) == {2024}
    assert frame.attrs["skipped"] == 2  # Nederland and the provincie


def test_typed_data_set_saved_by_pandas(tmp_path):
    # cbsodata -> DataFrame.to_csv: commas, no padding, a column with gaps became float
    lines = [",".join(HEADER)]
    for row_id, key, _name, gemeente, kind, code, count in REGIONS:
        value = "" if count == "." else f"{count}.0"
        lines.append(",".join([row_id, key, gemeente, kind, code, "1", value, ""]))
    path = tmp_path / "85618NED_TypedDataSet.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read_population_file(path)
    assert _figures(frame) == EXPECTED
    assert set(frame["year"]) == {2023}  # 85618NED is the 2023 table


def test_names_in_wijken_en_buurten_take_the_code_from_codering(tmp_path):
    lines = ['"Kerncijfers wijken en buurten 2024"', *_untyped("name"), '"Bron: CBS"']
    path = tmp_path / "Kerncijfers_wijken_en_buurten_2024_07122025_101500.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read_population_file(path)
    assert _figures(frame) == EXPECTED
    assert set(frame["year"]) == {2024}  # from the year after "Kerncijfers" in the name
    assert frame.attrs["skipped"] == 3  # Nederland, the provincie and the source line


def test_without_a_year_the_table_asks_for_one(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join(_untyped()) + "\n", encoding="utf-8")
    with pytest.raises(BoundaryError, match="--jaar"):
        read_population_file(path)
    assert set(read_population_file(path, 2022)["year"]) == {2022}


def test_thousands_separators_are_refused_not_misread(tmp_path):
    lines = [";".join(HEADER), "1;GM0622;Vlaardingen;Gemeente;GM0622;1;75.230;."]
    path = tmp_path / "85984NED.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BoundaryError, match="ongeldig aantal inwoners '75.230'"):
        read_population_file(path)
