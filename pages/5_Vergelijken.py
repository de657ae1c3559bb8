"""Vergelijken: period A against period B per wijk or buurt and theme, tested honestly."""

from datetime import date

import streamlit as st

from oovgeo.analysis.compare import compare_table, protect_comparison
from oovgeo.analysis.periods import BEFORE_AFTER, PRESETS, PROTECTED_PRESETS, before_after
from oovgeo.privacy import Disclosure
from oovgeo.ui import frame, loaders
from oovgeo.ui.filters import sidebar_filters
from oovgeo.ui.views import vergelijken
from oovgeo.ui.widgets import table_downloads
from oovgeo.vocab import KINDS, LEVELS, METHOD_SENTENCE

ctx = frame(page="vergelijken")
filters = sidebar_filters(ctx.settings, protected=ctx.identity.protected)
disclosure = Disclosure.for_identity(ctx.identity, ctx.settings)
edition = loaders.edition(ctx.settings)
if edition is None:
    st.info("Er zijn nog geen gebiedsgrenzen geladen.")
    st.stop()
st.title("Vergelijken")

today = date.today()
options = list(PROTECTED_PRESETS) if ctx.identity.protected else [*PRESETS, BEFORE_AFTER]
c1, c2, c3 = st.columns([2, 1, 1])
choice = c1.selectbox("Vergelijking", options)
kinds = {**KINDS, "police": "Politiecijfers (context)"}
kind = c2.radio("Gegevens", list(kinds), format_func=kinds.get)
level = c3.radio("Niveau", list(LEVELS), format_func=LEVELS.get)
if choice == BEFORE_AFTER:
    moment = st.date_input(
        "Datum (bijvoorbeeld de start van een aanpak)",
        value=date(today.year, 1, 1),
        max_value=today,
        format="DD-MM-YYYY",
    )
    pair = before_after(moment, today)
else:
    pair = PRESETS[choice](today)
per_theme = st.toggle("Per thema", value=True)

code = f"{level}_code"
keys = [code, "thema"] if per_theme else [code]
sources = filters.sources if kind == "signals" else ()
all_areas = loaders.areas(ctx.settings.database_url, edition)
# rates per 1,000 inhabitants per year where inhabitants are known (the test uses days)
inhabitants = all_areas.set_index("code")["inhabitants"].rename_axis(code)
a, b, days_a, days_b = vergelijken.period_counts(ctx, pair, kind, filters, sources, level, keys)
table = compare_table(a, b, keys=keys, days_a=days_a, days_b=days_b, inhabitants=inhabitants)
names = dict(zip(all_areas["code"], all_areas["name"], strict=True))
table.insert(1, "gebied", table[code].map(names))
if per_theme:
    table["thema"] = table["thema"].map(lambda t: ctx.settings.labels("themes").get(t, t))
shown = protect_comparison(table, disclosure)

st.caption(f"{kinds[kind]}: {pair.text()}. {METHOD_SENTENCE}")
vergelijken.verdict_counts(shown)
if not per_theme:
    vergelijken.verdict_map(ctx, shown, all_areas, edition, level)

st.subheader("Tabel")
st.dataframe(shown.drop(columns=[code]), hide_index=True, width="stretch")
stem = f"oovgeo_vergelijking_{kind}_{level}_{pair.a_start:%Y%m%d}_{pair.b_start:%Y%m%d}"
table_downloads(ctx, shown, stem, "vergelijking")

vergelijken.year_report(ctx, all_areas, names, disclosure, today)
