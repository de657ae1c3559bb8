"""Interventions: action days at recent signals, their premises, partners, outcomes and effect."""

from __future__ import annotations

import numpy as np
import shapely

from oovgeo.demo.params import (
    ACTION_EXCLUSION_DAYS,
    ACTION_EXCLUSION_M,
    ACTION_SIZE,
    EFFECT_DAYS,
    EFFECT_RADIUS_M,
    EFFECT_REMOVAL,
    INTERVENTION_THEME_WEIGHTS,
    OUTCOME_WEIGHTS,
    OUTCOMES,
    PARTNER_CHANCES,
    PARTNERS,
    PREMISE_RADIUS_M,
    THEMES,
)
from oovgeo.demo.simulate_signals import _subset

# --- interventions -----------------------------------------------------------------------------


def _interventions(
    rng: np.random.Generator,
    signals: dict,
    days: np.ndarray,
    first: int,
    n_interventions: int,
    town: shapely.Geometry,
) -> dict:
    """Plan action days at recent signal clusters and thin the signals after each of them.

    Works on ``signals`` in place: ``alive`` marks the signals that survive the thinning.
    Actions in the burn-in (before day ``first``) thin signals but are not returned.
    """
    n_burn_in = int(round(n_interventions * first / (len(days) - first)))
    burn_days, burn_sizes = _action_plan(rng, days, 0, first, n_burn_in)
    main_days, main_sizes = _action_plan(rng, days, first, len(days), n_interventions)
    action_days = np.concatenate([burn_days, main_days])
    sizes = np.concatenate([burn_sizes, main_sizes])
    relevance = np.array([INTERVENTION_THEME_WEIGHTS.get(t, 0.0) for t in THEMES])
    signals["alive"] = np.ones(len(signals["x"]), dtype=bool)
    centres, centre_days = np.empty((0, 2)), np.empty(0, dtype=np.int64)
    empty_int = np.empty(0, dtype=np.int64)
    rows = {"x": [np.empty(0)], "y": [np.empty(0)], "day": [empty_int], "theme": [empty_int]}
    for day, size in zip(action_days, sizes, strict=True):
        pool = _recent_pool(signals, relevance, day)
        nearby_in_time = centres[centre_days > day - ACTION_EXCLUSION_DAYS]
        centre = _action_centre(rng, signals, pool, relevance, nearby_in_time)
        centres = np.vstack([centres, [signals["x"][centre], signals["y"][centre]]])
        centre_days = np.append(centre_days, day)
        xy, themes = _action_premises(rng, signals, pool, centre, size, relevance, town)
        _thin(signals, xy, day)
        rows["x"].append(xy[:, 0])
        rows["y"].append(xy[:, 1])
        rows["theme"].append(themes)
        rows["day"].append(np.full(len(xy), day))
    result = {key: np.concatenate(value) for key, value in rows.items()}
    result = _subset(result, result["day"] >= first)
    _intervention_details(rng, result)
    return result


def _action_plan(
    rng: np.random.Generator, days: np.ndarray, lo: int, hi: int, n_interventions: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted weekdays in days[lo:hi] for action days, and their sizes summing to the total."""
    sizes = _action_sizes(rng, n_interventions)
    weekdays = lo + np.flatnonzero((days[lo:hi].astype(int) + 3) % 7 < 5)
    if len(weekdays) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.sort(rng.choice(weekdays, size=len(sizes))), sizes


def _action_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Premises per action day, 1-10, summing to exactly n."""
    sizes = rng.integers(ACTION_SIZE[0], ACTION_SIZE[1] + 1, size=max(n, 1))
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    sizes[-1] -= sizes.sum() - n
    return sizes[sizes > 0]


def _recent_pool(signals: dict, relevance: np.ndarray, day: int) -> np.ndarray:
    """Surviving signals of the 6 months before ``day`` (wider early in the period)."""
    relevant = signals["alive"] & (relevance[signals["theme"]] > 0)
    pool = np.flatnonzero(relevant & (signals["day"] >= day - EFFECT_DAYS) & (signals["day"] < day))
    if len(pool) < 20:
        pool = np.flatnonzero(relevant & (np.abs(signals["day"] - day) < EFFECT_DAYS))
    if len(pool) == 0:
        pool = np.flatnonzero(signals["alive"])
    return pool


def _action_centre(
    rng: np.random.Generator,
    signals: dict,
    pool: np.ndarray,
    relevance: np.ndarray,
    recent_centres: np.ndarray,
) -> int:
    """Draw a recent signal, weighted by theme, 500 m from the last 9 months' actions if we can."""
    weight = relevance[signals["theme"][pool]] + 1e-9
    candidates = rng.choice(pool, size=40, p=weight / weight.sum())
    if len(recent_centres) == 0:
        return int(candidates[0])
    dx = signals["x"][candidates][:, None] - recent_centres[:, 0]
    dy = signals["y"][candidates][:, None] - recent_centres[:, 1]
    nearest = np.hypot(dx, dy).min(axis=1)
    free = np.flatnonzero(nearest >= ACTION_EXCLUSION_M)
    return int(candidates[free[0]] if len(free) else candidates[np.argmax(nearest)])


def _action_premises(
    rng: np.random.Generator,
    signals: dict,
    pool: np.ndarray,
    centre: int,
    size: int,
    relevance: np.ndarray,
    town: shapely.Geometry,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the centre plus premises with recent signals within 150 m (or points near it)."""
    cx, cy = signals["x"][centre], signals["y"][centre]
    near = pool[np.hypot(signals["x"][pool] - cx, signals["y"][pool] - cy) <= PREMISE_RADIUS_M]
    near = near[near != centre]
    chosen = np.concatenate([[centre], rng.permutation(near)[: size - 1]]).astype(np.int64)
    xy = np.column_stack([signals["x"][chosen], signals["y"][chosen]])
    own = signals["theme"][chosen]
    themes = np.where(relevance[own] > 0, own, signals["theme"][centre])
    missing = size - len(chosen)
    if missing > 0:
        extra = np.array([cx, cy]) + rng.normal(0, 60.0, (missing, 2))
        extra = extra.round(1)
        inside = shapely.contains_xy(town, extra[:, 0], extra[:, 1])
        extra[~inside] = [cx, cy]
        xy = np.vstack([xy, extra])
        themes = np.concatenate([themes, np.full(missing, signals["theme"][centre])])
    return xy, themes


def _thin(signals: dict, xy: np.ndarray, day: int) -> None:
    """Remove EFFECT_REMOVAL of the signals within 250 m in the 6 months after ``day``."""
    window = np.flatnonzero(
        signals["alive"] & (signals["day"] >= day) & (signals["day"] < day + EFFECT_DAYS)
    )
    dx = signals["x"][window][:, None] - xy[:, 0]
    dy = signals["y"][window][:, None] - xy[:, 1]
    covered = (np.hypot(dx, dy) <= EFFECT_RADIUS_M).any(axis=1)
    removed = window[covered & (signals["u"][window] < EFFECT_REMOVAL)]
    signals["alive"][removed] = False


def _intervention_details(rng: np.random.Generator, rows: dict) -> None:
    """Partners and outcome per intervention, depending on its theme."""
    n = len(rows["x"])
    partners = np.empty(n, dtype=object)
    outcomes = np.zeros(n, dtype=np.int64)
    for i, t in enumerate(rows["theme"]):
        theme = THEMES[t]
        chances = PARTNER_CHANCES.get(theme, {"politie": 0.5, "handhaving": 0.9})
        joined = [p for p in PARTNERS if p in chances and rng.uniform() < chances[p]]
        partners[i] = ";".join(joined or ["handhaving"])
        p = np.array(OUTCOME_WEIGHTS.get(theme, OUTCOME_WEIGHTS["default"]))
        outcomes[i] = rng.choice(len(OUTCOMES), p=p / p.sum())
    rows["partners"] = partners
    rows["outcome"] = outcomes


def _final_selection(rng: np.random.Generator, signals: dict, first: int, n_signals: int) -> dict:
    """Return the surviving signals after the burn-in, sub-sampled uniformly to n_signals."""
    alive = np.flatnonzero(signals["alive"] & (signals["day"] >= first))
    if len(alive) > n_signals:
        alive = np.sort(rng.choice(alive, size=n_signals, replace=False))
    return _subset(signals, alive)
