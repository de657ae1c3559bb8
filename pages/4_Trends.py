"""Trends: series per month, week or quarter, with the 12-month mean and last year."""

from datetime import date, timedelta

import streamlit as st

from oovgeo.analysis.aggregate import Filters
from oovgeo.analysis.tables import label_groups, trend_window
from oovgeo.analysis.trends import (
    FREQUENCIES,
    SPLITS,
    coverage_end,
    daily_counts,
    data_from,
    data_until,
    protect_series,
    series,
)
from oovgeo.privacy import Disclosure
from oovgeo.ui import frame
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.views import trends
from oovgeo.ui.widgets import table_downloads
from oovgeo.vocab import KINDS

ctx = frame(page="trends")
filters = sidebar_filters(ctx.settings, protected=ctx.identity.protected)
disclosure = Disclosure.for_identity(ctx.identity, ctx.settings)
st.title("Trends")

c1, c2, c3 = st.columns(3)
kind = c1.radio("Gegevens", list(KINDS), format_func=KINDS.get, horizontal=True)
freq_options = [f for f in FREQUENCIES if not (ctx.identity.protected and f == "Week")]
freq_label = c2.selectbox("Per", freq_options)
split_label = c3.selectbox("Uitsplitsen naar", list(SPLITS))
freq, split = FREQUENCIES[freq_label], SPLITS[split_label]
if kind == "interventions" and split == "bron":
    split, split_label = None, "Geen"

today = date.today()
start, end = trend_window(filters.start, filters.end, today, ctx.identity.protected)
query = Filters(start, end, kind, filters.themes, filters.sources if kind == "signals" else ())
with ctx.engine.connect() as conn:
    daily = daily_counts(conn, query, split, start - timedelta(days=400))
    until = data_until(conn, kind)
    first = data_from(conn, kind)
labels = {**ctx.settings.labels("themes"), **ctx.settings.labels("sources")}
counted = series(daily, freq, start, end, coverage_end(until, today), first)
table = protect_series(counted, disclosure)
table = label_groups(table, labels)

trends.chart(table, kind, split_label, disclosure)
trends.coverage(until, labels)
trends.police_context(ctx, filters.themes, (start, end), disclosure, labels)

st.subheader("Tabel")
st.dataframe(table, hide_index=True, width="stretch")
stem = f"oovgeo_trend_{kind}_{freq_label.lower()}_{start:%Y%m%d}_{end:%Y%m%d}"
table_downloads(ctx, table, stem, "trend")
