"""Counts, rates, change and the wijk profile on the demo town."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import DEMO_END
from sqlalchemy import func, select

from oovgeo.analysis.aggregate import Filters, area_table, counts_by_area, unplaced_count
from oovgeo.analysis.profile import RATE_ROW, TREND_MONTHS, area_profile, protect_profile
from oovgeo.privacy import Disclosure
from oovgeo.store import schema
from oovgeo.store.areas_repo import load_areas

END = DEMO_END  # the demo_town fixture ends here


@pytest.fixture
def demo_store(demo_town):
    _, engine, settings = demo_town
    return engine, settings


def test_previous_period_has_equal_length():
    f = Filters(date(2026, 9, 1), date(2026, 10, 12))
    p = f.previous()
    assert p.end == date(2026, 8, 31) and p.days == f.days == 42


def test_counts_add_up_to_the_signals_of_the_period(demo_store):
    engine, _ = demo_store
    f = Filters(date(2026, 1, 1), END)
    with engine.connect() as conn:
        per_buurt = counts_by_area(conn, f, "buurt")
        per_wijk = counts_by_area(conn, f, "wijk")
        total = conn.execute(
            select(func.count()).where(
                schema.signals.c.datum >= f.start, schema.signals.c.datum <= f.end
            )
        ).scalar_one()
        missing = unplaced_count(conn, f, "buurt")
    assert per_buurt["count"].sum() + missing == total
    assert per_wijk["count"].sum() == per_buurt["count"].sum() + missing
    assert per_buurt["prev_count"].sum() > 0


def test_theme_and_source_filters(demo_store):
    engine, _ = demo_store
    base = Filters(date(2025, 1, 1), END)
    with engine.connect() as conn:
        all_ = counts_by_area(conn, base, "wijk")["count"].sum()
        ond = counts_by_area(conn, Filters(base.start, END, themes=("ondermijning",)), "wijk")
        mev = counts_by_area(
            conn,
            Filters(base.start, END, themes=("ondermijning",), sources=("meld_een_vermoeden",)),
            "wijk",
        )
        expected = conn.execute(
            select(func.count()).where(
                schema.signals.c.datum >= base.start,
                schema.signals.c.thema == "ondermijning",
                schema.signals.c.bron == "meld_een_vermoeden",
            )
        ).scalar_one()
    assert 0 < mev["count"].sum() < ond["count"].sum() < all_
    assert mev["count"].sum() == expected


def test_area_table_rates_and_hidden_denominators(demo_store):
    engine, _ = demo_store
    areas = load_areas(engine, 2025, level="buurt")
    with engine.connect() as conn:
        counts = counts_by_area(conn, Filters(date(2026, 1, 1), END), "buurt")
    days = (END - date(2026, 1, 1)).days + 1
    table = area_table(areas, counts, days=days)
    assert len(table) == len(areas)  # areas without signals are there with 0
    row = table.loc[table["inhabitants"] > 1000].iloc[0]
    # hand calculation: per 1.000 inwoners per jaar
    assert row["per_1000"] == pytest.approx(row["count"] / days * 365 / row["inhabitants"] * 1000)
    assert row["per_100ha"] == pytest.approx(row["count"] / row["land_ha"] * 100)
    assert (table["change"] == table["count"] - table["prev_count"]).all()
    zero = table["inhabitants"].fillna(0) == 0
    assert table.loc[zero, "per_1000"].isna().all()


def test_wijk_profile(demo_store):
    engine, settings = demo_store
    areas = load_areas(engine, 2025)
    wijk = areas[areas["level"] == "wijk"].iloc[0]
    f = Filters(date(2026, 5, 1), END)
    with engine.connect() as conn:
        profile = area_profile(
            conn, areas, wijk["code"], f, settings.labels("themes"), settings.labels("outcomes")
        )
        counts = counts_by_area(conn, f, "wijk").set_index("code")["count"]
    figures = profile.figures.set_index("kengetal")
    assert figures.loc["Signalen", "gebied"] == counts.get(wijk["code"], 0)
    assert figures.loc["Signalen", "gemiddelde"] == pytest.approx(counts.sum() / 8)
    assert profile.themes["aantal"].sum() == figures.loc["Signalen", "gebied"]
    assert len(profile.trend) == TREND_MONTHS
    assert profile.trend["maand"].iloc[-1] == pd.Timestamp(2026, 10, 1)
    buurt_names = set(areas.loc[areas["parent_code"] == wijk["code"], "name"])
    assert set(profile.top_buurten["buurt"]) <= buurt_names
    assert profile.top_buurten["aantal"].is_monotonic_decreasing
    assert profile.outcomes["aantal"].sum() == figures.loc["Interventies", "gebied"]


def test_profile_without_inhabitants_hides_the_rate(vlaardingen):
    engine, settings = vlaardingen
    areas = load_areas(engine, 2025)
    f = Filters(date(2026, 1, 1), END)
    with engine.connect() as conn:
        profile = area_profile(
            conn, areas, "WK062202", f, settings.labels("themes"), settings.labels("outcomes")
        )
    figures = profile.figures.set_index("kengetal")
    assert np.isnan(figures.loc[RATE_ROW, "gebied"])
    view = protect_profile(profile, Disclosure(protected=True))
    assert view.figures.set_index("kengetal").loc[RATE_ROW, "gebied"] == ""
