"""One measure per area, ready for a map and its table, after the disclosure rules.

``measure_view`` is the single place where an area table becomes what a user sees: the value
to classify (NaN where hidden, so a hidden cell is drawn grey and its colour reveals nothing),
the text to show, and why a value is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oovgeo.analysis.classify import Classes
from oovgeo.privacy import (
    REASON_COUNT_HIDDEN,
    Disclosure,
    format_count,
    hidden_mask,
    suppress_change,
    suppress_rates,
    total_label,
)

REASON_NO_AREA = "geen oppervlakte bekend"
DENOMINATOR = "Inwoners (noemer)"


def dutch_number(value: float, decimals: int = 1) -> str:
    """``1234.5`` -> ``'1.234,5'``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def measure_view(table: pd.DataFrame, measure: str, disclosure: Disclosure) -> pd.DataFrame:
    """Columns ``code, name, value, weergave, toelichting, noemer`` for ``measure`` of ``table``.

    ``table`` comes from ``aggregate.area_table``; ``measure`` is one of its columns
    ``count``, ``per_1000``, ``per_100ha`` or ``change``. ``noemer`` is the denominator of a
    shown rate per 1.000 inwoners (inhabitants and their year), ``""`` where the rate is
    hidden (so a hidden rate's inhabitants are not given away) and for other measures.

    >>> t = pd.DataFrame({"code": ["A", "B", "C"], "name": ["a", "b", "c"],
    ...     "count": [12, 3, 20], "prev_count": [10, 1, 20],
    ...     "inhabitants": [1000.0, 20.0, 900.0], "land_ha": [100.0, 50.0, 80.0],
    ...     "per_1000": [12.0, 150.0, 22.2], "per_100ha": [12.0, 6.0, 25.0],
    ...     "change": [2, 2, 0]})
    >>> measure_view(t, "count", Disclosure(protected=True))["weergave"].tolist()
    ['12', '<5', '20']
    """
    hidden = hidden_mask(table, ["count", "prev_count"], disclosure)
    count_hidden = hidden["count"].to_numpy()
    out = pd.DataFrame({"code": table["code"].to_numpy(), "name": table["name"].to_numpy()})
    reason = np.full(len(table), "", dtype=object)
    denominator = np.full(len(table), "", dtype=object)

    if measure == "count":
        value = np.where(count_hidden, np.nan, table["count"].to_numpy(dtype=float))
        shown = [
            format_count(n, h, disclosure.threshold)
            for n, h in zip(table["count"], count_hidden, strict=True)
        ]
        reason[count_hidden] = REASON_COUNT_HIDDEN
    elif measure == "per_1000":
        rates, why = suppress_rates(
            table["per_1000"], hidden["count"], table["inhabitants"], disclosure
        )
        value, reason = rates.to_numpy(dtype=float), why.to_numpy(dtype=object)
        shown = ["" if np.isnan(v) else dutch_number(v) for v in value]
        if "noemer" in table:
            denominator = np.where(np.isnan(value), "", table["noemer"].to_numpy(dtype=object))
    elif measure == "per_100ha":
        # per hectare is for places with few inhabitants (business parks): no inhabitant rule
        value = table["per_100ha"].to_numpy(dtype=float).copy()
        reason[np.isnan(value)] = REASON_NO_AREA
        if "area_note" in table:
            polygon = (table["area_note"].to_numpy(dtype=object) != "") & ~np.isnan(value)
            reason[polygon] = table["area_note"].to_numpy(dtype=object)[polygon]
        if disclosure.protected:
            value[count_hidden] = np.nan
            reason[count_hidden] = REASON_COUNT_HIDDEN
        shown = ["" if np.isnan(v) else dutch_number(v) for v in value]
    elif measure == "change":
        masked = suppress_change(
            table["count"],
            table["prev_count"],
            disclosure,
            hidden_a=hidden["count"],
            hidden_b=hidden["prev_count"],
        )
        masked = masked.to_numpy()
        value = np.where(masked, np.nan, table["change"].to_numpy(dtype=float))
        reason[masked] = REASON_COUNT_HIDDEN  # a side reads "<k": the difference would show it
        shown = ["" if np.isnan(v) else f"{v:+.0f}" for v in value]
    else:
        raise ValueError(f"unknown measure {measure!r}")
    out["value"] = value
    out["weergave"] = [s if s else "–" for s in shown]
    out["toelichting"] = reason
    out["noemer"] = denominator
    return out


def with_denominator(shown: pd.DataFrame, view: pd.DataFrame) -> pd.DataFrame:
    """Add the denominator column of a rate view to its table (nothing for other measures)."""
    if not (view["noemer"] != "").any():
        return shown
    return shown.assign(**{DENOMINATOR: view["noemer"].to_numpy()})


def total_text(table: pd.DataFrame, disclosure: Disclosure) -> str:
    """Return the municipal total of the period, protected like the cells it sums."""
    return total_label(table["count"], disclosure)


def verdict_classes(verdicts: pd.Series) -> tuple[pd.Series, Classes]:
    """Classes for a change map that colours only what is significant.

    Index 0 = significant fall (blue), 1 = no significant change (light grey, also 'too few'),
    2 = significant rise (red).
    """
    from oovgeo.analysis.compare import FALL, RISE

    index = verdicts.map({FALL: 0, RISE: 2}).fillna(1).astype(int)
    classes = Classes(
        bounds=[0.0, 1.0, 2.0],
        lower=0.0,
        colours=["#2166ac", "#f0f0f0", "#b2182b"],
        labels=["significant gedaald", "geen significante verandering", "significant gestegen"],
        diverging=True,
    )
    return index, classes
