"""The sections of the Interventies page: register, the add-or-change form, effect and map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from oovgeo import shortlist
from oovgeo.analysis import completeness, effect_table
from oovgeo.analysis.effect import CAVEATS
from oovgeo.analysis.effect import classes as effect_classes
from oovgeo.maps import add_html, base_map, escape, items_legend_html, to_web_points
from oovgeo.report import register_table as rt
from oovgeo.services import register
from oovgeo.services.effect import EffectError, measure_effect
from oovgeo.services.operations import USER_ERRORS
from oovgeo.services.register import stored_text
from oovgeo.store import shortlist_repo
from oovgeo.store.records import intervention_points
from oovgeo.ui import loaders, origin, state
from oovgeo.ui.layers import add_context
from oovgeo.ui.widgets import table_downloads

NEW = "__nieuw__"


@dataclass(frozen=True)
class Data:
    """What the page reads once: interventions (all and filtered), shortlist items, the choice."""

    held_all: pd.DataFrame
    held: pd.DataFrame
    items: pd.DataFrame
    names: dict[int, str]
    start: date
    end: date
    themes: tuple[str, ...]
    outcomes: tuple[str, ...]


def read(ctx, start: date, end: date, themes: list[str], outcomes: list[str]) -> Data:
    """Read the interventions (audited) and the shortlist items; show the flash message."""
    with ctx.engine.connect() as conn:
        held_all = intervention_points(conn, ctx.identity, start, end)
    ctx.audit("view_points", "interventieregister", interventies=len(held_all))
    items = shortlist_repo.list_items(ctx.engine, include_closed=True)
    if flash := state.clear("interventies_flash"):
        st.success(flash)
    held = rt.filter_held(held_all, themes, outcomes)
    return Data(
        held_all, held, items, rt.item_names(items), start, end, tuple(themes), tuple(outcomes)
    )


def register_section(ctx, data: Data, start: date, end: date) -> None:
    """Show the register with its downloads and the outcomes per theme."""
    st.subheader(f"Register ({len(data.held)} interventies)")
    table = rt.register_table(
        data.held,
        themes=ctx.settings.labels("themes"),
        outcomes=ctx.settings.labels("outcomes"),
        partners=ctx.settings.labels("partners"),
        names=data.names,
    )
    st.dataframe(table, hide_index=True, width="stretch")
    table_downloads(ctx, table, f"oovgeo_interventies_{start:%Y%m%d}_{end:%Y%m%d}", "register")
    st.subheader("Uitkomsten per thema")
    if not table.empty:
        st.dataframe(rt.outcomes_per_theme(table), width="stretch")


def edit_section(ctx, data: Data, today: date) -> None:
    """Show the form to add an intervention or change one entered here, and save it."""
    themes = ctx.settings.labels("themes")
    outcomes = ctx.settings.labels("outcomes")
    partners = ctx.settings.labels("partners")
    st.subheader("Interventie toevoegen of wijzigen")
    editable = rt.editable(data.held_all, register.FORM_SYSTEM)
    choice = st.selectbox(
        "Interventie",
        [NEW, *editable["source_id"]],
        format_func=lambda sid: "Nieuwe interventie" if sid == NEW else sid,
        help="Interventies uit de export van een ander systeem wijzigt u in dat systeem; de "
        "volgende import neemt de wijziging over.",
    )
    record = None if choice == NEW else editable[editable["source_id"] == choice].iloc[0]
    seen = state.setdefault("interventies_seen")  # source_id -> version the form opened at
    if record is not None:
        seen.setdefault(choice, int(record["version"]))
    buurten = loaders.areas(ctx.settings.database_url, loaders.edition(ctx.settings))
    buurten = buurten[buurten["level"] == "buurt"].sort_values("code")
    buurt_names = dict(zip(buurten["code"], buurten["name"], strict=True))
    linked_now = rt.linked_item(record)
    item_choices = rt.item_choices(data.items, shortlist.FINAL_STATUSES, linked_now)

    # keyed by the version too: a form reopened at a newer version shows the stored values
    with st.form(f"interventie_{choice}_{seen.get(choice)}", clear_on_submit=False):
        f1, f2, f3 = st.columns(3)
        number = f1.text_input(
            "Interventienummer",
            register.next_id(ctx.engine, today) if record is None else choice,
            disabled=record is not None,
        )
        when = f2.date_input(
            "Datum",
            today if record is None else record["datum"],
            max_value=today,
            format="DD-MM-YYYY",
        )
        theme = f3.selectbox(
            "Thema",
            list(themes),
            index=0 if record is None else list(themes).index(record["thema"]),
            format_func=themes.get,
        )
        g1, g2 = st.columns(2)
        with_partners = g1.multiselect(
            "Partners",
            list(partners),
            default=[] if record is None else rt.partner_codes(record["partners"]),
            format_func=partners.get,
        )
        outcome_codes = ["", *outcomes]
        outcome = g2.selectbox(
            "Uitkomst",
            outcome_codes,
            index=0 if record is None else outcome_codes.index(stored_text(record["uitkomst"])),
            format_func=lambda u: outcomes.get(u, "nog onbekend"),
        )
        measure = st.text_input(
            "Maatregel",
            "" if record is None else stored_text(record["maatregel"]),
            max_chars=100,
        )
        h1, h2 = st.columns(2)
        linked = h1.selectbox(
            "Komt voort uit shortlist-item",
            item_choices,
            index=item_choices.index(linked_now),
            format_func=lambda i: "(geen)" if i is None else data.names.get(i, f"#{i}"),
            help="Een nieuwe interventie krijgt de locatie van het shortlist-item.",
        )
        buurt = h2.selectbox(
            "Buurt (als er geen locatie is)" if record is None else "Locatie",
            [None, *buurt_names],
            format_func=lambda c: (
                ("kies een buurt" if record is None else "ongewijzigd")
                if c is None
                else f"{buurt_names[c]} ({c})"
            ),
        )
        saved = st.form_submit_button("Opslaan")

    if saved:
        items = data.items
        item = items[items["id"] == linked].iloc[0] if linked is not None else None
        try:
            entry = register.Entry(
                interventie_id=number,
                datum=when,
                thema=theme,
                partners=tuple(with_partners),
                uitkomst=outcome,
                maatregel=measure,
                shortlist_id=linked,
                **register.location(buurt, record, item),
            )
            report = register.save(
                ctx.engine,
                ctx.settings,
                entry,
                expected_version=None if record is None else seen.get(choice),
                actor=ctx.identity.name,
                origin=origin(),
            )
        except register.ChangedMeanwhile as exc:
            state.put("interventies_conflict", (choice, str(exc)))  # shown until reopened
        except USER_ERRORS as exc:
            st.error(str(exc))
        else:
            if report.rejected:
                reasons = "; ".join(f"{r.field}: {r.message}" for r in report.rejections)
                st.error(f"Niet opgeslagen: {reasons}")
            else:
                seen.pop(number, None)  # the next form opens at the new version
                loaders.clear()
                state.put(
                    "interventies_flash",
                    rt.save_message(number, report.inserted, report.updated),
                )
                st.rerun()

    conflict = state.get("interventies_conflict")
    if conflict is not None and conflict[0] == choice:
        st.error(conflict[1])
        if st.button("Nieuwste versie openen"):
            seen.pop(choice, None)  # the form opens again at the stored version, with its values
            state.clear("interventies_conflict")
            st.rerun()


def effect_section(ctx, data: Data, radius: int, months: int, today: date) -> pd.DataFrame:
    """Show the matched headline, the pooled tables and the method; stop without data.

    The figures come from ``services.effect.measure_effect``, as ``oovgeo effect`` prints them.
    """
    areas = loaders.areas(ctx.settings.database_url, loaders.edition(ctx.settings))
    try:
        result = measure_effect(
            ctx.engine,
            ctx.settings,
            data.start,
            data.end,
            radius,
            months,
            data.themes,
            data.outcomes,
            today,
            identity=ctx.identity,
            held=data.held_all,
            buurten=areas,
        )
    except EffectError as exc:
        st.info(str(exc))
        st.stop()
    tables = result.tables
    st.markdown(f"**{effect_table.headline_text(tables.headline)}**")
    st.dataframe(tables.summary, hide_index=True)
    st.markdown("**Per thema** (p gecorrigeerd voor het aantal thema's)")
    st.dataframe(tables.by_theme, hide_index=True, width="stretch")
    st.markdown("**Per uitkomst** (p gecorrigeerd voor het aantal uitkomsten)")
    st.dataframe(tables.by_outcome, hide_index=True, width="stretch")
    st.caption(
        " ".join(
            part
            for part in (
                effect_table.method_text(radius, months),
                f"Signalen geteld tot en met {result.until:%d-%m-%Y} "
                f"({completeness.sentence(result.until)}).",
                result.incomplete_text,
            )
            if part
        )
    )
    return tables.effects


def effect_map(ctx, effects: pd.DataFrame) -> None:
    """Draw the interventions coloured by their effect class, with legend and caption."""
    st.markdown("**Kaart: effect per interventie**")
    located = effect_classes.for_map(effects)
    if located.empty:
        st.info("Geen interventies met een locatie en volledige periodes.")
        return
    m = base_map(
        (located["x"].min(), located["y"].min(), located["x"].max(), located["y"].max()),
        ctx.settings.get("maps.basemap"),
    )
    folium.GeoJson(
        to_web_points(
            located, ["datum_tekst", "thema", "effect_tekst", "kleur"], located["n_before"]
        ),
        name="interventies",
        marker=folium.CircleMarker(radius=6, weight=1, color="#333333", fill=True),
        style_function=lambda f: {
            "fillColor": f["properties"]["kleur"],
            "fillOpacity": 0.85,
            "radius": 6,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["datum_tekst", "thema", "effect_tekst"],
            aliases=[escape("Datum"), escape("Thema"), escape("Effect")],
        ),
    ).add_to(m)
    add_html(
        m,
        items_legend_html(
            [(colour, label) for _, label, colour in effect_classes.CLASSES],
            "Signalen na de interventie",
        ),
    )
    add_context(m, ctx, "interventies")
    st_folium(m, key="effectkaart", height=460, use_container_width=True, returned_objects=[])
    st.caption(effect_table.map_caption(located))


def caveats() -> None:
    """List the caveats of the effect measurement."""
    st.markdown("**Kanttekeningen**")
    for caveat in CAVEATS:
        st.markdown(f"- {caveat}")
