"""Places: every signal in at most one place, and the stable id of each place.

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

``candidate_id`` is ``adr-`` + a digest of the address key, or ``pnt-`` + a digest of the
place's lowest member coordinate (x, then y, to the centimetre): the same for the same data in
any row order. An address keeps its id when signals are added; a place without address can get
a new id when a new signal becomes its lowest coordinate. The digest is not anonymisation: it
can be recomputed from an address.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from oovgeo.analysis.targets.addresses import address_keys
from oovgeo.analysis.targets.inputs import coordinates, dates_ok, kdtree
from oovgeo.analysis.targets.weights import check

# Above this many point pairs within distance_m, single linkage is skipped (memory: 16 B/pair).
MAX_PAIRS = 5_000_000


def group_locations(signals: pd.DataFrame, distance_m: float) -> pd.Series:
    """Return the place number per signal.

    Place number per signal (int, -1 for none), numbered in the order of each place's first
    signal in ``signals``. See the module docstring for how places are formed.
    """
    keys, _ = place_keys(signals, distance_m)
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
        keep = dates_ok(signals, today)
    ids = np.full(len(signals), None, dtype=object)
    keys, _ = place_keys(signals[keep], distance_m)
    ids[np.flatnonzero(keep)] = [None if k is None else digest(k) for k in keys]
    return pd.Series(ids, index=signals.index, name="candidate_id", dtype=object)


def place_keys(frame: pd.DataFrame, distance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the place key and the text address key per row (None where there is none)."""
    check("targets.distance_m", distance_m)
    n = len(frame)
    pc, text = address_keys(frame)
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

    x, y, has_xy = coordinates(frame)
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
    tree = kdtree(table[["x", "y"]].to_numpy())
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
        tree = kdtree(unique)
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
    tree = kdtree(unique)
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


def digest(key: str) -> str:
    """Return the ``candidate_id`` of a place key (``adr-...`` or ``pnt-...``)."""
    prefix = "adr" if key[0] in "pa" else "pnt"
    return f"{prefix}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"
