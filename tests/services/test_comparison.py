"""Comparisons end where the data are complete: a delivery lag is not a fall in signals.

The data here have no change at all (the same weekly pattern in every buurt), so an honest
comparison of two periods of whole weeks finds none. The exports arrive late: the newest days are
simply not delivered yet. The failure this guards against: a period that ends today counts
the undelivered days as days without signals, and every wijk reads "significant gedaald".
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from lag_support import FOUR_WEEKS, SIX_WEEKS, TODAY

from oovgeo.analysis.completeness import ORIGIN_HAND, ORIGIN_SETTING
from oovgeo.analysis.periods import PRESETS
from oovgeo.services import completeness as complete
from oovgeo.services.comparison import ComparisonError, compare_periods
from oovgeo.store.audit import entries
from oovgeo.vocab import FALL, RISE


def _significant(engine, settings, preset: str, until: date | None) -> tuple[int, object]:
    pair = PRESETS[preset](until or TODAY)
    result = compare_periods(
        engine,
        settings,
        pair,
        kind="signals",
        level="wijk",
        today=TODAY,
        until=until,
        count_share=0.0,
    )
    verdicts = result.table["oordeel"]
    return int(verdicts.isin([RISE, FALL]).sum()), result


@pytest.mark.parametrize("lag", [14, 27])
@pytest.mark.parametrize("preset", [SIX_WEEKS, FOUR_WEEKS])
def test_a_delivery_lag_is_not_a_fall(lagged, lag, preset):
    engine, settings = lagged({"meld_een_vermoeden": lag})
    until = complete.until(engine, settings, "signals", (), TODAY)
    assert until == TODAY - timedelta(days=lag)

    significant, result = _significant(engine, settings, preset, until)

    assert significant == 0, result.table[["wijk_code", "a", "b", "oordeel"]]
    assert result.until == until and result.pair.a_end == until
    assert result.days_a == result.days_b == (42 if preset == SIX_WEEKS else 28)


@pytest.mark.parametrize("lag", [14, 27])
def test_counting_to_today_would_call_the_lag_a_fall(lagged, lag):
    """The failure the completeness date prevents, measured on the same data."""
    engine, settings = lagged({"meld_een_vermoeden": lag})
    pair = PRESETS[SIX_WEEKS](TODAY)
    naive = compare_periods(
        engine,
        settings,
        pair,
        kind="signals",
        level="wijk",
        today=TODAY,
        until=TODAY,
        count_share=0.0,
    )
    assert (naive.table["oordeel"] == FALL).sum() >= 6


def test_the_slowest_counted_source_sets_the_end(lagged):
    engine, settings = lagged({"meld_een_vermoeden": 0, "politie": 27})
    assert complete.until(engine, settings, "signals", (), TODAY) == TODAY - timedelta(days=27)
    # a view of one source only waits for that source
    assert complete.until(engine, settings, "signals", ("meld_een_vermoeden",), TODAY) == TODAY
    significant, _ = _significant(
        engine, settings, SIX_WEEKS, complete.until(engine, settings, "signals", (), TODAY)
    )
    assert significant == 0


def test_a_date_set_by_hand_wins_and_is_audited(lagged):
    engine, settings = lagged({"politie": 3})
    complete.set_until(
        engine, "politie", TODAY - timedelta(days=20), actor="beheer", origin="app", today=TODAY
    )
    table = complete.table(engine, settings, "signals")
    assert table["politie"].until == TODAY - timedelta(days=20)
    assert table["politie"].latest == TODAY - timedelta(days=3)
    assert table["politie"].origin == ORIGIN_HAND
    with pytest.raises(ValueError, match="toekomst"):
        complete.set_until(
            engine, "politie", TODAY + timedelta(days=1), actor="b", origin="app", today=TODAY
        )

    complete.set_until(engine, "politie", None, actor="beheer", origin="app", today=TODAY)
    assert complete.until(engine, settings, "signals", (), TODAY) == TODAY - timedelta(days=3)
    with engine.connect() as conn:
        rows = entries(conn, ["compleet_tot"])
    assert [(obj, actor) for obj, _, actor, _, _ in rows] == [("politie", "beheer")] * 2


def test_a_date_in_the_settings_overrides_the_data(lagged):
    engine, settings = lagged(
        {"politie": 0}, config='[data]\ncomplete_until = {politie = "2026-11-01"}\n'
    )
    table = complete.table(engine, settings, "signals")
    assert table["politie"].until == date(2026, 11, 1)
    assert table["politie"].origin == ORIGIN_SETTING


def test_a_period_with_no_complete_day_is_refused(lagged):
    engine, settings = lagged({"politie": 60})
    pair = PRESETS[FOUR_WEEKS](TODAY)
    with pytest.raises(ComparisonError, match="compleet t/m"):
        compare_periods(
            engine,
            settings,
            pair,
            kind="signals",
            level="wijk",
            today=TODAY,
            until=TODAY - timedelta(days=60),
            count_share=0.0,
        )
