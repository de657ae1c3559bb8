"""Which column feeds which field, and the file refused when a required one is missing."""

import pytest

from oovgeo.ingest.columns import canonical_frame, check_required, match_columns
from oovgeo.ingest.profiles import KindProfile, load_profiles
from oovgeo.ingest.readers import RawTable
from oovgeo.ingest.rules import ImportError_


@pytest.fixture(scope="module")
def generic():
    return load_profiles()["generiek"]


def test_headers_match_whatever_their_case_accents_and_punctuation(generic):
    columns = ["Meldingsnummer", "Datum", "Thema", "Bron", "X-coördinaat", "X RD", "Y_RD", "Naam"]
    found = match_columns(columns, generic.kind("signals"))
    # "X-coördinaat" is no accepted header for x; "X RD" is; the name column feeds nothing
    assert found == {"melding_id": 0, "datum": 1, "thema": 2, "bron": 3, "x": 5, "y": 6}


def test_the_profile_order_of_headers_decides_not_the_file_order(generic):
    # the profile lists "datum" before "meldingsdatum"
    found = match_columns(["Meldingsdatum", "Datum"], generic.kind("signals"))
    assert found == {"datum": 1}


def test_a_wgs84_file_and_an_rd_file_both_find_their_location_columns(generic):
    kp = generic.kind("signals")
    assert match_columns(["Latitude", "Lng"], kp) == {"lat": 0, "lon": 1}
    assert match_columns(["RD_X", "RD_Y"], kp) == {"x": 0, "y": 1}


def test_missing_required_columns_are_named_with_the_columns_the_file_has(generic):
    kp = generic.kind("signals")
    columns = ["Thema", "Omschrijving"]
    with pytest.raises(ImportError_) as caught:
        check_required("signals", match_columns(columns, kp), kp, columns)
    assert str(caught.value) == (
        "verplichte kolom(men) ontbreken: datum, bron, locatie (x/y, lat/lon, buurtcode of "
        "adres). Kolommen in het bestand: Thema, Omschrijving. Kies een ander profiel of pas "
        "het profiel aan."
    )


def test_interventions_need_no_source_and_any_one_location_column_will_do(generic):
    kp = generic.kind("interventions")
    columns = ["Datum", "Thema", "Adres"]
    check_required("interventions", match_columns(columns, kp), kp, columns)  # no error


def test_a_profile_default_stands_in_for_a_missing_column():
    kp = KindProfile(
        columns={"datum": ("datum",), "thema": ("thema",), "buurtcode": ("buurt",)},
        defaults={"bron": "politie"},
    )
    columns = ["Datum", "Thema", "Buurt"]
    check_required("signals", match_columns(columns, kp), kp, columns)  # no error


def test_canonical_frame_keeps_the_found_columns_trimmed_and_pads_short_rows():
    table = RawTable(
        columns=["Naam", "Datum", "Thema"],
        rows=[["Jan", " 01-02-2024 ", "woonoverlast "], ["Piet", "02-02-2024"]],
        row_numbers=[2, 3],
        encoding="utf-8",
        delimiter=";",
        sheet=None,
    )
    frame = canonical_frame(table, {"datum": 1, "thema": 2})
    assert frame.columns.tolist() == ["datum", "thema"]  # the name column is not carried (P1)
    assert frame.to_dict("list") == {
        "datum": ["01-02-2024", "02-02-2024"],
        "thema": ["woonoverlast", ""],
    }
