"""Kaart: wijk/buurt heatmap of signals or interventions, heat layer, hotspots, area profile."""

import streamlit as st

from oovgeo.analysis import tables
from oovgeo.analysis.aggregate import MEASURES, Filters, area_table
from oovgeo.analysis.classify import classify
from oovgeo.analysis.mapdata import DENOMINATOR, measure_view, with_denominator
from oovgeo.analysis.rates import period_days
from oovgeo.maps import choropleth
from oovgeo.privacy import Disclosure
from oovgeo.ui import completeness, frame, loaders
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.views import kaart

ctx = frame(page="kaart")
disclosure = Disclosure.for_identity(ctx.identity, ctx.settings)
url = ctx.settings.database_url
edition = loaders.edition(ctx.settings)
if edition is None:
    st.info("Er zijn nog geen gebiedsgrenzen geladen.")
    st.stop()

st.title("Kaart")
choice = kaart.controls(ctx)
kind, level, measure_label = choice.kind, choice.level, choice.measure_label
# the period ends where the counted sources are complete: later days are not days without data
chosen = sidebar_filters(
    ctx.settings,
    protected=ctx.identity.protected,
    until=lambda sources: completeness.until(ctx, kind, sources),
)
sources = chosen.sources if kind == "signals" else ()
repeats = ctx.settings.get("counting.same_address_days")
filters = Filters(chosen.start, chosen.end, kind, chosen.themes, sources, repeats).counted_as(
    disclosure.count_share  # P3: protected audiences get protected figures only
)
counts, unplaced = loaders.area_counts(url, level, filters)
all_areas = loaders.period_areas(url, edition, filters.start, filters.end)
areas = all_areas[all_areas["level"] == level].reset_index(drop=True)
table = area_table(areas, counts, days=period_days(filters.start, filters.end))
measure = MEASURES[measure_label]
view = measure_view(table, measure, disclosure)
index, classes = classify(
    view.set_index("code")["value"],
    choice.scheme,
    choice.k,
    breaks=choice.breaks,
    diverging=measure == "change",
)
until = completeness.until(ctx, kind, sources)
period, caption = kaart.caption(ctx, filters, table, areas, measure, disclosure, until, unplaced)

m = choropleth(
    areas,
    view.set_index("code"),
    value_column="weergave",
    classes_index=index,
    classes=classes,
    tooltip={"name": level.capitalize(), "weergave": measure_label}
    | ({"noemer": DENOMINATOR} if measure == "per_1000" else {}),
    basemap=choice.basemap,
    legend_title=measure_label,
    shapes=loaders.shapes(url, edition, level),
)
kaart.show_map(m, ctx, choice, filters, areas, edition)
kaart.profile(ctx, all_areas, filters, disclosure, period)

st.subheader("Tabel")
shown = with_denominator(tables.map_table(view, measure_label), view)
st.dataframe(shown, hide_index=True, width="stretch")
stem = f"oovgeo_{kind}_{level}_{filters.start:%Y%m%d}_{filters.end:%Y%m%d}"
kaart.exports(ctx, shown, areas, stem, (index, classes), (f"{measure_label} per {level}", caption))
