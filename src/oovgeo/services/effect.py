"""The effect of interventions on nearby signals, for the Interventies page and ``oovgeo effect``.

One function reads the interventions of the period and the signals around them, stops the
"after" windows at the completeness date of the signals (``services.completeness``) and
computes the tables of ``analysis.effect_table``; the page and the CLI both show its result,
so their figures cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd

from oovgeo.access import Identity
from oovgeo.analysis import effect_table
from oovgeo.analysis.effect_table import EffectTables
from oovgeo.config import Settings
from oovgeo.report import register_table as rt
from oovgeo.services import completeness as complete
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.db import Engine
from oovgeo.store.records import intervention_points, signal_points


class EffectError(ValueError):
    """Too little data for an effect measurement (message in Dutch, for the screen)."""


@dataclass(frozen=True)
class Effect:
    """The effect tables and what they rest on."""

    tables: EffectTables
    until: date  # the completeness date of the signals: no "after" window runs past it
    n_held: int  # interventions of the period (after the theme and outcome filter)
    n_incomplete: int  # of those, left out because their "after" window ends after ``until``

    @property
    def incomplete_text(self) -> str:
        """The sentence about the interventions left out (empty when there are none)."""
        return effect_table.incomplete_text(self.n_incomplete, self.until)


def measure_effect(
    engine: Engine,
    settings: Settings,
    start: date,
    end: date,
    radius_m: float,
    months: int,
    themes: Sequence[str],
    outcomes: Sequence[str],
    today: date,
    *,
    identity: Identity,
    held: pd.DataFrame | None = None,
    buurten: gpd.GeoDataFrame | None = None,
) -> Effect:
    """Measure the effect of the interventions of ``start``..``end`` on the signals around them.

    ``themes`` and ``outcomes`` filter the interventions (codes; empty: all). The signals are
    read from ``months`` before ``start`` up to their completeness date, and only
    interventions with both windows inside that span are measured. ``identity`` must be
    allowed to see point data. ``held`` (the interventions of the period, unfiltered) and
    ``buurten`` save a read when the caller has them (the page). Raises ``EffectError``
    without interventions or signals.
    """
    until = complete.until(engine, settings, "signals", (), today)
    first = (pd.Timestamp(start) - pd.DateOffset(months=months)).date()
    with engine.connect() as conn:
        if held is None:
            held = intervention_points(conn, identity, start, end)
        signals = signal_points(conn, identity, first, until)
        if buurten is None:
            edition = active_edition(conn, settings.get("boundaries.edition"))
            buurten = (
                load_areas(conn, edition, "buurt")
                if edition is not None
                else gpd.GeoDataFrame({"level": []})
            )
    chosen = rt.filter_held(held, themes, outcomes)
    if chosen.empty or signals.empty:
        raise EffectError("Te weinig gegevens voor een effectmeting.")
    covered = (pd.Timestamp(signals["datum"].min()).date(), until)
    tables = effect_table.effect_tables(
        signals,
        chosen,
        buurten[buurten["level"] == "buurt"],
        radius_m=radius_m,
        months=months,
        themes=settings.labels("themes"),
        outcomes=settings.labels("outcomes"),
        period=covered,
    )
    return Effect(
        tables=tables,
        until=until,
        n_held=len(chosen),
        n_incomplete=effect_table.after_incomplete(chosen, months, until),
    )
