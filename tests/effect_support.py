"""A small simulated town for effect tests: places inspected at the top of a ranking, no effect.

Places (addresses) have their own rate of signals (gamma spread: a few busy places, many quiet
ones) and a passing peak per quarter (gamma multiplier, mean 1), so a place that tops a
ranking of its last six months' signals has partly peaked by chance and will fall back
(regression to the mean). Every fortnight the four places with the most signals in the six
months before, not inspected in the last nine months, are inspected, as a team working down
the Doelen ranking would. The inspection does nothing: signals are not changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THEMES = ("woonoverlast", "ondermijning", "jeugdoverlast", "arbeidsmigranten")
OUTCOMES = ("geen_bevindingen", "waarschuwing", "bestuurlijke_boete")
START = pd.Timestamp("2023-01-01")
DAYS = 3 * 365


def ranked_town(
    seed: int, *, n_places: int = 800, per_action: int = 4, effect: float = 1.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(signals, interventions)``; ``effect`` multiplies signals within 250 m after."""
    rng = np.random.default_rng(seed)
    px, py = rng.uniform(0, 5000, n_places), rng.uniform(0, 5000, n_places)
    rate = rng.gamma(0.6, 4.0, n_places)  # signals per year
    main = rng.integers(0, len(THEMES), n_places)
    quarters = int(np.ceil(DAYS / 91.25))
    peak = rng.gamma(2.0, 0.5, (n_places, quarters))
    counts = rng.poisson(rate[:, None] * peak * 0.25)
    place = np.repeat(np.repeat(np.arange(n_places), quarters), counts.ravel())
    quarter = np.repeat(np.tile(np.arange(quarters), n_places), counts.ravel())
    day = np.minimum((quarter * 91.25 + rng.uniform(0, 91.25, len(place))).astype(int), DAYS - 1)
    theme = np.where(
        rng.uniform(size=len(place)) < 0.7, main[place], rng.integers(0, 4, len(place))
    )
    x = px[place] + rng.normal(0, 10, len(place))
    y = py[place] + rng.normal(0, 10, len(place))

    rows, last = [], np.full(n_places, -10_000)
    for action in range(200, DAYS - 200, 14):
        recent = (day >= action - 182) & (day < action)
        score = np.bincount(place[recent], minlength=n_places).astype(float)
        score[last > action - 270] = -1
        top = np.argsort(-score, kind="stable")[:per_action]
        last[top] = action
        rows += [(action, p) for p in top]
    act_day = np.array([r[0] for r in rows])
    act_place = np.array([r[1] for r in rows])
    keep = np.ones(len(place), dtype=bool)
    if effect != 1.0:
        dist = np.hypot(x[:, None] - px[act_place], y[:, None] - py[act_place])
        after = (day[:, None] > act_day) & (day[:, None] <= act_day + 182) & (dist <= 250)
        keep = ~after.any(axis=1) | (rng.uniform(size=len(place)) < effect)
    signals = pd.DataFrame(
        {
            "datum": (START + pd.to_timedelta(day[keep], unit="D")).date,
            "x": x[keep],
            "y": y[keep],
            "thema": np.array(THEMES)[theme[keep]],
        }
    )
    interventions = pd.DataFrame(
        {
            "interventie_id": [f"I-{i:04d}" for i in range(len(rows))],
            "datum": (START + pd.to_timedelta(act_day, unit="D")).date,
            "x": px[act_place],
            "y": py[act_place],
            "thema": np.array(THEMES)[main[act_place]],
            "uitkomst": np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES), len(rows))],
        }
    )
    return signals, interventions
