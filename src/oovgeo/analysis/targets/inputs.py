"""Reading the signal and intervention frames: absent columns, text, coordinates and dates.

Every step of the ranking reads its input through these, so a missing column counts as empty
everywhere and every distinct value is converted once.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Return column ``name`` with a fresh index, or all-missing when the frame lacks it."""
    if name in frame.columns:
        return frame[name].reset_index(drop=True)
    return pd.Series([None] * len(frame), dtype=object)


def stripped(values: pd.Series) -> pd.Series:
    """Return stripped strings (``str`` dtype), blanks as missing."""
    text = values.astype("str").str.strip()
    return text.where(text.str.len() > 0)


def coordinates(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return x, y (float, NaN where unusable) and whether both are usable, per row."""
    x = pd.to_numeric(column(frame, "x"), errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(column(frame, "y"), errors="coerce").to_numpy(dtype=float)
    return x, y, np.isfinite(x) & np.isfinite(y)


def as_days(values: pd.Series) -> np.ndarray:
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


def dates_ok(frame: pd.DataFrame, today: date) -> np.ndarray:
    """Return per row whether ``datum`` is a date on or before ``today``."""
    found = as_days(column(frame, "datum"))
    return ~np.isnat(found) & (found <= np.datetime64(today, "D"))


def kdtree(points: np.ndarray) -> cKDTree:
    """Return a KD-tree over ``points`` (n x 2, RD metres)."""
    # Unbalanced, uncompacted nodes: about twice as fast to build, queries barely slower.
    return cKDTree(points, balanced_tree=False, compact_nodes=False)
