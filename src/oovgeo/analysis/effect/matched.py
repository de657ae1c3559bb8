"""Matched comparison: intervened places against places with as many signals before, untouched.

Why
    Places are inspected because they had many signals just before (the Doelen ranking puts
    the places with the most recent signals on top). Such a peak partly falls back by itself
    (regression to the mean), so "after / before" around an intervention drops even when the
    inspection does nothing, and the rest of the wijk (``pooled_effect``) or random places
    (``control_places``) cannot see it: they did not peak. Measured on simulated towns where
    the top of a ranking of pre-period counts is inspected and nothing changes: the wijk
    comparison gives 0.94 (0.91-0.99), random places stay at 1.01-1.03.

What :func:`matched_table` does
    For every date with interventions it draws up to ``n_candidates`` comparison places from
    the places of the signals in the "before" window of that date (so, like the ranking, busy
    places are drawn more often), drops those with an intervention within ``exclusion_m``
    (default twice the radius: the circles do not overlap) dated from one window before the
    "before" window to the end of the "after" window, and counts their signals within the same
    radius and the same windows. Each intervention gets the ``k`` comparison places of its own
    date whose "before" count lies closest to its own (ties broken at random with ``seed``),
    within ``max(1, caliper * n_before)`` signals; with fewer than ``k`` such places, they are
    reused in turn to make up ``k`` (so every intervention weighs the same). An intervention
    without any comparison place within the caliper is left out of the matched figures
    (``n_controls`` 0).

The estimate (:func:`matched_effect`)
    ``(sum n_after / sum n_before) / (sum ctrl_after / sum ctrl_before)``: after / before of
    the intervened places over after / before of their comparison places, pooled per group
    with the same cluster bootstrap as ``pooled_effect`` (1 km squares x half-years; the
    comparison places travel with their intervention, so their own noise is in the interval)
    and the same Poisson floor. ``p`` is the two-sided p-value of the interval (normal on the
    log scale, with the half-width on the side of 1), ``p_bh`` that p after Benjamini-Hochberg
    over the rows of the table (one family per table: themes, outcomes), and ``oordeel``
    follows ``p_bh`` (and the 10% ``MIN_CHANGE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from oovgeo.analysis.effect.pooled import MIN_CHANGE, N_BOOT, adjusted, pooled_effect
from oovgeo.analysis.effect.windows import as_days, effect_per_intervention

MATCH_K = 5  # comparison places per intervention
N_CANDIDATES = 300  # comparison places drawn per intervention date
CALIPER = 0.2  # a comparison place's "before" count lies within 20% (at least 1) of its own
MATCH_COLUMNS = ["n_controls", "ctrl_before", "ctrl_after"]
MATCHED_COLUMNS = [
    "n_interventions",
    "n_before",
    "n_after",
    "ctrl_before",
    "ctrl_after",
    "effect",
    "ci_low",
    "ci_high",
    "p",
    "p_bh",
    "oordeel",
]


def matched_table(
    signals: pd.DataFrame,
    interventions: pd.DataFrame,
    *,
    radius_m: float = 250.0,
    months: int = 6,
    period: tuple[date | str, date | str] | None = None,
    exclusion_m: float | None = None,
    k: int = MATCH_K,
    n_candidates: int = N_CANDIDATES,
    caliper: float = CALIPER,
    seed: int = 0,
) -> pd.DataFrame:
    """The ``effect_per_intervention`` table (no wijk) plus the counts of matched places.

    Adds ``n_controls`` (distinct comparison places found, 0 = none), ``ctrl_before`` and
    ``ctrl_after`` (summed over the ``k`` comparison places; NA without any). Deterministic
    for a given ``seed``.
    """
    if k < 1 or n_candidates < 1 or caliper < 0:
        raise ValueError("k and n_candidates must be >= 1 and caliper >= 0")
    exclusion = 2 * radius_m if exclusion_m is None else exclusion_m
    if period is None:
        days_all = as_days(signals["datum"])
        days_all = days_all[days_all != np.iinfo(np.int64).min]
        if len(days_all):  # the candidates need the same complete-window period
            period = (
                pd.to_datetime(days_all.min(), unit="D").date(),
                pd.to_datetime(days_all.max(), unit="D").date(),
            )
    table = effect_per_intervention(
        signals, interventions, radius_m=radius_m, months=months, period=period
    )
    table = table.drop(columns=["wijk_before", "wijk_after", "effect"])
    n = len(table)
    ctrl_before = np.full(n, np.nan)
    ctrl_after = np.full(n, np.nan)
    n_controls = np.zeros(n, dtype=np.int64)
    if n:
        candidates = _candidates(signals, table, n_candidates, seed)
        candidates = _untouched(candidates, interventions, exclusion)
        counted = effect_per_intervention(
            signals, candidates, radius_m=radius_m, months=months, period=period
        )
        rng = np.random.default_rng(seed)
        by_day = {
            d: (g["n_before"].to_numpy(dtype=float), g["n_after"].to_numpy(dtype=float))
            for d, g in counted.groupby("day", sort=False)
        }
        i_day = as_days(table["datum"])
        own = table["n_before"].to_numpy(dtype=float)
        for i in range(n):
            before, after = by_day.get(i_day[i], (np.empty(0), np.empty(0)))
            diff = np.abs(before - own[i])
            allowed = np.flatnonzero(diff <= max(1.0, caliper * own[i]))
            if not len(allowed):
                continue
            order = np.lexsort((rng.uniform(size=len(allowed)), diff[allowed]))
            chosen = allowed[order[:k]]
            used = chosen[np.arange(k) % len(chosen)]
            n_controls[i] = len(chosen)
            ctrl_before[i] = before[used].sum()
            ctrl_after[i] = after[used].sum()
    table["n_controls"] = n_controls
    table["ctrl_before"] = pd.array(ctrl_before, dtype="Float64").astype("Int64")
    table["ctrl_after"] = pd.array(ctrl_after, dtype="Float64").astype("Int64")
    return table


def _candidates(
    signals: pd.DataFrame, table: pd.DataFrame, n_candidates: int, seed: int
) -> pd.DataFrame:
    """Places of signals in the "before" window of each intervention date, at most n per date."""
    s_day = as_days(signals["datum"])
    sx = pd.to_numeric(signals["x"], errors="coerce").to_numpy(dtype=float)
    sy = pd.to_numeric(signals["y"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(sx) & np.isfinite(sy) & (s_day != np.iinfo(np.int64).min)
    s_day, sx, sy = s_day[ok], sx[ok], sy[ok]
    dates = pd.DataFrame(
        {"day": as_days(table["datum"]), "start": as_days(table["window_start"])}
    ).drop_duplicates("day")
    rng = np.random.default_rng(seed)
    parts = []
    for day, start in dates.sort_values("day").itertuples(index=False):
        pool = np.flatnonzero((s_day >= start) & (s_day < day))
        if len(pool) > n_candidates:
            pool = np.sort(rng.choice(pool, size=n_candidates, replace=False))
        parts.append(pd.DataFrame({"day": day, "start": start, "x": sx[pool], "y": sy[pool]}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["day", "start", "x", "y"]
    )
    frame["datum"] = pd.to_datetime(frame["day"].astype("int64"), unit="D").dt.date
    return frame


def _untouched(
    candidates: pd.DataFrame, interventions: pd.DataFrame, exclusion_m: float
) -> pd.DataFrame:
    """Drop candidates with an intervention within ``exclusion_m`` around their windows.

    An intervention counts from one window length before the "before" window (its own "after"
    window would reach into it) to the end of the "after" window.
    """
    i_day = as_days(interventions["datum"])
    ix = pd.to_numeric(interventions["x"], errors="coerce").to_numpy(dtype=float)
    iy = pd.to_numeric(interventions["y"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(ix) & np.isfinite(iy) & (i_day != np.iinfo(np.int64).min)
    if candidates.empty or not ok.any():
        return candidates
    i_day, ix, iy = i_day[ok], ix[ok], iy[ok]
    cday = candidates["day"].to_numpy(dtype=np.int64)
    span = cday - candidates["start"].to_numpy(dtype=np.int64)  # one window, in days
    pairs = cKDTree(candidates[["x", "y"]].to_numpy(dtype=float)).sparse_distance_matrix(
        cKDTree(np.column_stack([ix, iy])), exclusion_m, output_type="ndarray"
    )
    pc, pi = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
    near = (i_day[pi] >= cday[pc] - 2 * span[pc]) & (i_day[pi] <= cday[pc])
    touched = np.zeros(len(candidates), dtype=bool)
    touched[pc[near]] = True
    return candidates[~touched].reset_index(drop=True)


def matched_effect(
    table: pd.DataFrame,
    *,
    group: str | Sequence[str] | None = None,
    level: float = 0.95,
    min_change: float = MIN_CHANGE,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> pd.DataFrame:
    """Pool a ``matched_table`` per group: the matched ratio, its interval, p, p after BH.

    Returns the group columns (if any) and ``MATCHED_COLUMNS``; ``n_interventions`` counts
    the interventions with comparison places. The verdict follows ``p_bh``.
    """
    renamed = table.assign(wijk_before=table["ctrl_before"], wijk_after=table["ctrl_after"])
    pooled = pooled_effect(
        renamed, group=group, level=level, min_change=min_change, n_boot=n_boot, seed=seed
    )
    pooled = pooled.rename(columns={"wijk_before": "ctrl_before", "wijk_after": "ctrl_after"})
    keys = [] if group is None else [group] if isinstance(group, str) else list(group)
    return adjusted(pooled, level=level, min_change=min_change)[[*keys, *MATCHED_COLUMNS]]
