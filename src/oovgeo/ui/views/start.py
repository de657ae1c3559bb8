"""The sections of the start page: what is loaded, for whom, and the map of the wijken."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from oovgeo import access, dutch
from oovgeo.maps import BASEMAP_LABELS, area_map
from oovgeo.services import operations as ops
from oovgeo.store.areas_repo import active_edition
from oovgeo.store.records import status
from oovgeo.ui import loaders


@dataclass(frozen=True)
class Loaded:
    """What the store holds: the active edition, the record status and the areas to draw."""

    edition: int | None
    status: dict[str, Any]
    wijken: gpd.GeoDataFrame | None
    town: str


def loaded(ctx) -> Loaded:
    """Read the store, building the demo data set on the first start with an empty store."""
    with st.spinner("Gegevens laden..."):
        ops.ensure_demo(ctx.engine, ctx.settings, actor=ctx.identity.name)
    with ctx.engine.connect() as conn:
        edition = active_edition(conn, ctx.settings.get("boundaries.edition"))
        now = status(conn)
    if not edition:
        return Loaded(edition, now, None, "geen gemeente")
    every = loaders.areas(ctx.settings.database_url, edition)  # cached: reruns skip the store
    wijken = every[every["level"] == "wijk"].reset_index(drop=True)
    town = ", ".join(every.loc[every["level"] == "gemeente", "name"]) or "geen gemeente"
    return Loaded(edition, now, wijken, town)


def data_status(ctx, data: Loaded) -> None:
    """Exact totals and who imported what, for the core team; the edition for everyone else."""
    if not access.may(ctx.identity.role, "view_exact_figures"):
        st.caption(f"Gebiedsindeling {data.edition or 'onbekend'}.")
        return
    signals, interventions = data.status["signals"], data.status["interventions"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Signalen", dutch.integer(signals["totaal"]))
    c2.metric("Interventies", dutch.integer(interventions["totaal"]))
    c3.metric("Gebiedsindeling", data.edition or "geen")
    c4.metric("In quarantaine", data.status["quarantaine"])
    if signals["totaal"]:
        st.caption(
            f"Signalen van {signals['van']} tot en met {signals['tot']}; "
            f"{signals['buiten_indeling']} niet te plaatsen in de huidige indeling."
        )
    last = data.status["laatste_import"]
    if last:
        st.caption(
            f"Laatste import: {last['bestand']} op {last['op'][:16].replace('T', ' ')} "
            f"door {last['door']}."
        )


def wijken_map(ctx, data: Loaded) -> None:
    """Draw the map of the wijken on the chosen basemap."""
    if data.wijken is None or data.wijken.empty:
        st.info("Er zijn nog geen gebiedsgrenzen geladen.")
        return
    labels = list(BASEMAP_LABELS)
    default = ctx.settings.get("maps.basemap")
    basemap = st.selectbox(
        "Achtergrondkaart",
        labels,
        index=labels.index(default) if default in labels else 0,
        format_func=BASEMAP_LABELS.get,
    )
    st.subheader(f"Wijken ({len(data.wijken)})")
    m = area_map(data.wijken, basemap=basemap, tooltip={"name": "Wijk", "code": "Code"})
    st_folium(
        m,
        key="startkaart",
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
