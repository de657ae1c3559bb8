"""The tables the pages show, shaped from plain frames: columns chosen, codes made labels.

No Streamlit here: each function takes frames and label maps and returns the frame a page
shows or exports, so what a user reads is tested without starting the app.
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def trend_window(start: date, end: date, today: date, protected: bool) -> tuple[date, date]:
    """Return the period a trend shows: at least two years back, never past today.

    Protected audiences always get whole calendar periods (no sliding windows), so their
    trend starts two years back whatever the chosen period.
    """
    two_years = (pd.Period(today, "M") - 24).start_time.date()
    return (two_years if protected else min(start, two_years)), min(end, today)


def label_groups(table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Return ``table`` with its ``groep`` codes shown by their labels (unknown codes kept)."""
    return table.assign(groep=table["groep"].map(lambda g: labels.get(g, g)))


def until_table(until: dict, labels: dict[str, str]) -> pd.DataFrame:
    """Return, per source (by label), the last date of data."""
    return pd.DataFrame(
        [(labels.get(k, k), v) for k, v in sorted(until.items())],
        columns=["bron", "laatste datum"],
    )
