"""The sections of the Audit page: the hash chain, the newest events and the access review."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from oovgeo.exports import to_xlsx_bytes
from oovgeo.services import auth
from oovgeo.store.audit import recent_events, verify_report
from oovgeo.ui import Context

RECENT_COLUMNS = ["nr", "tijd", "wie", "actie", "object", "resultaat", "herkomst"]


def chain_and_recent(ctx: Context, limit: int = 500) -> None:
    """Say whether the hash chain holds, then show the newest ``limit`` events."""
    with ctx.engine.connect() as conn:
        chain = verify_report(conn)
        recent = pd.DataFrame(recent_events(conn, limit), columns=RECENT_COLUMNS)
    if chain["intact"]:
        st.success(f"Auditlog intact: {chain['rows']} regels, de hashketen klopt.")
    else:
        st.error(
            f"De hashketen breekt bij regel {chain['first_broken_id']}: het auditlog is buiten "
            "oovgeo om gewijzigd."
        )
    st.subheader(f"Laatste {limit} gebeurtenissen")
    st.dataframe(recent, hide_index=True)


def access_review(ctx: Context) -> None:
    """Show who may do what, with an audited Excel download."""
    st.subheader("Toegangsoverzicht")
    review = auth.access_review(ctx.engine)
    st.dataframe(review, hide_index=True)
    st.download_button(
        "Download toegangsoverzicht (Excel)",
        to_xlsx_bytes(review, sheet="toegang"),
        "toegangsoverzicht.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click=ctx.audit,
        args=("export", "toegangsoverzicht.xlsx"),
    )
