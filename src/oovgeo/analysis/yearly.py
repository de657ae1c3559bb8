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
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare ``year`` with ``year - 1`` per theme and per wijk and theme.

    (per theme, per wijk and theme) comparisons of ``year`` with ``year - 1``, protected
    for ``disclosure``, with Dutch theme labels and wijk names as keys. When the data are
    complete only up to ``until`` inside ``year``, both years are cut off at that calendar
    day (the same days of the year, so seasons do not bias the comparison).
    """
    pair = last_year_vs_year_before(date(year, 12, 31))
    if until is not None and until.year == year and until < pair.a_end:
        pair = this_year_vs_last(until)
    a = Filters(pair.a_start, pair.a_end, kind)
    b = Filters(pair.b_start, pair.b_end, kind)
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
    )
    by_wijk.insert(0, "wijk", by_wijk.pop("wijk_code").map(lambda c: wijk_names.get(c, c)))
    for table in (by_theme, by_wijk):
        table["thema"] = table["thema"].map(lambda t: theme_labels.get(t, t))
    return protect_comparison(by_theme, disclosure), protect_comparison(by_wijk, disclosure)
