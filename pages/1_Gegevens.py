"""Data page: upload exports, read the import report, download quarantined rows."""

import pandas as pd
import streamlit as st

from oovgeo import auth
from oovgeo import operations as ops
from oovgeo.exports import to_csv_bytes, to_xlsx_bytes
from oovgeo.store.records import quarantine_frame
from oovgeo.ui import frame

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
                auth.require(ctx.identity, "import")
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
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download CSV",
        to_csv_bytes(waiting),
        "quarantaine.csv",
        "text/csv",
        on_click=ctx.audit,
        args=("export", "quarantaine.csv"),
        kwargs={"rijen": len(waiting)},
    )
    c2.download_button(
        "Download Excel",
        to_xlsx_bytes(waiting),
        "quarantaine.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click=ctx.audit,
        args=("export", "quarantaine.xlsx"),
        kwargs={"rijen": len(waiting)},
    )
