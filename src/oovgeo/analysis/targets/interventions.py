"""Which places had an intervention, and when the last one was.

An intervention is at a place when it lies within ``distance_m`` of one of the place's signals
or has the place's address: postcode + house number when present, or an address text that
belongs to one place only. Any theme counts; interventions after ``today`` do not.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from oovgeo.analysis.targets.addresses import address_keys
from oovgeo.analysis.targets.inputs import as_days, coordinates, dates_ok, kdtree

# (rows of the interventions, places they are at), one pair of arrays per way of matching
Hits = list[tuple[np.ndarray, np.ndarray]]


def last_interventions(
    interventions: pd.DataFrame | None,
    frame: pd.DataFrame,
    group: np.ndarray,
    key_of: pd.Index,
    text: np.ndarray,
    distance_m: float,
    today: np.datetime64,
) -> np.ndarray:
    """Return the date of the last intervention up to today per place (datetime64[D], NaT).

    ``frame`` holds the placed signals, ``group`` their place number, ``key_of`` the place
    key per number and ``text`` the text address key per signal.
    """
    n_groups = len(key_of)
    last = np.full(n_groups, np.datetime64("NaT"), dtype="datetime64[D]")
    if interventions is None or not len(interventions):
        return last
    iv = interventions.reset_index(drop=True)
    iv = iv[dates_ok(iv, today.astype(date))].reset_index(drop=True)
    if not len(iv):
        return last
    hits = _near_signals(iv, frame, group, distance_m) + _at_address(iv, group, key_of, text)
    if not hits:
        return last
    g = np.concatenate([places for _, places in hits])
    d = as_days(iv["datum"])[np.concatenate([rows for rows, _ in hits])]
    if len(g):
        best = pd.Series(d).groupby(g).max()
        last[best.index.to_numpy()] = best.to_numpy().astype("datetime64[D]")
    return last


def _near_signals(
    iv: pd.DataFrame, frame: pd.DataFrame, group: np.ndarray, distance_m: float
) -> Hits:
    """Interventions within ``distance_m`` of a signal of the place."""
    x, y, has_xy = coordinates(frame)
    ix, iy, iv_xy = coordinates(iv)
    if not (has_xy.any() and iv_xy.any()):
        return []
    tree = kdtree(np.column_stack([x[has_xy], y[has_xy]]))
    spot_groups = np.asarray(group)[has_xy]
    rows = np.flatnonzero(iv_xy)
    found = tree.query_ball_point(np.column_stack([ix[rows], iy[rows]]), distance_m)
    lengths = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
    if not lengths.sum():
        return []
    near = np.concatenate([np.asarray(f, dtype=np.int64) for f in found])
    return [(np.repeat(rows, lengths), spot_groups[near])]


def _at_address(iv: pd.DataFrame, group: np.ndarray, key_of: pd.Index, text: np.ndarray) -> Hits:
    """Interventions at the place's postcode + number, or a text that belongs to one place."""
    hits: Hits = []
    iv_pc, iv_text = address_keys(iv)
    has_pc = pd.notna(iv_pc)
    if has_pc.any():
        key_group = pd.Series(np.arange(len(key_of)), index=key_of)
        by_pc = pd.Series("p:" + iv_pc[has_pc]).map(key_group).to_numpy(dtype=float)
        ok = ~np.isnan(by_pc)
        hits.append((np.flatnonzero(has_pc)[ok], by_pc[ok].astype(np.int64)))
    has_text = pd.notna(iv_text)
    if has_text.any():
        codes, uniques = pd.factorize(pd.Series(text, dtype=object), use_na_sentinel=True)
        pairs = pd.DataFrame({"t": codes, "g": group})[codes >= 0].drop_duplicates()
        places = pairs.groupby("t")["g"].agg(["size", "first"])
        single = places[places["size"] == 1]
        text_group = pd.Series(single["first"].to_numpy(), index=uniques[single.index])
        by_text = pd.Series(iv_text[has_text]).map(text_group).to_numpy(dtype=float)
        ok = ~np.isnan(by_text)
        hits.append((np.flatnonzero(has_text)[ok], by_text[ok].astype(np.int64)))
    return hits
