"""The sections of the Vergelijken page: counts of both periods, verdicts, map, year report."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from oovgeo.analysis.mapdata import verdict_classes
from oovgeo.analysis.periods import BEFORE_AFTER, PRESETS, PeriodPair, before_after
from oovgeo.analysis.yearly import year_tables
from oovgeo.maps import choropleth
from oovgeo.privacy import Disclosure
from oovgeo.report.year_report import build_year_report
from oovgeo.report.year_report import to_pdf as year_pdf
from oovgeo.report.year_report import to_xlsx as year_xlsx
from oovgeo.ui import completeness, loaders
from oovgeo.ui.protection import how_to_read
from oovgeo.vocab import FALL, NORMAL, RISE, TOO_FEW


def chosen_pair(choice: str, until: date) -> PeriodPair:
    """Return the periods of ``choice``, ending at the completeness date ``until``."""
    if choice != BEFORE_AFTER:
        return PRESETS[choice](until)
    moment = st.date_input(
        "Datum (bijvoorbeeld de start van een aanpak)",
        value=min(date(until.year, 1, 1), until),
        max_value=until,
        format="DD-MM-YYYY",
    )
    return before_after(moment, until)


def verdict_counts(shown: pd.DataFrame, disclosure: Disclosure) -> None:
    """Show how many rows have each verdict, and for protected figures how to read them."""
    how_to_read(disclosure)
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


def year_report(ctx, all_areas, disclosure: Disclosure, today: date) -> None:
    """Offer the year report for the council (a year against the year before), audited."""
    st.subheader("Jaarrapport voor de raad")
    years = list(range(today.year - 1, today.year - 6, -1))
    year = st.selectbox("Jaar (tegenover het jaar daarvoor)", years)
    names = dict(zip(all_areas["code"], all_areas["name"], strict=True))
    until = completeness.until(ctx, "signals", today=today)
    if until < date(year, 12, 31):
        st.caption(
            f"{completeness.caption(until)} Beide jaren worden vergeleken tot en met {until:%d-%m}."
        )

    def report():
        with ctx.engine.connect() as conn:
            by_theme, by_wijk = year_tables(
                conn,
                year,
                theme_labels=ctx.settings.labels("themes"),
                wijk_names=names,
                disclosure=disclosure,
                until=until,
                inhabitants=wijk_inhabitants(ctx, year),
                same_address_days=ctx.settings.get("counting.same_address_days"),
            )
        gemeente = ", ".join(all_areas.loc[all_areas["level"] == "gemeente", "name"]) or "onbekend"
        labels = ctx.settings.labels("sources")
        sources = [labels.get(s, s) for s in sorted(completeness.table(ctx, "signals"))]
        return build_year_report(
            by_theme,
            by_wijk,
            year=year,
            gemeente=gemeente,
            disclosure=disclosure,
            data_as_of=until,
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


def wijk_inhabitants(ctx, year: int) -> pd.Series:
    """Inhabitants per wijk code, of the population year nearest to ``year``."""
    edition = loaders.edition(ctx.settings)
    areas = loaders.period_areas(
        ctx.settings.database_url, edition, date(year, 1, 1), date(year, 12, 31)
    )
    wijken = areas[areas["level"] == "wijk"]
    return wijken.set_index("code")["inhabitants"]
