"""The council's yearly comparison: a year against the year before, per theme and per wijk."""

from __future__ import annotations

from datetime import date

import pandas as pd

from oovgeo.analysis.aggregate import Filters, grouped_counts
from oovgeo.analysis.compare import compare_table, protect_comparison
from oovgeo.analysis.periods import last_year_vs_year_before, this_year_vs_last
from oovgeo.privacy import Disclosure
from oovgeo.store.db import Connection


def year_tables(
    conn: Connection,
    year: int,
    *,
    theme_labels: dict[str, str],
    wijk_names: dict[str, str],
    disclosure: Disclosure,
    kind: str = "signals",
    until: date | None = None,
    inhabitants: pd.Series | None = None,
    same_address_days: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare ``year`` with ``year - 1`` per theme and per wijk and theme.

    (per theme, per wijk and theme) comparisons of ``year`` with ``year - 1``, protected
    for ``disclosure``, with Dutch theme labels and wijk names as keys. When the data are
    complete only up to ``until`` inside ``year``, both years are cut off at that calendar
    day (the same days of the year, so seasons do not bias the comparison).

    ``inhabitants`` per wijk code gives the per-wijk rows the one rate (per 1.000 inwoners
    per jaar); the per-theme rows carry no rate (a rate per day would be a second meaning).
    """
    pair = last_year_vs_year_before(date(year, 12, 31))
    if until is not None and until.year == year and until < pair.a_end:
        pair = this_year_vs_last(until)
    # P3: a protected audience's report is computed from protected figures only
    q = disclosure.count_share
    a = Filters(pair.a_start, pair.a_end, kind, same_address_days=same_address_days).counted_as(q)
    b = Filters(pair.b_start, pair.b_end, kind, same_address_days=same_address_days).counted_as(q)
    days_a, days_b = a.days, b.days

    by_theme = compare_table(
        grouped_counts(conn, a, ["thema"]),
        grouped_counts(conn, b, ["thema"]),
        keys=["thema"],
        days_a=days_a,
        days_b=days_b,
    )
    keys = ["wijk_code", "thema"]
    by_wijk = compare_table(
        grouped_counts(conn, a, keys),
        grouped_counts(conn, b, keys),
        keys=keys,
        days_a=days_a,
        days_b=days_b,
        inhabitants=None if inhabitants is None else inhabitants.rename_axis("wijk_code"),
    )
    by_wijk.insert(0, "wijk", by_wijk.pop("wijk_code").map(lambda c: wijk_names.get(c, c)))
    for table in (by_theme, by_wijk):
        table["thema"] = table["thema"].map(lambda t: theme_labels.get(t, t))
    rates = ["rate_a", "rate_b"]
    shown_theme = protect_comparison(by_theme, disclosure).drop(columns=rates)
    shown_wijk = protect_comparison(by_wijk, disclosure)
    if inhabitants is None:
        shown_wijk = shown_wijk.drop(columns=rates)
    return shown_theme, shown_wijk
