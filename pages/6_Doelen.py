"""Doelen: candidate places for interventions, ranked with their reasons, and the shortlist."""

from datetime import date

import streamlit as st

from oovgeo.analysis.target_table import candidates_start
from oovgeo.ui import frame
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.views import doelen, nieuw

ctx = frame(page="doelen")
filters = sidebar_filters(ctx.settings)
st.title("Doelen voor interventies")
st.caption(
    "Plaatsen, geen personen: elke rangorde toont haar redenen. De score is na te rekenen "
    "uit de getoonde onderdelen en gewichten."
)
nieuw.core(ctx)
weights = doelen.weights(ctx.settings)
start = candidates_start(filters.start, date.today())
on_map = doelen.ranked_places(ctx, filters, weights, start)
doelen.map_and_table(ctx, on_map)
doelen.selected_place(ctx, filters, weights, start, on_map)
items = doelen.shortlist_section(ctx)
doelen.matrix(ctx, items)
