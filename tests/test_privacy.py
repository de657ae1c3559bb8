"""Small-count protection (P3): what a protected audience sees, and what it cannot work out."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oovgeo import privacy
from oovgeo.access import Identity
from oovgeo.config import load_settings
from oovgeo.privacy import (
    Disclosure,
    format_count,
    hidden_mask,
    primary_mask,
    suppress_change,
    suppress_rates,
    suppress_table,
    total_label,
)

PROTECTED = Disclosure(protected=True)


def shown(values, disclosure=PROTECTED, **kwargs):
    df = pd.DataFrame({"n": values})
    return suppress_table(df, ["n"], disclosure=disclosure, **kwargs)["n"].tolist()


def number(text: str) -> int:
    return int(text.replace(".", ""))


def identity(role: str) -> Identity:
    return Identity(name="x", role=role, method="local", logged_in_at=datetime.now(UTC))


# ------------------------------------------------------------------ hand-made tables


def test_small_figures_read_below_k_and_nothing_else_is_hidden():
    # the figures are protected already (weighted counts): each reads the same in every
    # table, so no second cell is hidden to protect the first and there is no "x"
    assert shown([12, 3, 0, 7]) == ["12", "<5", "0", "7"]
    assert shown([2, 2, 30]) == ["<5", "<5", "30"]
    assert total_label(pd.Series([12, 3, 0, 7]), PROTECTED) == "22"
    assert total_label(pd.Series([2, 2, 30]), PROTECTED) == "34"


def test_a_total_below_k_reads_below_k():
    assert total_label(pd.Series([0, 0, 3]), PROTECTED) == "<5"
    assert total_label(pd.Series([2, 2, 2]), PROTECTED) == "6"


def test_zeros_and_missing_values_stay_visible():
    assert shown([0, 0, 3, None]) == ["0", "0", "<5", ""]


def test_true_range_follows_the_published_rule():
    # every record counts 0, 1 or 2 times: p means at least ceil(p/2) records, no maximum
    assert privacy.true_range(0, PROTECTED) == (0, None)
    assert privacy.true_range(1, PROTECTED) == (1, None)
    assert privacy.true_range(4, PROTECTED) == (1, None)  # "<5"
    assert privacy.true_range(5, PROTECTED) == (3, None)
    assert privacy.true_range(58, PROTECTED) == (29, None)
    assert privacy.true_range(None, PROTECTED) == (None, None)
    assert privacy.true_range(float("nan"), PROTECTED) == (None, None)
    assert privacy.true_range(58, Disclosure.exact()) == (58, 58)
    assert privacy.true_range(3, Disclosure(protected=True, threshold=3)) == (2, None)


def test_thousands_and_configured_threshold():
    assert shown([1234, 8, 9, 2000], Disclosure(protected=True, threshold=10)) == [
        "1.234",
        "<10",
        "<10",
        "2.000",
    ]


def test_exact_disclosure_returns_numbers_unchanged():
    df = pd.DataFrame({"wijk": ["A", "B", "C"], "n": [12, 3, 0]})
    out = suppress_table(df, ["n"], disclosure=Disclosure.exact())
    pd.testing.assert_frame_equal(out, df)
    assert not hidden_mask(df, ["n"], Disclosure.exact()).to_numpy().any()
    assert total_label(df["n"], Disclosure.exact()) == "15"


def test_columns_are_protected_each_on_their_own_and_others_kept():
    df = pd.DataFrame({"wijk": ["A", "B", "C"], "x": [3, 10, 20], "y": [10, 10, 10]})
    out = suppress_table(df, ["x", "y"], disclosure=PROTECTED)
    assert out["wijk"].tolist() == ["A", "B", "C"]
    assert out["x"].tolist() == ["<5", "10", "20"]
    assert out["y"].tolist() == ["10", "10", "10"]
    assert out["x"].dtype == object
    mask = hidden_mask(df, ["x", "y"], PROTECTED)
    assert mask["x"].tolist() == [True, False, False]
    assert not mask["y"].any()


def test_primary_mask_shows_zero_and_ignores_missing():
    counts = pd.Series([0, 1, 4, 5, np.nan], index=list("abcde"))
    mask = primary_mask(counts, 5)
    assert mask.tolist() == [False, True, True, False, False]
    assert list(mask.index) == list("abcde")


def test_format_count():
    assert format_count(1234567, False, 5) == "1.234.567"
    assert format_count(0, False, 5) == "0"
    assert format_count(7.0, False, 5) == "7"
    assert format_count(7, True, 5) == "<5"
    assert format_count(np.nan, False, 5) == ""
    assert format_count(pd.NA, False, 5) == ""


def test_disclosure_follows_role_and_settings():
    settings = load_settings(
        env={"OOVGEO_PRIVACY_SUPPRESSION_THRESHOLD": "10", "OOVGEO_PRIVACY_MIN_INHABITANTS": "100"},
        config_file=None,
    )
    for role in ("manager", "presentatie"):
        assert Disclosure.for_identity(identity(role), settings) == Disclosure(True, 10, 100)
        assert Disclosure.for_identity(identity(role), settings).count_share == 0.2
    for role in ("beheerder", "coordinator", "analist"):
        assert Disclosure.for_identity(identity(role), settings) == Disclosure(False, 10, 100)
        assert Disclosure.for_identity(identity(role), settings).count_share == 0.0
    assert Disclosure.for_identity(None, settings).protected
    assert Disclosure.exact(settings) == Disclosure(False, 10, 100)
    assert Disclosure.exact() == Disclosure(False, 5, 50)
    with pytest.raises(ValueError):
        Disclosure(protected=True, threshold=0)
    with pytest.raises(ValueError):
        Disclosure(protected=True, perturbation=0.0)
    configured = load_settings(env={"OOVGEO_PRIVACY_PERTURBATION_SHARE": "0.3"}, config_file=None)
    assert Disclosure.from_settings(configured, protected=True).count_share == 0.3


# ------------------------------------------------------------------ property tests

tables = st.lists(st.integers(0, 60), min_size=1, max_size=40)
thresholds = st.integers(2, 10)


@given(tables, thresholds)
def test_protected_table_shows_no_figure_below_k(values, k):
    disclosure = Disclosure(protected=True, threshold=k)
    marker = f"<{k}"
    texts = shown(values, disclosure)
    hidden = hidden_mask(pd.DataFrame({"n": values}), ["n"], disclosure)["n"].tolist()
    assert [t == marker for t in texts] == hidden
    for value, text in zip(values, texts, strict=True):
        if text == marker:
            assert 1 <= value < k
        else:
            assert number(text) == value and not 1 <= value < k
    total = total_label(pd.Series(values), disclosure)
    assert total == marker if 0 < sum(values) < k else number(total) == sum(values)


@given(tables, thresholds)
def test_exact_table_is_unchanged(values, k):
    df = pd.DataFrame({"n": values})
    out = suppress_table(df, ["n"], disclosure=Disclosure(protected=False, threshold=k))
    assert out["n"].tolist() == values


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=40), thresholds
)
def test_changes_never_show_beside_a_small_figure(pairs, k):
    a = pd.Series([p[0] for p in pairs])
    b = pd.Series([p[1] for p in pairs])
    mask = suppress_change(a, b, Disclosure(protected=True, threshold=k))
    for (x, y), hide in zip(pairs, mask, strict=True):
        assert hide == (0 < x < k or 0 < y < k)
    assert not suppress_change(a, b, Disclosure(protected=False, threshold=k)).any()


def test_change_hidden_when_a_side_is_hidden_in_its_table():
    a, b = pd.Series([20, 30]), pd.Series([40, 30])
    assert suppress_change(a, b, PROTECTED).tolist() == [False, False]
    masked = suppress_change(a, b, PROTECTED, hidden_a=pd.Series([True, False]))
    assert masked.tolist() == [True, False]


def test_change_examples():
    a, b = pd.Series([20, 20, 3, 0, 12]), pd.Series([18, 10, 9, 0, 12])
    assert suppress_change(a, b, PROTECTED).tolist() == [False, False, True, False, False]


# ------------------------------------------------------------------ rates


def test_rates_hidden_with_reasons():
    rates = pd.Series([4.0, 5.0, 6.0, 7.0, 8.0, 9.0], index=list("abcdef"))
    counts_hidden = pd.Series([False, False, False, False, True, False], index=rates.index)
    inhabitants = pd.Series([30, None, 0, 1200, 1200, 50], index=rates.index, dtype="Int64")

    out, why = suppress_rates(rates, counts_hidden, inhabitants, PROTECTED)
    assert why.tolist() == [
        "minder dan 50 inwoners",
        "geen inwonertal bekend",
        "geen inwonertal bekend",
        "",
        "aantal te klein",
        "",
    ]
    assert out.isna().tolist() == [True, True, True, False, True, False]
    assert out["d"] == 7.0 and out["f"] == 9.0
    assert list(out.index) == list("abcdef")

    # exact figures: the count rule is off, the inhabitant rules stay
    out, why = suppress_rates(rates, counts_hidden, inhabitants, Disclosure.exact())
    assert why.tolist()[:3] == [
        "minder dan 50 inwoners",
        "geen inwonertal bekend",
        "geen inwonertal bekend",
    ]
    assert out["e"] == 8.0 and why["e"] == ""


def test_rate_reason_uses_configured_minimum():
    out, why = suppress_rates(
        pd.Series([1.0]), pd.Series([False]), pd.Series([80]), Disclosure(False, 5, 100)
    )
    assert np.isnan(out[0]) and why[0] == "minder dan 100 inwoners"


def test_docstring_examples():
    assert doctest.testmod(privacy).failed == 0
