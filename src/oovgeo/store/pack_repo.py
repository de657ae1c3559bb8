"""The aggregates a meeting pack reads beyond the shared counts: counts only, never rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from oovgeo.store.counts_repo import Filters, counted_records


def signal_counts_per_day(
    conn: Connection, first: date, last: date, perturbation: float
) -> pd.DataFrame:
    """Signals placed in a wijk per day and theme from ``first`` to ``last``.

    Columns ``datum``, ``thema``, ``count``. Only records with a wijk: then a theme's total
    of a period is exactly the sum of the wijk cells of its map. ``perturbation`` as in
    ``counts_repo.Filters`` (q > 0: protected figures, P3).
    """
    tbl = counted_records(conn, Filters(first, last, perturbation=perturbation), first)
    rows = conn.execute(
        select(tbl.c.datum, tbl.c.thema, func.count())
        .where(tbl.c.datum >= first, tbl.c.datum <= last, tbl.c.wijk_code.is_not(None))
        .group_by(tbl.c.datum, tbl.c.thema)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["datum", "thema", "count"])


def intervention_outcome_counts(
    conn: Connection, first: date, last: date, perturbation: float
) -> pd.DataFrame:
    """Interventions from ``first`` to ``last`` per theme and outcome.

    Columns ``thema``, ``uitkomst``, ``count``; ``perturbation`` as for signals (P3).
    """
    filters = Filters(first, last, "interventions", perturbation=perturbation)
    tbl = counted_records(conn, filters, first)
    rows = conn.execute(
        select(tbl.c.thema, tbl.c.uitkomst, func.count())
        .where(tbl.c.datum >= first, tbl.c.datum <= last)
        .group_by(tbl.c.thema, tbl.c.uitkomst)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["thema", "uitkomst", "count"])
