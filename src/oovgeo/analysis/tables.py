"""The tables the pages show, shaped from plain frames: columns chosen, codes made labels.

No Streamlit here: each function takes frames and label maps and returns the frame a page
shows or exports, so what a user reads is tested without starting the app.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from oovgeo import dutch


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


DEFAULT_BREAKS = [5.0, 10.0, 20.0, 50.0]  # the Kaart page's own class breaks to begin with


def parse_breaks(text: str) -> list[float]:
    """Read own class breaks (``"5; 10; 2,5"``) into sorted distinct numbers.

    Raises
    ------
    ValueError
        When a part is not a number.
    """
    return sorted({float(b.replace(",", ".")) for b in text.split(";") if b.strip()})


def map_table(view: pd.DataFrame, measure_label: str) -> pd.DataFrame:
    """Return the Kaart table: code, area name, the shown measure and its note."""
    shown = view.rename(columns={"name": "gebied", "weergave": measure_label})
    return shown[["code", "gebied", measure_label, "toelichting"]]


def period_text(kind_label: str, start: date, end: date, previous: tuple[date, date]) -> str:
    """Describe the shown period and the one it is compared with."""
    return (
        f"{kind_label} van {dutch.day(start)} tot en met {dutch.day(end)}"
        f" (vorige periode: {dutch.day(previous[0])} – {dutch.day(previous[1])})"
    )
