"""Presentatie: the meeting pack as downloads (PPTX, PDF) and as a full-width presentation.

The presentation shows the same slides as the pack, built for the meeting's audience, so the
screen in the meeting room shows exactly what the printed pack shows. While presenting, the
session is locked to this page (see ``ui.frame``); leaving means logging in again.
"""

from datetime import date

import streamlit as st

from oovgeo.meetings import default_period, dutch_period, meeting_types
from oovgeo.report.pack import audience_for
from oovgeo.ui import frame, presenting, start_presentation, state
from oovgeo.ui.views import nieuw, presentatie

ctx = frame(page="presentatie")
shown = presenting()
if shown is not None:
    presentatie.presentation(ctx, shown)  # stops the page

st.title("Overleg: pakket en presentatie")
types = meeting_types(ctx.settings)
if not types:
    st.info("Er zijn geen overleggen ingesteld (instelling meetings).")
    st.stop()
c1, c2 = st.columns(2)
code = c1.selectbox("Overleg", list(types), format_func=lambda c: types[c].label)
on = c2.date_input("Datum van het overleg", date.today(), format="DD-MM-YYYY")
meeting = types[code]
audience = audience_for(meeting, ctx.identity)
st.markdown(
    f"**Periode:** {dutch_period(default_period(meeting, on))} (sinds het vorige overleg)  \n"
    f"**Publiek:** {presentatie.AUDIENCE_TEXT.get(audience, audience)}  \n"
    f"**Dia's:** {len(meeting.slides)}"
)

left, right = st.columns(2)
with left:
    st.subheader("Presenteren")
    st.caption(
        "Schermvullend, zonder menu en zonder details achter de cijfers. U verlaat de "
        "presentatie door opnieuw in te loggen."
    )
    if st.button("Presentatie starten", type="primary"):
        ctx.audit("presentation_start", code, datum=on.isoformat(), publiek=audience)
        state.put("slide", 0)
        start_presentation(code, on.isoformat())
        st.rerun()
with right:
    st.subheader("Overlegpakket")
    st.caption("PowerPoint en PDF met dezelfde dia's, voor het verslag of de mail vooraf.")
    presentatie.downloads(ctx, code, on)
nieuw.protected(ctx, meeting, on)
