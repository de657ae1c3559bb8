"""AppTest of the pages: access rules, the start page, the data page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oovgeo import operations as ops
from oovgeo.config import load_settings

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DATA_PAGE = str(ROOT / "pages" / "1_Gegevens.py")


@pytest.fixture
def env(monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    monkeypatch.delenv("OOVGEO_DATABASE_URL", raising=False)
    monkeypatch.delenv("OOVGEO_CONFIG", raising=False)
    monkeypatch.setenv("OOVGEO_DEV_IDENTITY", "1")
    monkeypatch.setenv("OOVGEO_DEV_ROLE", "beheerder")
    return home


@pytest.fixture
def loaded(env, shared_data):
    settings = load_settings()
    engine = ops.open_store(settings)
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    return env


def _run(path=APP, switch=None):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if switch:
        at.switch_page(switch)
        at.run()
    return at


def test_nobody_logged_in_sees_nothing_and_touches_no_data(env, monkeypatch):
    monkeypatch.delenv("OOVGEO_DEV_IDENTITY")
    for page in (None, DATA_PAGE):
        at = _run(switch=page)
        assert at.error and "Niet ingelogd" in at.error[0].value
        assert not at.metric and not at.title
    assert not (env / "oovgeo.db").exists()  # the data layer was never opened


def test_production_setting_disables_the_development_identity(env, monkeypatch):
    monkeypatch.setenv("OOVGEO_AUTH_PRODUCTION", "true")
    at = _run()
    assert "Niet ingelogd" in at.error[0].value
    assert not (env / "oovgeo.db").exists()


def test_start_page_shows_status_and_wijk_map(loaded):
    at = _run()
    assert not at.exception
    assert "Vlaardingen" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Gebiedsindeling"] == "2025"
    assert metrics["Signalen"] == "0"
    assert any("Wijken (8)" in h.value for h in at.subheader)
    assert at.selectbox[0].value == "grijs"


def test_data_page_is_for_beheerder_only(loaded, monkeypatch):
    at = _run(switch=DATA_PAGE)
    assert not at.exception and at.title[0].value == "Gegevens importeren"
    monkeypatch.setenv("OOVGEO_DEV_ROLE", "manager")
    at = _run(switch=DATA_PAGE)
    assert "niet beschikbaar voor uw rol" in at.error[0].value
    assert not at.title


def test_first_start_with_empty_store_builds_the_demo(env):
    at = _run()
    assert not at.exception
    assert "Demostad (fictief)" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Signalen"].replace(".", "")) > 10_000
