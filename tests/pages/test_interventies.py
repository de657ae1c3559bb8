"""The Interventies page: the register can be filtered, added to, changed and linked to the
shortlist; the map colours interventions by effect."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from apptest_support import build_demo_home
from apptest_support import open_page as open_apptest
from sqlalchemy import select

from oovgeo.analysis.effect import classes as effect_classes
from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.services import register
from oovgeo.store import schema, shortlist_repo
from oovgeo.store.areas_repo import active_edition, load_areas

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest) or a server/subprocess


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def _store(home):
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    return ops.open_store(settings), settings


def open_page(name: str = "coord"):
    at = open_apptest("7_Interventies.py", name)
    assert not at.exception, at.exception
    return at


def widget(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def _buurten(engine):
    with engine.connect() as conn:
        return load_areas(conn, active_edition(conn, 0), "buurt")


def _a_place_in_town(engine, settings) -> tuple[float, float]:
    point = _buurten(engine).geometry.iloc[0].representative_point()
    return round(point.x, 1), round(point.y, 1)


def _a_buurt(engine) -> str:
    return _buurten(engine)["code"].iloc[0]


def _stored(engine, source_id: str):
    t = schema.interventions
    with engine.connect() as conn:
        return conn.execute(select(t).where(t.c.source_id == source_id)).mappings().one()


def test_filter_by_theme_and_outcome(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page()
    everything = at.dataframe[0].value
    widget(at.multiselect, "Thema's").set_value(["ondermijning"]).run()
    only = at.dataframe[0].value
    assert 0 < len(only) < len(everything)
    assert set(only["thema"]) == {"Ondermijning"}
    widget(at.multiselect, "Uitkomsten").set_value(["sluiting"]).run()
    both = at.dataframe[0].value
    assert 0 < len(both) < len(only)
    assert set(both["uitkomst"]) == {"Sluiting (o.a. art. 13b Opiumwet)"}


def test_add_an_intervention_from_a_shortlist_item_and_change_it(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    engine, settings = _store(home)
    x, y = _a_place_in_town(engine, settings)
    item = shortlist_repo.add_item(
        engine,
        candidate_id=None,
        title="Loods aan de haven",
        x=x,
        y=y,
        buurt_code=None,
        wijk_code=None,
        themes=["ondermijning"],
        reason="signalen van drie bronnen",
        meeting="integraal",
        partners=["politie"],
        actor="anna",
        origin="test",
        adres="Havenweg 1",
    )
    at = open_page()
    widget(at.multiselect, "Partners").set_value(["politie", "belastingdienst"])
    widget(at.selectbox, "Uitkomst").set_value("waarschuwing")
    widget(at.selectbox, "Komt voort uit shortlist-item").set_value(item["id"])
    widget(at.text_input, "Maatregel").input("Waarschuwing brandveiligheid")
    number = widget(at.text_input, "Interventienummer").value
    widget(at.button, "Opslaan").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [f"Interventie {number} toegevoegd."]

    row = _stored(engine, number)
    assert row["shortlist_id"] == item["id"]
    assert (row["x"], row["y"], row["adres"]) == (x, y, "Havenweg 1")
    assert row["partners"] == "belastingdienst;politie" and row["uitkomst"] == "waarschuwing"
    listed = at.dataframe[0].value.set_index("nummer").loc[number]
    assert listed["shortlist"] == f"#{item['id']} Loods aan de haven"

    # change the outcome of the same record
    widget(at.selectbox, "Interventie").set_value(number).run()
    widget(at.selectbox, "Uitkomst").set_value("sluiting")
    widget(at.button, "Opslaan").click().run()
    assert [s.value for s in at.success] == [f"Interventie {number} gewijzigd."]
    row = _stored(engine, number)
    assert row["uitkomst"] == "sluiting" and row["version"] == 2
    assert row["shortlist_id"] == item["id"]  # the link and the place are kept
    assert (row["x"], row["y"]) == (x, y)


def test_a_stale_change_gets_the_conflict_message(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    engine, settings = _store(home)
    number = register.next_id(engine, date.today())
    entry = register.Entry(number, date.today(), "woonoverlast", buurtcode=_a_buurt(engine))
    report = register.save(
        engine, settings, entry, expected_version=None, actor="anna", origin="test"
    )
    assert report.inserted == 1, report.to_dict()

    anna, bert = open_page("anna"), open_page("bert")
    for at in (anna, bert):
        widget(at.selectbox, "Interventie").set_value(number).run()
    widget(anna.text_input, "Maatregel").input("Gesprek met eigenaar")
    widget(anna.button, "Opslaan").click().run()
    assert not anna.error
    widget(bert.text_input, "Maatregel").input("Dwangsom")
    widget(bert.button, "Opslaan").click().run()
    assert any("intussen gewijzigd door anna" in e.value for e in bert.error)
    assert _stored(engine, number)["maatregel"] == "Gesprek met eigenaar"

    # bert opens the newest version: anna's text is in the form, and his change now lands
    widget(bert.button, "Nieuwste versie openen").click().run()
    assert not bert.error
    assert widget(bert.text_input, "Maatregel").value == "Gesprek met eigenaar"
    widget(bert.text_input, "Maatregel").input("Gesprek met eigenaar; dwangsom")
    widget(bert.button, "Opslaan").click().run()
    assert [s.value for s in bert.success] == [f"Interventie {number} gewijzigd."]
    assert _stored(engine, number)["maatregel"] == "Gesprek met eigenaar; dwangsom"


def test_a_new_number_that_exists_is_refused(home):
    engine, settings = _store(home)
    with engine.connect() as conn:
        taken = conn.execute(select(schema.interventions.c.source_id).limit(1)).scalar_one()
    entry = register.Entry(taken, date.today(), "woonoverlast", buurtcode=_a_buurt(engine))
    with pytest.raises(register.ImportError_, match="bestaat al"):
        register.save(engine, settings, entry, expected_version=None, actor="a", origin="t")


def test_effect_classes_on_the_demo_show_the_planted_drop(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page()
    caption = next(c.value for c in at.caption if c.value.startswith("Per interventie"))
    counts = {
        label: int(n)
        for label, n in (part.rsplit(": ", 1) for part in caption.split("meting; ")[1].split("; "))
        if label in effect_classes.LABEL.values()
    }
    # the demo halves signals near interventions: strong drops outnumber rises
    drops = counts.get("daling van 50% of meer", 0) + counts.get("daling van 10 tot 50%", 0)
    assert drops > 2 * counts.get("stijging van 10% of meer", 0)


def test_effect_class_boundaries():
    table = pd.DataFrame(
        {
            "n_before": [20, 20, 20, 20, 20, 20, 4],
            "effect": [0.5, 0.51, 0.9, 0.95, 1 / 0.9, np.nan, 0.1],
        }
    )
    assert effect_classes.effect_class(table).tolist() == [
        "sterke_daling",
        "daling",
        "daling",
        "gelijk",
        "stijging",
        "te_weinig",
        "te_weinig",
    ]


def test_doctests():
    import doctest

    assert doctest.testmod(register).failed == 0
    assert doctest.testmod(effect_classes).failed == 0


def test_where_an_entry_lies():
    item = {"x": 81000.0, "y": 436000.0, "adres": "Kade 1"}
    placed = {"x": 82000.0, "y": 437000.0, "adres": None, "buurt_code": "BU06220101"}
    area_only = {"x": np.nan, "y": np.nan, "adres": None, "buurt_code": "BU06220202"}
    # a change keeps the record's own place, even when it is linked to an item elsewhere
    assert register.location(None, placed, item) == {"x": 82000.0, "y": 437000.0, "adres": ""}
    assert register.location(None, area_only, item) == {"buurtcode": "BU06220202"}
    # a new entry takes its item's place; a chosen buurt always wins
    assert register.location(None, None, item)["adres"] == "Kade 1"
    assert register.location("BU06220303", placed, item) == {"buurtcode": "BU06220303"}
    with pytest.raises(register.ImportError_, match="kies een shortlist-item"):
        register.location(None, None, {"x": None, "y": None, "adres": "Kade 1"})


def test_map_rows_are_located_labelled_and_clearest_on_top():
    table = pd.DataFrame(
        {
            "datum": [date(2025, 3, 1)] * 4,
            "x": [1.0, 2.0, np.nan, 4.0],
            "y": [1.0, 2.0, 3.0, 4.0],
            "n_before": [20, 20, 20, 2],
            "effect": [0.3, 1.0, 0.3, 0.3],
        }
    )
    rows = effect_classes.for_map(table)
    assert rows["klasse"].tolist() == ["te_weinig", "gelijk", "sterke_daling"]
    assert rows["datum_tekst"].tolist() == ["01-03-2025"] * 3
    assert rows["kleur"].iloc[-1] == effect_classes.COLOUR["sterke_daling"]
    assert rows["effect_tekst"].iloc[0].startswith("te weinig signalen")


def test_effect_section_shows_the_matched_headline_first(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page()
    texts = [m.value for m in at.markdown]
    headline = next(i for i, t in enumerate(texts) if "vergelijkbare plekken" in t)
    per_theme = next(i for i, t in enumerate(texts) if t.startswith("**Per thema**"))
    assert headline < per_theme
    assert texts[headline].startswith("**Daling na interventies: na ")
    summary = next(d.value for d in at.dataframe if "groep" in d.value.columns)
    assert summary["groep"].iloc[0].startswith("alle interventies, tegen plekken met evenveel")
    assert any(
        "plekken met evenveel meldingen vooraf zonder interventie" in c.value for c in at.caption
    )
    theme_table = next(
        d.value
        for d in at.dataframe
        if "thema" in d.value.columns and "p (gecorrigeerd)" in d.value.columns
    )
    assert len(theme_table) > 1
