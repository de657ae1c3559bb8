"""Trends: series per month, week or quarter, with the 12-month mean and last year."""

from datetime import date

import streamlit as st

from oovgeo.analysis.tables import label_groups
from oovgeo.analysis.trends import FREQUENCIES, SPLITS
from oovgeo.privacy import Disclosure
from oovgeo.services.trends import trend_series
from oovgeo.ui import completeness, frame
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.views import trends
from oovgeo.ui.widgets import table_downloads
from oovgeo.vocab import KINDS

ctx = frame(page="trends")
st.title("Trends")
# the choices first: the sidebar's presets end at the completeness date of what is counted
c1, c2, c3 = st.columns(3)
kind = c1.radio("Gegevens", list(KINDS), format_func=KINDS.get, horizontal=True)
freq_options = [f for f in FREQUENCIES if not (ctx.identity.protected and f == "Week")]
freq_label = c2.selectbox("Per", freq_options)
split_label = c3.selectbox("Uitsplitsen naar", list(SPLITS))
freq, split = FREQUENCIES[freq_label], SPLITS[split_label]
if kind == "interventions" and split == "bron":
    split, split_label = None, "Geen"

filters = sidebar_filters(
    ctx.settings,
    protected=ctx.identity.protected,
    until=lambda sources: completeness.until(ctx, kind, sources),
)
disclosure = Disclosure.for_identity(ctx.identity, ctx.settings)
sources = filters.sources if kind == "signals" else ()
today = date.today()
result = trend_series(
    ctx.engine,
    ctx.settings,
    kind=kind,
    freq=freq,
    split=split,
    start=filters.start,
    end=filters.end,
    themes=filters.themes,
    sources=sources,
    disclosure=disclosure,
    today=today,
    until=completeness.until(ctx, kind, sources, today),
)
labels = {**ctx.settings.labels("themes"), **ctx.settings.labels("sources")}
table = label_groups(result.table, labels)

trends.chart(table, kind, split_label, disclosure, result.note)
st.caption(completeness.caption(result.until))
trends.coverage(ctx, kind, labels)
trends.police_context(ctx, filters.themes, (result.start, result.end), disclosure, labels)

st.subheader("Tabel")
st.dataframe(table, hide_index=True, width="stretch")
stem = f"oovgeo_trend_{kind}_{freq_label.lower()}_{result.start:%Y%m%d}_{result.end:%Y%m%d}"
table_downloads(ctx, table, stem, "trend")
