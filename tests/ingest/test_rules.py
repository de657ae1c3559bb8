"""The problem collector: every rejected row kept, with a Dutch reason and a masked value."""

import numpy as np
import pandas as pd

from oovgeo.ingest import parse
from oovgeo.ingest.rules import RULE_TEXT, WARNING_TEXT, Collector, Rejection, cell_text


def test_every_rule_and_note_of_the_parser_has_a_dutch_text():
    # a user never sees a bare rule code
    assert set(parse.RULES) <= set(RULE_TEXT)
    assert set(parse.NOTES) <= set(WARNING_TEXT)


def test_collector_keeps_every_problem_of_every_row_in_file_order():
    col = Collector(np.array([2, 3, 5, 6]))  # spreadsheet rows; row 4 was blank in the file
    col.add(
        np.array([False, True, False, True]),
        "datum",
        "geen_datum",
        pd.Series(["01-01-2024", "31-02-2024", "", "morgen"]),
    )
    col.add(np.array([False, True, False, False]), "thema", "leeg", pd.Series(["a", "", "c", "d"]))
    assert col.rejections() == [
        Rejection(
            3, "datum", "geen_datum", "geen geldige datum (verwacht dd-mm-jjjj)", "31••••••••"
        ),
        Rejection(3, "thema", "leeg", "verplicht veld is leeg", ""),
        Rejection(6, "datum", "geen_datum", "geen geldige datum (verwacht dd-mm-jjjj)", "mo••••"),
    ]
    # a row with two problems is one rejected row
    assert col.bad.tolist() == [False, True, False, True]


def test_accepted_plus_rejected_is_every_row_read():
    n = 6
    col = Collector(np.arange(2, n + 2))
    values = pd.Series([str(i) for i in range(n)])
    col.add(np.array([1, 0, 0, 1, 0, 0], dtype=bool), "x", "geen_getal", values)
    col.add(np.array([1, 0, 0, 0, 0, 1], dtype=bool), "y", "geen_getal", values)
    col.add(np.zeros(n, dtype=bool), "thema", "leeg", values)  # nothing to add
    rejected_rows = {r.row for r in col.rejections()}
    assert rejected_rows == {2, 5, 7}
    assert int(col.bad.sum()) == len(rejected_rows) == 3
    assert int((~col.bad).sum()) + len(rejected_rows) == n
    assert len(col.rejections()) == 4


def test_a_rule_per_row_and_an_unknown_rule_code():
    col = Collector(np.array([10, 11]))
    col.add(
        np.array([True, True]),
        "x/y",
        np.array(["nulcoordinaat", "eigen_regel"], dtype=object),
        pd.Series(["0 0", "AB"]),
    )
    assert [(r.row, r.rule, r.message, r.value) for r in col.rejections()] == [
        (10, "nulcoordinaat", "coördinaat is 0", "0••"),
        (11, "eigen_regel", "eigen_regel", "A•"),  # no text: the code itself
    ]


def test_long_values_are_masked_to_two_characters_and_at_most_twelve_dots():
    col = Collector(np.array([2]))
    col.add(np.array([True]), "adres", "te_lang", pd.Series(["Dorpsstraat 1, 1234 AB Ergens"]))
    assert col.rejections()[0].value == "Do" + "•" * 12


def test_cell_text_of_an_absent_column_is_empty_text_on_the_same_rows():
    frame = pd.DataFrame({"thema": ["a", "b"]}, index=[7, 9])
    assert cell_text(frame, "thema").tolist() == ["a", "b"]
    missing = cell_text(frame, "bron")
    assert missing.tolist() == ["", ""]
    assert missing.index.tolist() == [7, 9]
