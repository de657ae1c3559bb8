"""The trend service: ends at the completeness date, counts repeats once, protects when asked."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from lag_support import TODAY

from oovgeo.privacy import Disclosure
from oovgeo.services import trends
from oovgeo.services.trends import TrendError, trend_series


def _trend(engine, settings, protected=False, **choices):
    options = {"kind": "signals", "freq": "M", "split": None, **choices}
    return trend_series(
        engine,
        settings,
        start=TODAY,
        end=TODAY,
        disclosure=Disclosure.from_settings(settings, protected=protected),
        today=TODAY,
        **options,
    )


def test_the_series_ends_at_the_completeness_date_of_the_counted_sources(lagged):
    engine, settings = lagged({"meld_een_vermoeden": 0, "politie": 27})
    trend = _trend(engine, settings)
    assert trend.until == date(2026, 11, 3) == trend.end
    last = trend.table.iloc[-1]
    assert last["periode"] == pd.Timestamp(2026, 11, 1) and not last["volledig"]
    # the 3 days of November: 3 buurten-days of both sources, not a month of zeros
    october = trend.table.set_index("periode").loc[pd.Timestamp(2026, 10, 1), "aantal"]
    assert last["aantal"] < october / 5
    assert "01-11-2026" in trend.note
    only_mev = _trend(engine, settings, sources=["meld_een_vermoeden"])
    assert only_mev.until == TODAY and only_mev.table.iloc[-1]["volledig"]


def test_repeats_at_one_address_setting_reaches_the_count(lagged, monkeypatch):
    engine, settings = lagged({"politie": 0}, config="[counting]\nsame_address_days = 3\n")
    seen = []
    real = trends.daily_counts

    def spy(conn, filters, split, start):
        seen.append(filters)
        return real(conn, filters, split, start)

    monkeypatch.setattr(trends, "daily_counts", spy)
    _trend(engine, settings)
    assert seen[0].same_address_days == 3


def test_protected_audiences_get_protected_figures_with_small_ones_hidden(lagged):
    # delivered up to Monday 2 November: November holds one signal per buurt
    engine, settings = lagged({"politie": 28})
    exact = _trend(engine, settings, split="wijk_code")
    shown = _trend(engine, settings, protected=True, split="wijk_code")
    k = settings.suppression_threshold
    small = (exact.table["aantal"] > 0) & (exact.table["aantal"] < k)
    assert small.sum() >= 2
    values = shown.table["aantal"]
    assert not ((values > 0) & (values < k)).any()  # no figure 1..k-1 is shown
    both = values.notna().to_numpy() & exact.table["aantal"].notna().to_numpy()
    # P3: the figures are weighted counts, not the exact ones (a record counts 0, 1 or 2 times)
    assert (values[both] != exact.table["aantal"][both]).any()


def test_interventions_have_no_source_split(lagged):
    engine, settings = lagged({"politie": 0})
    with pytest.raises(TrendError, match="geen bron"):
        _trend(engine, settings, kind="interventions", split="bron")
