"""Effect of interventions: before/after counts against the wijk, pooling, placebo places."""

from __future__ import annotations

import doctest
import math
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely

from oovgeo.analysis import effect
from oovgeo.analysis.effect import (
    CAVEATS,
    DROP,
    RISE,
    UNCLEAR,
    control_places,
    effect_per_intervention,
    pooled_effect,
)
from oovgeo.demo import fictitious_town, generate
from oovgeo.ingest.placement import AreaIndex

DAY = date(2024, 6, 15)  # the hand-made intervention; windows 2023-12-15 .. 2024-12-15
FIRST, LAST = date(2023, 1, 1), date(2025, 12, 31)  # the period the hand-made data covers
FAR = 1000.0  # x of the rest of the wijk, well outside the 250 m radius


def _signals(rows: list[tuple[str, float, float, str]]) -> tuple[pd.DataFrame, pd.Series]:
    """Signals from (datum, x, y, wijk) rows, plus their wijk series."""
    frame = pd.DataFrame(rows, columns=["datum", "x", "y", "wijk"])
    frame["datum"] = pd.to_datetime(frame["datum"]).dt.date
    frame["thema"] = "woonoverlast"
    return frame.drop(columns="wijk"), frame["wijk"]


def _interventions(rows: list[tuple[date, float, float, str]]) -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.DataFrame(rows, columns=["datum", "x", "y", "wijk"])
    frame.insert(0, "interventie_id", [f"I-{i}" for i in range(1, len(frame) + 1)])
    frame["thema"] = "ondermijning"
    return frame.drop(columns="wijk"), frame["wijk"]


def _steady_wijk(n: int = 50, wijk: str = "W1") -> list[tuple[str, float, float, str]]:
    """n signals before and n after DAY in the rest of the wijk (outside the radius)."""
    before = [(f"2024-0{1 + i % 5}-{1 + i % 28:02d}", FAR, float(i), wijk) for i in range(n)]
    after = [(f"2024-{7 + i % 5:02d}-{1 + i % 28:02d}", FAR, float(i), wijk) for i in range(n)]
    return before + after


def _hand_made() -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    """10 signals before and 2 after within the radius; the rest of the wijk steady (50/50)."""
    near_before = [(f"2024-0{1 + i % 5}-10", 10.0 * i, 5.0, "W1") for i in range(10)]
    near_after = [("2024-08-01", 0.0, 100.0, "W1"), ("2024-11-30", -100.0, 0.0, "W1")]
    edges = [(FIRST.isoformat(), FAR, 0.0, "W1"), (LAST.isoformat(), FAR, 0.0, "W1")]
    signals, wijk = _signals(near_before + near_after + _steady_wijk() + edges)
    interventions, iwijk = _interventions([(DAY, 0.0, 0.0, "W1")])
    return signals, wijk, interventions, iwijk


def _run(signals, wijk, interventions, iwijk, **kwargs) -> pd.DataFrame:
    return effect_per_intervention(
        signals, interventions, wijk_of_signal=wijk, wijk_of_intervention=iwijk, **kwargs
    )


# ============================================================================================
# Hand-made data
# ============================================================================================


def test_hand_made_effect_is_ratio_of_ratios():
    table = _run(*_hand_made())
    row = table.iloc[0]
    assert (row.n_before, row.n_after, row.wijk_before, row.wijk_after) == (10, 2, 50, 50)
    # (2 / 10) / (50 / 50) = 0.2
    assert row.effect == pytest.approx(0.2)
    assert row.wijk_code == "W1"
    assert row.interventie_id == "I-1" and row.thema == "ondermijning"  # passed through
    assert (row.window_start, row.window_end) == (date(2023, 12, 15), date(2024, 12, 15))


def test_hand_made_pooled_interval_is_the_delta_method():
    pooled = pooled_effect(_run(*_hand_made()))
    assert len(pooled) == 1
    row = pooled.iloc[0]
    assert row.n_interventions == 1
    assert row.effect == pytest.approx(0.2)
    # var(log RR) = 1/10 + 1/2 + 1/50 + 1/50 = 0.64, se = 0.8
    se = math.sqrt(1 / 10 + 1 / 2 + 1 / 50 + 1 / 50)
    assert se == pytest.approx(0.8)
    z = 1.959963984540054
    assert row.ci_low == pytest.approx(0.2 * math.exp(-z * 0.8))
    assert row.ci_high == pytest.approx(0.2 * math.exp(z * 0.8))
    assert row.ci_low == pytest.approx(0.04170, abs=1e-4)
    assert row.ci_high == pytest.approx(0.9593, abs=1e-3)
    assert row.oordeel == DROP  # the whole interval lies below 1


def test_windows_bounds_and_the_intervention_day():
    rows = [
        ("2023-12-14", 0.0, 0.0, "W1"),  # one day before the before window: not counted
        ("2023-12-15", 0.0, 0.0, "W1"),  # first day of the before window
        ("2024-06-14", 0.0, 0.0, "W1"),  # last day before
        ("2024-06-15", 0.0, 0.0, "W1"),  # the day itself: neither window
        ("2024-06-16", 0.0, 0.0, "W1"),  # first day after
        ("2024-12-15", 0.0, 0.0, "W1"),  # last day of the after window
        ("2024-12-16", 0.0, 0.0, "W1"),  # one day too late
    ]
    # the rest of the wijk gets the same pattern at FAR
    far = [(d, FAR, 0.0, w) for d, _, _, w in rows]
    signals, wijk = _signals(rows + far)
    interventions, iwijk = _interventions([(DAY, 0.0, 0.0, "W1")])
    row = _run(signals, wijk, interventions, iwijk, period=(FIRST, LAST)).iloc[0]
    assert (row.n_before, row.n_after) == (2, 2)
    assert (row.wijk_before, row.wijk_after) == (2, 2)
    assert row.effect == pytest.approx(1.0)


def test_months_sets_the_window_length():
    rows = [("2024-04-01", 0.0, 0.0, "W1"), ("2024-01-01", 0.0, 0.0, "W1")]
    rows += [("2024-08-01", 0.0, 0.0, "W1"), ("2024-11-01", 0.0, 0.0, "W1")]
    signals, wijk = _signals(rows + _steady_wijk())
    interventions, iwijk = _interventions([(DAY, 0.0, 0.0, "W1")])
    three = _run(signals, wijk, interventions, iwijk, months=3, period=(FIRST, LAST)).iloc[0]
    six = _run(signals, wijk, interventions, iwijk, months=6, period=(FIRST, LAST)).iloc[0]
    assert (three.n_before, three.n_after) == (1, 1)
    assert (three.window_start, three.window_end) == (date(2024, 3, 15), date(2024, 9, 15))
    assert (six.n_before, six.n_after) == (2, 2)


def test_radius_is_inclusive_and_metric():
    rows = [
        ("2024-03-01", 250.0, 0.0, "W1"),  # exactly on the circle: inside
        ("2024-03-01", 0.0, 0.0, "W1"),  # on the spot itself
        ("2024-03-01", 176.0, 177.0, "W1"),  # 249.6 m diagonally
        ("2024-03-01", 250.5, 0.0, "W1"),  # just outside: rest of the wijk
        ("2024-08-01", 0.0, 0.0, "W1"),
    ]
    signals, wijk = _signals(rows + _steady_wijk())
    interventions, iwijk = _interventions([(DAY, 0.0, 0.0, "W1")])
    row = _run(signals, wijk, interventions, iwijk, period=(FIRST, LAST)).iloc[0]
    assert (row.n_before, row.n_after) == (3, 1)
    assert (row.wijk_before, row.wijk_after) == (51, 50)
    wide = _run(signals, wijk, interventions, iwijk, radius_m=300, period=(FIRST, LAST)).iloc[0]
    assert (wide.n_before, wide.wijk_before) == (4, 50)


def test_wijk_counts_only_the_same_wijk_outside_the_radius():
    rows = [
        ("2024-03-01", 100.0, 0.0, "W2"),  # within the radius across the border: local only
        ("2024-03-01", 50.0, 0.0, "W1"),  # within the radius, same wijk: local only
        ("2024-08-01", 50.0, 0.0, None),  # within the radius, no wijk: local only
    ]
    other = [(d, FAR, y, "W2") for d, _, y, _ in _steady_wijk(30)]  # another wijk: ignored
    signals, wijk = _signals(rows + _steady_wijk() + other)
    interventions, iwijk = _interventions([(DAY, 0.0, 0.0, "W1"), (DAY, 5000.0, 0.0, None)])
    table = _run(signals, wijk, interventions, iwijk, period=(FIRST, LAST))
    first = table.iloc[0]
    assert (first.n_before, first.n_after, first.wijk_before, first.wijk_after) == (2, 1, 50, 50)
    assert first.effect == pytest.approx(0.5)
    # an intervention without a wijk: local counts, but no comparison and no effect
    second = table.iloc[1]
    assert (second.n_before, second.n_after) == (0, 0)
    assert pd.isna(second.wijk_before) and pd.isna(second.wijk_after)
    assert np.isnan(second.effect)


def test_without_wijken_the_comparison_is_everything_outside_the_radius():
    signals, wijk, interventions, _ = _hand_made()
    extra = pd.DataFrame(
        {"datum": [date(2024, 3, 1)] * 5, "x": 9000.0, "y": 0.0, "thema": "woonoverlast"}
    )
    signals = pd.concat([signals, extra], ignore_index=True)
    row = effect_per_intervention(signals, interventions).iloc[0]
    assert (row.n_before, row.n_after, row.wijk_before, row.wijk_after) == (10, 2, 55, 50)
    assert row.wijk_code is None
    assert row.effect == pytest.approx((2 / 10) / (50 / 55))


def test_wijk_series_must_come_together_and_aligned():
    signals, wijk, interventions, iwijk = _hand_made()
    with pytest.raises(ValueError, match="together"):
        effect_per_intervention(signals, interventions, wijk_of_signal=wijk)
    with pytest.raises(ValueError, match="aligned"):
        _run(signals, wijk.iloc[:-1], interventions, iwijk)
    # plain arrays (e.g. Placement.wijk_code) are taken in row order
    table = _run(signals, wijk.to_numpy(), interventions, iwijk.to_numpy())
    assert table.iloc[0].effect == pytest.approx(0.2)


def test_complete_windows_only():
    signals, wijk, _, _ = _hand_made()  # signals from FIRST to LAST
    interventions, iwijk = _interventions(
        [
            (DAY, 0.0, 0.0, "W1"),  # complete
            (date(2025, 6, 30), 0.0, 0.0, "W1"),  # after window ends on LAST: complete
            (date(2025, 7, 1), 0.0, 0.0, "W1"),  # after window ends 2026-01-01: too late
            (date(2023, 7, 1), 0.0, 0.0, "W1"),  # before window starts 2023-01-01: complete
            (date(2023, 6, 30), 0.0, 0.0, "W1"),  # before window starts in 2022: too early
            (None, 0.0, 0.0, "W1"),  # no date
            (DAY, np.nan, 0.0, "W1"),  # no place
        ]
    )
    table = _run(signals, wijk, interventions, iwijk)
    assert table["interventie_id"].tolist() == ["I-1", "I-2", "I-4"]
    assert table.index.tolist() == [0, 1, 3]  # the interventions' own index
    # a later ``period`` end admits the recent one; the data's own last date does not
    later = _run(signals, wijk, interventions, iwijk, period=(FIRST, date(2026, 1, 1)))
    assert later["interventie_id"].tolist() == ["I-1", "I-2", "I-3", "I-4"]
    shorter = _run(signals, wijk, interventions, iwijk, period=(FIRST, date(2024, 12, 14)))
    assert shorter["interventie_id"].tolist() == ["I-4"]


def test_empty_inputs():
    signals, wijk, interventions, iwijk = _hand_made()
    none = _run(signals, wijk, interventions.iloc[:0], iwijk.iloc[:0])
    assert none.empty and set(effect.TABLE_COLUMNS) <= set(none.columns)
    no_signals = _run(signals.iloc[:0], wijk.iloc[:0], interventions, iwijk)
    assert no_signals.empty  # no data: no window is complete
    pooled = pooled_effect(none)
    assert pooled.iloc[0].n_interventions == 0 and pooled.iloc[0].oordeel == UNCLEAR
    assert np.isnan(pooled.iloc[0].effect) and np.isnan(pooled.iloc[0].ci_low)


def test_invalid_arguments():
    signals, wijk, interventions, iwijk = _hand_made()
    with pytest.raises(ValueError):
        _run(signals, wijk, interventions, iwijk, radius_m=0)
    with pytest.raises(ValueError):
        _run(signals, wijk, interventions, iwijk, months=0)
    with pytest.raises(ValueError):
        pooled_effect(_run(signals, wijk, interventions, iwijk), level=1.5)


def test_effect_undefined_without_before_counts():
    rows = [("2024-08-01", 0.0, 0.0, "W1")]
    signals, wijk = _signals(rows + _steady_wijk())
    interventions, iwijk = _interventions([(DAY, 0.0, 0.0, "W1")])
    row = _run(signals, wijk, interventions, iwijk, period=(FIRST, LAST)).iloc[0]
    assert (row.n_before, row.n_after) == (0, 1)
    assert np.isnan(row.effect)


# ============================================================================================
# Pooling
# ============================================================================================


def _table(rows: list[tuple[str, int, int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["thema", *effect.COUNT_COLUMNS])
    for column in ("wijk_before", "wijk_after"):
        frame[column] = frame[column].astype("Int64")
    return frame


def test_pooled_sums_the_counts_per_group():
    table = _table(
        [
            ("a", 10, 2, 50, 50),
            ("a", 30, 8, 150, 150),
            ("b", 40, 90, 200, 200),
            ("c", 3, 0, 20, 20),
            ("c", 0, 4, 20, 20),
        ]
    )
    pooled = pooled_effect(table, group="thema").set_index("thema")
    assert pooled.loc["a", ["n_interventions", "n_before", "n_after"]].tolist() == [2, 40, 10]
    assert pooled.loc["a", "effect"] == pytest.approx((10 / 40) / (200 / 200))
    assert pooled.loc["a", "oordeel"] == DROP
    assert pooled.loc["b", "effect"] == pytest.approx(90 / 40)
    assert pooled.loc["b", "ci_low"] > 1 and pooled.loc["b", "oordeel"] == RISE
    # pooled: 3 before, 4 after, all sums positive, wide interval around 4/3
    assert pooled.loc["c", "effect"] == pytest.approx(4 / 3)
    assert pooled.loc["c", "ci_low"] < 1 < pooled.loc["c", "ci_high"]
    assert pooled.loc["c", "oordeel"] == UNCLEAR
    overall = pooled_effect(table).iloc[0]
    assert overall.n_interventions == 5
    assert overall.n_before == 83 and overall.wijk_after == 440
    assert list(pooled_effect(table).columns) == effect.POOLED_COLUMNS


def test_pooled_interval_is_nan_with_a_zero_count():
    pooled = pooled_effect(_table([("a", 10, 0, 50, 50)])).iloc[0]
    assert pooled.effect == 0.0
    assert np.isnan(pooled.ci_low) and np.isnan(pooled.ci_high)
    assert pooled.oordeel == UNCLEAR


def test_pooled_leaves_out_interventions_without_wijk_and_keeps_missing_groups():
    table = _table([("a", 10, 2, 50, 50), ("a", 10, 2, 0, 0), (None, 10, 5, 50, 50)])
    table.loc[1, ["wijk_before", "wijk_after"]] = pd.NA
    pooled = pooled_effect(table, group=["thema"])
    assert pooled["n_interventions"].tolist() == [1, 1]
    assert pooled["thema"].isna().tolist() == [False, True]


def test_level_widens_the_interval():
    table = _table([("a", 100, 60, 500, 500)])
    narrow = pooled_effect(table, level=0.8).iloc[0]
    wide = pooled_effect(table, level=0.99).iloc[0]
    assert wide.ci_low < narrow.ci_low < narrow.effect < narrow.ci_high < wide.ci_high


# ============================================================================================
# Control places, caveats, docs
# ============================================================================================


@pytest.fixture(scope="module")
def town():
    return fictitious_town()


def test_control_places_lie_in_the_buurten_with_dates_in_range(town):
    places = control_places(town, 300, 7, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert list(places.columns) == effect.CONTROL_COLUMNS
    assert len(places) == 300 and places["interventie_id"].is_unique
    buurten = town[town["level"] == "buurt"]
    inside = shapely.contains_xy(
        shapely.union_all(buurten.geometry.to_numpy()), places["x"], places["y"]
    )
    assert inside.all()
    assert places["datum"].min() >= date(2024, 1, 1)
    assert places["datum"].max() <= date(2024, 12, 31)
    assert all(isinstance(d, date) for d in places["datum"])
    placed = AreaIndex(town).place(places["x"].to_numpy(), places["y"].to_numpy(), 200)
    assert (placed.buurt_code == places["buurtcode"].to_numpy()).all()
    assert (placed.wijk_code == places["wijkcode"].to_numpy()).all()
    assert places["buurtcode"].nunique() > 30  # spread over the town, not one corner
    again = control_places(town, 300, 7, start=date(2024, 1, 1), end=date(2024, 12, 31))
    pd.testing.assert_frame_equal(places, again)
    other = control_places(town, 300, 8, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert not places[["x", "y"]].equals(other[["x", "y"]])
    assert control_places(town, 0, 1, start="2024-01-01", end="2024-01-01").empty
    with pytest.raises(ValueError):
        control_places(town, 5, 1, start=date(2024, 2, 1), end=date(2024, 1, 1))


def test_caveats_cover_the_known_pitfalls():
    text = " ".join(CAVEATS).lower()
    for word in ("regressie naar het gemiddelde", "verplaatsing", "melden", "kleine aantallen"):
        assert word in text
    assert all(isinstance(c, str) and c.strip() for c in CAVEATS)


def test_doctest():
    assert doctest.testmod(effect).failed == 0


# ============================================================================================
# Demo data: the planted drop is found, random places show none
# ============================================================================================


@pytest.fixture(scope="module")
def demo(town):
    data = generate(town, seed=42, end=date(2026, 10, 31))
    index = AreaIndex(town)
    signals, interventions = data.signals, data.interventions
    wijk_s = pd.Series(
        index.place(signals["x"].to_numpy(), signals["y"].to_numpy(), 200).wijk_code,
        index=signals.index,
    )
    wijk_i = pd.Series(
        index.place(interventions["x"].to_numpy(), interventions["y"].to_numpy(), 200).wijk_code,
        index=interventions.index,
    )
    table = effect_per_intervention(
        signals, interventions, wijk_of_signal=wijk_s, wijk_of_intervention=wijk_i
    )
    return data, index, wijk_s, table


def test_demo_pooled_effect_is_a_drop(demo):
    data, _, _, table = demo
    assert 0 < len(table) < len(data.interventions)  # recent and early ones are left out
    last = max(data.signals["datum"])
    assert (table["window_end"] <= last).all()
    assert (table["window_start"] >= min(data.signals["datum"])).all()
    pooled = pooled_effect(table).iloc[0]
    assert pooled.oordeel == DROP
    assert pooled.ci_high < 1
    # 55% of the signals removed: about 0.45 of the wijk's trend remains
    assert 0.3 < pooled.effect < 0.7


def test_demo_drop_by_theme_and_outcome(demo):
    _, _, _, table = demo
    by_theme = pooled_effect(table, group="thema")
    assert (by_theme["oordeel"] == DROP).any()
    assert set(by_theme["thema"]) <= set(table["thema"])
    assert by_theme["n_interventions"].sum() == len(table)
    by_outcome = pooled_effect(table, group="uitkomst")
    assert (by_outcome["oordeel"] == DROP).any()


def test_demo_control_places_show_no_effect(demo, town):
    data, index, wijk_s, _ = demo
    dates = data.interventions["datum"]
    places = control_places(town, len(data.interventions), 0, start=dates.min(), end=dates.max())
    wijk_c = pd.Series(
        index.place(places["x"].to_numpy(), places["y"].to_numpy(), 200).wijk_code,
        index=places.index,
    )
    table = effect_per_intervention(
        data.signals, places, wijk_of_signal=wijk_s, wijk_of_intervention=wijk_c
    )
    pooled = pooled_effect(table).iloc[0]
    assert pooled.ci_low < 1 < pooled.ci_high
    assert pooled.oordeel == UNCLEAR


def test_demo_is_fast(demo):
    data, _, wijk_s, _ = demo
    interventions = data.interventions
    assert len(interventions) == 1200 and len(data.signals) == 15000
    wijk_i = pd.Series("WK999901", index=interventions.index)
    started = time.perf_counter()
    effect_per_intervention(
        data.signals, interventions, wijk_of_signal=wijk_s, wijk_of_intervention=wijk_i
    )
    assert time.perf_counter() - started < 1.0


def test_a_small_but_clear_change_is_not_called_an_effect():
    # 4% fewer signals around the places against a steady wijk, with counts so large that
    # the interval is narrow: clear, but too small to act on (shared counts, spill-over)
    table = pd.DataFrame(
        {
            "n_before": [10_000],
            "n_after": [9_600],
            "wijk_before": [100_000],
            "wijk_after": [100_000],
            "wijk_code": ["WK1"],
            "effect": [0.96],
        }
    )
    pooled = pooled_effect(table)
    assert pooled["ci_high"].iloc[0] < 1
    assert pooled["oordeel"].iloc[0] == UNCLEAR
    assert pooled_effect(table, min_change=0.0)["oordeel"].iloc[0] == DROP
