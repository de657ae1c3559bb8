"""Trend series: periods, rolling mean, last year, incomplete periods, per-source coverage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEMO_END

from oovgeo.analysis.aggregate import Filters
from oovgeo.analysis.trends import coverage_end, daily_counts, data_until, incomplete_note, series
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


def test_split_by_theme_adds_up_and_sources_report_their_last_date(demo):
    f = Filters(date(2025, 1, 1), END)
    with demo.connect() as conn:
        total = daily_counts(conn, f, None, date(2024, 1, 1))
        by_theme = daily_counts(conn, f, "thema", date(2024, 1, 1))
        until = data_until(conn)
    a = series(total, "M", f.start, f.end, END)
    b = series(by_theme, "M", f.start, f.end, END)
    assert a["aantal"].sum() == b["aantal"].sum()
    assert set(b["groep"]) >= {"ondermijning", "woonoverlast"}
    assert max(until.values()) <= END and "meldpunt_overlast" in until
    assert coverage_end(until, END) == min(until.values())


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
