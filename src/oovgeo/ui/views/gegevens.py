"""The sections of the Gegevens page that read the store: quarantine and label mappings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from oovgeo import access
from oovgeo.config import UNKNOWN
from oovgeo.ingest.report import SKIP_TEXT
from oovgeo.services import labels
from oovgeo.services import operations as ops
from oovgeo.store.records import quarantine_frame
from oovgeo.ui import loaders
from oovgeo.ui.widgets import table_downloads


def import_report(report) -> None:
    """Show an import's report: the summary, each rejection, each skipped row."""
    st.subheader("Importverslag")
    lines = report.summary()
    (st.info if report.status == "al_geimporteerd" else st.success)(lines[0])
    for line in lines[1:]:
        st.text(line.strip())
    if report.rejections:
        st.dataframe(
            pd.DataFrame(
                [
                    {"rij": r.row, "veld": r.field, "regel": r.message, "waarde": r.value}
                    for r in report.rejections
                ]
            ),
            hide_index=True,
        )
    if report.skipped_rows:
        st.caption("Overgeslagen rijen (geen record, of ouder dan wat er al is)")
        st.dataframe(
            pd.DataFrame(
                [
                    {"rij": r["rij"], "reden": SKIP_TEXT[r["reden"]], "id": r["id"]}
                    for r in report.skipped_rows
                ]
            ),
            hide_index=True,
        )


def quarantine(ctx) -> None:
    """Show the rejected rows in quarantine, to download, correct and import again."""
    st.subheader("Quarantaine")
    with ctx.engine.connect() as conn:
        waiting = quarantine_frame(conn, ctx.identity)
    if waiting.empty:
        st.write("Er staan geen afgewezen rijen in quarantaine.")
        return
    st.write(
        f"{len(waiting)} afgewezen rijen. Download ze, verbeter ze en importeer ze opnieuw "
        "met hetzelfde profiel."
    )
    table_downloads(ctx, waiting, "quarantaine", "quarantaine", label="Afgewezen rijen")


def label_mappings(ctx) -> None:
    """Map an export label to a code; a theme label releases the rows it held in quarantine."""
    if not access.may(ctx.identity, "import"):
        return
    st.subheader("Labels koppelen")
    held = labels.unmapped_theme_labels(ctx.engine, ctx.settings)
    waiting = st.container()  # filled after the form, so a mapping made now shows at once
    field_names = {"thema": "Thema", "bron": "Bron", "partners": "Partner", "uitkomst": "Uitkomst"}
    st.caption(
        "Een thema koppelen verwerkt de rijen in quarantaine meteen; een bron, partner of "
        "uitkomst geldt voor de volgende imports (eerdere rijen staan als 'onbekend')."
    )
    with st.form("label_koppelen"):
        label = st.selectbox(
            "Label uit de export (thema's in quarantaine)",
            list(held),
            index=None,
            accept_new_options=True,
            placeholder="kies of typ een label",
        )
        lists = {f: ctx.settings.labels(labels.CODE_LISTS[f]) for f in field_names}
        choices = {
            f"{f}:{c}": f"{field_names[f]}: {text}"
            for f in field_names
            for c, text in lists[f].items()
            if c != UNKNOWN
        }
        code = st.selectbox("Koppelen aan", list(choices), format_func=choices.get)
        submitted = st.form_submit_button("Koppelen")
    if submitted:  # a mapping releases rows: read what still waits again
        _map(ctx, label, code)
        held = labels.unmapped_theme_labels(ctx.engine, ctx.settings)
    _held_labels(waiting, held)


def _held_labels(box, held: dict[str, int]) -> None:
    if not held:
        return
    box.write(
        "Deze themalabels uit exports zijn nog aan geen thema gekoppeld; hun rijen wachten "
        "in quarantaine. Koppel een label en de rijen worden meteen verwerkt."
    )
    box.dataframe(
        pd.DataFrame({"label in de export": list(held), "rijen": list(held.values())}),
        hide_index=True,
    )


def _map(ctx, label: str | None, code: str) -> None:
    fname, target = code.split(":", 1)  # the chosen code says which field the label is of
    if not label:
        st.warning("Kies of typ eerst het label zoals het in de export staat.")
        return
    try:
        with st.spinner("Bezig met koppelen en verwerken..."):
            release = ops.map_label(
                ctx.engine,
                ctx.settings,
                fname=fname,
                label=label,
                code=target,
                actor=ctx.identity.name,
                origin="app",
            )
    except ops.USER_ERRORS as exc:
        st.error(f"Niet gekoppeld: {exc}")
        return
    loaders.clear()
    st.success(release.message(ctx.settings.labels(labels.CODE_LISTS[fname])[target]))
