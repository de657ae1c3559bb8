"""Classification of area values into map classes: a registry of schemes, palettes, legend labels.

The select box on a map page reads its options from ``SCHEMES`` (label -> function); the
``classify`` function turns a column of values into class indices plus a ``Classes`` record
(bounds, colours, Dutch legend labels) that the folium choropleth, the static PNG and the legend
table all share, so the three never disagree.

Intervals are closed on the right, as in mapclassify: with upper bounds ``[12, 25]`` and a
minimum of 0 the classes are ``0 <= v <= 12`` and ``12 < v <= 25``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from oovgeo import dutch

MAX_CLASSES = 7

# ColorBrewer YlOrRd (sequential, light to dark: monotone in lightness, so it survives printing
# in grey) for 3..7 classes.
SEQUENTIAL: dict[int, list[str]] = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}

# ColorBrewer RdBu reversed (diverging): blue = fall, near-white = about unchanged, red = rise.
DIVERGING: dict[int, list[str]] = {
    3: ["#67a9cf", "#f7f7f7", "#ef8a62"],
    4: ["#0571b0", "#92c5de", "#f4a582", "#ca0020"],
    5: ["#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020"],
    6: ["#2166ac", "#67a9cf", "#d1e5f0", "#fddbc7", "#ef8a62", "#b2182b"],
    7: ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"],
}

MISSING_COLOUR = "#bdbdbd"
# Area outlines: white between sequential colours; grey on diverging maps, whose neutral class
# is near-white and would swallow white outlines.
EDGE_SEQUENTIAL = "#ffffff"
EDGE_DIVERGING = "#969696"
MISSING_LABEL = "geen waarde (verborgen of onbekend)"

# Fisher-Jenks is quadratic in the number of values (seconds for 2,000 without numba); above
# this many values it runs on evenly spaced order statistics, which keeps min and max.
FISHER_JENKS_SAMPLE = 500


def _quantiles(values: np.ndarray, k: int, breaks: list[float] | None) -> list[float]:
    return mapclassify.Quantiles(values, k=k).bins.tolist()


def _fisher_jenks(values: np.ndarray, k: int, breaks: list[float] | None) -> list[float]:
    ordered = np.sort(values)
    if ordered.size > FISHER_JENKS_SAMPLE:
        ranks = np.linspace(0, ordered.size - 1, FISHER_JENKS_SAMPLE).round().astype(int)
        ordered = ordered[ranks]
    k = min(k, np.unique(ordered).size)
    return mapclassify.FisherJenks(ordered, k=k).bins.tolist()


def _equal_interval(values: np.ndarray, k: int, breaks: list[float] | None) -> list[float]:
    return mapclassify.EqualInterval(values, k=k).bins.tolist()


def _user_defined(values: np.ndarray, k: int, breaks: list[float] | None) -> list[float]:
    if not breaks:
        raise ValueError("'Eigen grenzen' needs at least one break")
    return mapclassify.UserDefined(values, bins=list(breaks)).bins.tolist()


USER_DEFINED = "Eigen grenzen"
EQUAL_INTERVAL = "Gelijke intervallen"

# Label (Dutch, shown in the select box) -> function(values, k, breaks) -> upper bounds.
# Functions get finite values only, at least as many distinct values as k.
SCHEMES: dict[str, Callable[[np.ndarray, int, list[float] | None], list[float]]] = {
    "Kwantielen": _quantiles,
    "Natuurlijke grenzen (Fisher-Jenks)": _fisher_jenks,
    EQUAL_INTERVAL: _equal_interval,
    USER_DEFINED: _user_defined,
}


@dataclass(frozen=True)
class Classes:
    """Map classes: upper bounds, the lower end of the first class, colours and labels.

    ``bounds[i]`` is the (inclusive) upper bound of class ``i``; class 0 starts at ``lower``.
    ``missing`` says whether some values had no class (drawn in ``MISSING_COLOUR``).
    """

    bounds: list[float]
    lower: float
    colours: list[str]
    labels: list[str]
    diverging: bool
    missing: bool = False

    @property
    def k(self) -> int:
        """Return the number of classes."""
        return len(self.bounds)

    @property
    def edge(self) -> str:
        """Outline colour that stays visible against every class colour."""
        return EDGE_DIVERGING if self.diverging else EDGE_SEQUENTIAL

    def colour(self, index: int) -> str:
        """Return the colour of class ``index``; ``-1`` (no value) is grey."""
        return MISSING_COLOUR if index < 0 else self.colours[index]

    def label(self, index: int) -> str:
        """Return the legend label of class ``index`` (missing label for ``-1``)."""
        return MISSING_LABEL if index < 0 else self.labels[index]


def palette(k: int, *, diverging: bool = False) -> list[str]:
    """``k`` hex colours (1..7) from the sequential or diverging palette.

    >>> palette(2)
    ['#ffeda0', '#f03b20']
    >>> palette(1, diverging=True)
    ['#f7f7f7']
    """
    if not 1 <= k <= MAX_CLASSES:
        raise ValueError(f"between 1 and {MAX_CLASSES} classes, got {k}")
    table = DIVERGING if diverging else SEQUENTIAL
    if k >= 3:
        return list(table[k])
    three = table[3]
    return [three[0], three[2]] if k == 2 else [three[1]]


def labels_for(lower: float, bounds: list[float], decimals: int = 1) -> list[str]:
    """Build the legend labels for the class bounds.

    Legend labels ``"0 – 12"``, ``"12 – 25"`` (en dash; negatives with a minus sign "−");
    more decimals only where rounding would merge two different bounds.

    >>> labels_for(0, [4.75, 9.5, 19])
    ['0 – 4,8', '4,8 – 9,5', '9,5 – 19']
    >>> labels_for(0.0, [0.04, 0.08])
    ['0 – 0,04', '0,04 – 0,08']
    >>> labels_for(-10, [-5, 5, 10])
    ['−10 – −5', '−5 – 5', '5 – 10']
    """
    edges = [lower, *bounds]
    distinct = sorted(set(edges))
    for places in range(decimals, max(decimals, 4) + 1):
        if len({dutch.number(e, places) for e in distinct}) == len(distinct):
            break
    # A real minus sign: "-8 – -4" reads as a range with stray dashes, "−8 – −4" does not.
    texts = [dutch.number(e, places).replace("-", "\u2212") for e in edges]
    return [a if a == b else f"{a} – {b}" for a, b in zip(texts[:-1], texts[1:], strict=True)]


def assign(values: pd.Series, bounds: list[float]) -> pd.Series:
    """Class index per value for right-closed classes with these upper bounds; -1 for NaN."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    finite = np.isfinite(numbers)
    index = np.full(numbers.shape, -1, dtype=int)
    if bounds:
        found = np.searchsorted(np.asarray(bounds, dtype=float), numbers[finite], side="left")
        index[finite] = np.minimum(found, len(bounds) - 1)
    return pd.Series(index, index=values.index, name="klasse")


def _bounds(values: np.ndarray, scheme: str, k: int, breaks: list[float] | None) -> list[float]:
    """Upper bounds from the scheme; with no more distinct values than k, one class each."""
    if scheme == USER_DEFINED:
        return SCHEMES[scheme](values, k, breaks)
    distinct = np.unique(values)
    if distinct.size <= k:
        # Quantiles would merge these into fewer classes, Fisher-Jenks and equal intervals
        # refuse; one class per value is what every scheme aims at here.
        return distinct.tolist()
    with warnings.catch_warnings():
        # mapclassify warns when it has to merge classes of equal values; we expect that.
        warnings.simplefilter("ignore", UserWarning)
        return SCHEMES[scheme](values, k, breaks)


def _diverging_bounds(
    values: np.ndarray, scheme: str, k: int, breaks: list[float] | None
) -> list[float]:
    """Bounds symmetric around 0, from the scheme applied to the magnitudes ``|v|``.

    The magnitudes get ``h`` classes with upper bounds ``b1 < ... < bh`` (``bh`` is the largest
    absolute change; equal intervals run from 0; for 'Eigen grenzen' the breaks are read as
    magnitudes and the class count follows from them, odd). These are mirrored: even
    ``k = 2h`` gives ``-b(h-1) .. -b1, 0, b1 .. bh`` (0 is a bound, no neutral class), odd
    ``k = 2h - 1`` gives ``-b(h-1) .. -b1, b1 .. bh`` (a neutral middle class ``-b1 .. b1``).
    Class 0 starts at ``-bh``, so equal colours on either side mean equal amounts of change.
    With even ``k`` a change of exactly 0 falls in the light-blue class just below 0 (intervals
    are closed on the right); offer odd ``k`` on change maps so "about unchanged" has its own
    neutral class.
    """
    magnitudes = np.abs(values)
    top = float(magnitudes.max())
    if top == 0:
        return [0.0]
    if scheme == USER_DEFINED:
        if not breaks:
            raise ValueError("'Eigen grenzen' needs at least one break")
        positive = sorted({abs(float(b)) for b in breaks if b != 0})
        ups = [b for b in positive if b < top] + [max(top, positive[-1])]
        even = False
    else:
        even = k % 2 == 0
        h = k // 2 if even else (k + 1) // 2
        if scheme == EQUAL_INTERVAL:
            # measured from no change, not from the smallest change
            ups = (top * np.arange(1, h + 1) / h).tolist()
        else:
            ups = _bounds(magnitudes, scheme, h, None)
        ups = [b for b in ups if b > 0] or [top]
    mirrored = [-b for b in reversed(ups[:-1])]
    return [*mirrored, 0.0, *ups] if even else [*mirrored, *ups]


def classify(
    values: pd.Series,
    scheme: str,
    k: int = 5,
    *,
    breaks: list[float] | None = None,
    diverging: bool = False,
    decimals: int = 1,
) -> tuple[pd.Series, Classes]:
    """Class index per value (``-1`` for NaN, e.g. hidden rates) and the classes.

    ``scheme`` is a key of ``SCHEMES``; ``breaks`` are the upper bounds for 'Eigen grenzen'
    (a last class up to the maximum is added when values exceed them). Degenerate input gives
    fewer classes: ``k`` drops to the number of distinct values; all values equal, all NaN or
    empty give one class. ``diverging=True`` is for change maps: bounds symmetric around 0
    (see ``_diverging_bounds``) and the blue-white-red palette. Infinite values count as NaN.

    >>> idx, classes = classify(pd.Series([0.0, 25, 50, 75, 100]), "Gelijke intervallen", 4)
    >>> idx.tolist(), classes.bounds, classes.labels[0]
    ([0, 0, 1, 2, 3], [25.0, 50.0, 75.0, 100.0], '0 – 25')
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose from {list(SCHEMES)}")
    if not 1 <= k <= MAX_CLASSES:
        raise ValueError(f"between 1 and {MAX_CLASSES} classes, got {k}")
    if breaks is not None:
        breaks = [float(b) for b in breaks]
        if not all(math.isfinite(b) for b in breaks) or breaks != sorted(set(breaks)):
            raise ValueError(f"breaks must be finite and strictly increasing, got {breaks}")
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    finite = numbers[np.isfinite(numbers)]
    missing = finite.size < numbers.size

    if finite.size == 0:
        bounds, lower = [0.0], 0.0
    elif diverging:
        bounds = _diverging_bounds(finite, scheme, k, breaks)
        lower = 0.0 - bounds[-1]  # the largest magnitude: symmetric scale (0.0 - avoids -0.0)
    else:
        bounds = _bounds(finite, scheme, k, breaks)
        lower = min(float(finite.min()), bounds[0])
    bounds = [float(b) for b in bounds]
    if len(bounds) > MAX_CLASSES:
        raise ValueError(f"at most {MAX_CLASSES} classes, the breaks give {len(bounds)}")

    index = assign(values, bounds)
    classes = Classes(
        bounds=bounds,
        lower=float(lower),
        colours=palette(len(bounds), diverging=diverging),
        labels=labels_for(lower, bounds, decimals),
        diverging=diverging,
        missing=bool(missing),
    )
    return index, classes
