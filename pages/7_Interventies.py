"""Interventies: the register (filter, add, change, link to the shortlist), outcomes per theme
and the effect on nearby signals, with a map of interventions coloured by that effect."""

from datetime import date, timedelta

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from oovgeo import shortlist
from oovgeo.analysis.effect import CAVEATS, control_places, effect_per_intervention, pooled_effect
from oovgeo.analysis.effect import classes as effect_classes
from oovgeo.maps import add_html, base_map, escape, items_legend_html, to_web_points
from oovgeo.services import register
from oovgeo.services.operations import USER_ERRORS
from oovgeo.services.register import stored_text
from oovgeo.store import shortlist_repo
from oovgeo.store.records import intervention_points, signal_points
from oovgeo.ui import frame, loaders, origin
from oovgeo.ui.widgets import table_downloads

NEW = "__nieuw__"
SEEN_KEY = "oovgeo_interventies_seen_versions"  # source_id -> version the form was opened at
FLASH_KEY = "oovgeo_interventies_flash"
CONFLICT_KEY = "oovgeo_interventies_conflict"  # (source_id, message) of a refused change

ctx = frame(page="interventies")
st.title("Interventies")
edition = loaders.edition(ctx.settings)
today = date.today()
themes = ctx.settings.labels("themes")
outcomes = ctx.settings.labels("outcomes")
partners = ctx.settings.labels("partners")

c1, c2, c3, c4 = st.columns(4)
start = c1.date_input("Vanaf", today - timedelta(days=3 * 365), format="DD-MM-YYYY")
end = c2.date_input("Tot en met", today, max_value=today, format="DD-MM-YYYY")
chosen_themes = c3.multiselect("Thema's", list(themes), format_func=themes.get, placeholder="alle")
chosen_outcomes = c4.multiselect(
    "Uitkomsten", list(outcomes), format_func=outcomes.get, placeholder="alle"
)

with ctx.engine.connect() as conn:
    held_all = intervention_points(conn, ctx.identity, start, end)
    # signals from six months before the first to six months after the last intervention
    signals = signal_points(conn, ctx.identity, start - timedelta(days=183), end)
ctx.audit("view_points", "interventieregister", interventies=len(held_all))
items = shortlist_repo.list_items(ctx.engine, include_closed=True)
item_names = {int(i): f"#{i} {t}" for i, t in zip(items["id"], items["title"], strict=True)}

keep = pd.Series(True, index=held_all.index)
if chosen_themes:
    keep &= held_all["thema"].isin(chosen_themes)
if chosen_outcomes:
    keep &= held_all["uitkomst"].isin(chosen_outcomes)
held = held_all[keep]

if flash := st.session_state.pop(FLASH_KEY, None):
    st.success(flash)

# --- register ------------------------------------------------------------------------------
st.subheader(f"Register ({len(held)} interventies)")


def _partner_labels(value) -> str:
    return ", ".join(partners.get(p, p) for p in stored_text(value).split(";") if p)


register_table = pd.DataFrame(
    {
        "datum": held["datum"],
        "nummer": held["source_id"],
        "thema": held["thema"].map(lambda t: themes.get(t, t)),
        "adres": held["adres"],
        "partners": held["partners"].map(_partner_labels),
        "uitkomst": held["uitkomst"].map(lambda u: outcomes.get(u, u or "onbekend")),
        "maatregel": held["maatregel"],
        "wijk": held["wijk_code"],
        "shortlist": held["shortlist_id"].map(
            lambda i: item_names.get(int(i), f"#{int(i)}") if pd.notna(i) else ""
        ),
    }
)
st.dataframe(register_table, hide_index=True, width="stretch")
table_downloads(ctx, register_table, f"oovgeo_interventies_{start:%Y%m%d}_{end:%Y%m%d}", "register")

st.subheader("Uitkomsten per thema")
if not register_table.empty:
    st.dataframe(pd.crosstab(register_table["thema"], register_table["uitkomst"]), width="stretch")

# --- add or change -------------------------------------------------------------------------
st.subheader("Interventie toevoegen of wijzigen")
editable = held_all[held_all["source_system"] == register.FORM_SYSTEM].sort_values(
    "datum", ascending=False
)
choice = st.selectbox(
    "Interventie",
    [NEW, *editable["source_id"]],
    format_func=lambda sid: "Nieuwe interventie" if sid == NEW else sid,
    help="Interventies uit de export van een ander systeem wijzigt u in dat systeem; de "
    "volgende import neemt de wijziging over.",
)
record = None if choice == NEW else editable[editable["source_id"] == choice].iloc[0]
seen = st.session_state.setdefault(SEEN_KEY, {})
if record is not None:
    seen.setdefault(choice, int(record["version"]))

buurten = loaders.areas(ctx.settings.database_url, edition)
buurten = buurten[buurten["level"] == "buurt"].sort_values("code")
buurt_names = dict(zip(buurten["code"], buurten["name"], strict=True))
open_items = items[~items["status"].isin(shortlist.FINAL_STATUSES)]
linked_now = (
    int(record["shortlist_id"]) if record is not None and pd.notna(record["shortlist_id"]) else None
)
offered = set(open_items["id"].astype(int)) | ({linked_now} if linked_now else set())
item_choices = [None, *sorted(offered)]

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
        default=[]
        if record is None
        else [p for p in stored_text(record["partners"]).split(";") if p],
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
        format_func=lambda i: "(geen)" if i is None else item_names.get(i, f"#{i}"),
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
        st.session_state[CONFLICT_KEY] = (choice, str(exc))  # shown below until reopened
    except USER_ERRORS as exc:
        st.error(str(exc))
    else:
        if report.rejected:
            reasons = "; ".join(f"{r.field}: {r.message}" for r in report.rejections)
            st.error(f"Niet opgeslagen: {reasons}")
        else:
            seen.pop(number, None)  # the next form opens at the new version
            loaders.clear()
            done = (
                "toegevoegd"
                if report.inserted
                else "gewijzigd"
                if report.updated
                else "ongewijzigd"
            )
            st.session_state[FLASH_KEY] = f"Interventie {number} {done}."
            st.rerun()

conflict = st.session_state.get(CONFLICT_KEY)
if conflict is not None and conflict[0] == choice:
    st.error(conflict[1])
    if st.button("Nieuwste versie openen"):
        seen.pop(choice, None)  # the form opens again at the stored version, with its values
        st.session_state.pop(CONFLICT_KEY, None)
        st.rerun()

# --- effect --------------------------------------------------------------------------------
st.subheader("Effect op signalen in de buurt")
radius = st.slider("Straal (m)", 100, 500, 250, 50)
months = st.slider("Venster voor en na (maanden)", 3, 12, 6)
if held.empty or signals.empty:
    st.info("Te weinig gegevens voor een effectmeting.")
    st.stop()
areas = loaders.areas(ctx.settings.database_url, edition)
effects = effect_per_intervention(
    signals,
    held,
    radius_m=radius,
    months=months,
    wijk_of_signal=signals["wijk_code"],
    wijk_of_intervention=held["wijk_code"],
)
places = control_places(
    areas[areas["level"] == "buurt"],
    len(held),
    seed=1,
    start=held["datum"].min(),
    end=held["datum"].max(),
)
placebo = effect_per_intervention(signals, places, radius_m=radius, months=months)
effects = effects.assign(
    thema=effects["thema"].map(lambda t: themes.get(t, t)),
    uitkomst=effects["uitkomst"].map(lambda u: outcomes.get(u, u or "onbekend")),
)
summary = pd.concat(
    [
        pooled_effect(effects).assign(groep="alle interventies"),
        pooled_effect(placebo).assign(groep="willekeurige plekken (controle)"),
    ],
    ignore_index=True,
)
DUTCH = {
    "n_interventions": "aantal",
    "n_before": "binnen straal ervoor",
    "n_after": "binnen straal erna",
    "wijk_before": "rest wijk ervoor",
    "wijk_after": "rest wijk erna",
    "ci_low": "95% van",
    "ci_high": "95% tot",
}


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    return table.round({"effect": 2, "ci_low": 2, "ci_high": 2}).rename(columns=DUTCH)


cols = ["groep", "n_interventions", "effect", "ci_low", "ci_high", "oordeel"]
st.dataframe(_shown(summary[cols]), hide_index=True)
st.markdown("**Per thema**")
st.dataframe(_shown(pooled_effect(effects, group="thema")), hide_index=True, width="stretch")
st.markdown("**Per uitkomst**")
st.dataframe(_shown(pooled_effect(effects, group="uitkomst")), hide_index=True, width="stretch")
st.caption(
    f"Signalen binnen {radius} m in de {months} maanden voor en na elke interventie, "
    "vergeleken met de rest van de wijk over dezelfde periodes (verhouding van "
    "verhoudingen); alleen interventies waarvan beide periodes volledig in de gegevens "
    "vallen. Het 95%-interval komt uit een bootstrap over vakken van 1 bij 1 km per "
    "halfjaar, omdat interventies dicht bij elkaar dezelfde signalen tellen."
)

st.markdown("**Kaart: effect per interventie**")
located = effect_classes.for_map(effects)
if located.empty:
    st.info("Geen interventies met een locatie en volledige periodes.")
else:
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
    st_folium(m, key="effectkaart", height=460, use_container_width=True, returned_objects=[])
    counts = located["klasse"].map(effect_classes.LABEL).value_counts()
    st.caption(
        "Per interventie: signalen binnen de straal na / ervoor, gecorrigeerd voor de rest "
        "van de wijk. Eén plek heeft weinig signalen: de kleur is een aanwijzing, geen "
        "meting; het effect staat in de tabel hierboven. "
        + "; ".join(f"{label}: {n}" for label, n in counts.items())
    )

st.markdown("**Kanttekeningen**")
for caveat in CAVEATS:
    st.markdown(f"- {caveat}")
