"""The "Nieuw sinds" sections: what came in since the last meeting, per partner (issue 14).

``core`` (Doelen page, roles that may see point data): per partner the new signals with their
addresses, the counts per partner and theme, and the Doorstuurlijst (XLSX, audited).
``protected`` (Presentatie page, every role): the counts per partner and theme since the
previous meeting, always as protected figures: a partner-meeting screen (P3, A4).
Both read ``services.new_since.new_since``, as ``oovgeo nieuw`` does.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from oovgeo import dutch
from oovgeo.access import require
from oovgeo.analysis.new_since import shown_counts, shown_total
from oovgeo.meetings import MeetingType, default_period, meeting_types, previous_meeting
from oovgeo.privacy import Disclosure
from oovgeo.services.new_since import (
    NewSince,
    NewSinceError,
    audit_detail,
    file_stem,
    new_since,
    workbook,
)
from oovgeo.ui.protection import how_to_read

DEFAULT_MEETING = "opvolging"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _since(settings) -> tuple[str | None, date]:
    """Draw the meeting type and date D; D starts at that type's last meeting before today."""
    today = date.today()
    types = meeting_types(settings)
    left, right = st.columns(2)
    code = None
    default = today - timedelta(days=14)  # no meeting types configured: two weeks
    if types:
        codes = list(types)
        code = left.selectbox(
            "Overleg voor de begindatum",  # not "Overleg": the shortlist form has that label
            codes,
            index=codes.index(DEFAULT_MEETING) if DEFAULT_MEETING in codes else 0,
            format_func=lambda c: types[c].label,
            help="De begindatum is het laatste overleg van dit type voor vandaag.",
        )
        default = previous_meeting(types[code], today)
    # no key: the date follows the meeting type until the user picks one (the id holds it)
    since = right.date_input(
        "Nieuw sinds (meldingsdatum op of na)", default, max_value=today, format="DD-MM-YYYY"
    )
    return code, since


def _totals_line(result: NewSince) -> str:
    parts = ", ".join(
        f"{g.label} {shown_total(result.counts, g.code, result.disclosure)}" for g in result.groups
    )
    return f"Per partner: {parts}. Een signaal gaat naar elke partner die zijn thema ontvangt."


def _screen(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the list as the screen shows it: dates written the Dutch way."""
    return rows.assign(Datum=[dutch.day(d) for d in rows["Datum"]])


def core(ctx) -> None:
    """Show the new signals per partner with the audited Doorstuurlijst (core team only)."""
    with st.expander("Nieuw sinds het vorige overleg: doorsturen naar partners"):
        meeting, since = _since(ctx.settings)
        # the list holds addresses: check the right before reading (the store checks again)
        require(ctx.identity, "view_points")
        try:
            result = new_since(
                ctx.engine,
                ctx.settings,
                ctx.identity,
                since=since,
                disclosure=Disclosure.exact(ctx.settings),
            )
        except NewSinceError as exc:
            st.error(str(exc))
            return
        ctx.audit("view_points", "nieuw_sinds", **audit_detail(result))  # every view (A6)
        st.caption(result.rule)
        st.markdown(
            f"**{dutch.integer(result.signal_count())} nieuwe signalen.** {_totals_line(result)}"
        )
        totals = result.totals()
        tabs = st.tabs(
            ["Overzicht"] + [f"{g.label} ({dutch.integer(totals[g.code])})" for g in result.groups]
        )
        tabs[0].dataframe(shown_counts(result.counts, result.disclosure), hide_index=True)
        for tab, group in zip(tabs[1:], result.groups, strict=True):
            rows = result.partner_list(group)
            if rows.empty:
                tab.info("Geen nieuwe signalen voor deze partner.")
            else:
                tab.dataframe(_screen(rows), hide_index=True, width="stretch")
        name = f"{file_stem(result)}.xlsx"
        st.download_button(
            "Doorstuurlijst (Excel)",
            lambda: workbook(result),
            name,
            XLSX_MIME,
            on_click=ctx.audit,
            args=("export", "nieuw_sinds"),
            kwargs=audit_detail(result, overleg=meeting, bestand=name),
        )


def protected(ctx, meeting: MeetingType, on: date) -> None:
    """Show the protected counts per partner and theme since the meeting before ``on``."""
    st.subheader("Nieuw sinds het vorige overleg, per partner")
    since, until = default_period(meeting, on)  # the pack's period: packs never overlap
    disclosure = Disclosure.from_settings(ctx.settings, protected=True)  # P3: meeting screen
    result = new_since(
        ctx.engine, ctx.settings, ctx.identity, since=since, until=until, disclosure=disclosure
    )
    st.caption(result.rule)
    st.dataframe(shown_counts(result.counts, disclosure), hide_index=True)
    st.caption(_totals_line(result))
    how_to_read(disclosure)
