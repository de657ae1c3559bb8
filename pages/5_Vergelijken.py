"""Vergelijken: period A against period B per wijk or buurt and theme, tested honestly."""

from datetime import date

import streamlit as st

from oovgeo.analysis.compare import protect_comparison
from oovgeo.analysis.periods import BEFORE_AFTER, PRESETS, PROTECTED_PRESETS
from oovgeo.analysis.rates import population_note
from oovgeo.privacy import Disclosure
from oovgeo.services.comparison import ComparisonError, compare_periods
from oovgeo.ui import completeness, frame, loaders
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
sources = filters.sources if kind == "signals" else ()
# periods end where every counted source is complete: later days are not days without signals
until = completeness.until(ctx, kind, sources, today)
pair = vergelijken.chosen_pair(choice, until)
per_theme = st.toggle("Per thema", value=True)

code = f"{level}_code"
# the rates' denominator: the population of the year nearest to period A
all_areas = loaders.period_areas(ctx.settings.database_url, edition, pair.a_start, pair.a_end)
try:
    result = compare_periods(
        ctx.engine,
        ctx.settings,
        pair,
        kind=kind,
        level=level,
        themes=filters.themes,
        sources=sources,
        per_theme=per_theme,
        today=today,
        areas=all_areas,
        until=until,
        count_share=disclosure.count_share,  # P3: protected audiences get protected figures
    )
except ComparisonError as exc:
    st.warning(str(exc))
    st.stop()
table = result.table
if per_theme:
    table["thema"] = table["thema"].map(lambda t: ctx.settings.labels("themes").get(t, t))
shown = protect_comparison(table, disclosure)

complete_note = f" {completeness.caption(until)}" if kind != "police" else ""
spread = " ".join(
    filter(None, [table.attrs.get("spreiding_tekst", ""), population_note(all_areas)])
)
st.caption(f"{kinds[kind]}: {result.pair.text()}.{complete_note} {METHOD_SENTENCE} {spread}")
vergelijken.verdict_counts(shown, disclosure)
if not per_theme:
    vergelijken.verdict_map(ctx, shown, all_areas, edition, level)

st.subheader("Tabel")
st.dataframe(shown.drop(columns=[code]), hide_index=True, width="stretch")
stem = f"oovgeo_vergelijking_{kind}_{level}_{pair.a_start:%Y%m%d}_{pair.b_start:%Y%m%d}"
table_downloads(ctx, shown, stem, "vergelijking")

vergelijken.year_report(ctx, all_areas, disclosure, today)
