"""What each audience may see: protected figures for protected audiences (A4, P3).

Protected audiences (the roles in ``access.PROTECTED_ROLES`` and every partner-meeting output)
never receive an exact count. The method, in two steps (README "Afscherming"):

1. **Perturbed counting, additive.** Every record carries a fixed random record key (as in
   the cell-key method of the Australian Bureau of Statistics). For protected audiences the
   database counts a record 0, 1 or 2 times as its key decides: a share q
   (``privacy.perturbation_share``) counts 0 or 2 times, half each, the rest once
   (``store.counts_repo.record_weight``). The mean weight is 1, so figures stay unbiased.
   Unlike the cell-key method, which perturbs each table cell on its own, every protected
   figure is a *sum of record weights*: tables add up, the same records always give the same
   figure (in every table and session), and combining any number of tables, filters, periods,
   means and verdicts yields at most those weighted sums, never a count. Because a record may
   count 0 times, no protected figure bounds the true count from above.
2. **Small figures shown as "<k".** A protected figure 1..k-1 reads ``"<k"``; 0 reads 0.
   This display rule looks at one figure only, so the same figure reads the same everywhere.
   Rates, shares and changes of a figure shown as ``"<k"`` are blanked.

Every derived figure (totals, means, rates, percentages, differences, verdicts, classes) is
computed from the protected figures, because the protected figures are all that the counting
query returns for a protected audience. ``true_range`` gives the true counts a shown figure
allows under this rule. Rates of areas with fewer than ``min_inhabitants`` inhabitants are
hidden for every audience (CBS practice). The OOV core team sees exact figures.

Everything here is pure: pandas in, pandas out; no Streamlit, no database. Series passed
together (counts and their mask, ``a`` and ``b``) are matched by position, not by label.

Example
-------
>>> table = pd.DataFrame({"buurt": ["A", "B", "C", "D"], "signalen": [12, 3, 0, 7]})
>>> shown = suppress_table(table, ["signalen"], disclosure=Disclosure(protected=True))
>>> shown["signalen"].tolist()
['12', '<5', '0', '7']
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
    perturbation
        q: the share of records a protected audience's figures count 0 or 2 times.

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
    perturbation: float = default("privacy.perturbation_share")

    def __post_init__(self) -> None:
        """Check the limits; raise ValueError for invalid values."""
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        if self.min_inhabitants < 0:
            raise ValueError("min_inhabitants must not be negative")
        if not 0 < self.perturbation < 1:
            raise ValueError("perturbation must lie between 0 and 1")

    @property
    def count_share(self) -> float:
        """The perturbation the counting query applies: q when protected, else 0 (exact).

        >>> Disclosure(protected=True).count_share, Disclosure.exact().count_share
        (0.2, 0.0)
        """
        return self.perturbation if self.protected else 0.0

    @classmethod
    def from_settings(cls, settings: Settings, *, protected: bool) -> Disclosure:
        """Return the configured limits (``privacy.*``) for a protected or exact audience."""
        return cls(
            protected=protected,
            threshold=settings.suppression_threshold,
            min_inhabitants=settings.min_inhabitants,
            perturbation=settings.perturbation_share,
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


def hidden_mask(
    df: pd.DataFrame, count_columns: Sequence[str], disclosure: Disclosure
) -> pd.DataFrame:
    """Which cells of ``count_columns`` a ``suppress_table`` display shows as ``"<k"``.

    All False for exact disclosure. Use it to blank columns computed from the counts (rates,
    shares, changes): they would show the small figure that the display hides.

    Examples
    --------
    >>> df = pd.DataFrame({"n": [12, 3, 0, 7]})
    >>> hidden_mask(df, ["n"], Disclosure(protected=True))["n"].tolist()
    [False, True, False, False]
    """
    out = pd.DataFrame(False, index=df.index, columns=list(count_columns), dtype=bool)
    if not disclosure.protected:
        return out
    for column in count_columns:
        out[column] = primary_mask(df[column], disclosure.threshold).to_numpy()
    return out


def suppress_table(
    df: pd.DataFrame, count_columns: Sequence[str], *, disclosure: Disclosure
) -> pd.DataFrame:
    """Return a display copy of ``df`` with small counts shown as ``"<k"`` when protected.

    The counts must be protected figures already (counted with ``disclosure.count_share``):
    this only applies the display rule. For protected disclosure each count column becomes
    text (object dtype): small figures read ``"<k"``, the others their number with Dutch
    thousands separators, missing values ``""``. For exact disclosure the copy holds the
    numbers unchanged.

    Examples
    --------
    >>> df = pd.DataFrame({"wijk": ["Oost", "West", "Zuid"], "n": [2, 2, 30]})
    >>> suppress_table(df, ["n"], disclosure=Disclosure(protected=True))["n"].tolist()
    ['<5', '<5', '30']
    >>> suppress_table(df, ["n"], disclosure=Disclosure.exact())["n"].tolist()
    [2, 2, 30]
    """
    out = df.copy()
    if not disclosure.protected:
        return out
    mask = hidden_mask(df, count_columns, disclosure)
    k = disclosure.threshold
    for column in count_columns:
        texts = [format_count(n, h, k) for n, h in zip(df[column], mask[column], strict=True)]
        out[column] = pd.Series(texts, index=df.index, dtype=object)
    return out


def total_label(counts: pd.Series, disclosure: Disclosure) -> str:
    """Return the total of ``counts`` as text, ``"<k"`` when protected and below k.

    The total of protected figures is itself a protected figure (they add up), so it needs
    no rule of its own.

    Examples
    --------
    >>> total_label(pd.Series([12, 3, 0, 7]), Disclosure(protected=True))
    '22'
    >>> total_label(pd.Series([2, 2, 0]), Disclosure(protected=True))
    '<5'
    """
    total = float(np.nansum(_floats(counts)))
    k = disclosure.threshold
    small = disclosure.protected and 0 < total < k
    return format_count(total, small, k)


def true_range(shown: Any, disclosure: Disclosure) -> tuple[int | None, int | None]:
    """Return the true counts a shown figure allows under the published rule: ``(min, max)``.

    ``shown`` is the figure before display (a number; None or NaN for "no data"). Exact
    disclosure: the number itself. Protected: every record counts 0, 1 or 2 times, so a
    protected figure p means at least ceil(p/2) records and any number above (``None``: no
    upper bound); ``"<k"`` (p in 1..k-1) means at least 1; 0 means at least 0. No data:
    ``(None, None)``.

    >>> rule = Disclosure(protected=True)
    >>> true_range(0, rule), true_range(3, rule), true_range(41, rule)
    ((0, None), (1, None), (21, None))
    >>> true_range(41, Disclosure.exact())
    (41, 41)
    """
    if shown is None or pd.isna(shown):
        return None, None
    n = int(round(float(shown)))
    if not disclosure.protected:
        return n, n
    if 0 < n < disclosure.threshold:
        return 1, None
    return (n + 1) // 2, None


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

    Hidden when ``a`` or ``b`` reads ``"<k"`` (or is flagged in ``hidden_a``/``hidden_b``):
    the difference would give the small figure back. A difference of two protected figures
    is itself a protected figure (they add up), so nothing else needs hiding. Exact
    disclosure hides nothing.

    Examples
    --------
    >>> suppress_change(pd.Series([20, 20, 3]), pd.Series([18, 10, 9]),
    ...                 Disclosure(protected=True)).tolist()
    [False, False, True]
    """
    va, vb = _floats(a), _floats(b)
    if len(va) != len(vb):
        raise ValueError("a and b differ in length")
    if not disclosure.protected:
        return pd.Series(False, index=a.index, dtype=bool)
    k = disclosure.threshold
    mask = primary_mask(a, k).to_numpy() | primary_mask(b, k).to_numpy()
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
