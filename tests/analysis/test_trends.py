"""Trend series: periods, rolling mean, last year, incomplete periods, per-source coverage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEMO_END

from oovgeo.analysis.aggregate import Filters
from oovgeo.analysis.trends import daily_counts, incomplete_note, series
from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store.db import make_engine

END = DEMO_END  # the demo_town fixture ends here


def hand_daily():
    # 1 signal every day of 2024 and 2025, two per day in 2026 until 15 March
    days = pd.date_range("2024-01-01", "2026-03-15")
    return pd.DataFrame(
        {"datum": days, "groep": "totaal", "aantal": [2 if d.year == 2026 else 1 for d in days]}
    )


def test_monthly_series_on_a_hand_made_table():
    t = series(hand_daily(), "M", date(2025, 7, 1), date(2026, 3, 31), date(2026, 3, 15))
    t = t.set_index("periode")
    assert t.loc[pd.Timestamp(2025, 7, 1), "aantal"] == 31
    assert t.loc[pd.Timestamp(2026, 2, 1), "aantal"] == 56
    assert t.loc[pd.Timestamp(2026, 2, 1), "vorig_jaar"] == 28  # february 2025
    # rolling mean over March 2025 .. February 2026: 10 months of ~30.4 and 2 of 2026
    expected = (sum(pd.Period(f"2025-{m:02d}").days_in_month for m in range(3, 13)) + 62 + 56) / 12
    assert t.loc[pd.Timestamp(2026, 2, 1), "gemiddelde_12m"] == pytest.approx(expected)
    assert not t.loc[pd.Timestamp(2026, 3, 1), "volledig"]  # data runs to 15 March
    assert t.loc[pd.Timestamp(2026, 2, 1), "volledig"]
    assert "01-03-2026" in incomplete_note(t.reset_index())


def test_weeks_and_quarters():
    w = series(hand_daily(), "W-SUN", date(2025, 6, 2), date(2025, 6, 29), date(2026, 3, 15))
    assert list(w["aantal"]) == [7, 7, 7, 7]
    q = series(hand_daily(), "Q", date(2025, 1, 1), date(2025, 12, 31), date(2026, 3, 15))
    assert list(q["aantal"]) == [90, 91, 92, 92]
    assert list(q["vorig_jaar"]) == [91, 91, 92, 92]  # 2024 was a leap year


@pytest.fixture
def demo(demo_town):
    return demo_town[1]


def test_split_by_theme_adds_up(demo):
    f = Filters(date(2025, 1, 1), END)
    with demo.connect() as conn:
        total = daily_counts(conn, f, None, date(2024, 1, 1))
        by_theme = daily_counts(conn, f, "thema", date(2024, 1, 1))
    a = series(total, "M", f.start, f.end, END)
    b = series(by_theme, "M", f.start, f.end, END)
    assert a["aantal"].sum() == b["aantal"].sum()
    assert set(b["groep"]) >= {"ondermijning", "woonoverlast"}


def test_police_context_per_theme_without_the_total(tmp_path, shared_data):
    from oovgeo.analysis.trends import police_monthly
    from oovgeo.store.police_repo import load_police

    settings = load_settings(env={"OOVGEO_HOME": str(tmp_path)}, config_file=None)
    engine = make_engine(settings.database_url)
    fixture = Path(__file__).parents[1] / "fixtures" / "police" / "misdrijven_47022_vlaardingen.csv"
    ops.import_police(
        engine, settings, data=fixture.read_bytes(), filename=fixture.name, table="47022NED"
    )
    stored = load_police(engine)
    series_ = police_monthly(stored, date(2020, 1, 1), date(2030, 1, 1))
    gm = stored[(stored["level"] == "gemeente") & stored["theme"].notna()]
    for (month, theme), rows in gm.groupby(["month", "theme"]):
        got = series_[(series_["periode"] == month) & (series_["groep"] == theme)]["aantal"]
        expected = rows["count"].sum() if rows["count"].notna().all() else None
        if expected is None:
            assert got.isna().all()  # unknown stays unknown, never a lower number
        else:
            assert got.iloc[0] == expected
    assert not series_["volledig"].iloc[-1]  # the last month is still incomplete


def two_years_from_march():
    # one signal a day from 15 March 2024 (the data's first date) to 10 June 2025 (the last
    # complete date); a day without data is no signal
    days = pd.date_range("2024-03-15", "2025-06-10")
    return pd.DataFrame({"datum": days, "groep": "totaal", "aantal": 1})


def test_rolling_mean_and_last_year_use_complete_periods_only():
    t = series(
        two_years_from_march(),
        "M",
        date(2024, 1, 1),
        date(2025, 6, 30),
        date(2025, 6, 10),
        data_start=date(2024, 3, 15),
    ).set_index("periode")
    # January and February 2024 end before the data start: no rows, not zeros
    assert t.index.min() == pd.Timestamp(2024, 3, 1)
    # March 2024 is half covered: shown (17 signals) but incomplete
    assert t.loc[pd.Timestamp(2024, 3, 1), "aantal"] == 17
    assert not t.loc[pd.Timestamp(2024, 3, 1), "volledig"]
    # the first 12 complete months are April 2024 .. March 2025: 365 days / 12
    assert pd.isna(t.loc[pd.Timestamp(2025, 2, 1), "gemiddelde_12m"])
    assert t.loc[pd.Timestamp(2025, 3, 1), "gemiddelde_12m"] == pytest.approx(365 / 12)
    # May 2025: June 2024 .. May 2025 = 365 days
    assert t.loc[pd.Timestamp(2025, 5, 1), "gemiddelde_12m"] == pytest.approx(365 / 12)
    # June 2025 (10 of 30 days) is incomplete: it never enters the mean, which stays at May's
    assert t.loc[pd.Timestamp(2025, 6, 1), "aantal"] == 10
    assert not t.loc[pd.Timestamp(2025, 6, 1), "volledig"]
    assert t.loc[pd.Timestamp(2025, 6, 1), "gemiddelde_12m"] == pytest.approx(365 / 12)
    # last year only where the same month a year earlier is complete
    assert pd.isna(t.loc[pd.Timestamp(2025, 2, 1), "vorig_jaar"])  # Feb 2024: no data
    assert pd.isna(t.loc[pd.Timestamp(2025, 3, 1), "vorig_jaar"])  # March 2024: half
    assert t.loc[pd.Timestamp(2025, 4, 1), "vorig_jaar"] == 30  # April 2024
    assert t.loc[pd.Timestamp(2024, 6, 1), "vorig_jaar"] != 0  # never a 0 before the data
    assert pd.isna(t.loc[pd.Timestamp(2024, 6, 1), "vorig_jaar"])


def test_no_change_reads_no_change_against_last_year():
    # a constant rate gives a 0 % change wherever "vorig jaar" is shown (no +41 % from a
    # partial year)
    t = series(
        two_years_from_march(),
        "M",
        date(2024, 3, 1),
        date(2025, 6, 30),
        date(2025, 6, 10),
        data_start=date(2024, 3, 15),
    )
    shown = t[t["volledig"]].dropna(subset=["vorig_jaar"])
    per_day = shown["aantal"] / shown["periode"].dt.days_in_month
    last_per_day = shown["vorig_jaar"] / shown["periode"].dt.days_in_month
    assert list(shown["periode"].dt.month) == [4, 5]
    assert (per_day == last_per_day).all()


def test_split_tail_joins_the_dashed_tail_to_the_last_complete_period():
    from oovgeo.analysis.trends import split_tail

    t = series(hand_daily(), "M", date(2025, 12, 1), date(2026, 3, 31), date(2026, 2, 20))
    solid, tail = split_tail(t)
    assert list(solid["periode"].dt.month) == [12, 1]
    assert list(tail["periode"].dt.month) == [1, 2, 3]  # January joins the tail to the line
    assert not tail["volledig"].iloc[1:].any()
