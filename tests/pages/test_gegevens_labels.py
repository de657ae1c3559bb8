"""On the Gegevens page the beheerder maps a theme label and its quarantined rows come in."""

from __future__ import annotations

import pytest
from apptest_support import build_demo_home, open_page
from sqlalchemy import func, select

from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.db import make_engine

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)

HEADER = "Meldingnummer;Datum melding;Categorie;Kanaal;Buurtcode;Naam melder\n"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def _engine(home):
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    return make_engine(settings.database_url), settings


def _count(engine, table, *where):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_mapping_drugs_to_ondermijning_on_the_page_releases_the_rows(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    engine, settings = _engine(home)
    with engine.connect() as conn:
        buurt = conn.execute(
            select(schema.areas.c.code).where(schema.areas.c.level == "buurt").limit(1)
        ).scalar_one()
    rows = [
        f"MOR-{i};0{1 + i}-09-2026;{cat};{channel};{buurt};Iemand {i}"
        for i, (cat, channel) in enumerate(
            [("Drugs", "MOR"), ("drugs", "Meldpunt"), ("Woonoverlast", "BOA"), ("Drugs", "Balie")]
        )
    ]
    report = ops.run_import(
        engine,
        settings,
        kind="signals",
        data=(HEADER + "\n".join(rows) + "\nTotaal: 4 meldingen\n").encode(),
        filename="mor.csv",
        actor="beheer",
    )
    assert (report.inserted, report.rejected, report.skipped) == (1, 3, {"voettekst": 1})
    ours = schema.signals.c.source_id.like("MOR-%")

    at = open_page("1_Gegevens.py", "beheer", "beheerder")
    assert not at.exception
    held = next(df.value for df in at.dataframe if "label in de export" in df.value.columns)
    assert held.to_dict("records") == [{"label in de export": "Drugs", "rijen": 3}]

    [s for s in at.selectbox if s.label.startswith("Label uit de export")][0].select("Drugs")
    [s for s in at.selectbox if s.label == "Koppelen aan"][0].select("thema:ondermijning")
    [b for b in at.button if b.label == "Koppelen"][0].click()
    at.run()

    assert not at.exception
    success = " ".join(s.value for s in at.success)
    assert "'Drugs' is gekoppeld aan Ondermijning" in success
    assert "3 rijen uit quarantaine opnieuw verwerkt: 3 geaccepteerd" in success
    assert _count(engine, schema.signals, ours) == 4
    assert _count(engine, schema.signals, ours, schema.signals.c.thema == "ondermijning") == 3
    assert _count(engine, schema.quarantine) == 0
    assert not any("label in de export" in df.value.columns for df in at.dataframe)


def test_a_coordinator_sees_no_mapping_form(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("1_Gegevens.py", "coord", "coordinator")
    assert not any(b.label == "Koppelen" for b in at.button)
