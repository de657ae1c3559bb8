"""The sections of the Vergelijken page: counts of both periods, verdicts, map, year report."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from oovgeo.analysis.aggregate import Filters, grouped_counts
from oovgeo.analysis.mapdata import verdict_classes
from oovgeo.analysis.periods import PeriodPair
from oovgeo.analysis.trends import coverage_end, data_until, police_period_counts
from oovgeo.analysis.yearly import year_tables
from oovgeo.maps import choropleth
from oovgeo.privacy import Disclosure
from oovgeo.report.year_report import build_year_report
from oovgeo.report.year_report import to_pdf as year_pdf
from oovgeo.report.year_report import to_xlsx as year_xlsx
from oovgeo.store.police_repo import load_police
from oovgeo.ui import loaders
from oovgeo.vocab import FALL, NORMAL, RISE, TOO_FEW


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


def verdict_counts(shown: pd.DataFrame) -> None:
    """Show how many rows have each verdict."""
    m1, m2, m3, m4 = st.columns(4)
    verdicts = shown["oordeel"].value_counts()
    m1.metric("Significant gestegen", int(verdicts.get(RISE, 0)))
    m2.metric("Significant gedaald", int(verdicts.get(FALL, 0)))
    m3.metric("Binnen normale variatie", int(verdicts.get(NORMAL, 0)))
    m4.metric("Te weinig meldingen", int(verdicts.get(TOO_FEW, 0)))


def verdict_map(ctx, shown: pd.DataFrame, all_areas, edition: int, level: str) -> None:
    """Draw the verdict of every area of ``level`` (areas without a row: too few)."""
    code = f"{level}_code"
    areas = all_areas[all_areas["level"] == level].reset_index(drop=True)
    by_area = shown.set_index(code)["oordeel"].reindex(areas["code"]).fillna(TOO_FEW)
    index, classes = verdict_classes(by_area)
    m = choropleth(
        areas,
        by_area.rename("oordeel").to_frame(),
        value_column="oordeel",
        classes_index=index,
        classes=classes,
        tooltip={"name": level.capitalize(), "oordeel": "Oordeel"},
        legend_title="Verandering",
        shapes=loaders.shapes(ctx.settings.database_url, edition, level),
    )
    st_folium(m, key="vergelijkkaart", height=480, use_container_width=True, returned_objects=[])


def year_report(ctx, all_areas, names: dict, disclosure: Disclosure, today: date) -> None:
    """Offer the year report for the council (a year against the year before), audited."""
    st.subheader("Jaarrapport voor de raad")
    years = list(range(today.year - 1, today.year - 6, -1))
    year = st.selectbox("Jaar (tegenover het jaar daarvoor)", years)

    def report():
        with ctx.engine.connect() as conn:
            by_theme, by_wijk = year_tables(
                conn,
                year,
                theme_labels=ctx.settings.labels("themes"),
                wijk_names=names,
                disclosure=disclosure,
            )
            until = data_until(conn)
        gemeente = ", ".join(all_areas.loc[all_areas["level"] == "gemeente", "name"]) or "onbekend"
        sources = [ctx.settings.labels("sources").get(s, s) for s in sorted(until)]
        return build_year_report(
            by_theme,
            by_wijk,
            year=year,
            gemeente=gemeente,
            disclosure=disclosure,
            data_as_of=coverage_end(until, today),
            sources=sources,
        )

    r1, r2 = st.columns(2)
    r1.download_button(
        "Jaarrapport (Excel)",
        lambda: year_xlsx(report()),
        f"jaarrapport_{year}.xlsx",
        on_click=ctx.audit,
        args=("export", f"jaarrapport_{year}.xlsx"),
    )
    r2.download_button(
        "Jaarrapport (PDF)",
        lambda: year_pdf(report()),
        f"jaarrapport_{year}.pdf",
        "application/pdf",
        on_click=ctx.audit,
        args=("export", f"jaarrapport_{year}.pdf"),
    )
