"""Trends: series per month, week or quarter, with the 12-month mean and last year."""

from datetime import date, timedelta

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from oovgeo.analysis.aggregate import KINDS, Filters
from oovgeo.analysis.trends import (
    FREQUENCIES,
    SPLITS,
    coverage_end,
    daily_counts,
    data_until,
    incomplete_note,
    police_monthly,
    protect_series,
    series,
)
from oovgeo.privacy import Disclosure
from oovgeo.store.police_repo import load_police
from oovgeo.ui import frame
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.widgets import table_downloads

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
# A trend needs a run of periods: at least two years back, or the chosen period if longer.
# Protected audiences always get whole calendar periods (no sliding windows).
two_years = (pd.Period(today, "M") - 24).start_time.date()
start = two_years if ctx.identity.protected else min(filters.start, two_years)
end = min(filters.end, today)
query = Filters(start, end, kind, filters.themes, filters.sources if kind == "signals" else ())
with ctx.engine.connect() as conn:
    daily = daily_counts(conn, query, split, start - timedelta(days=400))
    until = data_until(conn, kind)
table = protect_series(series(daily, freq, start, end, coverage_end(until, today)), disclosure)
labels = {**ctx.settings.labels("themes"), **ctx.settings.labels("sources")}
table["groep"] = table["groep"].map(lambda g: labels.get(g, g))

base = alt.Chart(table).encode(
    x=alt.X("periode:T", title=None), color=alt.Color("groep:N", title=split_label)
)
chart = (
    base.mark_line(point=True).encode(
        y=alt.Y("aantal:Q", title=KINDS[kind].lower()),
        opacity=alt.condition("datum.volledig", alt.value(1.0), alt.value(0.35)),
        tooltip=["periode:T", "groep:N", "aantal:Q", "vorig_jaar:Q", "volledig:N"],
    )
    + base.mark_line(strokeDash=[6, 3]).encode(y="gemiddelde_12m:Q")
    + base.mark_line(strokeDash=[1, 3], opacity=0.6).encode(y="vorig_jaar:Q")
)
st.altair_chart(chart.properties(height=380), width="stretch")
st.caption(
    "Doorgetrokken: aantal per periode (vaag = onvolledige periode); gestreept: "
    "gemiddelde over de afgelopen 12 maanden; gestippeld: dezelfde periode een jaar eerder."
    + (" Aantallen onder de drempel zijn weggelaten." if disclosure.protected else "")
)
note = incomplete_note(table)
if note:
    st.info(note)
st.markdown("**Gegevens lopen tot en met**")
st.dataframe(
    pd.DataFrame(
        [(labels.get(k, k), v) for k, v in sorted(until.items())], columns=["bron", "laatste datum"]
    ),
    hide_index=True,
)

police = load_police(ctx.engine, themes=filters.themes or None)
if not police.empty:
    st.subheader("Politiecijfers als context")
    context = protect_series(
        police_monthly(police, start, end).assign(vorig_jaar=np.nan, gemiddelde_12m=np.nan),
        disclosure,
    )
    context["groep"] = context["groep"].map(lambda g: labels.get(g, g))
    st.altair_chart(
        alt.Chart(context)
        .mark_line(point=True)
        .encode(
            x=alt.X("periode:T", title=None),
            y=alt.Y("aantal:Q", title="registraties"),
            color=alt.Color("groep:N", title="thema (via de koppeltabel)"),
            opacity=alt.condition("datum.volledig", alt.value(1.0), alt.value(0.35)),
        )
        .properties(height=260),
        width="stretch",
    )
    st.caption(
        "Geregistreerde misdrijven en overlast (CBS/Politie, 47022NED en 47024NED), "
        "per thema via de koppeltabel; het totaal wordt nooit bij de delen opgeteld. "
        "Vaag: de politie meldt de maand nog als onvolledig. Een lege waarde is "
        "onbekend, niet nul."
    )

st.subheader("Tabel")
st.dataframe(table, hide_index=True, width="stretch")
stem = f"oovgeo_trend_{kind}_{freq_label.lower()}_{start:%Y%m%d}_{end:%Y%m%d}"
table_downloads(ctx, table, stem, "trend")
