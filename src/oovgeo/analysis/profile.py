"""Profile of one wijk (or buurt) against the municipality.

The profile of one wijk (or buurt): its figures against the municipality, themes, trend,
top buurten, interventions and their outcomes.

Returns raw counts; the page passes every table through ``oovgeo.privacy`` for its audience.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from oovgeo import dutch
from oovgeo.analysis.aggregate import counts_by_area
from oovgeo.analysis.rates import RATE_LABEL, denominator_text, per_1000_per_year, period_days
from oovgeo.privacy import Disclosure, format_count, hidden_mask, suppress_rates, suppress_table
from oovgeo.store import counts_repo
from oovgeo.store.counts_repo import Filters
from oovgeo.store.db import Connection

TREND_MONTHS = 24
RATE_ROW = f"Signalen {RATE_LABEL.lower()}"


@dataclass(frozen=True)
class AreaProfile:
    """Profile of one area: figures, themes, trend, top buurten and outcomes."""

    code: str
    name: str
    level: str
    figures: pd.DataFrame  # kengetal, gebied, gemiddelde (per area of the same level)
    themes: pd.DataFrame  # thema, aantal, aandeel_gebied, aandeel_gemeente
    trend: pd.DataFrame  # maand, aantal (24 months up to the end of the period)
    top_buurten: pd.DataFrame  # buurt, aantal (wijk profiles only)
    outcomes: pd.DataFrame  # uitkomst, aantal (interventions in the period)
    inhabitants: float = np.nan  # the rate's denominator (NaN when unknown)
    denominator: str = ""  # e.g. "1.234 inwoners 2024"


def level_of(code: str) -> str:
    """Return ``buurt`` for a code starting with ``BU``, else ``wijk``."""
    return "buurt" if code.startswith("BU") else "wijk"


def _per_theme(conn: Connection, filters: Filters, level: str, code: str | None) -> pd.Series:
    counts = counts_repo.count_per_value(conn, filters, "thema", level, code)
    return pd.Series(counts, dtype="int64")


def _number(value: float) -> str:
    """Return a figure or average with one decimal (never negative here)."""
    return dutch.fixed(value, 1)


def monthly_counts(
    conn: Connection, filters: Filters, level: str, code: str, end: date
) -> pd.DataFrame:
    """Return counts per calendar month for the ``TREND_MONTHS`` months up to ``end``."""
    first = (pd.Timestamp(end).to_period("M") - (TREND_MONTHS - 1)).to_timestamp().date()
    rows = counts_repo.dates_in_area(conn, filters, level, code, first, end)
    months = pd.period_range(first, end, freq="M")
    counts = pd.Series(pd.to_datetime(list(rows)).to_period("M"), dtype="period[M]")
    per_month = counts.value_counts().reindex(months, fill_value=0)
    return pd.DataFrame({"maand": months.to_timestamp(), "aantal": per_month.to_numpy()})


def area_profile(
    conn: Connection,
    areas: gpd.GeoDataFrame,
    code: str,
    filters: Filters,
    theme_labels: dict[str, str],
    outcome_labels: dict[str, str],
    *,
    days: int | None = None,
) -> AreaProfile:
    """Everything the profile panel shows for area ``code`` (one edition's ``areas``).

    The rate is ``rates.per_1000_per_year`` over ``days`` days of exposure (default: the
    days of the period); pass ``areas`` with the period's population
    (``rates.with_period_population``) so the denominator is that of the period.
    """
    days = period_days(filters.start, filters.end) if days is None else days
    level = level_of(code)
    row = areas.loc[areas["code"] == code]
    if row.empty:
        raise KeyError(code)
    name = str(row["name"].iloc[0])
    peers = areas[areas["level"] == level]
    n_peers = max(len(peers), 1)

    # replace keeps the audience's counting (filters.perturbation, P3)
    signals = replace(filters, kind="signals")
    interventions = replace(filters, kind="interventions", sources=(), same_address_days=0)
    here = counts_repo.count_in_area(conn, signals, level, code)
    total = counts_repo.count_in_area(conn, signals, level, None)
    here_prev = counts_repo.count_in_area(conn, signals.previous(), level, code)
    held = counts_repo.count_in_area(conn, interventions, level, code)
    held_total = counts_repo.count_in_area(conn, interventions, level, None)
    inhabitants = pd.array(row["inhabitants"], dtype="Float64").to_numpy(float, na_value=np.nan)[0]
    town_inhabitants = float(pd.array(peers["inhabitants"], dtype="Float64").sum(skipna=True))

    figures = pd.DataFrame(
        [
            ("Signalen", here, total / n_peers),
            ("Signalen vorige periode", here_prev, np.nan),
            ("Interventies", held, held_total / n_peers),
            (
                "Signalen per interventie",
                here / held if held else np.nan,
                total / held_total if held_total else np.nan,
            ),
            (
                RATE_ROW,
                per_1000_per_year(here, days, inhabitants),
                per_1000_per_year(total, days, town_inhabitants),
            ),
        ],
        columns=["kengetal", "gebied", "gemiddelde"],
    )

    area_themes = _per_theme(conn, signals, level, code)
    town_themes = _per_theme(conn, signals, level, None)
    themes = pd.DataFrame({"aantal": area_themes}).reindex(town_themes.index, fill_value=0)
    themes["aandeel_gebied"] = themes["aantal"] / max(here, 1) * 100
    themes["aandeel_gemeente"] = town_themes / max(total, 1) * 100
    themes = themes.sort_values("aantal", ascending=False).reset_index(names="thema")
    themes["thema"] = themes["thema"].map(lambda t: theme_labels.get(t, t))

    top = pd.DataFrame(columns=["buurt", "aantal"])
    if level == "wijk":
        buurten = areas[(areas["level"] == "buurt") & (areas["parent_code"] == code)]
        counts = counts_by_area(conn, signals, "buurt").set_index("code")["count"]
        top = (
            pd.DataFrame(
                {
                    "buurt": buurten["name"].to_numpy(),
                    "aantal": counts.reindex(buurten["code"]).fillna(0).astype(int).to_numpy(),
                }
            )
            .sort_values("aantal", ascending=False)
            .head(5)
            .reset_index(drop=True)
        )

    outcome_rows = counts_repo.count_per_value(conn, interventions, "uitkomst", level, code)
    outcomes = pd.DataFrame(
        [(outcome_labels.get(u, u or "onbekend"), n) for u, n in outcome_rows.items()],
        columns=["uitkomst", "aantal"],
    ).sort_values("aantal", ascending=False, ignore_index=True)

    return AreaProfile(
        code=code,
        name=name,
        level=level,
        figures=figures,
        themes=themes,
        trend=monthly_counts(conn, signals, level, code, filters.end),
        top_buurten=top,
        outcomes=outcomes,
        inhabitants=float(inhabitants),
        denominator=denominator_text(
            None if np.isnan(inhabitants) else inhabitants,
            row["inhabitants_year"].iloc[0] if "inhabitants_year" in row else None,
            str(row["inhabitants_source"].iloc[0]) if "inhabitants_source" in row else "",
        ),
    )


@dataclass(frozen=True)
class ProfileView:
    """A profile as shown to one audience: display strings, hidden values blanked."""

    figures: pd.DataFrame  # kengetal, gebied, gemiddelde (text)
    themes: pd.DataFrame  # thema, aantal (text), aandeel_gebied, aandeel_gemeente (text)
    trend: pd.DataFrame  # maand, aantal (float, NaN where hidden)
    top_buurten: pd.DataFrame  # buurt, aantal (text)
    outcomes: pd.DataFrame  # uitkomst, aantal (text)
    denominator: str = ""  # of the rate; "" when the rate is hidden


def _pct(values: pd.Series, hidden: pd.Series) -> list[str]:
    return ["" if h or np.isnan(v) else f"{v:.0f}%" for v, h in zip(values, hidden, strict=True)]


def protect_profile(profile: AreaProfile, disclosure: Disclosure) -> ProfileView:
    """Apply the disclosure rules to every number of a profile (P3).

    The rate goes through ``privacy.suppress_rates`` like on the map: hidden below
    ``min_inhabitants`` for every audience, and with a hidden count for protected ones.
    """
    k = disclosure.threshold

    def small(n) -> bool:
        return disclosure.protected and 0 < n < k

    figures = profile.figures.set_index("kengetal")
    counts = ["Signalen", "Signalen vorige periode", "Interventies"]
    here_hidden = {name: small(figures.loc[name, "gebied"]) for name in counts}
    rows = []
    rate_hidden = True
    for name, row in figures.iterrows():
        if name in counts:
            shown = format_count(row["gebied"], here_hidden[name], k)
        elif name == "Signalen per interventie":
            hide = here_hidden["Signalen"] or here_hidden["Interventies"]
            shown = "" if hide or np.isnan(row["gebied"]) else _number(row["gebied"])
        else:  # per 1.000 inwoners per jaar
            rate, _why = suppress_rates(
                pd.Series([row["gebied"]], dtype=float),
                pd.Series([here_hidden["Signalen"]]),
                pd.Series([profile.inhabitants], dtype=float),
                disclosure,
            )
            rate_hidden = bool(np.isnan(rate.iloc[0]))
            shown = "" if rate_hidden else _number(rate.iloc[0])
        average = "" if np.isnan(row["gemiddelde"]) else _number(row["gemiddelde"])
        rows.append((name, shown, average))
    figures_view = pd.DataFrame(rows, columns=["kengetal", "gebied", "gemiddelde"])

    theme_hidden = hidden_mask(profile.themes, ["aantal"], disclosure)["aantal"]
    themes = suppress_table(profile.themes, ["aantal"], disclosure=disclosure)
    themes["aandeel_gebied"] = _pct(profile.themes["aandeel_gebied"], theme_hidden)
    themes["aandeel_gemeente"] = [f"{v:.0f}%" for v in profile.themes["aandeel_gemeente"]]

    trend_hidden = hidden_mask(profile.trend, ["aantal"], disclosure)["aantal"].to_numpy()
    trend = profile.trend.assign(
        aantal=np.where(trend_hidden, np.nan, profile.trend["aantal"].astype(float))
    )
    return ProfileView(
        figures=figures_view,
        themes=themes,
        trend=trend,
        top_buurten=suppress_table(profile.top_buurten, ["aantal"], disclosure=disclosure),
        outcomes=suppress_table(profile.outcomes, ["aantal"], disclosure=disclosure),
        denominator="" if rate_hidden else profile.denominator,
    )
