"""The tables the pages show, from small frames: what the user reads."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from oovgeo.analysis import tables


def test_trend_window_goes_two_years_back_and_stops_today():
    today = date(2026, 5, 15)
    assert tables.trend_window(date(2026, 1, 1), date(2026, 12, 31), today, False) == (
        date(2024, 5, 1),
        today,
    )
    assert tables.trend_window(date(2020, 1, 1), date(2021, 1, 1), today, False) == (
        date(2020, 1, 1),
        date(2021, 1, 1),
    )


def test_a_protected_trend_always_starts_two_years_back():
    today = date(2026, 5, 15)
    start, _ = tables.trend_window(date(2020, 1, 1), today, today, True)
    assert start == date(2024, 5, 1)


def test_groups_are_shown_by_label_and_unknown_codes_stay():
    table = pd.DataFrame({"groep": ["overlast", "xyz"], "aantal": [3, 4]})
    shown = tables.label_groups(table, {"overlast": "Overlast"})
    assert shown["groep"].tolist() == ["Overlast", "xyz"]
    assert table["groep"].tolist() == ["overlast", "xyz"]


def test_own_class_breaks_read_dutch_commas_and_refuse_words():
    assert tables.parse_breaks("20; 5; 2,5; 5") == [2.5, 5.0, 20.0]
    with pytest.raises(ValueError):
        tables.parse_breaks("5; tien")


def test_the_kaart_table_names_the_measure_the_user_chose():
    view = pd.DataFrame(
        {"code": ["WK1"], "name": ["Centrum"], "weergave": ["12"], "toelichting": [""], "x": [1]}
    )
    shown = tables.map_table(view, "Aantal")
    assert list(shown.columns) == ["code", "gebied", "Aantal", "toelichting"]
    assert shown.iloc[0]["gebied"] == "Centrum"


def test_the_kaart_caption_gives_both_periods_in_dutch_dates():
    text = tables.period_text(
        "Signalen", date(2026, 1, 5), date(2026, 2, 1), (date(2025, 12, 8), date(2026, 1, 4))
    )
    assert text == (
        "Signalen van 05-01-2026 tot en met 01-02-2026 (vorige periode: 08-12-2025 – 04-01-2026)"
    )
