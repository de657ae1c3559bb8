"""Overdispersion: the pooled quasi-Poisson factor and the widened comparison test."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from oovgeo.analysis.compare import compare_table
from oovgeo.analysis.dispersion import (
    dispersion_factor,
    dispersion_note,
    past_windows,
    widened_rate_tests,
)

CELLS = 60
WINDOWS = 6


def test_past_windows_follow_each_other_with_the_same_length():
    windows = past_windows(date(2026, 11, 1), date(2026, 11, 28), k=3)
    assert windows == [
        (date(2026, 10, 4), date(2026, 10, 31)),
        (date(2026, 9, 6), date(2026, 10, 3)),
        (date(2026, 8, 9), date(2026, 9, 5)),
    ]


def test_dispersion_matches_a_hand_computed_pearson_chi2():
    # cell A: 1, 5, 9 (mean 5) -> (16 + 0 + 16) / 5 = 6.4; cell B: 3, 3, 3 -> 0;
    # cell C never counts: no information. df = 2 cells * (3 - 1) = 4 -> phi = 1.6
    past = pd.DataFrame(
        {
            "wijk": ["A", "A", "A", "B", "B", "B", "C"],
            "venster": [0, 1, 2, 0, 1, 2, 0],
            "count": [1, 5, 9, 3, 3, 3, 0],
        }
    )
    phi, df = dispersion_factor(past, ["wijk"])
    assert df == 4
    assert phi == pytest.approx(6.4 / 4)
    assert dispersion_note(phi) == "Spreiding groter dan toeval: toets verbreed (φ = 1,6)."
    # a window missing for a cell counts 0: B absent in window 2 -> 3, 3, 0
    phi2, _ = dispersion_factor(past.drop(index=5), ["wijk"])
    assert phi2 == pytest.approx((6.4 + (1 + 1 + 4) / 2) / 4)


def test_widened_test_is_the_exact_test_without_dispersion_and_wider_with_it():
    exact = stats.binomtest(30, 45, 0.5).pvalue
    assert widened_rate_tests([30], [15], 28, 28, 1.0)[0] == pytest.approx(exact, rel=1e-12)
    assert widened_rate_tests([30], [15], 28, 28, 1.8)[0] > exact
    # the beta-binomial has the variance phi * n p (1 - p) it is built for
    n, phi = 40, 1.8
    rho = (phi - 1) / (n - 1)
    total = (1 - rho) / rho
    assert stats.betabinom(n, 0.5 * total, 0.5 * total).var() == pytest.approx(phi * n / 4)


def simulate(rng, reports, periods):
    """Counts per cell and period: Poisson incidents, each reported ``reports(k)`` times."""
    rates = rng.uniform(6, 20, size=CELLS)
    incidents = rng.poisson(rates[:, None], size=(CELLS, periods))
    return np.vectorize(lambda k: int(reports(rng, k)))(incidents)


def repeat_1_plus_poisson(rng, k):
    return k + rng.poisson(0.5 * k) if k else 0  # sum of k draws of 1 + Poisson(0.5)


def once(rng, k):
    return k


def run(seed, reports, change=1.0):
    rng = np.random.default_rng(seed)
    counts = simulate(rng, reports, WINDOWS + 2)
    if change != 1.0:
        rates = rng.uniform(6, 20, size=CELLS)
        counts[:, 0] = [reports(rng, k) for k in rng.poisson(rates * change)]
        counts[:, 1] = [reports(rng, k) for k in rng.poisson(rates)]
    cells = [f"W{i:02d}" for i in range(CELLS)]
    a = pd.DataFrame({"wijk": cells, "count": counts[:, 0]})
    b = pd.DataFrame({"wijk": cells, "count": counts[:, 1]})
    past = pd.DataFrame(
        {
            "wijk": np.repeat(cells, WINDOWS),
            "venster": np.tile(np.arange(WINDOWS), CELLS),
            "count": counts[:, 2:].ravel(),
        }
    )
    plain = compare_table(a, b, keys=["wijk"], days_a=28, days_b=28)
    widened = compare_table(a, b, keys=["wijk"], days_a=28, days_b=28, past_counts=past)
    return plain, widened


def test_double_reports_no_longer_raise_false_alarms():
    plain_alarms, widened_alarms, phis = [], [], []
    for seed in range(40):
        plain, widened = run(seed, repeat_1_plus_poisson)
        plain_alarms.append((plain["p"] < 0.05).mean())
        widened_alarms.append((widened["p"] < 0.05).mean())
        phis.append(widened.attrs["spreiding"])
    assert np.mean(plain_alarms) > 0.10  # the Poisson test: about 14 %
    assert np.mean(widened_alarms) <= 0.06
    assert np.mean(phis) == pytest.approx(2.75 / 1.5, abs=0.25)  # E[R^2] / E[R]


def test_pure_poisson_keeps_its_power():
    plain_hits, widened_hits, phis = [], [], []
    for seed in range(30):
        plain, widened = run(100 + seed, once, change=2.0)
        plain_hits.append((plain["p"] < 0.05).mean())
        widened_hits.append((widened["p"] < 0.05).mean())
        phis.append(widened.attrs["spreiding"])
    assert np.mean(phis) < 1.1
    assert np.mean(widened_hits) >= 0.9 * np.mean(plain_hits)


def test_without_past_counts_the_table_is_unchanged():
    a = pd.DataFrame({"wijk": ["A"], "count": [30]})
    b = pd.DataFrame({"wijk": ["A"], "count": [15]})
    t = compare_table(a, b, keys=["wijk"], days_a=28, days_b=28)
    assert "spreiding" not in t.columns
    assert t["p"].iloc[0] == pytest.approx(stats.binomtest(30, 45, 0.5).pvalue)
