"""Comparing two periods: exact Poisson test, FDR correction, labels and P3 protection."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from oovgeo.analysis import compare
from oovgeo.analysis.compare import (
    FALL,
    NORMAL,
    RISE,
    TOO_FEW,
    benjamini_hochberg,
    classify_change,
    compare_table,
    poisson_rate_test,
    poisson_rate_tests,
    protect_comparison,
)
from oovgeo.privacy import Disclosure

PROTECTED = Disclosure(protected=True)

# (a, b, exposure_a, exposure_b): equal and unequal exposures, zeros, large counts.
CASES = [
    (40, 15, 365, 365),
    (12, 10, 365, 365),
    (3, 1, 30, 30),
    (0, 0, 30, 30),
    (0, 7, 30, 60),
    (7, 0, 30, 60),
    (0, 1, 1, 1),
    (1, 20, 1, 10),
    (30, 60, 30, 120),
    (250, 10, 7, 365),
    (1000, 900, 365, 366),
    (5000, 4800, 365 * 75_000, 365 * 70_000),
    (12_345, 12_001, 181, 184),
    (9, 0, 28, 28),
]


def frame(key_values, counts, key="wijk"):
    return pd.DataFrame({key: key_values, "count": counts})


def pair_table(a, b, days_a=365, days_b=365, **kwargs):
    keys = [f"A{i:03d}" for i in range(len(a))]
    return compare_table(
        frame(keys, a), frame(keys, b), keys=["wijk"], days_a=days_a, days_b=days_b, **kwargs
    )


# --- the test ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "ea", "eb"), CASES)
def test_p_value_equals_conditional_binomial(a, b, ea, eb):
    n = a + b
    expected = 1.0 if n == 0 else stats.binomtest(a, n, ea / (ea + eb)).pvalue
    assert poisson_rate_test(a, b, ea, eb) == pytest.approx(expected, abs=1e-9, rel=0)


def test_vectorised_equals_scalar_and_caches_repeats():
    a, b, ea, eb = (np.array(c) for c in zip(*(CASES + CASES), strict=True))
    got = poisson_rate_tests(a, b, ea, eb)
    expected = [poisson_rate_test(*case) for case in CASES + CASES]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert np.isnan(poisson_rate_tests([5, 5], [3, np.nan], 30, 30)[1])


def test_vectorised_broadcasts_scalar_exposures():
    got = poisson_rate_tests(np.array([[40, 12], [3, 0]]), 10, 30, 30)
    assert got.shape == (2, 2)
    assert got[0, 0] == pytest.approx(stats.binomtest(40, 50, 0.5).pvalue, abs=1e-12)


@pytest.mark.parametrize(
    ("a", "b", "ea", "eb", "significant"),
    [
        (40, 15, 365, 365, True),
        (15, 40, 365, 365, True),
        (120, 60, 30, 30, True),
        (30, 60, 30, 30, True),
        (20, 100, 30, 60, True),
        (12, 10, 365, 365, False),
        (50, 48, 30, 30, False),
        (30, 60, 30, 60, False),
        (5, 4, 30, 30, False),
    ],
)
def test_agrees_with_poisson_means_test_on_clear_cases(a, b, ea, eb, significant):
    """``poisson_means_test`` is Krishnamoorthy & Thomson's E-test, not the exact conditional
    test required here: its p-values differ, so only clear verdicts (p < 0.01 or p > 0.2 in
    both) are compared, never the numbers."""
    ours = poisson_rate_test(a, b, ea, eb)
    theirs = stats.poisson_means_test(a, ea, b, eb).pvalue
    if significant:
        assert ours < 0.01 and theirs < 0.01
    else:
        assert ours > 0.2 and theirs > 0.2


@pytest.mark.parametrize(
    ("a", "b", "ea", "eb"),
    [(-1, 3, 30, 30), (2.5, 3, 30, 30), (3, 3, 0, 30), (3, 3, 30, -1), (3, 3, np.inf, 30)],
)
def test_rejects_bad_input(a, b, ea, eb):
    with pytest.raises(ValueError):
        poisson_rate_test(a, b, ea, eb)


# --- FDR ----------------------------------------------------------------------------------------


@given(st.lists(st.floats(0, 1), min_size=1, max_size=60))
def test_bh_equals_scipy(p):
    np.testing.assert_array_equal(
        benjamini_hochberg(p), stats.false_discovery_control(p, method="bh")
    )


@given(st.lists(st.one_of(st.floats(0, 1), st.just(np.nan)), max_size=60))
def test_bh_leaves_nan_and_adjusts_the_rest_among_themselves(p):
    values = np.array(p, dtype=float)
    got = benjamini_hochberg(values)
    missing = np.isnan(values)
    assert np.array_equal(np.isnan(got), missing)
    if (~missing).any():
        expected = stats.false_discovery_control(values[~missing], method="bh")
        np.testing.assert_array_equal(got[~missing], expected)


def test_bh_edge_cases():
    assert benjamini_hochberg([]).shape == (0,)
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()


# --- labels -------------------------------------------------------------------------------------


def test_labels_strings():
    assert (RISE, FALL, NORMAL, TOO_FEW) == (
        "significant gestegen",
        "significant gedaald",
        "binnen normale variatie",
        "te weinig meldingen om iets te zeggen",
    )


def test_labels_planted_cases():
    table = pair_table([40, 12, 3, 15], [15, 10, 1, 40])
    assert table["oordeel"].tolist() == [RISE, NORMAL, TOO_FEW, FALL]


def test_too_few_is_not_normal_even_when_extreme():
    # 9 against 0 is p = 0.004 on its own, but 9 events do not support any verdict.
    table = pair_table([9, 0], [0, 0])
    assert table["oordeel"].tolist() == [TOO_FEW, TOO_FEW]
    assert table["p"].isna().all() and table["p_fdr"].isna().all()
    assert pair_table([9], [0], min_total=5)["oordeel"].tolist() == [RISE]
    assert pair_table([3], [1], min_total=0)["oordeel"].tolist() == [NORMAL]


def test_bh_turns_a_borderline_row_normal_among_many():
    alone = pair_table([28], [14])
    assert alone["p"].iloc[0] == pytest.approx(0.0436, abs=1e-4)
    assert alone["oordeel"].tolist() == [RISE]
    many = pair_table([28] + [20] * 19, [14] + [20] * 19)
    assert many["p"].iloc[0] == alone["p"].iloc[0]
    assert many["p_fdr"].iloc[0] > 0.05
    assert many["oordeel"].iloc[0] == NORMAL


def test_direction_follows_rates_not_counts():
    # 30 in 30 days against 60 in 120 days: fewer events, but twice the rate.
    table = pair_table([30], [60], days_a=30, days_b=120)
    assert table["verschil"].iloc[0] == -30
    assert table["verschil_pct"].iloc[0] == pytest.approx(100.0)
    assert table["oordeel"].iloc[0] == RISE
    expected = stats.binomtest(30, 90, 30 / 150).pvalue
    assert table["p"].iloc[0] == pytest.approx(expected, abs=1e-12)


def test_classify_change_without_p_is_too_few():
    labels = classify_change([20], [5], [np.nan], [20], [5])
    assert labels.tolist() == [TOO_FEW]


# --- compare_table --------------------------------------------------------------------------


def test_outer_join_fills_zeros_and_keeps_keys():
    now = pd.DataFrame(
        {"wijk": ["W1", "W1", "W2"], "thema": ["drugs", "overlast", "drugs"], "count": [40, 12, 5]}
    )
    before = pd.DataFrame({"wijk": ["W1", "W3"], "thema": ["drugs", "inbraak"], "count": [15, 11]})
    table = compare_table(now, before, keys=["wijk", "thema"], days_a=90, days_b=90)
    assert list(table.columns) == ["wijk", "thema", *compare.RESULT_COLUMNS]
    rows = {(w, t): (a, b) for w, t, a, b in table[["wijk", "thema", "a", "b"]].values}
    assert rows == {
        ("W1", "drugs"): (40, 15),
        ("W1", "overlast"): (12, 0),
        ("W2", "drugs"): (5, 0),
        ("W3", "inbraak"): (0, 11),
    }
    assert table["a"].dtype == np.int64 and table["b"].dtype == np.int64
    assert (table["verschil"] == table["a"] - table["b"]).all()
    w3 = table[table["wijk"] == "W3"].iloc[0]
    w1 = table[(table["wijk"] == "W1") & (table["thema"] == "overlast")].iloc[0]
    assert np.isnan(w1["verschil_pct"])  # b == 0
    assert w3["verschil_pct"] == pytest.approx(-100.0)
    assert table["rate_a"].tolist() == pytest.approx((table["a"] / 90).tolist())


def test_bh_family_is_the_tested_rows_of_the_whole_table():
    table = pair_table([40, 12, 3, 15, 28, 0], [15, 10, 1, 40, 14, 2])
    tested = table["a"] + table["b"] >= 10
    assert table.loc[~tested, "p"].isna().all()
    expected = stats.false_discovery_control(table.loc[tested, "p"], method="bh")
    np.testing.assert_array_equal(table.loc[tested, "p_fdr"].to_numpy(), expected)


def test_rates_per_1000_inhabitants_per_year():
    now = frame(["W1", "W2", "W3", "W4"], [40, 12, 20, 8])
    before = frame(["W1", "W2", "W3", "W4"], [20, 12, 10, 8])
    people = pd.Series({"W1": 8_000, "W2": -99997, "W3": 0, "W5": 100}, name="inw")
    table = compare_table(now, before, keys=["wijk"], days_a=182, days_b=365, inhabitants=people)
    w1 = table.iloc[0]
    assert w1["rate_a"] == pytest.approx(40 / 182 * 365 * 1000 / 8_000)
    assert w1["rate_b"] == pytest.approx(20 / 365 * 365 * 1000 / 8_000)  # 2.5 per 1,000
    assert table["rate_a"].iloc[1:].isna().all()  # secret, zero, unknown inhabitants
    assert table["inwoners"].tolist()[0] == 8_000
    assert table["inwoners"].isna().tolist() == [False, True, False, True]  # 0 stays 0
    # Inhabitants do not change the test within one area.
    plain = compare_table(now, before, keys=["wijk"], days_a=182, days_b=365)
    np.testing.assert_array_equal(plain["p"], table["p"])
    assert plain["oordeel"].tolist() == table["oordeel"].tolist()


def test_inhabitants_match_the_named_key():
    now = pd.DataFrame({"thema": ["drugs", "drugs"], "buurt": ["B1", "B2"], "count": [30, 10]})
    before = pd.DataFrame({"thema": ["drugs", "drugs"], "buurt": ["B1", "B2"], "count": [30, 10]})
    people = pd.Series([2000, 1000], index=pd.Index(["B1", "B2"], name="buurt"))
    table = compare_table(
        now, before, keys=["thema", "buurt"], days_a=365, days_b=365, inhabitants=people
    )
    assert table["rate_a"].tolist() == pytest.approx([15.0, 10.0])
    with pytest.raises(ValueError):
        compare_table(
            now,
            before,
            keys=["thema", "buurt"],
            days_a=365,
            days_b=365,
            inhabitants=people.rename_axis("wijk"),
        )


@pytest.mark.parametrize(
    "bad",
    [
        frame(["W1", "W1"], [3, 4]),
        frame(["W1"], [-1]),
        frame(["W1"], [1.5]),
        frame(["W1"], [None]),
        pd.DataFrame({"wijk": ["W1"], "n": [3]}),
    ],
)
def test_compare_table_rejects_bad_counts(bad):
    with pytest.raises(ValueError):
        compare_table(bad, frame(["W1"], [3]), keys=["wijk"], days_a=30, days_b=30)


def test_compare_table_rejects_bad_days():
    with pytest.raises(ValueError):
        compare_table(frame(["W1"], [3]), frame(["W1"], [3]), keys=["wijk"], days_a=0, days_b=30)


def test_empty_tables():
    table = compare_table(frame([], []), frame([], []), keys=["wijk"], days_a=30, days_b=30)
    assert table.empty and "oordeel" in table.columns
    assert protect_comparison(table, PROTECTED).empty


# --- protect_comparison --------------------------------------------------------------------


def number(text: str) -> int:
    return int(text.replace(".", ""))


tables = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=12).map(
    lambda pairs: ([p[0] for p in pairs], [p[1] for p in pairs])
)


@settings(max_examples=300, deadline=None)
@given(tables, st.integers(1, 10), st.sampled_from([(365, 365), (30, 60), (7, 7)]))
def test_protected_comparison_shows_no_small_figure(pairs, k, days):
    # the figures are protected ones already; the display shows none in 1..k-1, nor any
    # figure (difference, rate, p-value) that would give a "<k" figure back
    a, b = pairs
    table = pair_table(a, b, days_a=days[0], days_b=days[1])
    shown = protect_comparison(table, Disclosure(protected=True, threshold=k))
    hidden = {}
    for column in ("a", "b"):
        texts = shown[column].tolist()
        hidden[column] = np.array([t == f"<{k}" for t in texts])
        for text, n, h in zip(texts, table[column], hidden[column], strict=True):
            assert h == (0 < n < k)
            if not h:
                assert number(text) == n
    ha, hb = hidden["a"], hidden["b"]
    diff_shown = shown["verschil"].notna().to_numpy()
    assert (diff_shown == ~(ha | hb)).all()
    assert (shown.loc[diff_shown, "verschil"] == table.loc[diff_shown, "verschil"]).all()
    assert not (shown["verschil_pct"].notna().to_numpy() & ~diff_shown).any()
    assert not (shown["rate_a"].notna().to_numpy() & ha).any()
    assert not (shown["rate_b"].notna().to_numpy() & hb).any()
    assert not (shown["p"].notna().to_numpy() & (ha | hb)).any()
    assert not (shown["p_fdr"].notna().to_numpy() & (ha | hb)).any()
    assert (shown.loc[ha & hb, "oordeel"] == TOO_FEW).all()
    assert (shown.loc[~(ha & hb), "oordeel"] == table.loc[~(ha & hb), "oordeel"]).all()


@settings(max_examples=100, deadline=None)
@given(tables)
def test_exact_comparison_is_unchanged(pairs):
    a, b = pairs
    table = pair_table(a, b, days_a=30, days_b=60)
    shown = protect_comparison(table, Disclosure.exact())
    assert list(shown.columns) == list(table.columns)
    assert [number(t) for t in shown["a"]] == table["a"].tolist()
    assert [number(t) for t in shown["b"]] == table["b"].tolist()
    assert shown["verschil"].tolist() == table["verschil"].tolist()
    for column in ("verschil_pct", "rate_a", "rate_b", "p", "p_fdr"):
        np.testing.assert_array_equal(shown[column].to_numpy(), table[column].to_numpy())
    assert shown["oordeel"].tolist() == table["oordeel"].tolist()


def test_protected_and_exact_share_formats():
    table = pair_table([1234, 40, 3], [1000, 15, 1])
    exact = protect_comparison(table, Disclosure.exact())
    protected = protect_comparison(table, PROTECTED)
    assert exact["a"].tolist()[0] == protected["a"].tolist()[0] == "1.234"
    assert exact.dtypes.to_dict() == protected.dtypes.to_dict()
    assert table["a"].tolist() == [1234, 40, 3]  # the input is not changed


def test_a_small_difference_of_protected_figures_is_shown():
    # 20 against 18 are protected figures: their difference is one too, and gives no count
    table = pair_table([20, 40, 50, 30], [18, 15, 60, 30])
    shown = protect_comparison(table, PROTECTED)
    assert shown["b"].tolist() == ["18", "15", "60", "30"]
    assert shown["verschil"].iloc[0] == 2
    assert shown["oordeel"].iloc[0] == NORMAL


def test_small_rates_hidden_for_every_audience():
    people = pd.Series({"W1": 30, "W2": 5000})
    table = compare_table(
        frame(["W1", "W2"], [40, 50]),
        frame(["W1", "W2"], [15, 20]),
        keys=["wijk"],
        days_a=365,
        days_b=365,
        inhabitants=people,
    )
    for disclosure in (Disclosure.exact(), PROTECTED):
        shown = protect_comparison(table, disclosure)
        assert shown["rate_a"].isna().tolist() == [True, False]
        assert shown["rate_b"].isna().tolist() == [True, False]
        assert shown["oordeel"].tolist() == table["oordeel"].tolist()


def test_protect_rejects_other_tables():
    with pytest.raises(ValueError):
        protect_comparison(frame(["W1"], [3]), PROTECTED)


def test_doctests():
    assert doctest.testmod(compare).failed == 0
