"""The score of a place: recency, sources and themes, weighted, and its parts.

For a place with signals i dated d_i, ranked on day ``today`` (signals after ``today`` are
left out), with ``w`` the :class:`~oovgeo.analysis.targets.weights.Weights`::

    recency      = sum_i 0.5 ** ((today - d_i) / w.half_life_days)      (age in days)
    base         = w.signal * recency + w.source * n_sources + w.theme * n_themes
    theme_factor = max(w.theme_weights.get(theme, 1.0) for each theme of the place)
    factor       = w.intervention_factor if an intervention took place at the place in the
                   w.intervention_months before today (on or after the same day that many
                   months back), else 1
    score        = base * theme_factor * factor

An intervention is at a place when it lies within ``w.distance_m`` of one of the place's
signals or has the place's address (text, or postcode + house number when present); any theme
counts. ``score_parts`` holds every term and weight, so ``score`` can be recomputed from what
is shown. Candidates are sorted by score (high first), then last signal (recent first), then
``candidate_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from oovgeo.analysis.targets.weights import Weights


def decay(age_days: np.ndarray, weights: Weights) -> np.ndarray:
    """Return the weight of a signal this many days old: 1 today, 0.5 after the half-life."""
    return 0.5 ** (age_days / weights.half_life_days)


def theme_factors(theme_sets: Sequence[tuple[str, ...]], weights: Weights) -> list[float]:
    """Return the factor of each set of themes: the heaviest theme weight (1.0 for none)."""
    return [max((weights.theme_weight(c) for c in codes), default=1.0) for codes in theme_sets]


def recent_intervention(last: np.ndarray, today: date, weights: Weights) -> np.ndarray:
    """Return per place whether its last intervention lies in the intervention period."""
    cutoff = np.datetime64(
        (pd.Timestamp(today) - pd.DateOffset(months=weights.intervention_months)).date(), "D"
    )
    return ~np.isnat(last) & (last >= cutoff)


def score_columns(places: pd.DataFrame, recent: np.ndarray, weights: Weights) -> dict[str, Any]:
    """Return the ``score`` and ``score_parts`` of each place.

    ``places`` has the columns ``recency``, ``n_sources``, ``n_themes`` and ``theme_factor``;
    ``recent`` says per place whether an intervention lowers its score.
    """
    signal_part = weights.signal * places["recency"].to_numpy()
    source_part = weights.source * places["n_sources"].to_numpy()
    theme_part = weights.theme * places["n_themes"].to_numpy()
    base = signal_part + source_part + theme_part
    factor = np.where(recent, weights.intervention_factor, 1.0)
    score = base * places["theme_factor"].to_numpy() * factor
    constant = {
        "signal_weight": float(weights.signal),
        "source_weight": float(weights.source),
        "theme_weight": float(weights.theme),
    }
    parts = [
        {
            "recency": r,
            "signal_weight": constant["signal_weight"],
            "signal_part": sp,
            "n_sources": ns,
            "source_weight": constant["source_weight"],
            "source_part": srp,
            "n_themes": nt,
            "theme_weight": constant["theme_weight"],
            "theme_part": tp,
            "base": b,
            "theme_factor": tf,
            "intervention_factor": f,
            "score": sc,
        }
        for r, sp, ns, srp, nt, tp, b, tf, f, sc in zip(
            places["recency"].tolist(),
            signal_part.tolist(),
            places["n_sources"].tolist(),
            source_part.tolist(),
            places["n_themes"].tolist(),
            theme_part.tolist(),
            base.tolist(),
            places["theme_factor"].tolist(),
            factor.tolist(),
            score.tolist(),
            strict=True,
        )
    ]
    return {"score": score, "score_parts": parts}
