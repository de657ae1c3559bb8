"""The sections of the Presentatie page: the slides while presenting, and the meeting pack."""

from __future__ import annotations

import re
from datetime import date

import streamlit as st

from oovgeo.meetings import MeetingError
from oovgeo.report.pack import Pack, PackError, build_pack
from oovgeo.report.pack.pdf import to_pdf
from oovgeo.report.pack.pptx import to_pptx
from oovgeo.ui import end_presentation, state

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
AUDIENCE_TEXT = {
    "beschermd": "beschermd: alleen cijfers per wijk, aantallen onder de drempel als <k, "
    "geen adressen of punten",
    "intern": "intern team: ook de plaatsen van afspraken, nog steeds zonder punten en "
    "zonder kleine aantallen",
}


def _plain(text: str) -> str:
    """Return text shown through st.markdown without its markdown or HTML meaning."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


def _key(ctx, meeting: str, on: date) -> tuple:
    return (meeting, on.isoformat(), ctx.identity.role)


def pack_of(ctx, meeting: str, on: date) -> Pack:
    """Return the pack of this session for (meeting, date): built once, then reused."""
    cached = state.get("pack")
    if cached is None or cached[0] != _key(ctx, meeting, on):
        with st.spinner("Het overlegpakket wordt gemaakt…"):
            pack = build_pack(ctx.engine, ctx.settings, meeting, on, identity=ctx.identity)
        state.put("pack", (_key(ctx, meeting, on), pack))
    return state.get("pack")[1]


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


def presentation(ctx, shown: dict) -> None:
    """Show the current slide with its buttons; leaving ends the session. Stops the page."""
    on = date.fromisoformat(shown["date"])
    try:
        pack = pack_of(ctx, shown["meeting"], on)
    except (MeetingError, PackError) as exc:
        st.error(str(exc))
        pack = None
    if pack is not None:
        index = min(state.get("slide"), len(pack.slides) - 1)
        _show(pack.slides[index], index + 1, len(pack.slides))
        back, forward, _, leave = st.columns([1, 1, 2, 3])
        if back.button("◀ Vorige", disabled=index == 0, width="stretch"):
            state.put("slide", index - 1)
            st.rerun()
        if forward.button("Volgende ▶", disabled=index >= len(pack.slides) - 1, width="stretch"):
            state.put("slide", index + 1)
            st.rerun()
    else:
        leave = st.container()
    if leave.button("Presentatie beëindigen (opnieuw inloggen)", width="stretch"):
        ctx.audit("presentation_end", shown["meeting"], datum=shown["date"])
        state.clear("slide")
        state.clear("pack")
        end_presentation(ctx.settings, ctx.identity)
        st.rerun()
    st.stop()


def downloads(ctx, code: str, on: date) -> None:
    """Offer to make the pack, then its PPTX and PDF downloads (audited per download)."""
    if st.button("Pakket maken"):
        try:
            pack_of(ctx, code, on)
        except (MeetingError, PackError) as exc:
            st.error(str(exc))
    made = state.get("pack")
    if made is None or made[0] != _key(ctx, code, on):
        return
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
