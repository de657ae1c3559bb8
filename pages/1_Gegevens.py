"""Data page: upload exports, read the import report, download quarantined rows."""

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
    export_day = st.date_input(
        "Datum van de export (leeg: uit de bestandsnaam, anders vandaag)",
        value=None,
        format="DD-MM-YYYY",
        help="Een record wordt alleen bijgewerkt door een export die minstens zo nieuw is.",
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
                    export_day=export_day,
                )
            state.put("import_report", report)
            loaders.clear()  # maps and counts must show the new records now, not after the TTL
        except ops.USER_ERRORS as exc:
            state.clear("import_report")
            st.error(f"Niet geïmporteerd: {exc}")

report = state.get("import_report")
if report is not None:
    gegevens.import_report(report)

completeness.settings_section(ctx)
gegevens.label_mappings(ctx)
gegevens.quarantine(ctx)
