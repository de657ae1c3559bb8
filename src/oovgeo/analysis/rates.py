"""THE rate: signals "per 1.000 inwoners per jaar", one function for every page, pack and export.

``per_1000_per_year(count, days, inhabitants) = count / days * 365 * 1000 / inhabitants``.
``days`` is the exposure: the number of days the count covers (a period of 1-14 March is 14
days). Callers pass it; nothing here looks at today, so a caller that knows the data are
complete only up to some date passes the days up to that date.

The denominator goes with the rate: ``with_period_population`` puts on each area the
inhabitants of the year nearest to the period (``inhabitants_year``) and where they come from
(``inhabitants_source``: ``"synthetisch"`` for the demo); ``denominator_text`` and
``population_note`` say so in Dutch. Hiding rates of small areas is ``privacy.suppress_rates``.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from oovgeo import dutch
from oovgeo.areas.population import population_for_year

DAYS_PER_YEAR = 365
RATE_LABEL = "Per 1.000 inwoners per jaar"
SYNTHETIC = "synthetisch"
SYNTHETIC_NOTE = "synthetisch, demo"


def per_1000_per_year(count, days, inhabitants):
    """Return ``count / days * 365 * 1000 / inhabitants``; NaN where it has no meaning.

    Works on scalars and arrays alike (numpy broadcasting). NaN where ``inhabitants`` is
    missing or not positive, or ``days`` is not positive.

    >>> round(float(per_1000_per_year(10, 42, 2000)), 4)
    43.4524
    """
    count = np.asarray(count, dtype=float)
    days = np.asarray(days, dtype=float)
    people = pd.array(np.atleast_1d(inhabitants), dtype="Float64").to_numpy(
        dtype=float, na_value=np.nan
    )
    if np.ndim(inhabitants) == 0:
        people = people[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (people > 0) & (days > 0)
        rate = np.where(ok, count / days * DAYS_PER_YEAR * 1000 / np.where(ok, people, 1), np.nan)
    return rate if np.ndim(rate) else float(rate)


def period_days(start: date, end: date) -> int:
    """Return the number of days from ``start`` to ``end``, both included (the exposure).

    >>> period_days(date(2026, 3, 1), date(2026, 3, 14))
    14
    """
    return (end - start).days + 1


def period_year(start: date, end: date) -> int:
    """Return the year of the middle day of the period: the population year to look for."""
    return (start + (end - start) / 2).year


def with_period_population(
    areas: gpd.GeoDataFrame, population: pd.DataFrame, start: date, end: date
) -> gpd.GeoDataFrame:
    """Areas with the inhabitants of the year nearest to the period (see ``population_for_year``).

    ``population`` is the stored population table (``code, year, inhabitants, source``), wijk
    and gemeente sums included; areas without a row keep the boundary file's own figure.
    """
    return population_for_year(areas, population, period_year(start, end))


def _year_text(year) -> str:
    return "" if year is None or pd.isna(year) else str(int(year))


def denominator_text(inhabitants, year, source: str = "") -> str:
    """Return the denominator beside a rate: ``"1.234 inwoners 2024"`` (+ ``(synthetisch, demo)``).

    ``""`` when the inhabitants are unknown.

    >>> denominator_text(1234, 2024, "synthetisch")
    '1.234 inwoners 2024 (synthetisch, demo)'
    """
    if inhabitants is None or pd.isna(inhabitants):
        return ""
    text = f"{dutch.integer(int(inhabitants))} inwoners {_year_text(year)}".strip()
    return f"{text} ({SYNTHETIC_NOTE})" if source == SYNTHETIC else text


def population_note(areas: pd.DataFrame) -> str:
    """Return which population the rates use: ``"inwoners 2024"``, ``"inwoners 2023–2024"``.

    Adds ``(synthetisch, demo)`` when any figure is synthetic; ``""`` without known figures.

    >>> population_note(pd.DataFrame({"inhabitants_year": [2024, 2024],
    ...     "inhabitants_source": ["synthetisch", "synthetisch"]}))
    'inwoners 2024 (synthetisch, demo)'
    """
    if "inhabitants_year" not in areas:
        return ""
    years = sorted({int(y) for y in areas["inhabitants_year"].dropna()})
    if not years:
        return ""
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    synthetic = "inhabitants_source" in areas and (areas["inhabitants_source"] == SYNTHETIC).any()
    return f"inwoners {span}" + (f" ({SYNTHETIC_NOTE})" if synthetic else "")
