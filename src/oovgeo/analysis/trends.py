"""Time series for the Trends page.

Time series for the Trends page: counts per month, week or quarter, split by theme,
source or area, with a 12-month rolling mean, the same period a year earlier, and the last,
incomplete period marked.

The database groups per day (``store/counts_repo.py``, a few thousand rows for years of data);
pandas does the rest.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from oovgeo import dutch
from oovgeo.police import sum_categories
from oovgeo.privacy import hidden_mask
from oovgeo.store import counts_repo
from oovgeo.store.counts_repo import Filters
from oovgeo.store.counts_repo import data_from as data_from  # where the data start
from oovgeo.store.db import Connection

# Registries the select boxes read from: label -> pandas period frequency / column.
FREQUENCIES = {"Maand": "M", "Week": "W-SUN", "Kwartaal": "Q"}
SPLITS = {"Geen": None, "Thema": "thema", "Bron": "bron", "Wijk": "wijk_code"}
PERIODS_PER_YEAR = {"M": 12, "W-SUN": 52, "Q": 4}


def daily_counts(
    conn: Connection, filters: Filters, split: str | None, start: date
) -> pd.DataFrame:
    """Count records per day (and per ``split`` value) from ``start`` to ``filters.end``."""
    rows = counts_repo.per_day(conn, filters, split, start)
    frame = pd.DataFrame(rows, columns=["datum", *([split] if split else []), "aantal"])
    frame["datum"] = pd.to_datetime(frame["datum"])
    if split is None:
        frame["groep"] = "totaal"
    else:
        frame["groep"] = frame[split].fillna("onbekend").astype(str)
    return frame[["datum", "groep", "aantal"]]


def series(
    daily: pd.DataFrame,
    freq: str,
    start: date,
    end: date,
    data_until: date,
    data_start: date | None = None,
) -> pd.DataFrame:
    """Return counts per period and group, with rolling mean, last year's value and completeness.

    ``daily`` holds at least a year before ``start`` (for the comparisons). A period is
    complete when it starts on or after ``data_start`` (the first date the data covers; None:
    the data go back far enough) and ends on or before ``data_until`` (the last complete date).

    Returns columns ``periode`` (start date), ``groep``, ``aantal``, ``gemiddelde_12m``,
    ``vorig_jaar`` and ``volledig``:

    - ``gemiddelde_12m``: the mean of the year of periods ending at this one, over complete
      periods only, and only when all of them are complete (NaN otherwise). An incomplete
      period at the end carries the last complete mean, so the chart shows the level a
      partial period is to be read against; it never enters the mean itself.
    - ``vorig_jaar``: the same period a year earlier, only when that period is complete (a
      full year of data exists before this period); NaN (shown blank) otherwise, never 0.
    - Periods that end before ``data_start`` are left out: there are no data, not zero signals.
    """
    per_year = PERIODS_PER_YEAR[freq]
    first = pd.Period(start - timedelta(days=400), freq)
    periods = pd.period_range(first, pd.Period(end, freq), freq=freq)
    keyed = daily.assign(periode=daily["datum"].dt.to_period(freq))
    counts = keyed.groupby(["periode", "groep"])["aantal"].sum().unstack(fill_value=0)
    counts = counts.reindex(periods, fill_value=0)
    # per distinct period, not per row: a split by wijk has thousands of rows per period
    complete = pd.Series(
        [_complete(p, data_start, data_until) for p in periods], index=periods, dtype=bool
    )
    known = counts.where(complete, axis=0)  # incomplete periods never enter a comparison
    rolling = known.rolling(per_year, min_periods=per_year).mean()
    after_last = complete[::-1].cummax()[::-1] == False  # noqa: E712  (the incomplete tail)
    rolling = rolling.where(~after_last, rolling.ffill(), axis=0)
    last_year = known.shift(per_year)
    shown = counts.index >= pd.Period(start, freq)
    if data_start is not None:
        shown &= counts.index.end_time.date >= data_start

    def long(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        out = frame[shown].stack().rename(name)
        out.index = out.index.set_names(["periode", "groep"])
        return out

    table = pd.concat(
        [long(counts, "aantal"), long(rolling, "gemiddelde_12m"), long(last_year, "vorig_jaar")],
        axis=1,
    ).reset_index()
    table["volledig"] = table["periode"].map(complete).astype(bool)
    table["periode"] = pd.PeriodIndex(table["periode"], freq=freq).start_time
    table["aantal"] = table["aantal"].astype("int64")
    return table


def _complete(period: pd.Period, data_start: date | None, data_until: date) -> bool:
    """Whether the data cover all of ``period``."""
    begins = data_start is None or period.start_time.date() >= data_start
    return begins and period.end_time.date() <= data_until


def incomplete_note(table: pd.DataFrame) -> str:
    """Return a Dutch sentence naming the incomplete periods, or ''."""
    open_periods = sorted(set(table.loc[~table["volledig"], "periode"]))
    if not open_periods:
        return ""
    names = ", ".join(dutch.day(p) for p in open_periods)
    return (
        f"Onvolledige periode (de gegevens dekken niet de hele periode): {names}. "
        "Zo'n periode telt niet mee in het gemiddelde en de vergelijking met vorig jaar."
    )


def split_tail(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a ``series`` table into the complete part and the incomplete tail, per group.

    The tail is every period after the last complete one, plus that last complete period
    (so a chart can join the dashed tail to the solid line). Incomplete periods at the start
    stay in the solid part, which ``volledig`` marks.
    """
    solid_parts, tail_parts = [], []
    for _, rows in table.sort_values("periode").groupby("groep", sort=False):
        done = rows["volledig"].to_numpy(dtype=bool)
        last = int(np.flatnonzero(done)[-1]) if done.any() else -1
        solid_parts.append(rows.iloc[: last + 1])
        tail_parts.append(rows.iloc[max(last, 0) :] if last < len(rows) - 1 else rows.iloc[:0])
    if not solid_parts:
        return table.iloc[:0], table.iloc[:0]
    return pd.concat(solid_parts), pd.concat(tail_parts)


def protect_series(table: pd.DataFrame, disclosure) -> pd.DataFrame:
    """Blank the figures below k of a series of protected figures (display rule, P3).

    The counts must be protected figures already (``Filters.perturbation``): the rolling
    mean and last year's value are computed from them, so nothing here needs hiding beyond
    what reads "<k". The mean is rounded to one decimal: it is a derived figure.
    """
    if not disclosure.protected:
        return table
    out = table.copy()
    for column in ("aantal", "vorig_jaar"):
        values = out[column].astype(float)
        mask = pd.Series(False, index=out.index)
        for _, rows in out.groupby("periode"):
            counts = values.loc[rows.index].fillna(0).astype(int).to_frame(column)
            mask.loc[rows.index] = hidden_mask(counts, [column], disclosure)[column].to_numpy()
        out[column] = values.where(~mask)
    mean = out["gemiddelde_12m"].astype(float).round(1)
    out["gemiddelde_12m"] = mean.where(mean >= disclosure.threshold)
    return out


def police_monthly(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Police counts per month and theme for the whole gemeente, from ``load_police``.

    The total category is never added to its parts; an unknown count makes that month's sum
    unknown (NaN), not lower; a month the police marks incomplete stays marked.
    """
    rows = frame[(frame["level"] == "gemeente") & frame["theme"].notna()]
    rows = rows[(rows["month"] >= pd.Timestamp(start)) & (rows["month"] <= pd.Timestamp(end))]
    if rows.empty:
        return pd.DataFrame(columns=["periode", "groep", "aantal", "volledig"])
    summed = sum_categories(rows, by=("table", "month", "theme"))
    return pd.DataFrame(
        {
            "periode": pd.to_datetime(summed["month"]),
            "groep": summed["theme"].astype(str),
            "aantal": summed["count"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
            "volledig": ~summed["incomplete"].astype(bool),
        }
    )


def police_period_counts(
    frame: pd.DataFrame, start: date, end: date, level: str, per_theme: bool
) -> tuple[pd.DataFrame, int]:
    """Police counts for a comparison: whole, complete months inside ``start``..``end``.

    Returns counts per ``{level}_code`` (and ``thema``) and the number of days those months
    cover, the exposure of the test. Months the police marks incomplete, and unknown counts,
    are left out rather than counted as low.
    """
    rows = frame[(frame["level"] == level) & frame["theme"].notna() & ~frame["incomplete"]]
    months = pd.to_datetime(rows["month"])
    inside = (months >= pd.Timestamp(start)) & (
        months + pd.offsets.MonthEnd(0) <= pd.Timestamp(end)
    )
    rows = rows[inside & rows["count"].notna()]
    keys = [f"{level}_code", "thema"] if per_theme else [f"{level}_code"]
    counts = (
        rows.rename(columns={"area_code": f"{level}_code", "theme": "thema"})
        .groupby(keys)["count"]
        .sum()
        .astype("int64")
        .reset_index()
    )
    covered = sorted(set(pd.to_datetime(rows["month"])))
    days = int(sum(m.days_in_month for m in covered))
    return counts, days
