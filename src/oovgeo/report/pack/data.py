"""What a pack is made of, read once through the store repositories (aggregates only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from oovgeo.analysis import completeness
from oovgeo.analysis.aggregate import Filters, grouped_counts
from oovgeo.config import Settings
from oovgeo.meetings import (
    MeetingType,
    pack_period,
    period_grid,
)
from oovgeo.privacy import (
    Disclosure,
)
from oovgeo.report.pack.model import (
    PackError,
    pack_disclosure,
)
from oovgeo.shortlist import OPEN_STATUSES
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.pack_repo import intervention_outcome_counts, signal_counts_per_day
from oovgeo.store.shortlist_repo import list_items

if TYPE_CHECKING:
    from oovgeo.store.db import Engine  # type only: the store opens connections


# --- data ----------------------------------------------------------------------------------------


@dataclass
class PackData:
    """What the slides are made of, read once from the store (aggregates only)."""

    settings: Settings
    meeting: MeetingType
    meeting_date: date
    audience: str
    disclosure: Disclosure
    period: tuple[date, date]
    grid: list[tuple[date, date]]
    areas: gpd.GeoDataFrame
    wijken: gpd.GeoDataFrame
    edition: int
    a_counts: pd.DataFrame  # wijk_code, thema, count: the pack's period
    b_counts: pd.DataFrame  # the same for the previous period of the grid
    grid_counts: pd.DataFrame  # periode (index into grid), thema, count (records with a wijk)
    interventions: pd.DataFrame  # thema, uitkomst, count
    items: pd.DataFrame  # shortlist items relevant to the period
    until: dict[str, date]  # per source, the completeness date in use
    until_interventions: dict[str, date]  # {"alle": completeness date of the interventions}
    made_on: date

    @property
    def previous(self) -> tuple[date, date]:
        """The grid period before the pack's own."""
        return self.grid[-2]

    @property
    def k(self) -> int:
        """The suppression threshold."""
        return self.disclosure.threshold

    @property
    def theme_labels(self) -> dict[str, str]:
        """Theme codes to Dutch labels."""
        return self.settings.labels("themes")

    @property
    def wijk_names(self) -> dict[str, str]:
        """Wijk codes to names."""
        return dict(zip(self.wijken["code"], self.wijken["name"], strict=True))

    @property
    def gemeente(self) -> str:
        """The municipality name(s) of the loaded areas."""
        names = self.areas.loc[self.areas["level"] == "gemeente", "name"]
        return ", ".join(str(n) for n in names) or "onbekend"

    @property
    def data_as_of(self) -> date:
        """The date up to which every source is complete (the end of all exposure)."""
        dates = [d for d in self.until.values() if d is not None]
        return min(min(dates), self.made_on) if dates else self.made_on

    def exposure_days(self, period: tuple[date, date]) -> int:
        """Days of ``period`` with complete data: undelivered days are not days without signals."""
        return completeness.exposure_days(period[0], period[1], self.data_as_of)


def period_days(period: tuple[date, date]) -> int:
    """Days in an inclusive period."""
    return (period[1] - period[0]).days + 1


def _grid_counts(conn, grid: list[tuple[date, date]], perturbation: float) -> pd.DataFrame:
    """Signals per grid period and theme, only those placed in a wijk.

    Only records with a wijk: then a theme's total of a period is exactly the sum of the
    wijk cells of its map (protected figures add up).
    """
    daily = signal_counts_per_day(conn, grid[0][0], grid[-1][1], perturbation)
    starts = np.array([np.datetime64(s) for s, _ in grid])
    days = pd.to_datetime(daily["datum"]).to_numpy(dtype="datetime64[D]")
    daily["periode"] = np.searchsorted(starts, days, side="right") - 1
    counts = daily.groupby(["periode", "thema"], as_index=False)["count"].sum()
    return counts.astype({"periode": "int64", "count": "int64"})


def _relevant_items(engine: Engine, period: tuple[date, date]) -> pd.DataFrame:
    """Open shortlist items and those closed or rejected since the period began."""
    items = list_items(engine, include_closed=True)
    if items.empty:
        return items
    changed = pd.to_datetime(items["updated_at"], utc=True).dt.date
    keep = items["status"].isin(OPEN_STATUSES) | (changed >= period[0])
    return items[keep].reset_index(drop=True)


def load_data(
    engine: Engine,
    settings: Settings,
    meeting: MeetingType,
    meeting_date: date,
    start: date | None,
    audience: str,
    made_on: date,
) -> PackData:
    """Read everything a pack needs in one go; no point rows.

    Counts per wijk and theme, per period and theme, interventions per theme and outcome,
    the shortlist and the data-as-of date.
    """
    period = pack_period(meeting, meeting_date, start)
    grid = period_grid(meeting, period)
    disclosure = pack_disclosure(settings)
    q = disclosure.count_share  # P3: every count of every pack is a protected figure
    with engine.connect() as conn:
        edition = active_edition(conn, settings.get("boundaries.edition"))
        if edition is None:
            raise PackError("er zijn nog geen gebiedsgrenzen geladen")
        areas = load_areas(conn, edition)
        keys = ["wijk_code", "thema"]
        a_counts = grouped_counts(conn, Filters(*period, perturbation=q), keys)
        b_counts = grouped_counts(conn, Filters(*grid[-2], perturbation=q), keys)
        counts = _grid_counts(conn, grid, q)
        interventions = intervention_outcome_counts(conn, *period, q)
        configured = settings.get("data.complete_until")
        until = {
            s: c.until
            for s, c in completeness.per_source(conn, "signals", configured).items()
            if c.until is not None
        }
        done = completeness.per_source(conn, "interventions", configured)
        interventions_until = [c.until for c in done.values() if c.until is not None]
        until_interventions = {"alle": interventions_until[0]} if interventions_until else {}
    wijken = areas[areas["level"] == "wijk"].reset_index(drop=True)
    if wijken.empty:
        raise PackError("de geladen gebiedsindeling heeft geen wijken")
    dates = [d for d in until.values() if d is not None]
    if dates and min(dates) < period[0]:
        raise PackError(
            "er zijn nog geen volledige gegevens voor deze periode "
            f"({completeness.sentence(min(dates))}, de periode begint {period[0]:%d-%m-%Y}); "
            "zijn de leveringen wel compleet, leg dat dan vast op de pagina Gegevens"
        )
    return PackData(
        settings=settings,
        meeting=meeting,
        meeting_date=meeting_date,
        audience=audience,
        disclosure=disclosure,
        period=period,
        grid=grid,
        areas=areas,
        wijken=wijken,
        edition=edition,
        a_counts=a_counts.astype({"count": "int64"}),
        b_counts=b_counts.astype({"count": "int64"}),
        grid_counts=counts,
        interventions=interventions,
        items=_relevant_items(engine, period),
        until=until,
        until_interventions=until_interventions,
        made_on=made_on,
    )


# --- the protected tables the slides share --------------------------------------------------------
