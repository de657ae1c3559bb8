"""Altair charts shown on the pages: an area's signals per month (the wijk profile)."""

from __future__ import annotations

import altair as alt
import pandas as pd


def monthly_chart(trend: pd.DataFrame) -> alt.Chart:
    """Return signals per month of one area (columns ``maand`` and ``aantal``)."""
    return (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(x=alt.X("maand:T", title=None), y=alt.Y("aantal:Q", title="signalen"))
        .properties(height=220)
    )
