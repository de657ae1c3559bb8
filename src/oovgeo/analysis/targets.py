"""Candidate intervention locations: signals grouped into places and ranked, each with its reasons.

Pure functions: DataFrames in, DataFrames out (no database, no Streamlit). The ranking is about
places, never about people (security P4): a candidate is an address or a spot on the map, its
row holds no names, case numbers or source ids, and every rank comes with a Dutch sentence and
the parts of its score, so it can be explained point by point. Addresses are point data: the
caller shows candidates only to roles that may see point data.

Places
------
:func:`group_locations` puts every signal in at most one place, in this order:

1. Address. Postcode + house number when both are usable (``9912 ab`` + ``12-A`` and
   ``9912AB`` + ``12a`` are the same place), else the address text, lower-cased, without accents
   or punctuation, spaces collapsed and a one-letter suffix joined to its number
   (``Kerkstraat 12 A`` = ``kerkstraat 12a``). A text without a digit (a street, a square) is
   not a place. A text that appears with exactly one postcode + house number elsewhere in the
   data joins that place.
2. Nearest address. A signal without a usable address but with coordinates joins the address
   of the nearest signal within ``distance_m`` (exact ties: the lowest address key).
3. Coordinates. The other signals with coordinates are grouped by single linkage: signals
   within ``distance_m`` of each other are one place (``cKDTree.query_pairs`` + connected
   components). Single linkage chains: above roughly 600 signals without address per km² (at
   50 m) a chain can run through a whole neighbourhood. A group whose signals do not all lie
   within ``distance_m`` of its centre is therefore split around its busiest spots: the spot
   with the most signals in its ``distance_m`` grid cell takes every unassigned signal within
   ``distance_m`` of it, then the next one (ties: more signals at the exact spot, then lowest
   x, y). When the pairs would exceed :data:`MAX_PAIRS` (so dense that single linkage would
   chain anyway) every such signal is grouped that way. Split places stay within
   2 x ``distance_m`` of their centre; column ``spread_m`` shows how wide each place is.
4. Signals without usable address and without coordinates belong to no place (group -1).

Score
-----
For a place with signals i dated d_i, ranked on day ``today`` (signals after ``today`` are
left out), with ``w`` the :class:`Weights`::

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

``candidate_id`` is ``adr-`` + a digest of the address key, or ``pnt-`` + a digest of the
place's lowest member coordinate (x, then y, to the centimetre): the same for the same data in
any row order. An address keeps its id when signals are added; a place without address can get
a new id when a new signal becomes its lowest coordinate. The digest is not anonymisation: it
can be recomputed from an address.

Cost, 1M signals of the demo town (25 km², 3 years) on 2 cores, :func:`candidates` (grouping,
scoring and sentences, ~200,000 places) / :func:`group_locations` alone: all with address
4.0 s / 1.0 s; 30% without address 5.0 s / 2.1 s; none with address 3.2 s / 1.8 s.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

# Above this many point pairs within distance_m, single linkage is skipped (memory: 16 B/pair).
MAX_PAIRS = 5_000_000
# Optional settings read by Weights.from_settings (defaults below when a key is absent).
SETTING_KEYS = {
    "signal": "targets.weight_signal",
    "source": "targets.weight_source",
    "theme": "targets.weight_theme",
    "half_life_days": "targets.half_life_days",
    "theme_weights": "targets.theme_weights",
    "intervention_months": "targets.intervention_months",
    "intervention_factor": "targets.intervention_factor",
    "distance_m": "targets.distance_m",
}
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
_POSTCODE = r"^[1-9][0-9]{3}[A-Z]{2}$"


@dataclass(frozen=True)
class Weights:
    """Weights of the target score (see the module docstring for the formula).

    ``theme_weights`` maps theme codes to a factor (absent themes weigh 1.0), for instance
    ``{"ondermijning": 1.5}``.
    """

    signal: float = 1.0
    source: float = 2.0
    theme: float = 1.0
    half_life_days: float = 90.0
    theme_weights: dict[str, float] = field(default_factory=dict, hash=False)
    intervention_months: int = 12
    intervention_factor: float = 0.5
    distance_m: float = 50.0

    def __post_init__(self) -> None:
        """Check the weights; raise ValueError (Dutch) for invalid values."""
        for name in ("signal", "source", "theme"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"doelwitten: gewicht '{name}' mag niet negatief zijn")
        if not self.half_life_days > 0:
            raise ValueError("doelwitten: de halveringstijd moet groter dan 0 dagen zijn")
        if any(not w >= 0 for w in self.theme_weights.values()):
            raise ValueError("doelwitten: themagewichten mogen niet negatief zijn")
        if self.intervention_months < 1:
            raise ValueError("doelwitten: de interventieperiode moet minstens 1 maand zijn")
        if not 0 <= self.intervention_factor <= 1:
            raise ValueError("doelwitten: de interventiefactor moet tussen 0 en 1 liggen")
        if not self.distance_m >= 1:
            raise ValueError("doelwitten: de groeperingsafstand moet minstens 1 meter zijn")

    @classmethod
    def from_settings(cls, settings: Any) -> Weights:
        """Weights from the optional ``targets.*`` settings (:data:`SETTING_KEYS`).

        ``settings`` is a :class:`oovgeo.config.Settings` or a plain mapping of keys to values;
        absent keys keep their defaults. Values may be strings (as environment variables are).
        """
        values = settings if isinstance(settings, Mapping) else settings.values
        kwargs: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, key in SETTING_KEYS.items():
            raw = values.get(key)
            if raw is None or raw == "":
                continue
            if name == "theme_weights":
                kwargs[name] = {str(k): _number(v) for k, v in dict(raw).items()}
            elif types[name] == "int":
                kwargs[name] = int(_number(raw))
            else:
                kwargs[name] = _number(raw)
        return cls(**kwargs)

    def theme_weight(self, theme: str) -> float:
        """Return the weight of ``theme`` (1.0 when not configured)."""
        return float(self.theme_weights.get(theme, 1.0))


def _number(value: Any) -> float:
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    return float(value)


# --- places ------------------------------------------------------------------------------------


def group_locations(signals: pd.DataFrame, distance_m: float) -> pd.Series:
    """Return the place number per signal.

    Place number per signal (int, -1 for none), numbered in the order of each place's first
    signal in ``signals``. See the module docstring for how places are formed.
    """
    keys, _ = _place_keys(signals, distance_m)
    codes, _ = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    return pd.Series(codes.astype(np.int64), index=signals.index, name="group")


def candidate_ids(signals: pd.DataFrame, distance_m: float, today: date | None = None) -> pd.Series:
    """Return the ``candidate_id`` per signal.

    ``candidate_id`` per signal (None for none), as :func:`candidates` assigns them: the
    caller lists a candidate's signals with ``signals[candidate_ids(...) == cid]``. With
    ``today``, signals after it (or without a date) are left out, as in :func:`candidates`.
    """
    keep = np.ones(len(signals), dtype=bool)
    if today is not None:
        keep = _dates_ok(signals, today)
    ids = np.full(len(signals), None, dtype=object)
    keys, _ = _place_keys(signals[keep], distance_m)
    ids[np.flatnonzero(keep)] = [None if k is None else _digest(k) for k in keys]
    return pd.Series(ids, index=signals.index, name="candidate_id", dtype=object)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].reset_index(drop=True)
    return pd.Series([None] * len(frame), dtype=object)


def _text(values: pd.Series) -> pd.Series:
    """Return stripped strings (``str`` dtype), blanks as missing."""
    text = values.astype("str").str.strip()
    return text.where(text.str.len() > 0)


def _coordinates(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = pd.to_numeric(_column(frame, "x"), errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(_column(frame, "y"), errors="coerce").to_numpy(dtype=float)
    return x, y, np.isfinite(x) & np.isfinite(y)


def _unique_map(values: pd.Series, func) -> np.ndarray:
    """``func`` applied to the distinct non-missing values only, mapped back (object, None)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.full(len(values), None, dtype=object)
    if len(uniques):
        mapped = func(pd.Series(np.asarray(uniques, dtype=object), dtype="str"))
        mapped = np.asarray(mapped.astype(object).where(mapped.notna(), None), dtype=object)
        ok = codes >= 0
        out[ok] = mapped[codes[ok]]
    return out


def _normalise_address(text: pd.Series) -> pd.Series:
    key = (
        text.str.lower()
        .str.normalize("NFKD")
        .str.replace(r"[\u0300-\u036f]", "", regex=True)
        .str.replace(r"[^a-z0-9]+", " ", regex=True)
        .str.strip()
        .str.replace(r"([0-9]) ([a-z])\b", r"\1\2", regex=True)
    )
    return key.where(key.str.contains(r"[0-9]", regex=True), None)


def _normalise_postcode(text: pd.Series) -> pd.Series:
    code = text.str.upper().str.replace(r"\s+", "", regex=True)
    return code.where(code.str.match(_POSTCODE), None)


def _normalise_number(text: pd.Series) -> pd.Series:
    low = text.str.lower().str.strip()
    number = low.str.extract(r"^0*([1-9][0-9]*)", expand=False)
    suffix = low.str.replace(r"^[0-9]+", "", regex=True).str.replace(r"[^a-z0-9]", "", regex=True)
    return (number + "|" + suffix).where(number.notna(), None)


def _house_numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):  # 12.0 when the column had blanks
        whole = values.dropna()
        if (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    return _text(values)


def _address_keys(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(postcode key ``9912AB|12|a`` or None, text key ``kerkstraat 12a`` or None) per row."""
    postcode = _unique_map(_text(_column(frame, "postcode")), _normalise_postcode)
    number = _unique_map(_house_numbers(_column(frame, "huisnummer")), _normalise_number)
    pc = np.full(len(frame), None, dtype=object)
    ok = pd.notna(postcode) & pd.notna(number)
    pc[ok] = postcode[ok] + "|" + number[ok]
    text = _unique_map(_text(_column(frame, "adres")), _normalise_address)
    return pc, text


def _place_keys(frame: pd.DataFrame, distance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(place key per row or None, text address key per row or None)."""
    if not distance_m >= 1:
        raise ValueError("doelwitten: de groeperingsafstand moet minstens 1 meter zijn")
    n = len(frame)
    pc, text = _address_keys(frame)
    keys = np.full(n, None, dtype=object)
    has_pc = pd.notna(pc)
    has_text = pd.notna(text)
    keys[has_pc] = "p:" + pc[has_pc]
    # An address text seen with exactly one postcode + number joins that place.
    only_text = has_text & ~has_pc
    if only_text.any():
        both = pd.DataFrame({"t": text[has_pc & has_text], "p": pc[has_pc & has_text]})
        both = both.drop_duplicates()
        single = both.groupby("t")["p"].agg(["nunique", "first"])
        synonym = single.loc[single["nunique"] == 1, "first"]
        mapped = pd.Series(text[only_text]).map(synonym).to_numpy(dtype=object)
        found = pd.notna(mapped)
        keys[np.flatnonzero(only_text)[found]] = "p:" + mapped[found]
        rest = np.flatnonzero(only_text)[~found]
        keys[rest] = "a:" + text[rest]

    x, y, has_xy = _coordinates(frame)
    loose = np.flatnonzero(has_xy & pd.isna(keys))
    anchored = np.flatnonzero(has_xy & pd.notna(keys))
    if len(loose) and len(anchored):
        near = _nearest_address(
            np.column_stack([x[loose], y[loose]]),
            np.column_stack([x[anchored], y[anchored]]),
            keys[anchored],
            distance_m,
        )
        found = pd.notna(near)
        keys[loose[found]] = near[found]
        loose = loose[~found]
    if len(loose):
        xy = np.column_stack([x[loose], y[loose]])
        labels = _point_clusters(xy, distance_m)
        # Key: the lowest member coordinate (x, then y), independent of row order.
        order = np.lexsort((xy[:, 1], xy[:, 0], labels))
        first = order[np.r_[True, labels[order][1:] != labels[order][:-1]]]
        names = {int(labels[i]): f"c:{xy[i, 0]:.2f},{xy[i, 1]:.2f}" for i in first}
        keys[loose] = [names[int(label)] for label in labels]
    return keys, text


def _nearest_address(
    points: np.ndarray, anchors: np.ndarray, anchor_keys: np.ndarray, distance_m: float
) -> np.ndarray:
    """Return the key of the nearest anchor per point.

    Key of the nearest anchor within distance_m per point (None if none); exact ties go to
    the lowest key.
    """
    table = pd.DataFrame({"x": anchors[:, 0], "y": anchors[:, 1], "k": anchor_keys})
    table = table.sort_values(["x", "y", "k"]).drop_duplicates(["x", "y"])
    ukeys = table["k"].to_numpy(dtype=object)
    tree = _tree(table[["x", "y"]].to_numpy())
    k = min(2, len(table))
    dist, idx = tree.query(points, k=k, distance_upper_bound=np.nextafter(distance_m, np.inf))
    dist = dist.reshape(len(points), k)
    idx = idx.reshape(len(points), k)
    out = np.full(len(points), None, dtype=object)
    hit = np.isfinite(dist[:, 0])
    out[hit] = ukeys[idx[hit, 0]]
    if k == 2:
        tie = hit & (dist[:, 1] == dist[:, 0])
        second = ukeys[idx[tie, 1]]
        out[tie] = np.where(second < out[tie], second, out[tie])
    return out


def _point_clusters(xy: np.ndarray, distance_m: float) -> np.ndarray:
    """Cluster label per point: single linkage, groups wider than distance_m split by seeds."""
    # Distinct spots (hashing x + iy is much faster than np.unique(axis=0)).
    inverse, spots = pd.factorize(xy[:, 0] + 1j * xy[:, 1])
    unique = np.column_stack([spots.real, spots.imag])
    counts = np.bincount(inverse, minlength=len(unique)).astype(float)
    m = len(unique)
    # Grid of distance_m cells: busy cells and a cheap estimate of the number of pairs.
    cx = np.floor(unique[:, 0] / distance_m).astype(np.int64)
    cy = np.floor(unique[:, 1] / distance_m).astype(np.int64)
    cx -= cx.min() - 1
    cy -= cy.min() - 1
    width = int(cy.max()) + 2
    cell_of, cell_ids = pd.factorize(cx * width + cy)
    busy = np.bincount(cell_of, weights=counts)[cell_of]  # signals, not spots, make it busy
    if _pairs_estimate(np.asarray(cell_ids), np.bincount(cell_of), width) > MAX_PAIRS:
        labels = np.zeros(m, dtype=np.int64)
        wide = np.ones(m, dtype=bool)
        n_comp = 1
    else:
        tree = _tree(unique)
        pairs = tree.query_pairs(distance_m, output_type="ndarray")
        graph = coo_matrix(
            (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(m, m)
        )
        n_comp, labels = connected_components(graph, directed=False)
        labels = labels.astype(np.int64)
        total = np.bincount(labels, weights=counts, minlength=n_comp)
        mx = np.bincount(labels, weights=counts * unique[:, 0], minlength=n_comp) / total
        my = np.bincount(labels, weights=counts * unique[:, 1], minlength=n_comp) / total
        far = np.hypot(unique[:, 0] - mx[labels], unique[:, 1] - my[labels]) > distance_m
        too_wide = np.zeros(n_comp, dtype=bool)
        too_wide[labels[far]] = True
        wide = too_wide[labels]
    if wide.any():
        sub = np.flatnonzero(wide)
        labels[sub] = n_comp + _seed_clusters(unique[sub], counts[sub], busy[sub], distance_m)
    return labels[inverse]


def _pairs_estimate(cell_ids: np.ndarray, spots_per_cell: np.ndarray, width: int) -> float:
    """Estimate the number of spot pairs within distance_m.

    Rough number of spot pairs within distance_m, from the grid of distance_m cells: a spot
    meets about pi/9 of the spots in the 3 x 3 block of cells around it.
    """
    index = pd.Index(cell_ids)
    block = np.zeros(len(cell_ids))
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            at = index.get_indexer(cell_ids + dx * width + dy)
            block += np.where(at >= 0, spots_per_cell[at], 0)
    return float((spots_per_cell * block).sum() * math.pi / 9 / 2)


def _seed_clusters(
    unique: np.ndarray, counts: np.ndarray, busy: np.ndarray, distance_m: float
) -> np.ndarray:
    """Busiest spot first, each seed takes every unassigned spot within distance_m."""
    tree = _tree(unique)
    order = np.lexsort((unique[:, 1], unique[:, 0], -counts, -busy))
    labels = np.full(len(unique), -1, dtype=np.int64)
    n = 0
    for i in order.tolist():
        if labels[i] >= 0:
            continue
        near = np.asarray(tree.query_ball_point(unique[i], distance_m), dtype=np.int64)
        near = near[labels[near] < 0]
        labels[near] = n
        n += 1
    return labels


def _tree(points: np.ndarray) -> cKDTree:
    # Unbalanced, uncompacted nodes: about twice as fast to build, queries barely slower.
    return cKDTree(points, balanced_tree=False, compact_nodes=False)


def _digest(key: str) -> str:
    prefix = "adr" if key[0] in "pa" else "pnt"
    return f"{prefix}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


# --- dates -------------------------------------------------------------------------------------


def _days(values: pd.Series) -> np.ndarray:
    """datetime64[D] per value (NaT where not a date); converts each distinct value once."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    converted = pd.to_datetime(pd.Series(np.asarray(uniques, dtype=object)), errors="coerce")
    days = converted.to_numpy().astype("datetime64[D]")
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = codes >= 0
    out[ok] = days[codes[ok]]
    return out


def _dates_ok(frame: pd.DataFrame, today: date) -> np.ndarray:
    days = _days(_column(frame, "datum"))
    return ~np.isnat(days) & (days <= np.datetime64(today, "D"))


def _dutch_date(day: Any) -> str:
    return pd.Timestamp(day).strftime("%d-%m-%Y")


# --- candidates --------------------------------------------------------------------------------


def candidates(
    signals: pd.DataFrame,
    interventions: pd.DataFrame | None,
    *,
    today: date,
    weights: Weights | None = None,
    source_labels: Mapping[str, str] | None = None,
    theme_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per place with its score and reasons, best first (columns :data:`COLUMNS`).

    ``signals`` has the columns of the signals table (``datum`` as dates or ISO strings,
    ``thema``, ``bron``, ``x``, ``y``, ``adres``, ``postcode``, ``huisnummer``, ``buurt_code``,
    ``wijk_code``; missing ones count as empty; others are ignored); the caller filters period,
    themes and sources first, and lists a candidate's signals with :func:`candidate_ids` on
    the same frame. ``interventions`` (``datum``, ``x``, ``y``, ``adres``) should reach back
    ``weights.intervention_months`` before ``today``. Labels turn codes into Dutch names
    (unknown codes stay as they are); ``sources`` and ``themes`` are tuples of labels.
    """
    weights = weights or Weights()
    source_labels = dict(source_labels or {})
    theme_labels = dict(theme_labels or {})
    today_d = np.datetime64(today, "D")

    frame = signals.reset_index(drop=True)
    frame = frame[_dates_ok(frame, today)].reset_index(drop=True)
    keys, text = _place_keys(frame, weights.distance_m)
    placed = pd.notna(keys)
    frame = frame[placed].reset_index(drop=True)
    keys, text = keys[placed], text[placed]
    if not len(frame):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})

    group, key_of = pd.factorize(pd.Series(keys, dtype=object))
    n_groups = len(key_of)
    days = _days(frame["datum"])
    age = (today_d - days).astype(np.int64)
    x, y, has_xy = _coordinates(frame)

    per = pd.DataFrame(
        {
            "g": group,
            "decay": 0.5 ** (age / weights.half_life_days),
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

    source_set, source_sets = _code_sets(group, _column(frame, "bron"), source_labels, n_groups)
    theme_set, theme_sets = _code_sets(group, _column(frame, "thema"), theme_labels, n_groups)
    source_names = [tuple(source_labels.get(c, c) for c in codes) for codes in source_sets]
    theme_names = [tuple(theme_labels.get(c, c) for c in codes) for codes in theme_sets]
    theme_factors = [
        max((weights.theme_weight(c) for c in codes), default=1.0) for codes in theme_sets
    ]
    heaviest = [
        ", ".join(theme_labels.get(c, c) for c in codes if weights.theme_weight(c) == factor)
        for codes, factor in zip(theme_sets, theme_factors, strict=True)
    ]
    out["n_sources"] = np.array([len(c) for c in source_sets], dtype=np.int64)[source_set]
    out["sources"] = _objects(source_names)[source_set]
    out["n_themes"] = np.array([len(c) for c in theme_sets], dtype=np.int64)[theme_set]
    out["themes"] = _objects(theme_names)[theme_set]
    out["theme_factor"] = np.array(theme_factors, dtype=float)[theme_set]

    out["adres"] = _place_addresses(frame, group, text, key_of, n_groups)
    out["buurt_code"] = _mode(group, _text(_column(frame, "buurt_code")), n_groups)
    out["wijk_code"] = _mode(group, _text(_column(frame, "wijk_code")), n_groups)
    since = out["days_since_last"].to_numpy(dtype=np.int64).astype("timedelta64[D]")
    out["last_date"] = (today_d - since).astype(object)

    last_iv = _last_interventions(
        interventions, frame, group, key_of, text, weights.distance_m, today_d
    )
    cutoff = np.datetime64(
        (pd.Timestamp(today) - pd.DateOffset(months=weights.intervention_months)).date(), "D"
    )
    recent = ~np.isnat(last_iv) & (last_iv >= cutoff)
    out["intervention_recent"] = recent
    out["last_intervention"] = last_iv.astype(object)  # date, None for NaT

    signal_part = weights.signal * out["recency"].to_numpy()
    source_part = weights.source * out["n_sources"].to_numpy()
    theme_part = weights.theme * out["n_themes"].to_numpy()
    base = signal_part + source_part + theme_part
    factor = np.where(recent, weights.intervention_factor, 1.0)
    out["score"] = base * out["theme_factor"].to_numpy() * factor
    constant = {
        "signal_weight": float(weights.signal),
        "source_weight": float(weights.source),
        "theme_weight": float(weights.theme),
    }
    out["score_parts"] = [
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
            out["recency"].tolist(),
            signal_part.tolist(),
            out["n_sources"].tolist(),
            source_part.tolist(),
            out["n_themes"].tolist(),
            theme_part.tolist(),
            base.tolist(),
            out["theme_factor"].tolist(),
            factor.tolist(),
            out["score"].tolist(),
            strict=True,
        )
    ]
    source_text = _objects([", ".join(n) for n in source_names])[source_set]
    theme_text = _objects([", ".join(n) for n in theme_names])[theme_set]
    heavy_text = _objects(heaviest)[theme_set]
    iv_text = pd.Series(last_iv).dt.strftime("%d-%m-%Y").to_numpy(dtype=object)
    iv_text[np.isnat(last_iv)] = None
    out["reasons"] = [
        _sentence(n, ns, src, nt, th, age, tf, heavy, iv, rec, weights)
        for n, ns, src, nt, th, age, tf, heavy, iv, rec in zip(
            out["n_signals"].tolist(),
            out["n_sources"].tolist(),
            source_text.tolist(),
            out["n_themes"].tolist(),
            theme_text.tolist(),
            out["days_since_last"].tolist(),
            out["theme_factor"].tolist(),
            heavy_text.tolist(),
            iv_text.tolist(),
            recent.tolist(),
            strict=True,
        )
    ]
    out["candidate_id"] = [_digest(k) for k in key_of]
    out["n_signals"] = out["n_signals"].astype(np.int64)
    out["days_since_last"] = out["days_since_last"].astype(np.int64)
    out = out.sort_values(
        ["score", "days_since_last", "candidate_id"], ascending=[False, True, True]
    )
    return out[COLUMNS].reset_index(drop=True)


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
    found, uniques = pd.factorize(_text(codes), use_na_sentinel=True)
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
    raw = _text(_column(frame, "adres"))
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


def _last_interventions(
    interventions: pd.DataFrame | None,
    frame: pd.DataFrame,
    group: np.ndarray,
    key_of: pd.Index,
    text: np.ndarray,
    distance_m: float,
    today: np.datetime64,
) -> np.ndarray:
    """Date of the last intervention up to today per group (datetime64[D], NaT for none)."""
    n_groups = len(key_of)
    last = np.full(n_groups, np.datetime64("NaT"), dtype="datetime64[D]")
    if interventions is None or not len(interventions):
        return last
    iv = interventions.reset_index(drop=True)
    iv = iv[_dates_ok(iv, today.astype(date))].reset_index(drop=True)
    if not len(iv):
        return last
    iv_days = _days(iv["datum"])
    hits_iv: list[np.ndarray] = []
    hits_group: list[np.ndarray] = []

    # Within distance_m of a signal of the place.
    x, y, has_xy = _coordinates(frame)
    ix, iy, iv_xy = _coordinates(iv)
    if has_xy.any() and iv_xy.any():
        tree = _tree(np.column_stack([x[has_xy], y[has_xy]]))
        spot_groups = np.asarray(group)[has_xy]
        rows = np.flatnonzero(iv_xy)
        found = tree.query_ball_point(np.column_stack([ix[rows], iy[rows]]), distance_m)
        lengths = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
        if lengths.sum():
            hits_iv.append(np.repeat(rows, lengths))
            near = np.concatenate([np.asarray(f, dtype=np.int64) for f in found])
            hits_group.append(spot_groups[near])

    # At the place's address: postcode + number, or a text that belongs to one place only.
    iv_pc, iv_text = _address_keys(iv)
    has_pc = pd.notna(iv_pc)
    if has_pc.any():
        key_group = pd.Series(np.arange(n_groups), index=key_of)
        by_pc = pd.Series("p:" + iv_pc[has_pc]).map(key_group).to_numpy(dtype=float)
        ok = ~np.isnan(by_pc)
        hits_iv.append(np.flatnonzero(has_pc)[ok])
        hits_group.append(by_pc[ok].astype(np.int64))
    has_text = pd.notna(iv_text)
    if has_text.any():
        codes, uniques = pd.factorize(pd.Series(text, dtype=object), use_na_sentinel=True)
        pairs = pd.DataFrame({"t": codes, "g": group})[codes >= 0].drop_duplicates()
        places = pairs.groupby("t")["g"].agg(["size", "first"])
        single = places[places["size"] == 1]
        text_group = pd.Series(single["first"].to_numpy(), index=uniques[single.index])
        by_text = pd.Series(iv_text[has_text]).map(text_group).to_numpy(dtype=float)
        ok = ~np.isnan(by_text)
        hits_iv.append(np.flatnonzero(has_text)[ok])
        hits_group.append(by_text[ok].astype(np.int64))

    if not hits_iv:
        return last
    g = np.concatenate(hits_group)
    d = iv_days[np.concatenate(hits_iv)]
    if len(g):
        best = pd.Series(d).groupby(g).max()
        last[best.index.to_numpy()] = best.to_numpy().astype("datetime64[D]")
    return last


# --- reasons -----------------------------------------------------------------------------------


def _decimal(value: float) -> str:
    return f"{value:g}".replace(".", ",")


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
        None if last_intervention is None else _dutch_date(last_intervention),
        intervention_recent,
        weights,
    )


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
        text += f", themaweging × {_decimal(theme_factor)} ({heaviest})"
    if days_since_last == 0:
        text += ", laatste vandaag"
    elif days_since_last == 1:
        text += ", laatste gisteren"
    else:
        text += f", laatste {days_since_last} dagen geleden"
    if recent and last_intervention is not None:
        text += f", interventie op {last_intervention}"
        if weights.intervention_factor != 1:
            text += f" (score × {_decimal(weights.intervention_factor)})"
    else:
        months = weights.intervention_months
        span = "de afgelopen maand" if months == 1 else f"de afgelopen {months} maanden"
        text += f", geen interventie in {span}"
        if last_intervention is not None:
            text += f" (laatste op {last_intervention})"
    return text
