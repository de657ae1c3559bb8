"""Interventies: the register (list, outcomes per theme) and the effect on nearby signals."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from oovgeo.analysis.effect import CAVEATS, control_places, effect_per_intervention, pooled_effect
from oovgeo.store.records import intervention_points, signal_points
from oovgeo.ui import frame, loaders
from oovgeo.ui.widgets import table_downloads

ctx = frame(page="interventies")
st.title("Interventies")
edition = loaders.edition(ctx.settings)
today = date.today()
c1, c2 = st.columns(2)
start = c1.date_input("Vanaf", today - timedelta(days=3 * 365), format="DD-MM-YYYY")
end = c2.date_input("Tot en met", today, max_value=today, format="DD-MM-YYYY")

themes = ctx.settings.labels("themes")
outcomes = ctx.settings.labels("outcomes")
with ctx.engine.connect() as conn:
    held = intervention_points(conn, ctx.identity, start, end)
    # signals from six months before the first to six months after the last intervention
    signals = signal_points(conn, ctx.identity, start - timedelta(days=183), end)
ctx.audit("view_points", "interventieregister", interventies=len(held))

st.subheader(f"Register ({len(held)} interventies)")
register = held.assign(
    thema=held["thema"].map(lambda t: themes.get(t, t)),
    uitkomst=held["uitkomst"].map(lambda u: outcomes.get(u, u or "onbekend")),
)[["datum", "source_id", "thema", "adres", "partners", "uitkomst", "maatregel", "wijk_code"]]
st.dataframe(register, hide_index=True, width="stretch")
table_downloads(ctx, register, f"oovgeo_interventies_{start:%Y%m%d}_{end:%Y%m%d}", "register")
st.caption(
    "Een interventie toevoegen of wijzigen gaat via Gegevens: importeer een regel met "
    "hetzelfde interventie_id; een nieuwere versie werkt het bestaande record bij."
)

st.subheader("Uitkomsten per thema")
if not register.empty:
    st.dataframe(pd.crosstab(register["thema"], register["uitkomst"]), width="stretch")

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
cols = ["groep", "n_interventions", "effect", "ci_low", "ci_high", "oordeel"]
st.dataframe(
    summary[cols].rename(
        columns={"n_interventions": "aantal", "ci_low": "95% van", "ci_high": "95% tot"}
    ),
    hide_index=True,
)
st.markdown("**Per thema**")
st.dataframe(pooled_effect(effects, group="thema"), hide_index=True, width="stretch")
st.markdown("**Per uitkomst**")
st.dataframe(pooled_effect(effects, group="uitkomst"), hide_index=True, width="stretch")
st.caption(
    f"Signalen binnen {radius} m in de {months} maanden voor en na elke interventie, "
    "vergeleken met de rest van de wijk over dezelfde periodes (verhouding van "
    "verhoudingen); alleen interventies waarvan beide periodes volledig in de gegevens "
    "vallen."
)
st.markdown("**Kanttekeningen**")
for caveat in CAVEATS:
    st.markdown(f"- {caveat}")
