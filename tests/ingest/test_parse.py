"""Parsing Dutch export values: numbers, dates, yes/no, coordinates, masking, headers."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from oovgeo.ingest import parse
from oovgeo.ingest.parse import ParseError

TODAY = date(2025, 6, 15)


def rule_of(function, *args, **kwargs) -> str:
    with pytest.raises(ParseError) as caught:
        function(*args, **kwargs)
    assert caught.value.rule in parse.RULES
    assert caught.value.message == parse.RULE_MESSAGES[caught.value.rule]
    return caught.value.rule


def test_rule_codes_are_stable_snake_case_with_dutch_messages():
    assert set(parse.RULES) == {
        "leeg", "geen_getal", "geen_datum", "datum_in_toekomst", "datum_te_oud",
        "geen_janee", "nulcoordinaat", "coordinaat_buiten_nederland",
    }  # fmt: skip
    assert set(parse.NOTES) == {"assen_verwisseld", "wgs84_in_xy", "rd_in_latlon"}
    assert parse.RULE_MESSAGES["datum_te_oud"] == "De datum ligt vóór 1990."
    assert isinstance(ParseError("leeg"), ValueError)


# --- numbers ---------------------------------------------------------------------------------

NUMBERS = [
    ("83065", 83065.0),
    ("83065.5", 83065.5),
    ("83065,5", 83065.5),  # decimal comma
    ("83.065,5", 83065.5),  # Dutch thousands separator
    ("83,065.5", 83065.5),  # English thousands separator
    (" 4,3456 ", 4.3456),
    ("-1,5", -1.5),
    ("\u22121,5", -1.5),  # Unicode minus sign from a word processor
    ("+2", 2.0),
    (",5", 0.5),
    ("1.234.567", 1234567.0),
    ("1,234,567", 1234567.0),
    ("1.234.567,89", 1234567.89),
    ("1e3", 1000.0),
    ("1,5E-2", 0.015),
    ("4.3417E+00", 4.3417),
    ("83.065", 83.065),  # one separator is always the decimal one
    ("51,912", 51.912),
    ("0", 0.0),
]
NOT_NUMBERS = [
    ("", "leeg"),
    ("   ", "leeg"),
    ("abc", "geen_getal"),
    ("1.2.3", "geen_getal"),
    ("12,34,56", "geen_getal"),  # not groups of three
    ("1.234,5.6", "geen_getal"),
    ("83065,5 m", "geen_getal"),
    ("1 234", "geen_getal"),
    ("--1", "geen_getal"),
    ("12-3", "geen_getal"),
    ("0x10", "geen_getal"),
    ("nan", "geen_getal"),
    ("inf", "geen_getal"),
    ("1e999", "geen_getal"),  # overflows to infinity
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text, expected):
    assert parse.parse_number(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("text", "rule"), NOT_NUMBERS)
def test_parse_number_rejects(text, rule):
    assert rule_of(parse.parse_number, text) == rule


def test_number_array_agrees_with_scalar_on_all_cases():
    texts = [t for t, _ in NUMBERS + NOT_NUMBERS] + [None, float("nan")]
    values, rules = parse.parse_number_array(pd.Series(texts, dtype=object))
    for text, value, rule in zip(texts, values, rules, strict=True):
        assert (value, rule) == scalar_number(text) or (
            math.isnan(value) and rule == scalar_number(text)[1]
        )


def scalar_number(text) -> tuple[float, str]:
    try:
        return parse.parse_number(text), ""
    except ParseError as error:
        return math.nan, error.rule


def test_number_array_ignores_the_series_index():
    values, rules = parse.parse_number_array(pd.Series(["1,5", "x"], index=[10, 20]))
    assert values[0] == 1.5 and math.isnan(values[1])
    assert list(rules) == ["", "geen_getal"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,-+eE ", max_size=12))
def test_number_array_agrees_with_scalar(text):
    values, rules = parse.parse_number_array(pd.Series([text]))
    value, rule = scalar_number(text)
    assert rules[0] == rule
    assert (math.isnan(values[0]) and math.isnan(value)) or values[0] == value


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_dutch_formatted_numbers_round_trip(number):
    dutch = f"{number:,.3f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert parse.parse_number(dutch) == pytest.approx(round(number, 3), abs=1e-6)


# --- yes/no ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja", True), ("Ja", True), ("J", True), ("true", True), ("TRUE", True),
        ("waar", True), ("yes", True), ("1", True), ("x", True), (" X ", True),
        ("nee", False), ("N", False), ("false", False), ("onwaar", False), ("no", False),
        ("0", False), ("", None), ("  ", None),
    ],
)  # fmt: skip
def test_parse_bool(text, expected):
    assert parse.parse_bool(text) is expected


@pytest.mark.parametrize("text", ["misschien", "2", "ja/nee", "-"])
def test_parse_bool_rejects(text):
    assert rule_of(parse.parse_bool, text) == "geen_janee"


# --- dates -----------------------------------------------------------------------------------

DATES = [
    ("03-01-2024", datetime(2024, 1, 3)),
    ("3-1-2024", datetime(2024, 1, 3)),
    ("03/01/2024", datetime(2024, 1, 3)),
    ("03.01.2024", datetime(2024, 1, 3)),
    ("03-01-24", datetime(2024, 1, 3)),  # 24 <= 25 (this year): 2024
    ("03-01-99", datetime(1999, 1, 3)),  # 99 > 25: 1999
    ("03-01-25", datetime(2025, 1, 3)),
    ("2024-01-03", datetime(2024, 1, 3)),
    ("2024-1-3", datetime(2024, 1, 3)),
    ("03-01-2024 14:30", datetime(2024, 1, 3, 14, 30)),
    ("03-01-2024 14:30:05", datetime(2024, 1, 3, 14, 30, 5)),
    ("3-1-2024 9:05", datetime(2024, 1, 3, 9, 5)),
    ("2024-01-03 14:30", datetime(2024, 1, 3, 14, 30)),
    ("2024-01-03T14:30:05", datetime(2024, 1, 3, 14, 30, 5)),
    ("2024-01-03T14:30:05.250", datetime(2024, 1, 3, 14, 30, 5, 250_000)),
    ("2024-01-03T10:00:00Z", datetime(2024, 1, 3, 11, 0)),  # UTC -> CET (+1)
    ("2024-07-03T08:00:00Z", datetime(2024, 7, 3, 10, 0)),  # UTC -> CEST (+2)
    ("2024-07-03T10:00:00+02:00", datetime(2024, 7, 3, 10, 0)),
    ("2024-07-03T09:00:00+0100", datetime(2024, 7, 3, 10, 0)),
    ("3 januari 2024", datetime(2024, 1, 3)),
    ("3 jan 2024", datetime(2024, 1, 3)),
    ("3 jan. 2024", datetime(2024, 1, 3)),
    ("3-mrt-2024", datetime(2024, 3, 3)),
    ("15 Oktober 2023", datetime(2023, 10, 15)),
    ("1 mei 2024 08:15", datetime(2024, 5, 1, 8, 15)),
    # Excel serial: days since 1899-12-30; 1900-2024 holds 124 years and 30 leap days
    # (1904..2020), so 2024-01-01 is 124 * 365 + 30 + 2 = 45292.
    ("45292", datetime(2024, 1, 1)),
    ("45293", datetime(2024, 1, 2)),
    ("15-06-2025", datetime(2025, 6, 15)),  # today itself
    ("15-06-2025 23:59", datetime(2025, 6, 15, 23, 59)),
    ("01-01-1990", datetime(1990, 1, 1)),  # the earliest accepted date
]
NOT_DATES = [
    ("", "leeg"),
    ("  ", "leeg"),
    ("12-31-2024", "geen_datum"),  # American order is never guessed
    ("31-02-2024", "geen_datum"),
    ("2024-13-01", "geen_datum"),
    ("03-01-2024 25:00", "geen_datum"),
    ("03-01/2024", "geen_datum"),
    ("gisteren", "geen_datum"),
    ("3 foo 2024", "geen_datum"),
    ("2024", "geen_datum"),
    ("19999", "geen_datum"),  # too small for an Excel date serial
    ("80001", "geen_datum"),
    ("45292,5", "geen_datum"),
    ("16-06-2025", "datum_in_toekomst"),
    ("01-01-2030", "datum_in_toekomst"),
    ("31-12-1989", "datum_te_oud"),
    ("03-01-26", "datum_te_oud"),  # 26 > 25: 1926
    ("01-01-0001", "datum_te_oud"),
    ("31-12-9999", "datum_in_toekomst"),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_parse_datetime(text, expected):
    assert parse.parse_datetime(text, today=TODAY) == expected
    assert parse.parse_date(text, today=TODAY) == expected.date()


@pytest.mark.parametrize(("text", "rule"), NOT_DATES)
def test_parse_date_rejects(text, rule):
    assert rule_of(parse.parse_date, text, today=TODAY) == rule


def scalar_datetime(text) -> tuple[datetime | None, str]:
    try:
        return parse.parse_datetime(text, today=TODAY), ""
    except ParseError as error:
        return None, error.rule


def test_date_array_agrees_with_scalar_on_all_cases():
    texts = [t for t, _ in DATES + NOT_DATES] + [None]
    values, rules = parse.parse_date_array(pd.Series(texts, dtype=object), today=TODAY)
    assert values.dtype == np.dtype("datetime64[ns]")
    for text, value, rule in zip(texts, values, rules, strict=True):
        expected, expected_rule = scalar_datetime(text)
        assert rule == expected_rule, text
        if expected is None:
            assert np.isnat(value), text
        else:
            assert pd.Timestamp(value).to_pydatetime() == expected, text


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1985, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M:%S"]),
    st.integers(0, 23),
    st.integers(0, 59),
)
def test_date_array_agrees_with_scalar(day, fmt, hour, minute):
    text = datetime(day.year, day.month, day.day, hour, minute).strftime(fmt)
    values, rules = parse.parse_date_array(pd.Series([text]), today=TODAY)
    expected, expected_rule = scalar_datetime(text)
    assert rules[0] == expected_rule
    if expected is not None:
        assert pd.Timestamp(values[0]).to_pydatetime() == expected


# --- coordinates -----------------------------------------------------------------------------

VLAARDINGEN_RD = (83065.0, 436518.0)
TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
VL_LON, VL_LAT = TO_WGS84.transform(*VLAARDINGEN_RD)


def assert_near(point, expected, metres):
    assert math.dist(point[:2], expected) <= metres, point


def test_vlaardingen_lies_where_expected():
    # sanity of the test fixture itself: about lon 4.3417, lat 51.912
    assert VL_LON == pytest.approx(4.3417, abs=0.001)
    assert VL_LAT == pytest.approx(51.912, abs=0.001)


def test_amersfoort_rd_origin():
    # RD is defined by the Onze Lieve Vrouwetoren in Amersfoort: (155000, 463000) at
    # 52.15517440 N, 5.38720621 E.
    x, y, note = parse.classify_latlon(52.15517440, 5.38720621)
    assert note == ""
    assert_near((x, y), (155000, 463000), 2)


def test_rd_is_kept_as_is():
    assert parse.classify_xy(*VLAARDINGEN_RD) == (83065.0, 436518.0, "")


def test_swapped_rd_axes_are_swapped_back():
    assert parse.classify_xy(436518, 83065) == (83065.0, 436518.0, "assen_verwisseld")


@pytest.mark.parametrize("swap", [False, True])
def test_wgs84_in_xy_columns_is_converted(swap):
    x, y = (VL_LAT, VL_LON) if swap else (VL_LON, VL_LAT)
    result = parse.classify_xy(x, y)
    assert result[2] == "wgs84_in_xy"
    assert_near(result, VLAARDINGEN_RD, 2)  # round trip RD -> WGS84 -> RD


def test_latlon_round_trip_within_two_metres():
    result = parse.classify_latlon(VL_LAT, VL_LON)
    assert result[2] == ""
    assert_near(result, VLAARDINGEN_RD, 2)


def test_latlon_of_the_brief_lands_in_vlaardingen():
    # lon 4.3417, lat 51.9122 as quoted (rounded, ~30 m south of the RD point)
    assert_near(parse.classify_latlon(51.9122, 4.3417), VLAARDINGEN_RD, 50)


def test_swapped_latlon_is_detected():
    result = parse.classify_latlon(VL_LON, VL_LAT)
    assert result[2] == "assen_verwisseld"
    assert_near(result, VLAARDINGEN_RD, 2)


@pytest.mark.parametrize(("lat", "lon"), [(436518, 83065), (83065, 436518)])
def test_rd_metres_in_latlon_columns(lat, lon):
    assert parse.classify_latlon(lat, lon) == (83065.0, 436518.0, "rd_in_latlon")


@pytest.mark.parametrize("classify", [parse.classify_xy, parse.classify_latlon])
@pytest.mark.parametrize("pair", [(0, 0), (0, 436518), (83065, 0), (0.0, 51.9)])
def test_zero_coordinates(classify, pair):
    assert rule_of(classify, *pair) == "nulcoordinaat"


@pytest.mark.parametrize(
    "pair",
    [
        (1_000_000, 1_000_000),
        (-83065, 436518),
        (300_500, 436518),  # just east of the RD bounds
        (83.065, 436.518),  # kilometres
        (2.3522, 48.8566),  # Paris
        (2.6, 51.5),  # within the degree box but west of the RD area
    ],
)
def test_xy_outside_the_netherlands(pair):
    assert rule_of(parse.classify_xy, *pair) == "coordinaat_buiten_nederland"


@pytest.mark.parametrize("pair", [(48.8566, 2.3522), (51.5, 2.6), (40.0, 4.0), (-51.9, 4.3)])
def test_latlon_outside_the_netherlands(pair):
    # lon 2.6 at lat 51.5 is 2.79 degrees x 69.3 km west of Amersfoort: x about -38 km
    assert rule_of(parse.classify_latlon, *pair) == "coordinaat_buiten_nederland"


@pytest.mark.parametrize("classify", [parse.classify_xy, parse.classify_latlon])
def test_missing_coordinate(classify):
    assert rule_of(classify, math.nan, 436518) == "leeg"


XY_CASES = [
    VLAARDINGEN_RD, (436518, 83065), (VL_LON, VL_LAT), (VL_LAT, VL_LON), (0, 0),
    (0, 436518), (1e6, 1e6), (2.6, 51.5), (math.nan, 1.0), (150_000, 150_000),
]  # fmt: skip
LATLON_CASES = [
    (VL_LAT, VL_LON), (VL_LON, VL_LAT), (436518, 83065), (83065, 436518), (0, 0),
    (48.8566, 2.3522), (math.nan, math.nan), (51.5, 2.6),
]  # fmt: skip


def scalar_coordinate(classify, a, b) -> tuple[float, float, str, str]:
    try:
        return (*classify(a, b), "")
    except ParseError as error:
        return math.nan, math.nan, "", error.rule


def assert_arrays_agree(classify, classify_arrays, pairs):
    a = np.array([p[0] for p in pairs], dtype=float)
    b = np.array([p[1] for p in pairs], dtype=float)
    xs, ys, notes, rules = classify_arrays(a, b)
    for i, pair in enumerate(pairs):
        x, y, note, rule = scalar_coordinate(classify, *pair)
        assert (notes[i], rules[i]) == (note, rule), pair
        assert xs[i] == pytest.approx(x, nan_ok=True, abs=1e-6)
        assert ys[i] == pytest.approx(y, nan_ok=True, abs=1e-6)


def test_xy_arrays_agree_with_scalar_on_all_cases():
    assert_arrays_agree(parse.classify_xy, parse.classify_xy_arrays, XY_CASES)


def test_latlon_arrays_agree_with_scalar_on_all_cases():
    assert_arrays_agree(parse.classify_latlon, parse.classify_latlon_arrays, LATLON_CASES)


coordinate = st.one_of(
    st.floats(-10_000, 700_000),  # around and inside the RD area
    st.floats(-5, 60),  # around the degree boxes
    st.sampled_from([0.0, math.nan, 4.3417, 51.9122, 83065.0, 436518.0]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=8))
def test_coordinate_arrays_agree_with_scalar(pairs):
    assert_arrays_agree(parse.classify_xy, parse.classify_xy_arrays, pairs)
    assert_arrays_agree(parse.classify_latlon, parse.classify_latlon_arrays, pairs)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.5, 280_000), st.floats(300_000, 625_000))
def test_any_rd_point_on_land_survives_swapping(x, y):
    assert parse.classify_xy(y, x) == (x, y, "assen_verwisseld")


# --- masking and headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("Hoofdstraat 12", "Ho" + "•" * 12),
        ("", ""),
        ("a", "•"),
        ("AB", "A•"),  # short values keep at most half
        ("abc", "a••"),
        ("abcd", "ab••"),
        ("x" * 50, "xx" + "•" * 12),  # capped at 12 mask characters
    ],
)
def test_mask_value(value, masked):
    assert parse.mask_value(value) == masked


@given(st.text(min_size=3))
def test_masked_value_never_shows_more_than_two_characters(value):
    masked = parse.mask_value(value)
    assert masked[:2] in (value[:2], value[:1] + "•")
    assert set(masked[2:]) == {"•"}
    assert len(masked) <= 14


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("X-coördinaat", "x_coordinaat"),
        ("Melding ID", "melding_id"),
        ("  Datum (melding) ", "datum_melding"),
        ("Y_Coördinaat RD", "y_coordinaat_rd"),
        ("\ufeffid", "id"),
        ("Café/Horeca", "cafe_horeca"),
        ("Één", "een"),
        ("---", ""),
    ],
)
def test_normalise_header(name, normalised):
    assert parse.normalise_header(name) == normalised
