"""Audit page (beheerder): the audit log, its hash chain, and the access review."""

import pandas as pd
import streamlit as st
from sqlalchemy import select

from oovgeo import access
from oovgeo.exports import to_xlsx_bytes
from oovgeo.services import auth
from oovgeo.store import schema
from oovgeo.store.audit import verify_report
from oovgeo.ui import frame

ctx = frame(page="audit")
access.require(ctx.identity, "view_audit")
st.title("Audit en toegang")

with ctx.engine.connect() as conn:
    chain = verify_report(conn)
    log = schema.audit_log
    recent = pd.DataFrame(
        conn.execute(
            select(
                log.c.id,
                log.c.at,
                log.c.actor,
                log.c.action,
                log.c.object,
                log.c.result,
                log.c.origin,
            )
            .order_by(log.c.id.desc())
            .limit(500)
        ).all(),
        columns=["nr", "tijd", "wie", "actie", "object", "resultaat", "herkomst"],
    )
if chain["intact"]:
    st.success(f"Auditlog intact: {chain['rows']} regels, de hashketen klopt.")
else:
    st.error(
        f"De hashketen breekt bij regel {chain['first_broken_id']}: het auditlog is buiten "
        "oovgeo om gewijzigd."
    )

st.subheader("Laatste 500 gebeurtenissen")
st.dataframe(recent, hide_index=True)

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
