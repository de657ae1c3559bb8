"""oovgeo start page: data status and the map of the wijken."""

import streamlit as st

from oovgeo.ui import frame
from oovgeo.ui.views import start

ctx = frame(page="start")
data = start.loaded(ctx)
st.title(f"oovgeo · {data.town}")
start.data_status(ctx, data)
start.wijken_map(ctx, data)
