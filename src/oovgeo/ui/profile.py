"""The area profile panel (widgets only; the numbers come protected from analysis.profile)."""

from __future__ import annotations

import streamlit as st

from oovgeo.analysis.profile import ProfileView
from oovgeo.report.charts import monthly_chart

MISSING_NOTE = (
    "Lege plekken: te weinig meldingen om te tonen, geen inwonertal bekend, of te weinig "
    "inwoners voor een cijfer per inwoner."
)


def show_profile(name: str, level: str, view: ProfileView, period_text: str) -> None:
    """Show the profile of an area: figures, themes and more, in two columns."""
    st.subheader(f"Profiel {level} {name}")
    st.caption(period_text)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Kengetallen** (gemiddelde = per {level} in de gemeente)")
        st.dataframe(view.figures, hide_index=True, width="stretch")
        if view.denominator:
            st.caption(f"Per 1.000 inwoners per jaar: gedeeld door {view.denominator}.")
        st.markdown("**Thema's**")
        st.dataframe(view.themes, hide_index=True, width="stretch")
    with right:
        st.markdown("**Signalen per maand (24 maanden)**")
        st.altair_chart(monthly_chart(view.trend), width="stretch")
        if not view.top_buurten.empty:
            st.markdown("**Buurten met de meeste signalen**")
            st.dataframe(view.top_buurten, hide_index=True, width="stretch")
        st.markdown("**Interventies en uitkomsten in de periode**")
        if view.outcomes.empty:
            st.write("Geen interventies in deze periode.")
        else:
            st.dataframe(view.outcomes, hide_index=True, width="stretch")
    st.caption(MISSING_NOTE)
