"""The sections of the Gegevens page that read the store: the rows waiting in quarantine."""

from __future__ import annotations

import streamlit as st

from oovgeo.store.records import quarantine_frame
from oovgeo.ui.widgets import table_downloads


def quarantine(ctx) -> None:
    """Show the rejected rows in quarantine, to download, correct and import again."""
    st.subheader("Quarantaine")
    with ctx.engine.connect() as conn:
        waiting = quarantine_frame(conn, ctx.identity)
    if waiting.empty:
        st.write("Er staan geen afgewezen rijen in quarantaine.")
        return
    st.write(
        f"{len(waiting)} afgewezen rijen. Download ze, verbeter ze en importeer ze opnieuw "
        "met hetzelfde profiel."
    )
    table_downloads(ctx, waiting, "quarantaine", "quarantaine", label="Afgewezen rijen")
