"""Honest comparison of two periods: exact Poisson test, FDR correction, plain Dutch labels.

A raw % change on small counts misleads ("+100 %" is 2 against 1). Per area (and theme) this
module tests whether the rate of period *a* differs from that of period *b*, corrects the
p-values for testing many areas at once, and says in plain Dutch what can be concluded:

- ``RISE`` / ``FALL``: the FDR-adjusted p-value is below ``alpha``, direction by the rates;
- ``NORMAL``: tested, but the difference fits chance variation;
- ``TOO_FEW``: fewer than ``min_total`` events in both periods together; not tested at all.

The test
    Two Poisson counts ``a`` and ``b`` with exposures ``e_a`` and ``e_b`` have the same rate
    exactly when, given their sum ``n = a + b``, ``a ~ Binomial(n, e_a / (e_a + e_b))``. The
    conditional binomial test is exact (no large-sample approximation), which matters for the
    small counts of a single buurt.

Exposure
    The amount of "opportunity" behind a count. Comparing one area with itself over two
    periods, exposure is the period length in days. Comparing rates per inhabitant of two
    areas of different size, exposure is days × inhabitants. Within one area the inhabitants
    cancel out of ``e_a / (e_a + e_b)``, so ``compare_table`` tests with days alone and uses
    the inhabitants only for the rates it shows.

The periods must not overlap: the test assumes two independent counts.

Nothing here applies disclosure rules except ``protect_comparison``, which makes the display
copy for protected audiences (P3) through ``oovgeo.privacy``.

Example
-------
>>> now = pd.DataFrame({"wijk": ["Oost", "West", "Zuid"], "count": [40, 12, 3]})
>>> before = pd.DataFrame({"wijk": ["Oost", "West", "Zuid"], "count": [15, 10, 1]})
>>> table = compare_table(now, before, keys=["wijk"], days_a=365, days_b=365)
>>> table["oordeel"].tolist()
['significant gestegen', 'binnen normale variatie', 'te weinig meldingen om iets te zeggen']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from oovgeo.analysis.dispersion import dispersion_factor, dispersion_note, widened_rate_tests
from oovgeo.analysis.rates import per_1000_per_year
from oovgeo.privacy import (
    Disclosure,
    format_count,
    hidden_mask,
    suppress_change,
    suppress_rates,
)
from oovgeo.vocab import FALL, NORMAL, RISE, TOO_FEW

MISSING_INHABITANTS = -99997  # CBS: secret / not available

COUNT_COLUMNS = ["a", "b"]
RESULT_COLUMNS = ["a", "b", "verschil", "verschil_pct", "rate_a", "rate_b", "p", "p_fdr", "oordeel"]


def poisson_rate_test(a: int, b: int, exposure_a: float, exposure_b: float) -> float:
    """Two-sided exact p-value for "counts ``a`` and ``b`` come from the same rate".

    Conditional binomial test: given ``n = a + b``, under H0 ``a ~ Binomial(n, p0)`` with
    ``p0 = exposure_a / (exposure_a + exposure_b)``; the p-value is that of
    ``scipy.stats.binomtest(a, n, p0, alternative="two-sided")``. With ``n == 0`` there is
    nothing to test and the p-value is 1.

    Parameters
    ----------
    a, b
        Event counts in period (or area) *a* and *b*: non-negative integers.
    exposure_a, exposure_b
        Positive exposures: days in the period, or days × inhabitants when comparing rates
        per inhabitant between areas of different size.

    Returns
    -------
    float
        The two-sided p-value.

    Examples
    --------
    >>> round(poisson_rate_test(40, 15, 365, 365), 4)
    0.001
    >>> poisson_rate_test(0, 0, 30, 30)
    1.0
    """
    a_int, b_int = _count(a, "a"), _count(b, "b")
    p0 = _null_share(exposure_a, exposure_b)
    return _binom_p(a_int, a_int + b_int, p0)


def poisson_rate_tests(a, b, exposure_a, exposure_b) -> np.ndarray:
    """``poisson_rate_test`` for arrays (broadcast against each other).

    A missing count or exposure (NaN) gives a NaN p-value. Identical ``(a, b, p0)``
    combinations are computed once.

    Examples
    --------
    >>> poisson_rate_tests([0, 5, 5], [0, 5, 5], 30, 30).tolist()
    [1.0, 1.0, 1.0]
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (a, b, exposure_a, exposure_b))
    )
    va, vb, ea, eb = (x.ravel() for x in arrays)
    out = np.full(va.shape, np.nan)
    cache: dict[tuple[int, int, float], float] = {}
    for i in range(va.size):
        if np.isnan(va[i]) or np.isnan(vb[i]) or np.isnan(ea[i]) or np.isnan(eb[i]):
            continue
        ai, bi = _count(va[i], "a"), _count(vb[i], "b")
        key = (ai, bi, _null_share(ea[i], eb[i]))
        if key not in cache:
            cache[key] = _binom_p(ai, ai + bi, key[2])
        out[i] = cache[key]
    return out.reshape(arrays[0].shape)


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values; NaN (not tested) stays NaN.

    The non-missing values are adjusted among themselves with
    ``scipy.stats.false_discovery_control(p, method="bh")``: a row that was not tested does
    not enlarge the family.

    Examples
    --------
    >>> benjamini_hochberg([0.01, np.nan, 0.02, 0.5]).round(3).tolist()
    [0.03, nan, 0.03, 0.5]
    """
    values = np.asarray(p, dtype=float)
    out = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    if present.any():
        out[present] = stats.false_discovery_control(values[present], method="bh")
    return out


def classify_change(a, b, p_fdr, rate_a, rate_b, *, alpha: float = 0.05, min_total: int = 10):
    """Dutch verdict per row: ``TOO_FEW``, ``RISE``, ``FALL`` or ``NORMAL``.

    ``TOO_FEW`` when ``a + b < min_total`` (or the row has no p-value); otherwise ``RISE`` or
    ``FALL`` when ``p_fdr < alpha``, by whether ``rate_a`` is above or below ``rate_b``;
    otherwise ``NORMAL``.

    Why a minimum: with fewer than about 10 events in both periods together only extreme
    splits can reach p < 0.05 even before any correction (equal periods: 8 against 1 gives
    p = 0.04, while a doubling such as 6 against 3 gives p = 0.51). "Within normal variation"
    would then pretend knowledge the data do not hold; the honest verdict is "too few".

    Examples
    --------
    >>> classify_change([40, 12, 3], [15, 10, 1], [0.001, 0.83, np.nan],
    ...                 [40, 12, 3], [15, 10, 1]).tolist()
    ['significant gestegen', 'binnen normale variatie', 'te weinig meldingen om iets te zeggen']
    """
    va, vb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    q = np.asarray(p_fdr, dtype=float)
    ra, rb = np.asarray(rate_a, dtype=float), np.asarray(rate_b, dtype=float)
    too_few = ~(va + vb >= min_total) | np.isnan(q)
    significant = ~too_few & (q < alpha)
    labels = np.select(
        [too_few, significant & (ra > rb), significant & (ra < rb)],
        [TOO_FEW, RISE, FALL],
        default=NORMAL,
    )
    return labels.astype(object)


def compare_table(
    a_counts: pd.DataFrame,
    b_counts: pd.DataFrame,
    *,
    keys: list[str],
    days_a: int,
    days_b: int,
    inhabitants: pd.Series | None = None,
    alpha: float = 0.05,
    min_total: int = 10,
    past_counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare period *a* (usually the recent one) with period *b*, row per area × theme.

    Parameters
    ----------
    a_counts, b_counts
        Columns ``keys`` + ``"count"``, one row per key combination. A combination missing
        from one table counts 0 there (outer join).
    keys
        The key columns, e.g. ``["wijk_code", "thema"]``.
    days_a, days_b
        Period lengths in days: the exposures of the test. The periods must not overlap.
    inhabitants
        Optional inhabitants per area, indexed by area code. The index name picks the key
        column to match on (an unnamed index matches ``keys[0]``); a MultiIndex matches on
        all its level names. With it the rates are per 1,000 inhabitants per year
        (``count / days * 365 * 1000 / inhabitants``; NaN where inhabitants are missing,
        -99997 or not positive) and an ``inwoners`` column is added. It does not change the
        test: within one area the inhabitants cancel out of the exposure ratio.
    alpha
        Level for the FDR-adjusted p-value.
    min_total
        Rows with ``a + b < min_total`` are labelled ``TOO_FEW`` and not tested (see
        ``classify_change`` for why).
    past_counts
        Optional counts of the same cells in past windows of the same length as *b*
        (``dispersion.past_windows`` says which): columns ``keys`` + ``venster`` + ``count``.
        Where they vary more than Poisson the test is widened by the pooled dispersion
        factor (``dispersion.dispersion_factor``, beta-binomial test); the table then gets a
        ``spreiding`` column (φ, 1 = Poisson) and ``attrs["spreiding_tekst"]``, a Dutch
        sentence to show beside it. Without past counts the exact Poisson test is used.

    Returns
    -------
    pd.DataFrame
        ``keys``..., ``a``, ``b``, ``verschil`` (``a - b``, raw counts), ``verschil_pct``
        (change of the per-day rate in %, equal to ``(a - b) / b * 100`` for equal periods;
        NaN when ``b == 0``), ``rate_a``, ``rate_b`` (per day, or per 1,000 inhabitants per
        year), ``p``, ``p_fdr``, ``oordeel`` [, ``inwoners``].

        One FDR family: all tested rows of the table (all areas × themes). ``TOO_FEW`` rows
        are not tested, so their ``p`` and ``p_fdr`` are NaN and they do not enlarge the
        family; counting them would only weaken the correction for rows that carry
        information.

    Examples
    --------
    >>> now = pd.DataFrame({"wijk": ["Oost", "West"], "count": [40, 7]})
    >>> before = pd.DataFrame({"wijk": ["Oost", "Zuid"], "count": [15, 2]})
    >>> t = compare_table(now, before, keys=["wijk"], days_a=30, days_b=30)
    >>> t[["wijk", "a", "b", "verschil"]].values.tolist()
    [['Oost', 40, 15, 25], ['West', 7, 0, 7], ['Zuid', 0, 2, -2]]
    """
    keys = list(keys)
    if not keys:
        raise ValueError("keys must name at least one column")
    if min_total < 0:
        raise ValueError("min_total must not be negative")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    for name, days in (("days_a", days_a), ("days_b", days_b)):
        if not np.isfinite(days) or days <= 0:
            raise ValueError(f"{name} must be a positive number of days")
    left = _checked_counts(a_counts, keys, "a")
    right = _checked_counts(b_counts, keys, "b")
    table = left.merge(right, on=keys, how="outer", sort=True)
    table[COUNT_COLUMNS] = table[COUNT_COLUMNS].fillna(0).astype("int64")
    table = table.reset_index(drop=True)
    a = table["a"].to_numpy(dtype=float)
    b = table["b"].to_numpy(dtype=float)

    table["verschil"] = table["a"] - table["b"]
    per_day_a, per_day_b = a / days_a, b / days_b
    with np.errstate(divide="ignore", invalid="ignore"):
        table["verschil_pct"] = np.where(b > 0, (per_day_a / per_day_b - 1) * 100, np.nan)

    if inhabitants is None:
        table["rate_a"], table["rate_b"] = per_day_a, per_day_b
    else:
        people = _match_inhabitants(table, keys, inhabitants)
        # the one rate of every page (analysis.rates): per 1,000 inhabitants per year
        table["rate_a"] = per_1000_per_year(a, days_a, people)
        table["rate_b"] = per_1000_per_year(b, days_b, people)

    tested = a + b >= min_total
    p = np.full(len(table), np.nan)
    phi = 1.0
    if past_counts is not None:
        phi, _df = dispersion_factor(past_counts, keys)
    if tested.any():
        if phi > 1.0:
            p[tested] = widened_rate_tests(a[tested], b[tested], days_a, days_b, phi)
        else:
            p[tested] = poisson_rate_tests(a[tested], b[tested], days_a, days_b)
    table["p"] = p
    table["p_fdr"] = benjamini_hochberg(p)
    table["oordeel"] = classify_change(
        a, b, table["p_fdr"], per_day_a, per_day_b, alpha=alpha, min_total=min_total
    )
    if inhabitants is not None:
        table["inwoners"] = people
    if past_counts is not None:
        table["spreiding"] = phi
        table.attrs["spreiding"] = phi
        table.attrs["spreiding_tekst"] = dispersion_note(phi)
    return table


def protect_comparison(table: pd.DataFrame, disclosure: Disclosure) -> pd.DataFrame:
    """Return a display copy of a ``compare_table`` result for ``disclosure`` (P3).

    ``table`` must hold protected figures when ``disclosure`` is protected (counted with
    ``disclosure.count_share``): every column here is then computed from protected figures,
    and this function applies the display rules. For protected disclosure:

    - ``a`` and ``b`` become text as ``privacy.suppress_table`` makes it (``"<k"`` below k).
    - ``verschil`` and ``verschil_pct`` are blanked where ``a`` or ``b`` reads ``"<k"``
      (``privacy.suppress_change``): the difference would show the small figure.
    - ``rate_a`` / ``rate_b`` are blanked where their count reads ``"<k"``, ``p`` / ``p_fdr``
      where either does.
    - ``oordeel`` is kept: it is computed from protected figures. A row whose both counts
      read ``"<k"`` reads ``TOO_FEW``.

    For every audience, rates of areas with fewer than ``disclosure.min_inhabitants``
    inhabitants (column ``inwoners``, when present) are blanked. Otherwise exact disclosure
    returns the numbers unchanged, formatted as for protected audiences: ``a`` and ``b`` as
    Dutch text (``"1.234"``), ``verschil`` as nullable integer, the rest as floats.

    Examples
    --------
    >>> t = pd.DataFrame({"wijk": ["Noord", "Oost", "West", "Zuid"], "count": [25, 40, 12, 3]})
    >>> u = pd.DataFrame({"wijk": ["Noord", "Oost", "West", "Zuid"], "count": [30, 15, 10, 1]})
    >>> table = compare_table(t, u, keys=["wijk"], days_a=365, days_b=365)
    >>> shown = protect_comparison(table, Disclosure(protected=True))
    >>> shown[["a", "b", "verschil", "oordeel"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['25', '30', -5, 'binnen normale variatie'],
     ['40', '15', 25, 'significant gestegen'],
     ['12', '10', 2, 'binnen normale variatie'],
     ['<5', '<5', <NA>, 'te weinig meldingen om iets te zeggen']]
    >>> protect_comparison(table, Disclosure.exact())["a"].tolist()
    ['25', '40', '12', '3']
    """
    missing = [c for c in RESULT_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"not a comparison table; missing columns: {missing}")
    out = table.copy()
    k = disclosure.threshold
    hidden_a, hidden_b = _hidden_counts(table, disclosure)

    for column, hidden in (("a", hidden_a), ("b", hidden_b)):
        texts = [format_count(n, h, k) for n, h in zip(table[column], hidden, strict=True)]
        out[column] = pd.Series(texts, index=table.index, dtype=object)

    change_hidden = suppress_change(
        table["a"],
        table["b"],
        disclosure,
        hidden_a=pd.Series(hidden_a, index=table.index),
        hidden_b=pd.Series(hidden_b, index=table.index),
    ).to_numpy()
    out["verschil"] = table["verschil"].astype("Int64").mask(change_hidden)
    out["verschil_pct"] = table["verschil_pct"].astype(float).mask(change_hidden)

    for rate, hidden in (("rate_a", hidden_a), ("rate_b", hidden_b)):
        values = table[rate].astype(float)
        if "inwoners" in table.columns:
            values, _ = suppress_rates(
                values, pd.Series(hidden, index=table.index), table["inwoners"], disclosure
            )
        out[rate] = values.mask(hidden)

    any_hidden = hidden_a | hidden_b
    out["p"] = table["p"].astype(float).mask(any_hidden)
    out["p_fdr"] = table["p_fdr"].astype(float).mask(any_hidden)
    out["oordeel"] = table["oordeel"].astype(object).mask(hidden_a & hidden_b, TOO_FEW)
    return out


def _hidden_counts(table: pd.DataFrame, disclosure: Disclosure) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the ``a`` and ``b`` cells that read ``"<k"``."""
    mask = hidden_mask(table, COUNT_COLUMNS, disclosure)
    return mask["a"].to_numpy(), mask["b"].to_numpy()


def _count(value, name: str) -> int:
    """Return a non-negative whole count as int; anything else is an error."""
    number = float(value)
    if not np.isfinite(number) or number < 0 or number != int(number):
        raise ValueError(f"{name} must be a non-negative whole number, got {value!r}")
    return int(number)


def _null_share(exposure_a: float, exposure_b: float) -> float:
    """``exposure_a / (exposure_a + exposure_b)``, checking both exposures are positive."""
    ea, eb = float(exposure_a), float(exposure_b)
    if not (np.isfinite(ea) and np.isfinite(eb) and ea > 0 and eb > 0):
        raise ValueError("exposures must be positive and finite")
    return ea / (ea + eb)


def _binom_p(a: int, n: int, p0: float) -> float:
    if n == 0:
        return 1.0
    return float(stats.binomtest(a, n, p0, alternative="two-sided").pvalue)


def _checked_counts(df: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """``keys`` + ``count`` renamed to ``name``; errors on missing, duplicate or bad counts."""
    missing = [c for c in [*keys, "count"] if c not in df.columns]
    if missing:
        raise ValueError(f"{name}_counts lacks columns {missing}")
    out = df[[*keys, "count"]].rename(columns={"count": name})
    if out.duplicated(subset=keys).any():
        raise ValueError(f"{name}_counts holds a key combination more than once")
    values = pd.to_numeric(out[name], errors="coerce")
    if values.isna().any() or (values < 0).any() or (values % 1 != 0).any():
        raise ValueError(f"{name}_counts: counts must be non-negative whole numbers")
    out[name] = values.astype("int64")
    return out


def _match_inhabitants(table: pd.DataFrame, keys: list[str], inhabitants: pd.Series) -> np.ndarray:
    """Inhabitants per row of ``table`` as floats; missing, -99997 and unmatched -> NaN."""
    names = [n for n in inhabitants.index.names if n is not None]
    if not names:
        if inhabitants.index.nlevels != 1:
            raise ValueError("name the levels of a MultiIndex of inhabitants")
        names = [keys[0]]
    unknown = [n for n in names if n not in keys]
    if unknown:
        raise ValueError(f"inhabitants are indexed by {unknown}, which are not keys")
    if inhabitants.index.has_duplicates:
        raise ValueError("inhabitants hold an area more than once")
    people = pd.to_numeric(inhabitants, errors="coerce").astype(float)
    people = people.where(people != MISSING_INHABITANTS)
    people.index = inhabitants.index.set_names(names)
    frame = people.rename("__inwoners").reset_index()
    matched = table[names].merge(frame, on=names, how="left")["__inwoners"]
    return matched.to_numpy(dtype=float)
