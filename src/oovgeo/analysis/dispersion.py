"""Overdispersion for the comparison test: how much more than Poisson the counts vary.

The exact test of ``analysis.compare`` assumes Poisson counts. When one incident is reported
more than once (several neighbours report the same nuisance) the counts vary more than that
and the test raises false alarms: at 1,5 reports per incident about 14 % of unchanged cells
read "significant" at a nominal 5 %.

The estimate
    The counts of each cell (area × theme) in ``k`` past windows of the same length as the
    periods compared. Under "nothing changes" each cell has one mean ``mu_c``, estimated by its
    average over the windows; the quasi-Poisson dispersion is Pearson's χ² over its degrees of
    freedom, ``phi = sum_c sum_w (y_cw - mu_c)^2 / mu_c / sum_c (k - 1)``, over the cells
    with any count. This is ``pearson_chi2 / df_resid`` of a Poisson GLM with one parameter
    per cell (what statsmodels reports), floored at 1 (less than Poisson is not trusted).

    Pooled, not per cell: six windows give one cell five degrees of freedom, and a φ from
    five degrees of freedom is so noisy that per-cell factors would widen some tests at
    random and narrow none. Double reporting is a property of a source and a theme, not of
    one buurt, so one factor for the table is the honest estimate.

The widened test
    Given ``n = a + b`` a Poisson pair gives ``a ~ Binomial(n, p0)``, with variance
    ``n p0 (1 - p0)``. With dispersion ``phi`` the variance is ``phi`` times that; the
    beta-binomial with intra-class correlation ``rho = (phi - 1) / (n - 1)`` has exactly that
    variance and the same mean, and is the binomial for ``phi = 1``. Its two-sided p-value is
    the sum of the probabilities no larger than that of the observed ``a`` (as
    ``scipy.stats.binomtest`` does for the binomial).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy import stats

from oovgeo import dutch

WINDOW = "venster"  # column of the past-window index in the past counts
PAST_WINDOWS = 6  # default number of past windows to estimate the dispersion from
RELATIVE_TOLERANCE = 1 + 1e-7  # as scipy.stats.binomtest: ties in probability count as equal


def past_windows(b_start: date, b_end: date, k: int = PAST_WINDOWS) -> list[tuple[date, date]]:
    """Return ``k`` windows of the same length as ``b_start..b_end``, just before it.

    The most recent first; each window is ``(start, end)`` with ``end`` inclusive and the
    windows follow each other without gaps or overlap. Count each of them like period *b*
    and pass the counts to ``compare_table(..., past_counts=...)``.

    Examples
    --------
    >>> past_windows(date(2026, 3, 1), date(2026, 3, 28), k=2)  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
     (datetime.date(2026, 1, 4), datetime.date(2026, 1, 31))]
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if b_end < b_start:
        raise ValueError("b_end lies before b_start")
    length = (b_end - b_start).days + 1
    windows = []
    end = b_start - timedelta(days=1)
    for _ in range(k):
        start = end - timedelta(days=length - 1)
        windows.append((start, end))
        end = start - timedelta(days=1)
    return windows


def dispersion_factor(past: pd.DataFrame, keys: list[str]) -> tuple[float, int]:
    """Return the pooled quasi-Poisson dispersion ``phi`` (at least 1) and its degrees of freedom.

    ``past`` has columns ``keys`` + ``venster`` + ``count``: the count of each cell in each
    past window (all windows of one length). A cell missing from a window counts 0 there.
    Cells with no count in any window carry no information and are left out. With no
    degrees of freedom (one window, or no counts) ``phi`` is 1.

    Examples
    --------
    Two cells over three windows: Pearson χ² = (4 + 0 + 4) / 4 + (1 + 1 + 0) / 1 = 4 on
    2 + 2 degrees of freedom, so φ = 1.

    >>> past = pd.DataFrame({"wijk": ["A"] * 3 + ["B"] * 3, "venster": [0, 1, 2] * 2,
    ...                      "count": [2, 4, 6, 0, 2, 1]})
    >>> dispersion_factor(past, ["wijk"])
    (1.0, 4)
    """
    missing = [c for c in [*keys, WINDOW, "count"] if c not in past.columns]
    if missing:
        raise ValueError(f"past counts lack columns {missing}")
    if past.empty:
        return 1.0, 0
    grid = past.pivot_table(index=keys, columns=WINDOW, values="count", aggfunc="sum")
    values = grid.fillna(0).to_numpy(dtype=float)
    if (values < 0).any():
        raise ValueError("past counts must not be negative")
    windows = values.shape[1]
    means = values.mean(axis=1)
    informative = means > 0
    df = int(informative.sum()) * (windows - 1)
    if df == 0:
        return 1.0, 0
    rows, mu = values[informative], means[informative, None]
    chi2 = float(((rows - mu) ** 2 / mu).sum())
    return max(1.0, chi2 / df), df


def widened_rate_tests(a, b, exposure_a: float, exposure_b: float, phi: float) -> np.ndarray:
    """Two-sided p-values of "same rate" for counts that vary ``phi`` times more than Poisson.

    The beta-binomial conditional test described in the module docstring; for ``phi == 1``
    the exact conditional binomial test. A pair with ``n <= phi`` holds too little to test
    and gets p = 1.
    """
    va = np.asarray(a, dtype=float).ravel()
    vb = np.asarray(b, dtype=float).ravel()
    p0 = exposure_a / (exposure_a + exposure_b)
    out = np.ones(va.size)
    cache: dict[tuple[int, int], float] = {}
    for i, (x, y) in enumerate(zip(va, vb, strict=True)):
        key = (int(x), int(x + y))
        if key not in cache:
            cache[key] = _beta_binomial_p(key[0], key[1], p0, phi)
        out[i] = cache[key]
    return out


def _beta_binomial_p(a: int, n: int, p0: float, phi: float) -> float:
    if n == 0:
        return 1.0
    if phi <= 1.0:
        return float(stats.binomtest(a, n, p0, alternative="two-sided").pvalue)
    if n <= phi:
        return 1.0
    rho = (phi - 1.0) / (n - 1.0)
    total = (1.0 - rho) / rho  # alpha + beta
    pmf = stats.betabinom.pmf(np.arange(n + 1), n, p0 * total, (1.0 - p0) * total)
    return float(min(1.0, pmf[pmf <= pmf[a] * RELATIVE_TOLERANCE].sum()))


def dispersion_note(phi: float) -> str:
    """Return the Dutch sentence for a widened test, or '' when the counts fit Poisson.

    >>> dispersion_note(1.6)
    'Spreiding groter dan toeval: toets verbreed (φ = 1,6).'
    >>> dispersion_note(1.0)
    ''
    """
    if not phi > 1.0:
        return ""
    return f"Spreiding groter dan toeval: toets verbreed (φ = {dutch.fixed(phi, 1)})."
