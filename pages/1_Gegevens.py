"""Data page: upload exports, read the import report, download quarantined rows."""

import pandas as pd
import streamlit as st

from oovgeo import access
from oovgeo.services import operations as ops
from oovgeo.store.records import quarantine_frame
from oovgeo.ui import frame, loaders
from oovgeo.ui.widgets import table_downloads

ctx = frame(page="data")
st.title("Gegevens importeren")

KINDS = {"signals": "Signalen", "interventions": "Interventies"}
profiles = ops.profiles(ctx.settings)

with st.form("import"):
    kind = st.radio("Soort", list(KINDS), format_func=KINDS.get, horizontal=True)
    profile = st.selectbox("Kolomprofiel", list(profiles), format_func=lambda p: profiles[p].label)
    upload = st.file_uploader("Export (CSV of Excel .xlsx)", type=["csv", "txt", "xlsx"])
    submitted = st.form_submit_button("Importeren")

if submitted:
    if upload is None:
        st.warning("Kies eerst een bestand.")
    else:
        try:
            with st.spinner("Bezig met importeren..."):
                access.require(ctx.identity, "import")
                report = ops.run_import(
                    ctx.engine,
                    ctx.settings,
                    kind=kind,
                    data=upload.getvalue(),
                    filename=upload.name,
                    profile_name=profile,
                    actor=ctx.identity.name,
                    origin="app",
                )
            st.session_state["import_report"] = report
            loaders.clear()  # maps and counts must show the new records now, not after the TTL
        except ops.USER_ERRORS as exc:
            st.session_state.pop("import_report", None)
            st.error(f"Niet geïmporteerd: {exc}")

report = st.session_state.get("import_report")
if report is not None:
    st.subheader("Importverslag")
    lines = report.summary()
    (st.info if report.status == "al_geimporteerd" else st.success)(lines[0])
    for line in lines[1:]:
        st.text(line.strip())
    if report.rejections:
        st.dataframe(
            pd.DataFrame(
                [
                    {"rij": r.row, "veld": r.field, "regel": r.message, "waarde": r.value}
                    for r in report.rejections
                ]
            ),
            hide_index=True,
        )

st.subheader("Quarantaine")
with ctx.engine.connect() as conn:
    waiting = quarantine_frame(conn, ctx.identity)
if waiting.empty:
    st.write("Er staan geen afgewezen rijen in quarantaine.")
else:
    st.write(
        f"{len(waiting)} afgewezen rijen. Download ze, verbeter ze en importeer ze opnieuw "
        "met hetzelfde profiel."
    )
    table_downloads(ctx, waiting, "quarantaine", "quarantaine", label="Afgewezen rijen")
