"""The Gegevens page takes a Signalen export and shows the import report in Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import open_page

from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store.db import make_engine

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "signalen"


@pytest.fixture
def home(tmp_path, monkeypatch, shared_data):
    """A store with Vlaardingen's buurten and nothing else (no demo)."""
    home = tmp_path / "home"
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    monkeypatch.setenv("OOVGEO_DEMO_AUTO", "0")
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    engine.dispose()
    return home


def _upload(at, name: str) -> None:
    uploader = at.file_uploader[0]
    assert {".json", ".geojson"} <= set(uploader.proto.type)
    uploader.upload(name, (FIXTURES / name).read_bytes(), "application/json")
    [b for b in at.button if b.label == "Importeren"][0].click()
    at.run()


def test_signalen_upload_shows_the_report(home):
    at = open_page("1_Gegevens.py", "beheer", "beheerder")
    assert not at.exception
    _upload(at, "api_signals.json")  # with the default profile 'generiek' still chosen

    assert not at.exception and not at.error
    assert at.success[0].value.startswith(
        "api_signals.json: 15 rijen gelezen, 11 geaccepteerd (11 nieuw, 0 bijgewerkt), "
        "4 afgewezen, 0 dubbel, 0 overgeslagen."
    )
    lines = [t.value for t in at.text]
    assert "afgewezen 2x: thema: onbekend thema" in lines
    assert (
        "niet opgeslagen (persoonsgegevens/vrije tekst): "
        "text, text_extra, reporter, notes, extra_properties"
    ) in lines
    page = " ".join(lines + [m.value for m in at.markdown])
    assert "portiek" not in page and "voorbeeldmail" not in page

    _upload(at, "api_signals.json")
    assert "dit bestand is al geïmporteerd" in at.info[0].value


def test_a_boundary_file_is_refused_with_its_reason(home, shared_data):
    at = open_page("1_Gegevens.py", "beheer", "beheerder")
    uploader = at.file_uploader[0]
    uploader.upload("buurten.geojson", (shared_data / "buurten_2025.geojson").read_bytes())
    [b for b in at.button if b.label == "Importeren"][0].click()
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Niet geïmporteerd: Melding 1 heeft als locatie een")
    assert "geen punt" in at.error[0].value
