"""Data page: upload exports, read the import report, download quarantined rows."""

import pandas as pd
import streamlit as st

from oovgeo import access
from oovgeo.services import operations as ops
from oovgeo.ui import completeness, frame, loaders, state
from oovgeo.ui.views import gegevens
from oovgeo.vocab import KINDS

ctx = frame(page="data")
st.title("Gegevens importeren")

profiles = ops.profiles(ctx.settings)

with st.form("import"):
    kind = st.radio("Soort", list(KINDS), format_func=KINDS.get, horizontal=True)
    profile = st.selectbox("Kolomprofiel", list(profiles), format_func=lambda p: profiles[p].label)
    upload = st.file_uploader(
        "Export (CSV, Excel .xlsx of Signalen .json/.geojson)",
        type=["csv", "txt", "xlsx", "json", "geojson"],
    )
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
            state.put("import_report", report)
            loaders.clear()  # maps and counts must show the new records now, not after the TTL
        except ops.USER_ERRORS as exc:
            state.clear("import_report")
            st.error(f"Niet geïmporteerd: {exc}")

report = state.get("import_report")
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

completeness.settings_section(ctx)
gegevens.quarantine(ctx)
