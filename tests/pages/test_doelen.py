"""The Doelen page: a coordinator ranks places, reads one, and puts it on the shortlist."""

from __future__ import annotations

import pytest
from apptest_support import build_demo_home, open_page

from oovgeo.analysis.effect_table import MATCHED_GROUP
from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store import schema, shortlist_repo

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest) or a server/subprocess


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def test_coordinator_ranks_places_and_adds_one_to_the_shortlist(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("6_Doelen.py")
    assert not at.exception
    ranked = next(d.value for d in at.dataframe if "rang" in d.value)  # after "Nieuw sinds"
    assert list(ranked["rang"][:3]) == [1, 2, 3]
    assert ranked["score"].is_monotonic_decreasing
    assert ranked["redenen"].str.contains(r"signa(?:al|len) uit \d+ bron").all()
    # select the top candidate as a click on the map would, then add it
    at.session_state["oovgeo_doelen_selected"] = ranked["candidate_id"].iloc[0]
    at.run()
    assert any(s.value.startswith("Locatie: ") for s in at.subheader)
    at.text_area[0].input("Drie bronnen binnen twee weken")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = ops.open_store(settings)
    items = shortlist_repo.list_items(engine)
    assert list(items["candidate_id"]) == [ranked["candidate_id"].iloc[0]]
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(schema.audit_log.select())]
    assert "view_points" in actions and "shortlist_add" in actions


def test_a_stale_edit_in_a_second_session_gets_the_conflict_message(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = ops.open_store(settings)
    item = shortlist_repo.add_item(
        engine,
        candidate_id="conflict-test",
        title="Kade 1",
        x=None,
        y=None,
        buurt_code=None,
        wijk_code=None,
        themes=[],
        reason="",
        meeting="GIO",
        partners=[],
        actor="test",
        origin="test",
    )

    def session(name):
        at = open_page("6_Doelen.py", name)
        form_item = next(s for s in at.selectbox if s.label == "Item")
        form_item.set_value(item["id"]).run()
        return at

    first, second = session("anna"), session("bert")  # both see version 1
    for at, owner in ((first, "Anna"), (second, "Bert")):
        next(t for t in at.text_input if t.label == "Eigenaar").input(owner)
        next(b for b in at.button if b.label == "Wijziging opslaan").click().run()
    assert any(s.value == "Opgeslagen." for s in first.success)
    assert any("intussen gewijzigd door anna" in e.value for e in second.error)
    assert shortlist_repo.get_item(engine, item["id"])["owner"] == "Anna"  # not overwritten


def test_intervention_register_and_effect(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("7_Interventies.py")
    assert not at.exception
    register = at.dataframe[0].value
    assert len(register) > 800  # about 400 a year in the demo
    summary = at.dataframe[2].value.set_index("groep")
    # the demo plants a drop after interventions and none around random places; the headline
    # compares with places that had as many signals before
    assert summary.index[0] == MATCHED_GROUP
    assert summary.at[MATCHED_GROUP, "oordeel"] == "daling na interventies"
    assert summary.at["willekeurige plekken (controle)", "oordeel"] == "geen duidelijk effect"
    assert any("Regressie naar het gemiddelde" in m.value for m in at.markdown)
