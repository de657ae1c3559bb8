"""What each audience may see: small-count protection for aggregates (A4, P3).

Protected audiences (the roles in ``access.PROTECTED_ROLES`` and every partner-meeting output)
see counts below the threshold *k* as ``"<k"``, no rate where the count is hidden, and no
total from which a hidden count can be computed back. Rates for areas with fewer than
``min_inhabitants`` inhabitants are hidden for every audience (CBS practice). The OOV core
team sees exact figures otherwise.

Everything here is pure: pandas in, pandas out; no Streamlit, no database. Series passed
together (counts and their mask, ``a`` and ``b``) are matched by position, not by label.

Example
-------
>>> table = pd.DataFrame({"buurt": ["A", "B", "C", "D"], "signalen": [12, 3, 0, 7]})
>>> shown = suppress_table(table, ["signalen"], disclosure=Disclosure(protected=True))
>>> shown["signalen"].tolist()
['12', '<5', '0', '<5']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from oovgeo import dutch
from oovgeo.access import Identity
from oovgeo.config import Settings, default

REASON_NO_INHABITANTS = "geen inwonertal bekend"
REASON_COUNT_HIDDEN = "aantal te klein"
# Shown for a count hidden only so that a small count elsewhere cannot be computed back:
# CBS's mark for a secret figure. "<k" there would be untrue.
HIDDEN_MARK = "x"


def reason_few_inhabitants(minimum: int) -> str:
    """Dutch reason for a rate hidden because the area has too few inhabitants.

    >>> reason_few_inhabitants(50)
    'minder dan 50 inwoners'
    """
    return f"minder dan {minimum} inwoners"


@dataclass(frozen=True)
class Disclosure:
    """How exactly figures may be shown to one audience.

    Parameters
    ----------
    protected
        True for audiences that see small counts as ``"<k"`` (managers, partner meetings).
    threshold
        *k*: counts ``0 < n < k`` are hidden from protected audiences.
    min_inhabitants
        Rates of areas with fewer inhabitants are hidden from everybody.

    Examples
    --------
    >>> Disclosure(protected=True, threshold=10).threshold
    10
    >>> Disclosure.exact().protected
    False
    """

    protected: bool
    threshold: int = default("privacy.suppression_threshold")
    min_inhabitants: int = default("privacy.min_inhabitants")

    def __post_init__(self) -> None:
        """Check the limits; raise ValueError for invalid values."""
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        if self.min_inhabitants < 0:
            raise ValueError("min_inhabitants must not be negative")

    @classmethod
    def from_settings(cls, settings: Settings, *, protected: bool) -> Disclosure:
        """Return the configured limits (``privacy.*``) for a protected or exact audience."""
        return cls(
            protected=protected,
            threshold=settings.suppression_threshold,
            min_inhabitants=settings.min_inhabitants,
        )

    @classmethod
    def for_identity(cls, identity: Identity | None, settings: Settings) -> Disclosure:
        """Return the disclosure for a logged-in user; no identity fails closed (protected)."""
        protected = True if identity is None else bool(identity.protected)
        return cls.from_settings(settings, protected=protected)

    @classmethod
    def exact(cls, settings: Settings | None = None) -> Disclosure:
        """Exact figures (the OOV core team); pass settings to keep the configured limits.

        The minimum number of inhabitants for rates applies to exact figures too.
        """
        if settings is None:
            return cls(protected=False)
        return cls.from_settings(settings, protected=False)


def _floats(values: Any) -> np.ndarray:
    """Numbers as a float array; anything missing or non-numeric becomes NaN."""
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _bools(values: Any) -> np.ndarray:
    """Return a mask as a bool array; a missing entry counts as hidden (fail closed)."""
    return pd.Series(values).to_numpy(dtype=bool, na_value=True, copy=True)


def _too_revealing(hidden_values: np.ndarray, threshold: int) -> bool:
    """Whether hidden cells with these values could be worked out from a shown total.

    Zeros are always shown, so the reader knows each hidden cell is at least 1. With h hidden
    cells summing to S, one cell is then at most S - (h - 1). The set is safe when that bound
    reaches k (so "total minus shown" cannot pin a cell below k); one hidden cell alone is
    never safe, since it equals total minus shown.
    """
    values = hidden_values[~np.isnan(hidden_values)]
    if len(values) == 0:
        return False
    return len(values) == 1 or values.sum() - (len(values) - 1) < threshold


def primary_mask(counts: pd.Series, threshold: int) -> pd.Series:
    """Cells that are too small to show: ``0 < n < threshold``.

    Zero is shown: "no signals here" reveals nobody. NaN is not a count and is not hidden.

    Examples
    --------
    >>> primary_mask(pd.Series([12, 3, 0, None]), 5).tolist()
    [False, True, False, False]
    """
    values = _floats(counts)
    return pd.Series((values > 0) & (values < threshold), index=counts.index, dtype=bool)


def complementary_mask(
    counts: pd.Series, hidden: pd.Series, *, total_shown: bool, threshold: int
) -> pd.Series:
    """Extend ``hidden`` so no hidden cell can be computed back from a shown total.

    Rule, applied only when a total (or any sum over the cells) is shown: while exactly one
    cell is hidden, or the hidden cells could still be worked out, also hide the smallest
    shown non-zero cell (ties: the first one). The hidden cells "could be worked out" when
    their sum S is below k + (h - 1) for h hidden cells: since zeros are shown, every hidden
    cell is at least 1, so one of them is at most S - (h - 1), and that must reach k. This
    implies the plain rule S >= k ("total minus shown" never reveals a number below k) and
    also covers many small cells, e.g. five hidden 1s summing to exactly 5.

    Zeros and NaN are never hidden. When every non-zero cell is hidden and the rule still
    fails, the total itself must be hidden: use ``total_label``.

    Parameters
    ----------
    counts
        The cells that add up to the shown total.
    hidden
        Cells already hidden, usually ``primary_mask(counts, threshold)``.
    total_shown
        Without a shown total nothing is added.
    threshold
        *k*, the suppression threshold.

    Returns
    -------
    pd.Series of bool
        The full mask: ``hidden`` plus the complementary cells.

    Examples
    --------
    >>> counts = pd.Series([12, 3, 0, 7])
    >>> complementary_mask(counts, primary_mask(counts, 5), total_shown=True, threshold=5).tolist()
    [False, True, False, True]
    """
    values = _floats(counts)
    mask = _bools(hidden)
    if len(mask) != len(values):
        raise ValueError("counts and hidden differ in length")
    if total_shown and mask.any():
        candidates = (i for i in np.argsort(values, kind="stable") if not mask[i] and values[i] > 0)
        while _too_revealing(values[mask], threshold):
            nxt = next(candidates, None)
            if nxt is None:
                break
            mask[nxt] = True
    return pd.Series(mask, index=counts.index, dtype=bool)


def hidden_mask(
    df: pd.DataFrame,
    count_columns: Sequence[str],
    disclosure: Disclosure,
    *,
    group_total: bool = True,
) -> pd.DataFrame:
    """Which cells of ``count_columns`` a ``suppress_table`` display hides (all False if exact).

    Use it to blank columns computed from the counts (rates, shares, changes): a share of a
    hidden count reveals the count.

    Examples
    --------
    >>> df = pd.DataFrame({"n": [12, 3, 0, 7]})
    >>> hidden_mask(df, ["n"], Disclosure(protected=True))["n"].tolist()
    [False, True, False, True]
    """
    out = pd.DataFrame(False, index=df.index, columns=list(count_columns), dtype=bool)
    if not disclosure.protected:
        return out
    k = disclosure.threshold
    for column in count_columns:
        primary = primary_mask(df[column], k)
        full = complementary_mask(df[column], primary, total_shown=group_total, threshold=k)
        out[column] = full.to_numpy()
    return out


def suppress_table(
    df: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    disclosure: Disclosure,
    group_total: bool = True,
) -> pd.DataFrame:
    """Return a display copy of ``df`` with small counts hidden for protected audiences.

    For protected disclosure each count column becomes text (object dtype): hidden cells read
    ``"<k"``, the others their number with Dutch thousands separators, missing values ``""``.
    Each column is protected on its own, its rows being the cells of one column total
    (``group_total=False`` applies only the primary rule, for tables shown without any sum).
    Sums across columns are not protected: do not show a row total next to protected counts.
    For exact disclosure the copy holds the numbers unchanged.

    Examples
    --------
    >>> df = pd.DataFrame({"wijk": ["Oost", "West", "Zuid"], "n": [2, 2, 30]})
    >>> suppress_table(df, ["n"], disclosure=Disclosure(protected=True))["n"].tolist()
    ['<5', '<5', '<5']
    >>> suppress_table(df, ["n"], disclosure=Disclosure.exact())["n"].tolist()
    [2, 2, 30]
    """
    out = df.copy()
    if not disclosure.protected:
        return out
    mask = hidden_mask(df, count_columns, disclosure, group_total=group_total)
    k = disclosure.threshold
    for column in count_columns:
        texts = [format_count(n, h, k) for n, h in zip(df[column], mask[column], strict=True)]
        out[column] = pd.Series(texts, index=df.index, dtype=object)
    return out


def total_label(counts: pd.Series, disclosure: Disclosure) -> str:
    """Return the total of ``counts`` as text, hidden when it would expose hidden cells.

    For protected disclosure the total is hidden when all non-zero cells are hidden and
    still too few to protect each other (see ``complementary_mask``): ``"<k"`` when the total
    is below k, else ``"≥k"``.

    Examples
    --------
    >>> total_label(pd.Series([12, 3, 0, 7]), Disclosure(protected=True))
    '22'
    >>> total_label(pd.Series([2, 2, 0]), Disclosure(protected=True))
    '<5'
    >>> total_label(pd.Series([1, 1, 1, 1, 1]), Disclosure(protected=True))
    '≥5'
    """
    values = _floats(counts)
    total = float(np.nansum(values))
    k = disclosure.threshold
    if disclosure.protected:
        primary = primary_mask(counts, k)
        mask = complementary_mask(counts, primary, total_shown=True, threshold=k).to_numpy()
        if _too_revealing(values[mask], k):
            return f"<{k}" if total < k else f"≥{k}"
    return format_count(total, False, k)


def suppress_rates(
    rates: pd.Series,
    counts_hidden: pd.Series,
    inhabitants: pd.Series,
    disclosure: Disclosure,
) -> tuple[pd.Series, pd.Series]:
    """Hide rates that are unreliable or would reveal a hidden count.

    A rate becomes NaN, with a Dutch reason, when the number of inhabitants is missing or 0
    ("geen inwonertal bekend"), below ``min_inhabitants`` ("minder dan 50 inwoners"; both
    rules for every audience), or, for protected disclosure only, when its count is hidden
    ("aantal te klein"). Pass the full mask from ``hidden_mask`` as ``counts_hidden``, not
    only the primary one: with inhabitants known, a rate gives its count back.

    Returns
    -------
    (pd.Series of float, pd.Series of str)
        The rates to show and per row the reason a rate is hidden (``""`` when shown).

    Examples
    --------
    >>> rates, why = suppress_rates(pd.Series([4.0, 2.5, 8.0]), pd.Series([False, True, False]),
    ...                             pd.Series([1200, 800, 30]), Disclosure(protected=True))
    >>> rates.tolist()[0], why.tolist()
    (4.0, ['', 'aantal te klein', 'minder dan 50 inwoners'])
    """
    people = _floats(inhabitants)
    hidden = _bools(counts_hidden)
    if not len(people) == len(hidden) == len(rates):
        raise ValueError("rates, counts_hidden and inhabitants differ in length")
    unknown = np.isnan(people) | (people <= 0)
    few = ~unknown & (people < disclosure.min_inhabitants)
    small = hidden & disclosure.protected
    reason = np.select(
        [unknown, few, small],
        [
            REASON_NO_INHABITANTS,
            reason_few_inhabitants(disclosure.min_inhabitants),
            REASON_COUNT_HIDDEN,
        ],
        default="",
    )
    reasons = pd.Series(reason, index=rates.index, dtype=object)
    shown = pd.Series(_floats(rates), index=rates.index, dtype=float).where(reason == "")
    return shown, reasons


def suppress_change(
    a: pd.Series,
    b: pd.Series,
    disclosure: Disclosure,
    *,
    hidden_a: pd.Series | None = None,
    hidden_b: pd.Series | None = None,
) -> pd.Series:
    """Rows whose difference ``a - b`` must not be shown to a protected audience.

    Hidden when ``a`` or ``b`` is below k (primary rule) or hidden in its own table
    (``hidden_a``/``hidden_b``, e.g. from ``hidden_mask``), or when ``0 < |a - b| < k``:
    two overlapping periods that differ by fewer than k records reveal the records in the
    part where they do not overlap. Exact disclosure hides nothing.

    The difference also follows from ``a`` and ``b`` themselves: in a flagged row do not
    show both counts either.

    Examples
    --------
    >>> suppress_change(pd.Series([20, 20, 3]), pd.Series([18, 10, 9]),
    ...                 Disclosure(protected=True)).tolist()
    [True, False, True]
    """
    va, vb = _floats(a), _floats(b)
    if len(va) != len(vb):
        raise ValueError("a and b differ in length")
    if not disclosure.protected:
        return pd.Series(False, index=a.index, dtype=bool)
    k = disclosure.threshold
    diff = np.abs(va - vb)
    mask = primary_mask(a, k).to_numpy() | primary_mask(b, k).to_numpy() | ((diff > 0) & (diff < k))
    for extra in (hidden_a, hidden_b):
        if extra is not None:
            mask |= _bools(extra)
    return pd.Series(mask, index=a.index, dtype=bool)


def format_count(n: Any, hidden: Any, threshold: int) -> str:
    """Format a count as Dutch text: ``"<k"`` if hidden, else thousands dots; missing -> ``""``.

    Examples
    --------
    >>> format_count(1234, False, 5), format_count(3, True, 5), format_count(None, False, 5)
    ('1.234', '<5', '')
    """
    if hidden is pd.NA or bool(hidden):
        return f"<{threshold}"
    if n is None or pd.isna(n):
        return ""
    return dutch.integer(n)
