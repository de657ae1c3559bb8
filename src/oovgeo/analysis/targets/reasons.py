"""The Dutch sentence that explains each candidate's score, point by point (``reasons``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
import shapely

from oovgeo import dutch
from oovgeo.analysis.targets.weights import Weights
from oovgeo.vocab import CONTEXT_REASONS


def reason_text(
    *,
    n_signals: int,
    sources: list[str],
    themes: list[str],
    days_since_last: int,
    theme_factor: float,
    heaviest_themes: list[str],
    last_intervention: date | None,
    intervention_recent: bool,
    weights: Weights,
) -> str:
    """Return the Dutch sentence that explains a candidate's score.

    For example:
    ``6 signalen uit 3 bronnen (Meld een Vermoeden, Wijkagent, Woningcorporatie), 1 thema
    (Ondermijning), laatste 9 dagen geleden, geen interventie in de afgelopen 12 maanden``.

    ``heaviest_themes`` are the labels of the themes that set ``theme_factor`` (named only when
    it is not 1).
    """
    return _sentence(
        n_signals,
        len(sources),
        ", ".join(sources),
        len(themes),
        ", ".join(themes),
        days_since_last,
        theme_factor,
        ", ".join(heaviest_themes),
        None if last_intervention is None else dutch.day(last_intervention),
        intervention_recent,
        weights,
    )


def heaviest_themes(
    theme_sets: Sequence[tuple[str, ...]],
    factors: Sequence[float],
    weights: Weights,
    labels: Mapping[str, str],
) -> list[str]:
    """Return per set of themes the labels of those that set its factor, joined."""
    return [
        ", ".join(labels.get(c, c) for c in codes if weights.theme_weight(c) == factor)
        for codes, factor in zip(theme_sets, factors, strict=True)
    ]


def reason_column(
    places: pd.DataFrame,
    sources: np.ndarray,
    themes: np.ndarray,
    heaviest: np.ndarray,
    last_intervention: np.ndarray,
    recent: np.ndarray,
    weights: Weights,
) -> list[str]:
    """Return the sentence of each place.

    ``places`` has ``n_signals``, ``n_sources``, ``n_themes``, ``days_since_last`` and
    ``theme_factor``; ``sources``, ``themes`` and ``heaviest`` are joined labels per place,
    ``last_intervention`` a datetime64[D] per place (NaT for none).
    """
    return [
        _sentence(n, ns, src, nt, th, age, tf, heavy, iv, rec, weights)
        for n, ns, src, nt, th, age, tf, heavy, iv, rec in zip(
            places["n_signals"].tolist(),
            places["n_sources"].tolist(),
            sources.tolist(),
            places["n_themes"].tolist(),
            themes.tolist(),
            places["days_since_last"].tolist(),
            places["theme_factor"].tolist(),
            heaviest.tolist(),
            _dates(last_intervention).tolist(),
            recent.tolist(),
            strict=True,
        )
    ]


def context_reasons(
    x: np.ndarray, y: np.ndarray, polygons: Mapping[str, shapely.Geometry]
) -> list[str]:
    """Return per place the context it lies in, e.g. ``"binnen cameragebied, op bedrijventerrein"``.

    ``polygons`` maps a soort of ``vocab.CONTEXT_REASONS`` (``camera``, ``bedrijventerrein``)
    to its (multi)polygon in RD; ``x``, ``y`` are the places in RD (NaN: nowhere). A place on
    the edge counts as inside. ``""`` for a place in none of them.

    >>> from shapely.geometry import box
    >>> context_reasons(np.array([5.0, 50.0]), np.array([5.0, 5.0]), {"camera": box(0, 0, 10, 10)})
    ['binnen cameragebied', '']
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    found: list[list[str]] = [[] for _ in range(len(xs))]
    for soort, reason in CONTEXT_REASONS.items():
        geometry = polygons.get(soort)
        if geometry is None or geometry.is_empty:
            continue
        shapely.prepare(geometry)
        for i in np.flatnonzero(shapely.intersects_xy(geometry, xs, ys)):
            found[i].append(reason)
    return [", ".join(parts) for parts in found]


def _dates(days: np.ndarray) -> np.ndarray:
    """Return each day as Dutch text (None for NaT), formatting each distinct day once."""
    out = np.full(len(days), None, dtype=object)
    known = ~np.isnat(days)
    if known.any():
        codes, uniques = pd.factorize(days[known])
        texts = [dutch.day(pd.Timestamp(u).date()) for u in uniques]
        out[known] = np.asarray(texts, dtype=object)[codes]
    return out


def _sentence(
    n_signals: int,
    n_sources: int,
    sources: str,
    n_themes: int,
    themes: str,
    days_since_last: int,
    theme_factor: float,
    heaviest: str,
    last_intervention: str | None,
    recent: bool,
    weights: Weights,
) -> str:
    text = f"{n_signals} {'signaal' if n_signals == 1 else 'signalen'} uit "
    text += f"{n_sources} {'bron' if n_sources == 1 else 'bronnen'}"
    if sources:
        text += f" ({sources})"
    text += f", {n_themes} " + ("thema" if n_themes == 1 else "thema's")
    if themes:
        text += f" ({themes})"
    if theme_factor != 1:
        text += f", themaweging × {dutch.short(theme_factor)} ({heaviest})"
    if days_since_last == 0:
        text += ", laatste vandaag"
    elif days_since_last == 1:
        text += ", laatste gisteren"
    else:
        text += f", laatste {days_since_last} dagen geleden"
    if recent and last_intervention is not None:
        text += f", interventie op {last_intervention}"
        if weights.intervention_factor != 1:
            text += f" (score × {dutch.short(weights.intervention_factor)})"
    else:
        months = weights.intervention_months
        span = "de afgelopen maand" if months == 1 else f"de afgelopen {months} maanden"
        text += f", geen interventie in {span}"
        if last_intervention is not None:
            text += f" (laatste op {last_intervention})"
    return text
