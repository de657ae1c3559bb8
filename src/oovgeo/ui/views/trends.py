"""The sections of the Trends page: the series chart, the data coverage and police context."""

from __future__ import annotations

from datetime import date

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from oovgeo.analysis.completeness import INTERVENTIONS
from oovgeo.analysis.tables import label_groups
from oovgeo.analysis.trends import police_monthly, protect_series, split_tail
from oovgeo.privacy import Disclosure
from oovgeo.store.police_repo import load_police
from oovgeo.ui import Context, completeness
from oovgeo.ui.protection import how_to_read
from oovgeo.vocab import KINDS


def chart(
    table: pd.DataFrame, kind: str, split_label: str, disclosure: Disclosure, note: str = ""
) -> None:
    """Draw the series with its 12-month mean and last year, and explain the lines.

    ``note`` names the incomplete periods (``analysis.trends.incomplete_note``).

    The incomplete tail (periods after the last complete one) is drawn dashed and lighter,
    joined to the last complete point, so a partial period never reads as a collapse.
    """
    how_to_read(disclosure)  # P3: what a protected figure means
    solid, tail = split_tail(table)
    base = alt.Chart(table).encode(
        x=alt.X("periode:T", title=None), color=alt.Color("groep:N", title=split_label)
    )
    tooltip = ["periode:T", "groep:N", "aantal:Q", "vorig_jaar:Q", "volledig:N"]
    y = alt.Y("aantal:Q", title=KINDS[kind].lower())
    lines = (
        alt.Chart(solid)
        .mark_line(point=True)
        .encode(x="periode:T", y=y, color="groep:N", tooltip=tooltip)
        + alt.Chart(tail)
        .mark_line(point=True, strokeDash=[5, 4], opacity=0.4)
        .encode(x="periode:T", y=y, color="groep:N", tooltip=tooltip)
        + base.mark_line(strokeDash=[6, 3]).encode(y="gemiddelde_12m:Q")
        + base.mark_line(strokeDash=[1, 3], opacity=0.6).encode(y="vorig_jaar:Q")
    )
    st.altair_chart(lines.properties(height=380), width="stretch")
    st.caption(
        "Doorgetrokken: aantal per periode; gestreept en vaag: onvolledige periode (nog niet "
        "alle gegevens binnen); gestreept: gemiddelde over de afgelopen 12 volledige maanden; "
        "gestippeld: dezelfde periode een jaar eerder (leeg waar er nog geen volledig jaar "
        "gegevens is)."
        + (" Aantallen onder de drempel zijn weggelaten." if disclosure.protected else "")
    )
    if note:
        st.info(note)


def coverage(ctx: Context, kind: str, labels: dict[str, str]) -> None:
    """Show per source the last date in the data and the date up to which it is complete."""
    st.markdown("**Gegevens per bron**")
    named = {**labels, INTERVENTIONS: "Interventies"}
    st.dataframe(completeness.overview(ctx, kind, named), hide_index=True)


def police_context(
    ctx: Context,
    themes: list[str],
    period: tuple[date, date],
    disclosure: Disclosure,
    labels: dict[str, str],
) -> None:
    """Draw the police counts per theme as context, when there are any."""
    police = load_police(ctx.engine, themes=themes or None)
    if police.empty:
        return
    st.subheader("Politiecijfers als context")
    monthly = police_monthly(police, *period).assign(vorig_jaar=np.nan, gemiddelde_12m=np.nan)
    context = label_groups(protect_series(monthly, disclosure), labels)
    st.altair_chart(
        alt.Chart(context)
        .mark_line(point=True)
        .encode(
            x=alt.X("periode:T", title=None),
            y=alt.Y("aantal:Q", title="registraties"),
            color=alt.Color("groep:N", title="thema (via de koppeltabel)"),
            opacity=alt.condition("datum.volledig", alt.value(1.0), alt.value(0.35)),
        )
        .properties(height=260),
        width="stretch",
    )
    st.caption(
        "Geregistreerde misdrijven en overlast (CBS/Politie, 47022NED en 47024NED), "
        "per thema via de koppeltabel; het totaal wordt nooit bij de delen opgeteld. "
        "Vaag: de politie meldt de maand nog als onvolledig. Een lege waarde is "
        "onbekend, niet nul."
    )
