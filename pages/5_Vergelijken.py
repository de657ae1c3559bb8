"""Vergelijken: period A against period B per wijk or buurt and theme, tested honestly."""

from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from oovgeo.analysis.compare import compare_table, protect_comparison
from oovgeo.analysis.mapdata import verdict_classes
from oovgeo.analysis.periods import BEFORE_AFTER, PRESETS, PROTECTED_PRESETS, before_after
from oovgeo.analysis.trends import coverage_end, data_until
from oovgeo.analysis.yearly import year_tables
from oovgeo.maps import choropleth
from oovgeo.privacy import Disclosure
from oovgeo.report.year_report import build_year_report
from oovgeo.report.year_report import to_pdf as year_pdf
from oovgeo.report.year_report import to_xlsx as year_xlsx
from oovgeo.ui import frame, loaders
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.views import vergelijken
from oovgeo.ui.widgets import table_downloads
from oovgeo.vocab import FALL, KINDS, LEVELS, METHOD_SENTENCE, RISE, TOO_FEW

ctx = frame(page="vergelijken")
filters = sidebar_filters(ctx.settings, protected=ctx.identity.protected)
disclosure = Disclosure.for_identity(ctx.identity, ctx.settings)
edition = loaders.edition(ctx.settings)
if edition is None:
    st.info("Er zijn nog geen gebiedsgrenzen geladen.")
    st.stop()
st.title("Vergelijken")

today = date.today()
options = list(PROTECTED_PRESETS) if ctx.identity.protected else [*PRESETS, BEFORE_AFTER]
c1, c2, c3 = st.columns([2, 1, 1])
choice = c1.selectbox("Vergelijking", options)
kinds = {**KINDS, "police": "Politiecijfers (context)"}
kind = c2.radio("Gegevens", list(kinds), format_func=kinds.get)
level = c3.radio("Niveau", list(LEVELS), format_func=LEVELS.get)
if choice == BEFORE_AFTER:
    moment = st.date_input(
        "Datum (bijvoorbeeld de start van een aanpak)",
        value=date(today.year, 1, 1),
        max_value=today,
        format="DD-MM-YYYY",
    )
    pair = before_after(moment, today)
else:
    pair = PRESETS[choice](today)
per_theme = st.toggle("Per thema", value=True)

code = f"{level}_code"
keys = [code, "thema"] if per_theme else [code]
sources = filters.sources if kind == "signals" else ()
all_areas = loaders.areas(ctx.settings.database_url, edition)
# rates per 1,000 inhabitants per year where inhabitants are known (the test uses days)
inhabitants = all_areas.set_index("code")["inhabitants"].rename_axis(code)
a, b, days_a, days_b = vergelijken.period_counts(ctx, pair, kind, filters, sources, level, keys)
table = compare_table(a, b, keys=keys, days_a=days_a, days_b=days_b, inhabitants=inhabitants)
names = dict(zip(all_areas["code"], all_areas["name"], strict=True))
table.insert(1, "gebied", table[code].map(names))
if per_theme:
    table["thema"] = table["thema"].map(lambda t: ctx.settings.labels("themes").get(t, t))
shown = protect_comparison(table, disclosure)

st.caption(f"{kinds[kind]}: {pair.text()}. {METHOD_SENTENCE}")
m1, m2, m3, m4 = st.columns(4)
verdicts = shown["oordeel"].value_counts()
m1.metric("Significant gestegen", int(verdicts.get(RISE, 0)))
m2.metric("Significant gedaald", int(verdicts.get(FALL, 0)))
m3.metric("Binnen normale variatie", int(verdicts.get("binnen normale variatie", 0)))
m4.metric("Te weinig meldingen", int(verdicts.get(TOO_FEW, 0)))

if not per_theme:
    areas = all_areas[all_areas["level"] == level].reset_index(drop=True)
    by_area = shown.set_index(code)["oordeel"].reindex(areas["code"]).fillna(TOO_FEW)
    index, classes = verdict_classes(by_area)
    values = by_area.rename("oordeel").to_frame()
    m = choropleth(
        areas,
        values,
        value_column="oordeel",
        classes_index=index,
        classes=classes,
        tooltip={"name": level.capitalize(), "oordeel": "Oordeel"},
        legend_title="Verandering",
        shapes=loaders.shapes(ctx.settings.database_url, edition, level),
    )
    st_folium(m, key="vergelijkkaart", height=480, use_container_width=True, returned_objects=[])

st.subheader("Tabel")
st.dataframe(shown.drop(columns=[code]), hide_index=True, width="stretch")
stem = f"oovgeo_vergelijking_{kind}_{level}_{pair.a_start:%Y%m%d}_{pair.b_start:%Y%m%d}"
table_downloads(ctx, shown, stem, "vergelijking")

st.subheader("Jaarrapport voor de raad")
years = list(range(today.year - 1, today.year - 6, -1))
year = st.selectbox("Jaar (tegenover het jaar daarvoor)", years)


def _report():
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
    lambda: year_xlsx(_report()),
    f"jaarrapport_{year}.xlsx",
    on_click=ctx.audit,
    args=("export", f"jaarrapport_{year}.xlsx"),
)
r2.download_button(
    "Jaarrapport (PDF)",
    lambda: year_pdf(_report()),
    f"jaarrapport_{year}.pdf",
    "application/pdf",
    on_click=ctx.audit,
    args=("export", f"jaarrapport_{year}.pdf"),
)
