"""Candidates: one row per place with its facts, score and reasons, best first.

:func:`candidates` runs the steps in order: keep the signals up to ``today`` that have a place
(:mod:`.places`), sum them per place (counts, recency, centre, spread), collect the sources and
themes of each place, choose its address and areas, find its last intervention
(:mod:`.interventions`), score it (:mod:`.score`) and explain it (:mod:`.reasons`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import shapely

from oovgeo.analysis.targets.inputs import as_days, column, coordinates, dates_ok, stripped
from oovgeo.analysis.targets.interventions import last_interventions
from oovgeo.analysis.targets.places import digest, place_keys
from oovgeo.analysis.targets.reasons import context_reasons, heaviest_themes, reason_column
from oovgeo.analysis.targets.score import (
    decay,
    recent_intervention,
    score_columns,
    theme_factors,
)
from oovgeo.analysis.targets.weights import Weights

COLUMNS = [
    "candidate_id",
    "x",
    "y",
    "spread_m",
    "adres",
    "buurt_code",
    "wijk_code",
    "n_signals",
    "n_sources",
    "sources",
    "n_themes",
    "themes",
    "last_date",
    "days_since_last",
    "recency",
    "theme_factor",
    "intervention_recent",
    "last_intervention",
    "score",
    "reasons",
    "score_parts",
]


def candidates(
    signals: pd.DataFrame,
    interventions: pd.DataFrame | None,
    *,
    today: date,
    weights: Weights | None = None,
    source_labels: Mapping[str, str] | None = None,
    theme_labels: Mapping[str, str] | None = None,
    context: Mapping[str, shapely.Geometry] | None = None,
) -> pd.DataFrame:
    """One row per place with its score and reasons, best first (columns :data:`COLUMNS`).

    ``signals`` has the columns of the signals table (``datum`` as dates or ISO strings,
    ``thema``, ``bron``, ``x``, ``y``, ``adres``, ``postcode``, ``huisnummer``, ``buurt_code``,
    ``wijk_code``; missing ones count as empty; others are ignored); the caller filters period,
    themes and sources first, and lists a candidate's signals with :func:`candidate_ids` on
    the same frame. ``interventions`` (``datum``, ``x``, ``y``, ``adres``) should reach back
    ``weights.intervention_months`` before ``today``. Labels turn codes into Dutch names
    (unknown codes stay as they are); ``sources`` and ``themes`` are tuples of labels.
    ``context`` maps a context soort to its polygons in RD (``camera``, ``bedrijventerrein``):
    a place inside one gets it in its reasons ("binnen cameragebied"); the score is unchanged.
    """
    weights = weights or Weights()
    source_labels = dict(source_labels or {})
    theme_labels = dict(theme_labels or {})
    today_d = np.datetime64(today, "D")

    frame, keys, text = _placed_signals(signals, today, weights.distance_m)
    if not len(frame):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    group, key_of = pd.factorize(pd.Series(keys, dtype=object))
    n_groups = len(key_of)
    out = _sums(frame, group, n_groups, today_d, weights)

    sources = _Codes.of(group, column(frame, "bron"), source_labels, n_groups)
    themes = _Codes.of(group, column(frame, "thema"), theme_labels, n_groups)
    factors = theme_factors(themes.sets, weights)
    out["n_sources"] = sources.counts()
    out["sources"] = sources.per_place(sources.names)
    out["n_themes"] = themes.counts()
    out["themes"] = themes.per_place(themes.names)
    out["theme_factor"] = np.array(factors, dtype=float)[themes.index]

    out["adres"] = _place_addresses(frame, group, text, key_of, n_groups)
    out["buurt_code"] = _mode(group, stripped(column(frame, "buurt_code")), n_groups)
    out["wijk_code"] = _mode(group, stripped(column(frame, "wijk_code")), n_groups)
    since = out["days_since_last"].to_numpy(dtype=np.int64).astype("timedelta64[D]")
    out["last_date"] = (today_d - since).astype(object)

    last_iv = last_interventions(
        interventions, frame, group, key_of, text, weights.distance_m, today_d
    )
    recent = recent_intervention(last_iv, today, weights)
    out["intervention_recent"] = recent
    out["last_intervention"] = last_iv.astype(object)  # date, None for NaT

    for name, values in score_columns(out, recent, weights).items():
        out[name] = values
    heaviest = _objects(heaviest_themes(themes.sets, factors, weights, theme_labels))
    out["reasons"] = reason_column(
        out,
        sources.joined(),
        themes.joined(),
        heaviest[themes.index],
        last_iv,
        recent,
        weights,
    )
    if context:
        where = context_reasons(out["x"].to_numpy(), out["y"].to_numpy(), context)
        pairs = zip(out["reasons"], where, strict=True)
        out["reasons"] = [f"{r}; {w}" if w else r for r, w in pairs]
    out["candidate_id"] = [digest(k) for k in key_of]
    out["n_signals"] = out["n_signals"].astype(np.int64)
    out["days_since_last"] = out["days_since_last"].astype(np.int64)
    out = out.sort_values(
        ["score", "days_since_last", "candidate_id"], ascending=[False, True, True]
    )
    return out[COLUMNS].reset_index(drop=True)


def _placed_signals(
    signals: pd.DataFrame, today: date, distance_m: float
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Return the signals up to ``today`` that have a place, their place and text keys."""
    frame = signals.reset_index(drop=True)
    frame = frame[dates_ok(frame, today)].reset_index(drop=True)
    keys, text = place_keys(frame, distance_m)
    placed = pd.notna(keys)
    return frame[placed].reset_index(drop=True), keys[placed], text[placed]


def _sums(
    frame: pd.DataFrame, group: np.ndarray, n_groups: int, today: np.datetime64, weights: Weights
) -> pd.DataFrame:
    """Per place: number of signals, recency, days since the last one, centre and spread."""
    age = (today - as_days(frame["datum"])).astype(np.int64)
    x, y, has_xy = coordinates(frame)
    per = pd.DataFrame(
        {
            "g": group,
            "decay": decay(age, weights),
            "age": age,
            "x": np.where(has_xy, x, np.nan),
            "y": np.where(has_xy, y, np.nan),
        }
    ).groupby("g", sort=True)
    out = pd.DataFrame(
        {
            "n_signals": per.size(),
            "recency": per["decay"].sum(),
            "days_since_last": per["age"].min(),
            "x": per["x"].mean(),
            "y": per["y"].mean(),
        }
    ).reindex(range(n_groups))
    spread = np.hypot(x - out["x"].to_numpy()[group], y - out["y"].to_numpy()[group])
    out["spread_m"] = pd.Series(spread).groupby(group).max().reindex(range(n_groups))
    return out


@dataclass(frozen=True)
class _Codes:
    """The distinct codes (sources or themes) of each place.

    ``index`` points each place to one of the distinct ``sets`` of codes; ``names`` holds
    their labels in the same order.
    """

    index: np.ndarray
    sets: list[tuple[str, ...]]
    names: list[tuple[str, ...]]

    @classmethod
    def of(
        cls, group: np.ndarray, codes: pd.Series, labels: Mapping[str, str], n_groups: int
    ) -> _Codes:
        index, sets = _code_sets(group, codes, labels, n_groups)
        return cls(index, sets, [tuple(labels.get(c, c) for c in s) for s in sets])

    def counts(self) -> np.ndarray:
        return np.array([len(c) for c in self.sets], dtype=np.int64)[self.index]

    def per_place(self, values: list) -> np.ndarray:
        return _objects(values)[self.index]

    def joined(self) -> np.ndarray:
        return self.per_place([", ".join(n) for n in self.names])


def _objects(items: list) -> np.ndarray:
    """Return a 1-D object array of ``items`` (tuples stay elements, not rows)."""
    array = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):  # element by element: numpy would unpack equal tuples
        array[i] = item
    return array


def _code_sets(
    group: np.ndarray, codes: pd.Series, labels: Mapping[str, str], n_groups: int
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Return the distinct non-empty codes per group.

    The result is an index into a list of distinct code sets; each set is sorted by its label
    (case-blind), then by code.
    """
    found, uniques = pd.factorize(stripped(codes), use_na_sentinel=True)
    uniques = [str(c) for c in uniques]
    order = sorted(
        range(len(uniques)),
        key=lambda i: (labels.get(uniques[i], uniques[i]).casefold(), uniques[i]),
    )
    ordered = [uniques[i] for i in order]
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    valid = found >= 0
    g = np.asarray(group, dtype=np.int64)[valid]
    r = rank[found[valid]]
    if len(uniques) <= 62:  # one bit per code
        masks = np.zeros(n_groups, dtype=np.int64)
        np.bitwise_or.at(masks, g, np.left_shift(np.int64(1), r))
        distinct, index = np.unique(masks, return_inverse=True)
        sets = [
            tuple(ordered[i] for i in range(len(ordered)) if int(mask) >> i & 1)
            for mask in distinct.tolist()
        ]
        return index.reshape(-1), sets
    pairs = pd.DataFrame({"g": g, "r": r}).drop_duplicates().sort_values(["g", "r"])
    per_group = [()] * n_groups
    for gi, ranks in pairs.groupby("g")["r"]:
        per_group[int(gi)] = tuple(ordered[i] for i in ranks)
    index, sets = pd.factorize(pd.Series(per_group, dtype=object))
    return index, list(sets)


def _mode(group: np.ndarray, values: pd.Series, n_groups: int) -> pd.Series:
    """Most frequent non-missing value per group (ties: the lowest), None where there is none."""
    found, uniques = pd.factorize(values, use_na_sentinel=True, sort=True)
    valid = found >= 0
    table = pd.DataFrame({"g": np.asarray(group)[valid], "v": found[valid]})
    counts = table.value_counts(sort=False).reset_index(name="n")
    counts = counts.sort_values(["g", "n", "v"], ascending=[True, False, True])
    best = counts.drop_duplicates("g")
    out = np.full(n_groups, None, dtype=object)
    out[best["g"].to_numpy()] = np.asarray(uniques, dtype=object)[best["v"].to_numpy()]
    return pd.Series(out, dtype=object)


def _place_addresses(
    frame: pd.DataFrame, group: np.ndarray, text: np.ndarray, key_of: pd.Index, n_groups: int
) -> pd.Series:
    """Choose the display address of each place.

    Most frequent spelling among usable addresses, else postcode + number from the key,
    else the most frequent address text of any kind (a street without number), else None.
    """
    raw = stripped(column(frame, "adres"))
    best = _mode(group, raw.where(pd.notna(text)), n_groups)
    missing = np.flatnonzero(pd.isna(best))
    best.iloc[missing] = [_key_address(key_of[i]) for i in missing]
    missing = np.flatnonzero(pd.isna(best))
    if len(missing):
        best.iloc[missing] = _mode(group, raw, n_groups).iloc[missing].to_numpy()
    return best


def _key_address(key: str) -> str | None:
    if not key.startswith("p:"):
        return None
    postcode, number, suffix = key[2:].split("|")
    return f"{postcode} {number}{suffix}"
