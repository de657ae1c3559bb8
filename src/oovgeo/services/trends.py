"""The trend series as the Trends page and ``oovgeo trends`` both compute it.

One function reads the daily counts, ends the series at the completeness date of the sources
it counts (``analysis.completeness``: later days are no data, not days without signals),
starts the comparisons where the data start, and protects the table for protected audiences;
the page and the CLI show its table, so their figures cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from oovgeo.analysis.aggregate import Filters
from oovgeo.analysis.tables import trend_window
from oovgeo.analysis.trends import (
    PERIODS_PER_YEAR,
    daily_counts,
    data_from,
    incomplete_note,
    protect_series,
    series,
)
from oovgeo.config import Settings
from oovgeo.privacy import Disclosure
from oovgeo.services import completeness as complete
from oovgeo.store.db import Engine

KINDS = ("signals", "interventions")
SPLIT_COLUMNS = (None, "thema", "bron", "wijk_code")
LOOKBACK_DAYS = 400  # a year before the first shown period, for the mean and last year


class TrendError(ValueError):
    """The choices cannot make a trend (message in Dutch, for the screen)."""


@dataclass(frozen=True)
class Trend:
    """A trend series and what it rests on."""

    table: pd.DataFrame  # series' columns; ``groep`` holds codes; protected when asked
    until: date  # the completeness date used: periods after it are incomplete
    start: date  # the first and last day the series covers
    end: date
    note: str  # the Dutch sentence naming the incomplete periods ('' when none)


def trend_series(
    engine: Engine,
    settings: Settings,
    *,
    kind: str,
    freq: str,
    split: str | None,
    start: date,
    end: date,
    themes: Sequence[str] = (),
    sources: Sequence[str] = (),
    disclosure: Disclosure,
    today: date,
    until: date | None = None,
) -> Trend:
    """Count ``kind`` per period of ``freq`` (and ``split`` value) from ``start`` to ``end``.

    The period is widened to the trend window (at least two years back, whole calendar
    periods for protected audiences) and ends at the completeness date ``until`` of the
    counted sources (read when not given). Records repeating one at the same address within
    ``counting.same_address_days`` count once. Raises ``TrendError`` for a split the kind
    does not have or an unknown frequency.
    """
    if kind not in KINDS:
        raise TrendError(f"onbekend soort gegevens '{kind}'")
    if freq not in PERIODS_PER_YEAR:
        raise TrendError(f"onbekende periode '{freq}'")
    if split not in SPLIT_COLUMNS or (kind == "interventions" and split == "bron"):
        raise TrendError("interventies hebben geen bron; splits uit naar thema of wijk")
    sources = tuple(sources) if kind == "signals" else ()
    if until is None:
        until = complete.until(engine, settings, kind, sources, today)
    first_day, last_day = trend_window(start, min(end, until), today, disclosure.protected)
    query = Filters(
        first_day,
        last_day,
        kind,
        tuple(themes),
        sources,
        same_address_days=settings.get("counting.same_address_days"),
        perturbation=disclosure.count_share,  # P3: every point, mean and total protected
    )
    with engine.connect() as conn:
        daily = daily_counts(conn, query, split, first_day - timedelta(days=LOOKBACK_DAYS))
        data_start = data_from(conn, kind)
    counted = series(daily, freq, first_day, last_day, until, data_start)
    table = protect_series(counted, disclosure)
    return Trend(table, until, first_day, last_day, incomplete_note(table))
