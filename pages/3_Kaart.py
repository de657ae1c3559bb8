"""Kaart: wijk/buurt heatmap of signals or interventions, heat layer, hotspots, area profile."""

import streamlit as st
from streamlit_folium import st_folium

from oovgeo import access
from oovgeo.analysis.aggregate import MEASURES, Filters, area_table
from oovgeo.analysis.classify import SCHEMES, classify
from oovgeo.analysis.mapdata import measure_view, total_text
from oovgeo.analysis.profile import area_profile, protect_profile
from oovgeo.exports import to_geopackage_bytes
from oovgeo.maps import BASEMAP_LABELS, choropleth, clicked_area_code
from oovgeo.privacy import Disclosure
from oovgeo.report.static_map import render_png
from oovgeo.ui import frame, loaders
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.layers import UNITS, add_heat_layer, add_hotspot_layer
from oovgeo.ui.profile import show_profile
from oovgeo.ui.widgets import table_downloads
from oovgeo.vocab import KINDS, LEVELS

SELECTED_KEY = "oovgeo_kaart_selected"

ctx = frame(page="kaart")
filters = sidebar_filters(ctx.settings, protected=ctx.identity.protected)
disclosure = Disclosure.for_identity(ctx.identity, ctx.settings)
url = ctx.settings.database_url
edition = loaders.edition(ctx.settings)
if edition is None:
    st.info("Er zijn nog geen gebiedsgrenzen geladen.")
    st.stop()

st.title("Kaart")
c1, c2, c3, c4 = st.columns(4)
kind = c1.radio("Gegevens", list(KINDS), format_func=KINDS.get, horizontal=True)
level = c2.radio("Niveau", list(LEVELS), format_func=LEVELS.get, horizontal=True)
measure_label = c3.selectbox("Maat", list(MEASURES))
scheme = c4.selectbox("Klassenindeling", list(SCHEMES))
c5, c6, c7 = st.columns([1, 2, 2])
k = c5.slider("Klassen", 2, 7, 5)
breaks = None
if scheme == "Eigen grenzen":
    text = c6.text_input("Grenzen (oplopend, gescheiden door ;)", "5; 10; 20; 50")
    try:
        breaks = sorted({float(b.replace(",", ".")) for b in text.split(";") if b.strip()})
    except ValueError:
        st.warning("Grenzen moeten getallen zijn, bijvoorbeeld 5; 10; 20.")
        breaks = [5.0, 10.0, 20.0, 50.0]
labels = list(BASEMAP_LABELS)
basemap = c7.selectbox(
    "Achtergrondkaart",
    labels,
    index=labels.index(ctx.settings.get("maps.basemap")),
    format_func=BASEMAP_LABELS.get,
)
detail_layers = access.may(ctx.identity.role, "view_exact_figures")
show_heat = show_hotspots = False
if detail_layers:  # kernels and hotspots hint at locations: not for protected audiences
    c8, c9 = st.columns(2)
    show_heat = c8.toggle("Warmtekaart (kernel density)")
    show_hotspots = c9.toggle("Hotspots (Getis-Ord Gi*)")
    hotspot_unit = c9.radio(
        "Hotspots over",
        list(UNITS),
        format_func=UNITS.get,
        horizontal=True,
        disabled=not show_hotspots,
    )

filters = Filters(
    filters.start, filters.end, kind, filters.themes, filters.sources if kind == "signals" else ()
)
counts, unplaced = loaders.area_counts(
    url, level, filters.start, filters.end, kind, filters.themes, filters.sources
)
all_areas = loaders.areas(url, edition)
areas = all_areas[all_areas["level"] == level].reset_index(drop=True)
table = area_table(areas, counts)
measure = MEASURES[measure_label]
view = measure_view(table, measure, disclosure)
index, classes = classify(
    view.set_index("code")["value"], scheme, k, breaks=breaks, diverging=measure == "change"
)

period_text = (
    f"{KINDS[kind]} van {filters.start:%d-%m-%Y} tot en met {filters.end:%d-%m-%Y}"
    f" (vorige periode: {filters.previous().start:%d-%m-%Y} – "
    f"{filters.previous().end:%d-%m-%Y}); totaal {total_text(table, disclosure)}"
)
st.caption(
    period_text
    + (
        f"; {unplaced} zonder {level} (alleen op hoger niveau bekend)"
        if unplaced and not ctx.identity.protected
        else ""
    )
)

m = choropleth(
    areas,
    view.set_index("code"),
    value_column="weergave",
    classes_index=index,
    classes=classes,
    tooltip={"name": level.capitalize(), "weergave": measure_label},
    basemap=basemap,
    legend_title=measure_label,
    shapes=loaders.shapes(url, edition, level),
)
if show_heat:
    add_heat_layer(
        m,
        url,
        filters,
        areas,
        ctx.settings.get("maps.heat_cell_m"),
        ctx.settings.get("maps.heat_bandwidth_m"),
    )
if show_hotspots:
    st.caption(add_hotspot_layer(m, url, edition, filters, hotspot_unit))
returned = st_folium(
    m, key="kaart", height=560, use_container_width=True, returned_objects=["last_active_drawing"]
)
clicked = clicked_area_code(returned)
if clicked:
    st.session_state[SELECTED_KEY] = clicked

selected = st.session_state.get(SELECTED_KEY)
if selected and selected in set(all_areas["code"]):
    with ctx.engine.connect() as conn:
        profile = area_profile(
            conn,
            all_areas,
            selected,
            filters,
            ctx.settings.labels("themes"),
            ctx.settings.labels("outcomes"),
        )
    show_profile(
        profile.name, profile.level, protect_profile(profile, disclosure), period_text.split(";")[0]
    )
else:
    st.info("Klik op een gebied op de kaart voor het profiel.")

st.subheader("Tabel")
shown = view.rename(columns={"name": "gebied", "weergave": measure_label})
shown = shown[["code", "gebied", measure_label, "toelichting"]]
st.dataframe(shown, hide_index=True, width="stretch")

st.subheader("Exporteren")
e1, e2, e3, e4 = st.columns(4)
stem = f"oovgeo_{kind}_{level}_{filters.start:%Y%m%d}_{filters.end:%Y%m%d}"
table_downloads(ctx, shown, stem, "kaart", columns=(e1, e2))
gpkg = areas[["code", "name", "geometry"]].merge(shown, on="code")
e3.download_button(
    "Gebieden (GeoPackage)",
    lambda: to_geopackage_bytes(gpkg, layer="oovgeo"),
    f"{stem}.gpkg",
    on_click=ctx.audit,
    args=("export", f"{stem}.gpkg"),
)
e4.download_button(
    "Kaart (PNG)",
    lambda: render_png(
        areas.set_index("code", drop=False),
        index,
        classes,
        title=f"{measure_label} per {level}",
        subtitle=period_text,
    ),
    f"{stem}.png",
    "image/png",
    on_click=ctx.audit,
    args=("export", f"{stem}.png"),
)
