"""The "compleet t/m" date on screen: read once per rerun, shown beside every figure, set by hand.

Pages ask ``until`` for the completeness date of what they count and end their periods there;
the Gegevens page shows every source's date and lets the beheerder set it by hand.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from oovgeo import access, dutch
from oovgeo.analysis.completeness import (
    INTERVENTIONS,
    ORIGIN_LABELS,
    SourceCompleteness,
    complete_until,
    per_source,
    sentence,
)
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops
from oovgeo.ui import Context, loaders
from oovgeo.ui.loaders import TTL


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def _table(database_url: str, kind: str, configured: tuple) -> dict[str, SourceCompleteness]:
    """Completeness per source (cached; an import or a hand-set date clears it)."""
    engine = ops.engine_for_url(database_url)
    with engine.connect() as conn:
        return per_source(conn, kind, dict(configured))


def table(ctx: Context, kind: str) -> dict[str, SourceCompleteness]:
    """Return the completeness of every source of ``kind``."""
    configured = tuple(sorted(ctx.settings.get("data.complete_until").items()))
    return _table(ctx.settings.database_url, kind, configured)


def until(ctx: Context, kind: str, sources=(), today: date | None = None) -> date:
    """Return the completeness date of the sources of ``kind`` that the page counts."""
    today = today or date.today()
    if kind == complete.POLICE:
        return today
    counted = sources if kind == "signals" else ()
    return complete_until(table(ctx, kind), counted, today=today)


def caption(value: date) -> str:
    """Return the phrase pages put beside their figures ("gegevens compleet t/m ...")."""
    text = sentence(value)
    return text[0].upper() + text[1:] + "."


def overview(ctx: Context, kind: str, labels: dict[str, str]) -> pd.DataFrame:
    """Return the table of sources with their latest date and completeness date, in Dutch."""
    rows = [
        {
            "bron": labels.get(s, s),
            "laatste datum in gegevens": dutch.day(c.latest) if c.latest else "",
            "compleet t/m": dutch.day(c.until) if c.until else "",
            "bepaald door": ORIGIN_LABELS[c.origin],
        }
        for s, c in table(ctx, kind).items()
    ]
    return pd.DataFrame(
        rows, columns=["bron", "laatste datum in gegevens", "compleet t/m", "bepaald door"]
    )


def settings_section(ctx: Context) -> None:
    """Show per source how far the data is complete, and let the beheerder set it by hand."""
    st.subheader("Gegevens compleet t/m")
    st.write(
        "Leveringen komen later binnen dan de meldingen zelf. Tellingen, vergelijkingen, trends "
        "en presentaties rekenen per bron tot deze datum: dagen daarna tellen niet als dagen "
        "zonder meldingen. Zonder eigen datum geldt de laatste datum in de gegevens."
    )
    sources = {**ctx.settings.labels("sources"), INTERVENTIONS: "Interventies"}
    shown = pd.concat(
        [overview(ctx, "signals", sources), overview(ctx, "interventions", sources)],
        ignore_index=True,
    )
    st.dataframe(shown, hide_index=True)
    if not access.may(ctx.identity.role, "import"):
        return
    with st.form("compleet_tot"):
        c1, c2 = st.columns(2)
        source = c1.selectbox("Bron", list(sources), format_func=sources.get)
        value = c2.date_input(
            "Compleet t/m", value=date.today(), max_value=date.today(), format="DD-MM-YYYY"
        )
        b1, b2 = st.columns(2)
        save = b1.form_submit_button("Datum vastleggen")
        reset = b2.form_submit_button("Terug naar de laatste datum in de gegevens")
    if save or reset:
        access.require(ctx.identity, "import")
        complete.set_until(
            ctx.engine,
            source,
            None if reset else value,
            actor=ctx.identity.name,
            origin="app",
            today=date.today(),
        )
        loaders.clear()  # every page must count to the new date now, not after the TTL
        st.rerun()
