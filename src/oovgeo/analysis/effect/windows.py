"""Signals around each intervention before and after it, against the rest of its wijk.

The method
    For each intervention (a premises inspection at ``x, y`` on ``datum``) count the signals
    within ``radius_m`` metres in two windows of ``months`` calendar months:

    * before: ``datum - months <= d < datum``;
    * after: ``datum < d <= datum + months``.

    Signals on the day of the intervention itself belong to neither window: they may have
    led to it or followed from it. The same two windows are counted for the rest of the
    intervention's wijk (signals in the same wijk, outside the radius), which absorbs what
    changes everywhere: seasons, trends, a reporting campaign, a new case system. The effect
    is the ratio of ratios::

        effect = (n_after / n_before) / (wijk_after / wijk_before)

    1 means "the spot changed like its wijk", 0.5 "half as many signals as the wijk's trend
    predicts". It is NaN where a denominator is 0 (``n_before``, ``wijk_before`` or
    ``wijk_after``).

Complete windows only
    An intervention is analysed only when both its windows lie inside the period the signals
    cover: by default from the first to the last signal date, or the ``period`` passed in. An
    intervention of last month has no "after" yet, and counting half a window as a whole one
    would show a drop that is nothing but missing data. The same holds for a "before" window
    that starts before the first signal was loaded.


Example
-------
>>> signals = pd.DataFrame({
...     "datum": pd.to_datetime(["2024-03-01"] * 4 + ["2024-09-01"] * 1
...                             + ["2024-03-01"] * 10 + ["2024-09-01"] * 10),
...     "x": [0.0] * 5 + [1000.0] * 20, "y": 0.0})
>>> interventions = pd.DataFrame({"datum": pd.to_datetime(["2024-06-01"]), "x": [0.0],
...                               "y": [0.0]})
>>> table = effect_per_intervention(signals, interventions, period=("2023-12-01", "2024-12-01"))
>>> [int(v) for v in table[COUNT_COLUMNS].iloc[0]], float(table["effect"].iloc[0])
([4, 1, 10, 10], 0.25)
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

Side = Literal["left", "right"]  # np.searchsorted's side

COUNT_COLUMNS = ["n_before", "n_after", "wijk_before", "wijk_after"]
TABLE_COLUMNS = ["wijk_code", "window_start", "window_end", *COUNT_COLUMNS, "effect"]


def effect_per_intervention(
    signals: pd.DataFrame,
    interventions: pd.DataFrame,
    *,
    radius_m: float = 250.0,
    months: int = 6,
    wijk_of_signal: pd.Series | None = None,
    wijk_of_intervention: pd.Series | None = None,
    period: tuple[date | str, date | str] | None = None,
) -> pd.DataFrame:
    """Signals around each intervention before and after it, against the rest of its wijk.

    Parameters
    ----------
    signals
        Columns ``datum`` (date), ``x``, ``y`` (RD metres). Rows missing any are ignored.
    interventions
        Columns ``datum``, ``x``, ``y``; any other columns (``interventie_id``, ``thema``,
        ``uitkomst``) are passed through. Random places from ``control_places`` work too.
    radius_m, months
        The circle around each intervention and the length of each window.
    wijk_of_signal, wijk_of_intervention
        Wijk code per row, aligned with the index of ``signals`` / ``interventions``
        (e.g. ``AreaIndex(areas).place(x, y, 200).wijk_code``). Give both or neither. Without
        them the comparison area is all signals outside the radius (the whole data set). A
        signal without a wijk counts within the radius but in no wijk; an intervention
        without a wijk gets NaN for the wijk counts and the effect.
    period
        ``(first, last)`` date the signal data covers; default the first and last signal date.
        Only interventions with both windows inside it are returned (complete windows only).

    Returns
    -------
    The complete-window interventions (original index and columns) plus ``wijk_code``,
    ``window_start`` (first day before), ``window_end`` (last day after), ``n_before``,
    ``n_after``, ``wijk_before``, ``wijk_after`` (rest of the wijk, outside the radius) and
    ``effect`` = (n_after / n_before) / (wijk_after / wijk_before), NaN where undefined.
    """
    if radius_m <= 0 or months < 1:
        raise ValueError("radius_m must be > 0 and months >= 1")
    if (wijk_of_signal is None) != (wijk_of_intervention is None):
        raise ValueError("give wijk_of_signal and wijk_of_intervention together, or neither")

    # --- signals: days, coordinates, wijk ids ----------------------------------------------
    s_day = as_days(signals["datum"])
    sx = pd.to_numeric(signals["x"], errors="coerce").to_numpy(dtype=float)
    sy = pd.to_numeric(signals["y"], errors="coerce").to_numpy(dtype=float)
    s_ok = (s_day != _NO_DAY) & np.isfinite(sx) & np.isfinite(sy)

    i_day = as_days(interventions["datum"])
    ix = pd.to_numeric(interventions["x"], errors="coerce").to_numpy(dtype=float)
    iy = pd.to_numeric(interventions["y"], errors="coerce").to_numpy(dtype=float)
    i_ok = (i_day != _NO_DAY) & np.isfinite(ix) & np.isfinite(iy)

    if wijk_of_signal is None:
        s_wijk_code = pd.Series(np.full(len(signals), None, dtype=object), index=signals.index)
        i_wijk_code = pd.Series(
            np.full(len(interventions), None, dtype=object), index=interventions.index
        )
        s_wid = np.zeros(len(signals), dtype=np.int64)
        i_wid = np.zeros(len(interventions), dtype=np.int64)
    else:
        s_wijk_code = _aligned(wijk_of_signal, signals.index, "wijk_of_signal")
        i_wijk_code = _aligned(wijk_of_intervention, interventions.index, "wijk_of_intervention")
        ids, _ = pd.factorize(pd.concat([s_wijk_code, i_wijk_code], ignore_index=True))
        s_wid = ids[: len(signals)].astype(np.int64)
        i_wid = ids[len(signals) :].astype(np.int64)

    # --- complete windows only ------------------------------------------------------------
    if period is not None:
        first, last = (as_days(pd.Series([p]))[0] for p in period)
        if first == _NO_DAY or last == _NO_DAY:
            raise ValueError(f"period needs two dates, got {period!r}")
    elif s_ok.any():
        first, last = s_day[s_ok].min(), s_day[s_ok].max()
    else:
        first, last = _NO_DAY, _NO_DAY  # no signals: nothing is complete
    start = np.full(len(interventions), _NO_DAY, dtype=np.int64)
    end = np.full(len(interventions), _NO_DAY, dtype=np.int64)
    if i_ok.any():
        moment = pd.DatetimeIndex(pd.to_datetime(i_day[i_ok], unit="D"))
        offset = pd.DateOffset(months=months)
        start[i_ok] = as_days(pd.Series(moment - offset))
        end[i_ok] = as_days(pd.Series(moment + offset))
    keep = i_ok & (start >= first) & (end <= last) & (first != _NO_DAY)

    rows = np.flatnonzero(keep)
    result = interventions.iloc[rows].copy()
    i_day, start, end, i_wid = i_day[rows], start[rows], end[rows], i_wid[rows]
    ix, iy = ix[rows], iy[rows]

    sig = np.flatnonzero(s_ok)
    s_day, sx, sy, s_wid = s_day[sig], sx[sig], sy[sig], s_wid[sig]

    # --- within the radius: all (intervention, signal) pairs from two k-d trees ------------
    n = len(rows)
    n_before = np.zeros(n, dtype=np.int64)
    n_after = np.zeros(n, dtype=np.int64)
    local_wijk_before = np.zeros(n, dtype=np.int64)
    local_wijk_after = np.zeros(n, dtype=np.int64)
    if n and len(sig):
        # structured array (i, j, distance): keeps distance 0, includes distance == radius
        pairs = cKDTree(np.column_stack([ix, iy])).sparse_distance_matrix(
            cKDTree(np.column_stack([sx, sy])), radius_m, output_type="ndarray"
        )
        pi, pj = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
        d = s_day[pj]
        before = (d >= start[pi]) & (d < i_day[pi])
        after = (d > i_day[pi]) & (d <= end[pi])
        same = (s_wid[pj] == i_wid[pi]) & (i_wid[pi] >= 0)
        n_before = np.bincount(pi[before], minlength=n)
        n_after = np.bincount(pi[after], minlength=n)
        local_wijk_before = np.bincount(pi[before & same], minlength=n)
        local_wijk_after = np.bincount(pi[after & same], minlength=n)

    # --- the whole wijk per window: searchsorted on (wijk, day) keys ---------------------
    wijk_before = np.full(n, np.nan)
    wijk_after = np.full(n, np.nan)
    has_wijk = i_wid >= 0
    if n:
        base = min(int(start.min()), int(s_day.min()) if len(sig) else int(start.min()))
        top = max(int(end.max()), int(s_day.max()) if len(sig) else int(end.max()))
        span = top - base + 2
        placed = s_wid >= 0
        keys = np.sort(s_wid[placed] * span + (s_day[placed] - base))
        w = np.where(has_wijk, i_wid, 0) * span - base

        def count(lo: np.ndarray, hi: np.ndarray, lo_side: Side, hi_side: Side) -> np.ndarray:
            return np.searchsorted(keys, w + hi, side=hi_side) - np.searchsorted(
                keys, w + lo, side=lo_side
            )

        total_before = count(start, i_day, "left", "left")  # start <= d < day
        total_after = count(i_day, end, "right", "right")  # day < d <= end
        wijk_before = np.where(has_wijk, total_before - local_wijk_before, np.nan)
        wijk_after = np.where(has_wijk, total_after - local_wijk_after, np.nan)

    result["wijk_code"] = i_wijk_code.iloc[rows].to_numpy()
    result["window_start"] = as_dates(start)
    result["window_end"] = as_dates(end)
    result["n_before"] = n_before
    result["n_after"] = n_after
    result["wijk_before"] = pd.array(wijk_before, dtype="Float64").astype("Int64")
    result["wijk_after"] = pd.array(wijk_after, dtype="Float64").astype("Int64")
    result["effect"] = ratio_of_ratios(n_before, n_after, wijk_before, wijk_after)
    return result


_NO_DAY = np.iinfo(np.int64).min  # a missing date, as days since 1970-01-01


def as_days(values: pd.Series) -> np.ndarray:
    """Dates (date objects, strings or timestamps) as int64 days since 1970; _NO_DAY if NaT."""
    stamps = pd.to_datetime(pd.Series(values).reset_index(drop=True), errors="coerce")
    missing = stamps.isna().to_numpy()
    days = stamps.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    days[missing] = _NO_DAY
    return days


def as_dates(days: np.ndarray) -> np.ndarray:
    """int64 days since 1970 back to datetime.date objects."""
    return pd.to_datetime(days, unit="D").date.astype(object)


def _aligned(codes: pd.Series, index: pd.Index, name: str) -> pd.Series:
    """Wijk codes in the order of ``index``; missing codes become None."""
    if not isinstance(codes, pd.Series):
        codes = pd.Series(np.asarray(codes, dtype=object), index=index)
    if len(codes) != len(index) or not codes.index.equals(index):
        if len(codes) == len(index) and not index.has_duplicates and codes.index.isin(index).all():
            codes = codes.reindex(index)
        else:
            raise ValueError(f"{name} must be aligned with the index of its frame")
    codes = codes.astype(object)
    return codes.where(codes.notna(), None)


def ratio_of_ratios(a, b, c, d) -> np.ndarray:
    """(b / a) / (d / c) elementwise; NaN where a, c or d is 0 or missing."""
    a, b, c, d = (np.asarray(v, dtype=float) for v in (a, b, c, d))
    defined = (a > 0) & (c > 0) & (d > 0) & np.isfinite(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, (b / a) / (d / c), np.nan)
