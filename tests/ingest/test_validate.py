"""Row validation on small files: each bad field rejected with its Dutch reason, nothing lost.

Rows are placed by buurt code on one hand-made buurt; "today" is 1 June 2024.
"""

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from oovgeo.ingest.placement import AreaIndex
from oovgeo.ingest.profiles import load_profiles
from oovgeo.ingest.validate import validate

TODAY = date(2024, 6, 1)
BU = "BU03070101"


@pytest.fixture(scope="module")
def index():
    areas = gpd.GeoDataFrame(
        {
            "level": ["buurt"],
            "code": [BU],
            "parent_code": ["WK030701"],
            "gemeente_code": ["GM0307"],
        },
        geometry=[box(154000, 462000, 155500, 464000)],
        crs="EPSG:28992",
    )
    return AreaIndex(areas)


def signals(**columns):
    """A signals file of as many rows as the longest column; other fields valid."""
    n = max(len(v) for v in columns.values())
    base = {
        "melding_id": [f"M{i}" for i in range(n)],
        "datum": ["05-03-2024"] * n,
        "thema": ["woonoverlast"] * n,
        "bron": ["politie"] * n,
        "buurtcode": [BU] * n,
    }
    return pd.DataFrame(base | columns, dtype=object)


def check(settings, index, raw, kind="signals", **kwargs):
    kp = load_profiles()["generiek"].kind(kind)
    rows = np.arange(2, len(raw) + 2)
    return validate(
        raw, rows, kind=kind, kp=kp, settings=settings, index=index, today=TODAY, **kwargs
    )


def reasons(valid):
    return [(r.row, r.field, r.rule, r.message, r.value) for r in valid.rejections]


def test_a_valid_row_is_converted_to_stored_values(settings, index):
    raw = signals(postcode=["3811 ab"], anoniem=["ja"], thema=["Woonoverlast"])
    valid = check(settings, index, raw)
    assert valid.rejections == []
    row = valid.frame.iloc[0]
    assert row["datum"] == date(2024, 3, 5)  # day first
    assert row["thema"] == "woonoverlast"  # the label is read as its code
    assert row["postcode"] == "3811AB"
    assert row["anoniem"] is True
    assert row["buurt_code"] == BU


@pytest.mark.parametrize(
    ("text", "rule", "message", "shown"),
    [
        ("31-02-2024", "geen_datum", "geen geldige datum (verwacht dd-mm-jjjj)", "31••••••••"),
        ("12-31-2024", "geen_datum", "geen geldige datum (verwacht dd-mm-jjjj)", "12••••••••"),
        ("02-06-2024", "datum_in_toekomst", "datum ligt in de toekomst", "02••••••••"),
        ("31-12-1989", "datum_te_oud", "datum ligt voor 1990", "31••••••••"),
        ("", "leeg", "verplicht veld is leeg", ""),
    ],
)
def test_a_bad_date_rejects_the_row_naming_the_column_and_value(
    settings, index, text, rule, message, shown
):
    valid = check(settings, index, signals(datum=["05-03-2024", text]))
    assert reasons(valid) == [(3, "datum", rule, message, shown)]
    assert valid.bad.tolist() == [False, True]


def test_unknown_theme_is_rejected_with_its_label_and_unknown_source_kept_as_onbekend(
    settings, index
):
    raw = signals(
        thema=["woonoverlast", "Vuurwerk", "", "woonoverlast", "woonoverlast", "woonoverlast"],
        bron=["politie", "politie", "politie", "Buurman", "politie", "buurman "],
        postcode=["", "", "", "", "0123AB", ""],
        anoniem=["nee", "", "", "", "misschien", ""],
    )
    valid = check(settings, index, raw)
    assert [(r.row, r.field, r.rule) for r in valid.rejections] == [
        (3, "thema", "onbekend_thema"),
        (4, "thema", "leeg"),
        (6, "anoniem", "geen_janee"),  # a row's problems by field name
        (6, "postcode", "postcode_ongeldig"),
    ]
    # the theme label stays readable in the rejection, so a mapping can find it again
    assert valid.rejections[0].value == "Vuurwerk"
    assert valid.bad.tolist() == [False, True, True, False, True, False]
    # the unknown source is no reason to drop the signal: stored as 'onbekend', label counted
    assert valid.frame["bron"].tolist()[3] == "onbekend"
    assert valid.frame["bron"].tolist()[5] == "onbekend"
    assert valid.unmapped == {"bron": {"Buurman": 2}}  # one label however it is spelled


def test_shipped_aliases_map_real_export_labels_ignoring_case_accents_and_punctuation(
    settings, index
):
    labels = ["MOR", "Meldpunt", "meldpunt-overlast", "BOA", "Handhaving", "MeV", " m.e.v. "]
    raw = signals(bron=labels, thema=["Jongerenoverlast"] * len(labels))
    valid = check(settings, index, raw)
    assert not valid.rejections
    assert valid.frame["bron"].tolist() == [
        "meldpunt_overlast",
        "meldpunt_overlast",
        "meldpunt_overlast",
        "boa",
        "boa",
        "meld_een_vermoeden",
        "meld_een_vermoeden",
    ]
    assert set(valid.frame["thema"]) == {"jeugdoverlast"}


def test_accepted_plus_rejected_rows_is_every_row_read(settings, index):
    raw = signals(
        datum=["05-03-2024", "xx", "05-03-2024", "", "05-03-2024", "05-03-2024"],
        thema=["woonoverlast", "onzin", "woonoverlast", "", "woonoverlast", "woonoverlast"],
        buurtcode=[BU, BU, "BU00000000", BU, BU, BU],
    )
    valid = check(settings, index, raw)
    rejected = {r.row for r in valid.rejections}
    assert rejected == {3, 4, 5}
    assert len(valid.frame[~valid.bad]) + len(rejected) == 6
    assert len(valid.rejections) == 5  # row 3 and row 5 each have two problems


def test_a_row_without_id_gets_the_same_derived_id_every_time(settings, index):
    raw = signals(melding_id=["", "", "M9"], thema=["woonoverlast", "ondermijning", "ondermijning"])
    first = check(settings, index, raw)
    again = check(settings, index, raw.copy())
    ids = first.frame["source_id"].tolist()
    assert ids == again.frame["source_id"].tolist()
    assert ids[2] == "M9"
    assert ids[0] != ids[1]
    assert all(i.startswith("h") and len(i) == 17 for i in ids[:2])
    assert first.warnings["id_afgeleid"] == 2


def test_warnings_count_only_rows_that_were_kept(settings, index):
    raw = signals(melding_id=["", ""], datum=["05-03-2024", "xx"])
    assert check(settings, index, raw).warnings["id_afgeleid"] == 1


def test_a_too_long_id_and_a_ragged_row_are_rejected(settings, index):
    raw = signals(melding_id=["M" * 101, "M2", "M3"])
    valid = check(settings, index, raw, ragged={4})
    assert [(r.row, r.field, r.rule, r.message) for r in valid.rejections] == [
        (2, "melding_id", "te_lang", "waarde is te lang"),
        (4, "rij", "aantal_kolommen", "aantal kolommen in deze rij klopt niet met de kop"),
    ]


def test_interventions_partners_outcomes_and_shortlist_links(settings, index):
    raw = pd.DataFrame(
        {
            "interventie_id": ["I1", "I2", "I3", "I4", "I5"],
            "datum": ["05-03-2024"] * 5,
            "thema": ["ondermijning"] * 5,
            "buurtcode": [BU] * 5,
            "partners": ["Politie; brandweer", "", "politie/kapper", "", ""],
            "uitkomst": ["Waarschuwing", "", "", "verbanning", ""],
            "shortlist_id": ["7", "", "", "", "8"],
        },
        dtype=object,
    )
    valid = check(settings, index, raw, kind="interventions", shortlist_ids={7})
    assert [(r.row, r.field, r.rule) for r in valid.rejections] == [
        (6, "shortlist_id", "onbekend_shortlist_item"),
    ]
    kept = valid.frame.iloc[:4]
    assert kept["partners"].iat[0] == "brandweer;politie"
    assert pd.isna(kept["partners"].iat[1])
    assert kept["partners"].iat[2] == "onbekend;politie"  # the kapper is nobody's code
    assert kept["uitkomst"].iat[0] == "waarschuwing"
    assert pd.isna(kept["uitkomst"].iat[1])  # an outcome may be empty
    assert kept["uitkomst"].iat[3] == "onbekend"
    assert valid.unmapped == {"partners": {"kapper": 1}, "uitkomst": {"verbanning": 1}}
    assert kept["shortlist_id"].tolist()[0] == 7
    assert pd.isna(kept["shortlist_id"].iat[1])
