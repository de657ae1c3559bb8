"""The sections of the Vergelijken page that read the store: the counts of both periods."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from oovgeo.analysis.aggregate import Filters, grouped_counts
from oovgeo.analysis.periods import PeriodPair
from oovgeo.analysis.trends import police_period_counts
from oovgeo.store.police_repo import load_police


def period_counts(
    ctx, pair: PeriodPair, kind: str, filters, sources, level: str, keys: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """Return the counts of period A and B and their exposure days.

    Police figures count whole months only, so their days can be shorter than the periods;
    the page stops with a warning when a period holds no whole month.
    """
    if kind == "police":
        stored = load_police(ctx.engine, themes=filters.themes or None)
        per_theme = "thema" in keys
        a, days_a = police_period_counts(stored, pair.a_start, pair.a_end, level, per_theme)
        b, days_b = police_period_counts(stored, pair.b_start, pair.b_end, level, per_theme)
        if not days_a or not days_b:
            st.warning("Geen volledige maanden politiecijfers in een van beide periodes.")
            st.stop()
        return a, b, days_a, days_b
    with ctx.engine.connect() as conn:
        a = grouped_counts(
            conn, Filters(pair.a_start, pair.a_end, kind, filters.themes, sources), keys
        )
        b = grouped_counts(
            conn, Filters(pair.b_start, pair.b_end, kind, filters.themes, sources), keys
        )
    return a, b, pair.days_a, pair.days_b
