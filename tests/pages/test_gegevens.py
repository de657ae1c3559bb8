"""The Gegevens page shows how far each source is complete and lets the beheerder set it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from apptest_support import build_demo_home, open_page

from oovgeo.config import load_settings
from oovgeo.store.audit import entries
from oovgeo.store.db import make_engine

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def _completeness_table(at):
    return next(df.value for df in at.dataframe if "compleet t/m" in df.value.columns)


def test_beheerder_sets_a_completeness_date_by_hand(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("1_Gegevens.py", "beheer", "beheerder")
    assert not at.exception
    table = _completeness_table(at)
    politie = table[table["bron"] == "Politie"].iloc[0]
    assert politie["bepaald door"] == "laatste datum in de gegevens"
    assert politie["compleet t/m"] == politie["laatste datum in gegevens"]

    chosen = date.today() - timedelta(days=20)
    form_box = [s for s in at.selectbox if s.label == "Bron"][0]
    form_box.select("politie")
    [d for d in at.date_input if d.label == "Compleet t/m"][0].set_value(chosen)
    [b for b in at.button if b.label == "Datum vastleggen"][0].click()
    at.run()

    assert not at.exception
    politie = _completeness_table(at).query("bron == 'Politie'").iloc[0]
    assert politie["compleet t/m"] == f"{chosen:%d-%m-%Y}"
    assert politie["bepaald door"] == "ingesteld op de pagina Gegevens"
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    with make_engine(settings.database_url).connect() as conn:
        rows = entries(conn, ["compleet_tot"])
    assert [(obj, actor, detail) for obj, _, actor, _, detail in rows][-1][:2] == (
        "politie",
        "beheer",
    )
