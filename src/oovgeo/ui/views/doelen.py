"""The sections of the Doelen page: weights, the ranked places, one place and the shortlist."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from oovgeo import dutch, shortlist
from oovgeo.access import require
from oovgeo.analysis import target_table
from oovgeo.analysis.targets import Weights
from oovgeo.config import Settings
from oovgeo.maps import add_ranked_places, base_map
from oovgeo.report.matrix import export_matrix
from oovgeo.services.matrix_import import import_matrix
from oovgeo.store import shortlist_repo
from oovgeo.store.records import signal_points
from oovgeo.ui import loaders, state
from oovgeo.ui.layers import add_context

DEFAULT_MEETING = "Groot Integraal Overleg"


def weights(settings: Settings) -> Weights:
    """Draw the weight sliders, starting at the configured weights; return the chosen ones."""
    configured = Weights.from_settings(settings)
    with st.expander("Gewichten van de score"):
        st.caption("Beginwaarden uit de instellingen (targets.*); een wijziging geldt alleen hier.")
        w1, w2, w3, w4 = st.columns(4)
        return replace(
            configured,
            source=w1.slider("Per bron", 0.0, 5.0, float(configured.source), 0.5),
            theme=w2.slider("Per thema", 0.0, 5.0, float(configured.theme), 0.5),
            half_life_days=w3.slider(
                "Halveringstijd (dagen)", 7, 730, int(configured.half_life_days), 7
            ),
            intervention_factor=w4.slider(
                "Factor na recente interventie",
                0.0,
                1.0,
                float(configured.intervention_factor),
                0.1,
            ),
        )


def ranked_places(ctx, filters, chosen: Weights, start: date) -> pd.DataFrame:
    """Read the ranked places (audited), say how many; stop the page when there are none."""
    # Candidates hold addresses: check the right per user before the (role-blind) cache (S4).
    require(ctx.identity, "view_points")
    ranked, n_signals = loaders.target_candidates(
        ctx.settings.database_url,
        start,
        filters.end,
        tuple(filters.themes),
        tuple(filters.sources),
        loaders.weights_key(chosen),
        filters.end,
        tuple(sorted(ctx.settings.labels("sources").items())),
        tuple(sorted(ctx.settings.labels("themes").items())),
        _identity=ctx.identity,
    )
    ctx.audit("view_points", "doelenkaart", signalen=n_signals)  # every view, cached or not
    st.caption(
        f"{len(ranked)} kandidaat-locaties uit {n_signals} signalen sinds {dutch.day(start)}."
    )
    if ranked.empty:
        st.info("Geen signalen met een locatie in deze periode.")
        st.stop()
    return target_table.ranked_places(ranked)


def map_and_table(ctx, on_map: pd.DataFrame) -> None:
    """Draw the map (with the context layers) and the ranked table; a click selects a place."""
    m = base_map((on_map["x"].min(), on_map["y"].min(), on_map["x"].max(), on_map["y"].max()))
    add_ranked_places(m, on_map)
    add_context(m, ctx, "doelen")  # last: its layer control lists the places too
    returned = st_folium(
        m,
        key="doelenkaart",
        height=480,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    clicked = ((returned or {}).get("last_active_drawing") or {}).get("properties") or {}
    if clicked.get("candidate_id"):
        state.put("doelen_selected", clicked["candidate_id"])
    table = target_table.place_table(on_map)
    picked = st.dataframe(
        table,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        width="stretch",
        key="doelentabel",
    )
    if picked.selection.rows:
        state.put("doelen_selected", table.iloc[picked.selection.rows[0]]["candidate_id"])


def selected_place(ctx, filters, chosen: Weights, start: date, on_map: pd.DataFrame) -> None:
    """Show the selected place: its reasons, score parts, signals and the shortlist form."""
    selected = state.get("doelen_selected")
    if selected not in set(on_map["candidate_id"]):
        return
    row = on_map.set_index("candidate_id").loc[selected]
    st.subheader(f"Locatie: {row['adres'] or selected}")
    st.caption(f"Rang {row['rang']} · score {dutch.number(row['score'], 1)}")
    st.write(row["reasons"])
    with st.expander("Opbouw van de score"):
        st.json(row["score_parts"])
    # the signals of this place: read (and grouped) again only when a place is selected
    with ctx.engine.connect() as conn:
        signals = signal_points(
            conn, ctx.identity, start, filters.end, filters.themes, filters.sources
        )
    members = target_table.place_signals(signals, selected, chosen.distance_m, filters.end)
    st.dataframe(members, hide_index=True)
    with st.form("toevoegen"):
        reason = st.text_area("Reden voor de shortlist")
        meeting = st.text_input("Overleg", DEFAULT_MEETING)
        partner_labels = ctx.settings.labels("partners")
        partners = st.multiselect(
            "Partners nodig", list(partner_labels), format_func=partner_labels.get
        )
        if st.form_submit_button("Op de shortlist"):
            try:
                shortlist_repo.add_item(
                    ctx.engine,
                    candidate_id=selected,
                    title=row["adres"] or selected,
                    adres=row["adres"],
                    x=float(row["x"]),
                    y=float(row["y"]),
                    buurt_code=row["buurt_code"],
                    wijk_code=row["wijk_code"],
                    themes=list(row["themes"]),
                    reason=reason,
                    meeting=meeting,
                    partners=partners,
                    actor=ctx.identity.name,
                    origin="app",
                )
                st.success("Toegevoegd aan de shortlist.")
            except shortlist.ShortlistError as exc:
                st.error(str(exc))


def shortlist_section(ctx) -> pd.DataFrame:
    """Show the shortlist and the form to change one item's status; return the items."""
    st.subheader("Shortlist")
    items = shortlist_repo.list_items(ctx.engine)
    st.dataframe(items, hide_index=True, width="stretch")
    if items.empty:
        return items
    # choosing the item is outside the form: widgets inside a form do not rerun the page
    item_id = st.selectbox(
        "Item",
        list(items["id"]),
        format_func=lambda i: f"{i}: {items.set_index('id').at[i, 'title']}",
    )
    item = items.set_index("id").loc[item_id]
    # the version this user saw; a change by someone else since then is a conflict (D2)
    seen_versions = state.setdefault("doelen_seen")
    seen = seen_versions.setdefault(int(item_id), int(item["version"]))
    with st.form("status"):
        status = st.selectbox(
            "Nieuwe status", shortlist.allowed_next(item["status"]) or [item["status"]]
        )
        action = st.text_input("Afgesproken actie", item["action"] or "")
        owner = st.text_input("Eigenaar", item["owner"] or "")
        why = st.text_input("Reden (bij afwijzen) of uitkomst (bij afsluiten)", "")
        if st.form_submit_button("Wijziging opslaan"):
            try:
                shortlist_repo.update_item(
                    ctx.engine,
                    int(item_id),
                    expected_version=seen,
                    actor=ctx.identity.name,
                    origin="app",
                    status=status,
                    action=action,
                    owner=owner,
                    **target_table.status_fields(status, why),
                )
                seen_versions.pop(int(item_id), None)
                st.success("Opgeslagen.")  # only after the commit returned (D1)
            except shortlist.ConflictError as exc:
                seen_versions.pop(int(item_id), None)
                st.error(str(exc))
            except shortlist.ShortlistError as exc:
                st.error(str(exc))
    return items


def matrix(ctx, items: pd.DataFrame) -> None:
    """Offer the meeting matrix as Excel and read an updated one back."""
    meeting_name = st.text_input("Overleg voor de afsprakenmatrix", DEFAULT_MEETING)
    st.download_button(
        "Afsprakenmatrix (Excel)",
        lambda: export_matrix(items, meeting=meeting_name),
        "afsprakenmatrix.xlsx",
        on_click=ctx.audit,
        args=("export", "afsprakenmatrix.xlsx"),
    )
    upload = st.file_uploader("Bijgewerkte afsprakenmatrix terugzetten", type=["xlsx"])
    if upload is None or not st.button("Matrix verwerken"):
        return
    try:
        result = import_matrix(
            ctx.engine, upload.getvalue(), upload.name, actor=ctx.identity.name, origin="app"
        )
    except ValueError as exc:  # ReadError, MatrixError: Dutch messages, safe to show
        st.error(str(exc))
        return
    st.success(
        f"{result['rows']} rijen: {result['updated']} bijgewerkt, "
        f"{result['unchanged']} ongewijzigd, {len(result['conflicts'])} conflict, "
        f"{len(result['rejected'])} afgewezen."
    )
    for nr in result["conflicts"]:
        st.warning(f"Nr {nr} is intussen gewijzigd; laad de matrix opnieuw.")
    for row_number, why in result["rejected"]:
        st.warning(f"Rij {row_number}: {why}")
