"""oovgeo start page: data status and the map of the wijken."""

import streamlit as st
from streamlit_folium import st_folium

from oovgeo import access
from oovgeo.maps import BASEMAP_LABELS, area_map
from oovgeo.services import operations as ops
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.records import status
from oovgeo.ui import frame

ctx = frame(page="start")

with st.spinner("Gegevens laden..."):
    # first start with an empty store: the synthetic demo data set (fictitious town)
    ops.ensure_demo(ctx.engine, ctx.settings, actor=ctx.identity.name)

with ctx.engine.connect() as conn:
    edition = active_edition(conn, ctx.settings.get("boundaries.edition"))
    st_data = status(conn)
wijken = load_areas(ctx.engine, edition, level="wijk") if edition else None
gemeente = load_areas(ctx.engine, edition, level="gemeente") if edition else None
town = ", ".join(gemeente["name"]) if gemeente is not None and len(gemeente) else "geen gemeente"

st.title(f"oovgeo · {town}")
if access.may(ctx.identity.role, "view_exact_figures"):
    # Exact totals and who imported what are for the core team, not for protected audiences.
    signals, interventions = st_data["signals"], st_data["interventions"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Signalen", f"{signals['totaal']:,}".replace(",", "."))
    c2.metric("Interventies", f"{interventions['totaal']:,}".replace(",", "."))
    c3.metric("Gebiedsindeling", edition or "geen")
    c4.metric("In quarantaine", st_data["quarantaine"])
    if signals["totaal"]:
        st.caption(
            f"Signalen van {signals['van']} tot en met {signals['tot']}; "
            f"{signals['buiten_indeling']} niet te plaatsen in de huidige indeling."
        )
    last = st_data["laatste_import"]
    if last:
        st.caption(
            f"Laatste import: {last['bestand']} op {last['op'][:16].replace('T', ' ')} "
            f"door {last['door']}."
        )
else:
    st.caption(f"Gebiedsindeling {edition or 'onbekend'}.")

if wijken is None or wijken.empty:
    st.info("Er zijn nog geen gebiedsgrenzen geladen.")
else:
    labels = list(BASEMAP_LABELS)
    default = ctx.settings.get("maps.basemap")
    basemap = st.selectbox(
        "Achtergrondkaart",
        labels,
        index=labels.index(default) if default in labels else 0,
        format_func=BASEMAP_LABELS.get,
    )
    st.subheader(f"Wijken ({len(wijken)})")
    m = area_map(wijken, basemap=basemap, tooltip={"name": "Wijk", "code": "Code"})
    st_folium(
        m,
        key="startkaart",
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
