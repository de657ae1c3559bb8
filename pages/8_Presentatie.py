"""Presentatie: the meeting pack as downloads (PPTX, PDF) and as a full-width presentation.

The presentation shows the same slides as the pack, built for the meeting's audience, so the
screen in the meeting room shows exactly what the printed pack shows. While presenting, the
session is locked to this page (see ``ui.frame``); leaving means logging in again.
"""

import re
from datetime import date

import streamlit as st

from oovgeo.meetings import MeetingError, default_period, dutch_period, meeting_types
from oovgeo.report.pack import Pack, PackError, audience_for, build_pack
from oovgeo.report.pack.pdf import to_pdf
from oovgeo.report.pack.pptx import to_pptx
from oovgeo.ui import end_presentation, frame, presenting, start_presentation

PACK_KEY = "oovgeo_presentatie_pack"  # (meeting, date) -> Pack of this session
SLIDE_KEY = "oovgeo_presentatie_slide"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
AUDIENCE_TEXT = {
    "beschermd": "beschermd: alleen cijfers per wijk, aantallen onder de drempel als <k, "
    "geen adressen of punten",
    "intern": "intern team: ook de plaatsen van afspraken, nog steeds zonder punten en "
    "zonder kleine aantallen",
}

ctx = frame(page="presentatie")


def _plain(text: str) -> str:
    """Text shown through st.markdown without its markdown or HTML meaning."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


def _pack(meeting: str, on: date) -> Pack:
    """The pack of this session for (meeting, date): built once, then reused per slide step."""
    key = (meeting, on.isoformat(), ctx.identity.role)
    cached = st.session_state.get(PACK_KEY)
    if cached is None or cached[0] != key:
        with st.spinner("Het overlegpakket wordt gemaakt…"):
            pack = build_pack(ctx.engine, ctx.settings, meeting, on, identity=ctx.identity)
        st.session_state[PACK_KEY] = (key, pack)
    return st.session_state[PACK_KEY][1]


def _show(slide, number: int, total: int) -> None:
    # anchor=False: a heading's anchor link would be something to click
    st.title(_plain(slide.title), anchor=False)
    if slide.subtitle:
        st.subheader(_plain(slide.subtitle), anchor=False)
    has_visual = slide.image_png is not None or slide.table is not None
    left, right = st.columns([3, 2]) if has_visual and slide.bullets else (st.container(), None)
    with left:
        if slide.image_png is not None:
            st.image(slide.image_png, width="stretch")
        if slide.table is not None:
            st.table(slide.table.set_index(slide.table.columns[0]))
        if not has_visual:
            for line in slide.bullets:
                st.markdown(f"- {_plain(line)}")
    if right is not None:
        with right:
            for line in slide.bullets:
                st.markdown(f"- {_plain(line)}")
    if slide.note:
        st.caption(_plain(slide.note))
    st.caption(f"Dia {number} van {total}")


state = presenting()
if state is not None:
    on = date.fromisoformat(state["date"])
    try:
        pack = _pack(state["meeting"], on)
    except (MeetingError, PackError) as exc:
        st.error(str(exc))
        pack = None
    if pack is not None:
        index = min(st.session_state.get(SLIDE_KEY, 0), len(pack.slides) - 1)
        _show(pack.slides[index], index + 1, len(pack.slides))
        back, forward, _, leave = st.columns([1, 1, 2, 3])
        if back.button("◀ Vorige", disabled=index == 0, width="stretch"):
            st.session_state[SLIDE_KEY] = index - 1
            st.rerun()
        if forward.button("Volgende ▶", disabled=index >= len(pack.slides) - 1, width="stretch"):
            st.session_state[SLIDE_KEY] = index + 1
            st.rerun()
    else:
        leave = st.container()
    if leave.button("Presentatie beëindigen (opnieuw inloggen)", width="stretch"):
        ctx.audit("presentation_end", state["meeting"], datum=state["date"])
        st.session_state.pop(SLIDE_KEY, None)
        st.session_state.pop(PACK_KEY, None)
        end_presentation(ctx.settings, ctx.identity)
        st.rerun()
    st.stop()

# --- choosing a meeting ----------------------------------------------------------------------
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
    f"**Publiek:** {AUDIENCE_TEXT.get(audience, audience)}  \n"
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
        st.session_state[SLIDE_KEY] = 0
        start_presentation(code, on.isoformat())
        st.rerun()
with right:
    st.subheader("Overlegpakket")
    st.caption("PowerPoint en PDF met dezelfde dia's, voor het verslag of de mail vooraf.")
    if st.button("Pakket maken"):
        try:
            _pack(code, on)
        except (MeetingError, PackError) as exc:
            st.error(str(exc))
    made = st.session_state.get(PACK_KEY)
    if made is not None and made[0] == (code, on.isoformat(), ctx.identity.role):
        pack = made[1]
        # audited like the CLI's pack: one 'export' per file, when it is downloaded
        detail = {
            "overleg": code,
            "publiek": pack.audience,
            "van": pack.period[0].isoformat(),
            "tot": pack.period[1].isoformat(),
            "dia's": len(pack.slides),
        }
        for label, render, suffix, mime in (
            ("PowerPoint (.pptx)", to_pptx, "pptx", PPTX_MIME),
            ("PDF", to_pdf, "pdf", "application/pdf"),
        ):
            st.download_button(
                label,
                lambda render=render: render(pack),
                file_name=f"{pack.stem}.{suffix}",
                mime=mime,
                on_click=ctx.audit,
                args=("export", f"{pack.stem}.{suffix}"),
                kwargs=detail,
            )
