"""Interventies: the register (filter, add, change, link to the shortlist), outcomes per theme
and the effect on nearby signals, with a map of interventions coloured by that effect."""

from datetime import date, timedelta

import streamlit as st

from oovgeo.ui import frame
from oovgeo.ui.views import interventies

ctx = frame(page="interventies")
st.title("Interventies")
today = date.today()
themes = ctx.settings.labels("themes")
outcomes = ctx.settings.labels("outcomes")

c1, c2, c3, c4 = st.columns(4)
start = c1.date_input("Vanaf", today - timedelta(days=3 * 365), format="DD-MM-YYYY")
end = c2.date_input("Tot en met", today, max_value=today, format="DD-MM-YYYY")
chosen_themes = c3.multiselect("Thema's", list(themes), format_func=themes.get, placeholder="alle")
chosen_outcomes = c4.multiselect(
    "Uitkomsten", list(outcomes), format_func=outcomes.get, placeholder="alle"
)

data = interventies.read(ctx, start, end, chosen_themes, chosen_outcomes)
interventies.register_section(ctx, data, start, end)
interventies.edit_section(ctx, data, today)

st.subheader("Effect op signalen in de buurt")
radius = st.slider("Straal (m)", 100, 500, 250, 50)
months = st.slider("Venster voor en na (maanden)", 3, 12, 6)
effects = interventies.effect_section(ctx, data, radius, months, today)
interventies.effect_map(ctx, effects)
interventies.caveats()
