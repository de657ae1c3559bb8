"""The sections of the Kaart page: the controls, the map with its layers, profile and exports."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from oovgeo import access, vocab
from oovgeo.analysis import tables
from oovgeo.analysis.aggregate import MEASURES, Filters
from oovgeo.analysis.classify import SCHEMES
from oovgeo.analysis.completeness import sentence as complete_sentence
from oovgeo.analysis.mapdata import total_text
from oovgeo.analysis.profile import area_profile, protect_profile
from oovgeo.analysis.rates import population_note
from oovgeo.analysis.tables import DEFAULT_BREAKS, parse_breaks
from oovgeo.exports import to_geopackage_bytes
from oovgeo.maps import BASEMAP_LABELS, clicked_area_code
from oovgeo.privacy import Disclosure
from oovgeo.report.static_map import render_png
from oovgeo.services import hotspots as hotspot_service
from oovgeo.ui import Context, completeness, state
from oovgeo.ui.layers import (
    UNITS,
    accuracy_sentences,
    add_context,
    add_heat_layer,
    add_hotspot_layer,
    best_unit,
)
from oovgeo.ui.profile import show_profile
from oovgeo.ui.protection import how_to_read
from oovgeo.ui.widgets import table_downloads


@dataclass(frozen=True)
class Choice:
    """What the user chose above the map."""

    kind: str
    level: str
    measure_label: str
    scheme: str
    k: int
    breaks: list[float] | None
    basemap: str
    heat: bool
    hotspots: bool
    hotspot_unit: str | None


def controls(ctx: Context) -> Choice:
    """Draw the map controls; layers that hint at locations only for exact-figure roles."""
    c1, c2, c3, c4 = st.columns(4)
    kind = c1.radio("Gegevens", list(vocab.KINDS), format_func=vocab.KINDS.get, horizontal=True)
    level = c2.radio("Niveau", list(vocab.LEVELS), format_func=vocab.LEVELS.get, horizontal=True)
    measure_label = c3.selectbox("Maat", list(MEASURES))
    scheme = c4.selectbox("Klassenindeling", list(SCHEMES))
    c5, c6, c7 = st.columns([1, 2, 2])
    k = c5.slider("Klassen", 2, 7, 5)
    breaks = None
    if scheme == "Eigen grenzen":
        text = c6.text_input("Grenzen (oplopend, gescheiden door ;)", "5; 10; 20; 50")
        try:
            breaks = parse_breaks(text)
        except ValueError:
            st.warning("Grenzen moeten getallen zijn, bijvoorbeeld 5; 10; 20.")
            breaks = list(DEFAULT_BREAKS)
    labels = list(BASEMAP_LABELS)
    basemap = c7.selectbox(
        "Achtergrondkaart",
        labels,
        index=labels.index(ctx.settings.get("maps.basemap")),
        format_func=BASEMAP_LABELS.get,
    )
    heat = hotspots = False
    unit = None
    if access.may(ctx.identity.role, "view_exact_figures"):
        # kernels and hotspots hint at locations: not for protected audiences
        c8, c9 = st.columns(2)
        heat = c8.toggle("Warmtekaart (kernel density)")
        hotspots = c9.toggle("Hotspots (Getis-Ord Gi*)")
        units = list(UNITS)
        unit = c9.radio(
            "Hotspots over",
            units,
            index=units.index(best_unit(ctx)),
            format_func=UNITS.get,
            horizontal=True,
            disabled=not hotspots,
        )
    return Choice(kind, level, measure_label, scheme, k, breaks, basemap, heat, hotspots, unit)


def show_map(m, ctx: Context, choice: Choice, filters: Filters, areas, edition: int) -> None:
    """Add the chosen layers and the context layers, draw the map, remember the clicked area.

    Hotspots and their accuracy count up to the completeness date of the chosen sources
    (``services.hotspots.counted``), as ``oovgeo hotspots`` does.
    """
    url = ctx.settings.database_url
    if choice.heat:
        add_heat_layer(
            m,
            url,
            filters,
            areas,
            ctx.settings.get("maps.heat_cell_m"),
            ctx.settings.get("maps.heat_bandwidth_m"),
        )
    shown = (["heat"] if choice.heat else []) + (
        [str(choice.hotspot_unit)] if choice.hotspots else []
    )
    sentences = []
    if shown:
        until = completeness.until(ctx, filters.kind, filters.sources)
        cut = hotspot_service.counted(filters, until)
        if cut.start > cut.end:
            # as the sidebar does: the last 4 weeks with complete data, said on screen
            start, end = hotspot_service.default_period(until)
            cut = Filters(start, end, filters.kind, filters.themes, filters.sources)
            st.caption(
                f"De gekozen periode begint na {until:%d-%m-%Y}, de laatste dag met volledige"
                " gegevens; hotspots en voorspelkracht gelden voor de 4 weken daarvoor."
            )
        if choice.hotspots:
            st.caption(add_hotspot_layer(m, url, edition, cut, choice.hotspot_unit))
        sentences = accuracy_sentences(
            url,
            edition,
            cut,
            shown,
            ctx.settings.get("maps.heat_cell_m"),
            ctx.settings.get("maps.heat_bandwidth_m"),
            until,
        )
    add_context(m, ctx, "kaart")  # polygons for everyone, points only for the core team
    returned = st_folium(
        m,
        key="kaart",
        height=560,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    for sentence in sentences:
        st.caption(sentence)
    clicked = clicked_area_code(returned)
    if clicked:
        state.put("kaart_selected", clicked)


def profile(ctx: Context, all_areas, filters: Filters, disclosure: Disclosure, period: str) -> None:
    """Show the profile of the selected area, or how to select one."""
    selected = state.get("kaart_selected")
    if not (selected and selected in set(all_areas["code"])):
        st.info("Klik op een gebied op de kaart voor het profiel.")
        return
    with ctx.engine.connect() as conn:
        found = area_profile(
            conn,
            all_areas,
            selected,
            filters,
            ctx.settings.labels("themes"),
            ctx.settings.labels("outcomes"),
        )
    show_profile(found.name, found.level, protect_profile(found, disclosure), period)


def exports(
    ctx: Context,
    shown: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    stem: str,
    png: tuple,
    caption: tuple[str, str],
) -> None:
    """Offer the table, the areas (GeoPackage) and the map (PNG) for download, audited."""
    st.subheader("Exporteren")
    e1, e2, e3, e4 = st.columns(4)
    table_downloads(ctx, shown, stem, "kaart", columns=(e1, e2))
    gpkg = areas[["code", "name", "geometry"]].merge(shown, on="code")
    e3.download_button(
        "Gebieden (GeoPackage)",
        lambda: to_geopackage_bytes(gpkg, layer="oovgeo"),
        f"{stem}.gpkg",
        on_click=ctx.audit,
        args=("export", f"{stem}.gpkg"),
    )
    index, classes = png
    e4.download_button(
        "Kaart (PNG)",
        lambda: render_png(
            areas.set_index("code", drop=False),
            index,
            classes,
            title=caption[0],
            subtitle=caption[1],
        ),
        f"{stem}.png",
        "image/png",
        on_click=ctx.audit,
        args=("export", f"{stem}.png"),
    )


def caption(
    ctx: Context,
    filters: Filters,
    table: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    measure: str,
    disclosure: Disclosure,
    until,
    unplaced: int,
) -> tuple[str, str]:
    """Show the caption under the title (period, completeness, total); return period and it."""
    previous = filters.previous()
    kind = vocab.KINDS[filters.kind]
    period = tables.period_text(kind, filters.start, filters.end, (previous.start, previous.end))
    text = f"{period}; {complete_sentence(until)}; totaal {total_text(table, disclosure)}"
    if measure == "per_1000" and population_note(areas):
        text += f"; {population_note(areas)}"
    level = str(areas["level"].iloc[0]) if len(areas) else ""
    if unplaced and not ctx.identity.protected:
        st.caption(f"{text}; {unplaced} zonder {level} (alleen op hoger niveau bekend)")
    else:
        st.caption(text)
    how_to_read(disclosure)  # P3: what a protected figure means
    return period, text
