"""Comparing two periods as the Vergelijken page and ``oovgeo compare`` both do it.

One function reads the counts of both periods, cuts each period off at the completeness date
of the sources it counts (``analysis.completeness``) and tests them; the page and the CLI
show its table, so their figures cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from oovgeo.analysis import completeness
from oovgeo.analysis.aggregate import Filters, grouped_counts
from oovgeo.analysis.compare import compare_table
from oovgeo.analysis.dispersion import past_windows
from oovgeo.analysis.periods import PeriodPair
from oovgeo.analysis.rates import with_period_population
from oovgeo.analysis.trends import police_period_counts
from oovgeo.config import Settings
from oovgeo.services import completeness as complete
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.counts_repo import data_from
from oovgeo.store.db import Engine
from oovgeo.store.police_repo import load_police
from oovgeo.store.population_repo import load_population

POLICE = complete.POLICE


class ComparisonError(ValueError):
    """The periods cannot be compared (message in Dutch, for the screen)."""


@dataclass(frozen=True)
class Comparison:
    """A tested comparison and what it rests on."""

    table: pd.DataFrame  # compare_table's columns plus 'gebied' (area name) [and 'spreiding']
    pair: PeriodPair  # the periods as counted (cut off at ``until``)
    until: date  # the completeness date used
    days_a: int  # exposure of period a, days
    days_b: int


def compare_periods(
    engine: Engine,
    settings: Settings,
    pair: PeriodPair,
    *,
    kind: str,
    level: str,
    themes: Sequence[str] = (),
    sources: Sequence[str] = (),
    per_theme: bool = False,
    today: date,
    areas: pd.DataFrame | None = None,
    until: date | None = None,
    count_share: float,
) -> Comparison:
    """Count and test period a against period b per area (and theme) of ``level``.

    Days after the completeness date count as no exposure, never as days without signals.
    ``areas`` (code, name, inhabitants) names the rows and gives the rates their denominator;
    the page passes its cached copy, and without it the active edition is read with the
    population of the year nearest to period a (``rates.with_period_population``). ``until``
    is the completeness date when the caller already has it (else it is read).
    ``count_share`` is ``Disclosure.count_share``: 0 counts exactly, q > 0 protected figures
    (P3) for both periods and for the past windows that estimate the dispersion, so the
    perturbation's extra variance (a factor of about 1 + q) is in the dispersion factor. Raises
    ``ComparisonError`` when a period holds no complete day (or no whole police month).
    """
    sources = tuple(sources) if kind == "signals" else ()
    if until is None:
        until = complete.until(engine, settings, kind, sources, today)
    counted = pair.ending_by(until)
    code = f"{level}_code"
    keys = [code, "thema"] if per_theme else [code]
    if kind == POLICE:
        stored = load_police(engine, themes=list(themes) or None)
        a, days_a = police_period_counts(stored, counted.a_start, counted.a_end, level, per_theme)
        b, days_b = police_period_counts(stored, counted.b_start, counted.b_end, level, per_theme)
        if not days_a or not days_b:
            raise ComparisonError("Geen volledige maanden politiecijfers in een van de periodes.")
        past = None
    else:
        days_a, days_b = counted.days_a, counted.days_b
        if days_a <= 0 or days_b <= 0:
            raise ComparisonError(
                f"Geen volledige gegevens in een van de periodes ({completeness.sentence(until)})."
            )
        repeat_days = settings.get("counting.same_address_days")

        def count(start: date, end: date):
            filters = Filters(start, end, kind, tuple(themes), sources, repeat_days, count_share)
            return grouped_counts(conn, filters, keys)

        with engine.connect() as conn:
            a = count(counted.a_start, counted.a_end)
            b = count(counted.b_start, counted.b_end)
            past = _past_counts(conn, counted, kind, count)
    if areas is None:
        with engine.connect() as conn:
            edition = active_edition(conn, settings.get("boundaries.edition"))
            if edition is not None:
                areas = with_period_population(
                    load_areas(conn, edition), load_population(conn), pair.a_start, pair.a_end
                )
    names: dict[str, str] = {}
    inhabitants = None
    if areas is not None:
        names = dict(zip(areas["code"], areas["name"], strict=True))
        inhabitants = areas.set_index("code")["inhabitants"].rename_axis(code)
    table = compare_table(
        a,
        b,
        keys=keys,
        days_a=days_a,
        days_b=days_b,
        inhabitants=inhabitants,
        past_counts=past,
    )
    table.insert(1, "gebied", table[code].map(names))
    return Comparison(table, counted, until, days_a, days_b)


def _past_counts(conn, pair: PeriodPair, kind: str, count) -> pd.DataFrame | None:
    """Return the counts of the windows before period b inside the data, for the dispersion.

    Windows before the data start would count as zeros and fake a large spread, so only
    windows that start on or after the first date in the data are used; with fewer than two
    the test stays the exact Poisson test.
    """
    first = data_from(conn, kind)
    windows = [
        (start, end)
        for start, end in past_windows(pair.b_start, pair.b_end)
        if first is not None and start >= first
    ]
    if len(windows) < 2:
        return None
    frames = [count(start, end).assign(venster=i) for i, (start, end) in enumerate(windows)]
    return pd.concat(frames, ignore_index=True)
