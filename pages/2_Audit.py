"""Audit page (beheerder): the audit log, its hash chain, and the access review."""

import streamlit as st

from oovgeo import access
from oovgeo.ui import frame
from oovgeo.ui.views import audit

ctx = frame(page="audit")
access.require(ctx.identity, "view_audit")
st.title("Audit en toegang")
audit.chain_and_recent(ctx)
audit.access_review(ctx)
