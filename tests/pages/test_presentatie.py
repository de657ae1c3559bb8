"""Presentation mode: the meeting pack slide by slide, locked until a new login."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import build_demo_home
from apptest_support import open_page as open_apptest
from streamlit.testing.v1 import AppTest

from oovgeo.config import load_settings
from oovgeo.meetings import meeting_type
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.ui import IDENTITY_KEY

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest) or a server/subprocess

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "8_Presentatie.py")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def open_page(role: str = "coordinator") -> AppTest:
    at = open_apptest("8_Presentatie.py", "anna", role)
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def headings(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def test_presenting_steps_through_the_configured_slides_and_ends_with_a_login(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    meeting = meeting_type(settings, "politie")
    at = open_page()
    next(s for s in at.selectbox if s.label == "Overleg").set_value("politie").run()
    button(at, "Presentatie starten").click().run()
    assert not at.exception, at.exception
    assert not at.get("page_link")  # no navigation while presenting

    seen = [headings(at)[0]]
    for _ in range(len(meeting.slides) - 1):
        button(at, "Volgende ▶").click().run()
        assert not at.exception, at.exception
        seen.append(headings(at)[0])
    assert button(at, "Volgende ▶").disabled
    assert len(seen) == len(meeting.slides) == len(set(seen))
    assert any(c.value == f"Dia {len(seen)} van {len(seen)}" for c in at.caption)
    button(at, "◀ Vorige").click().run()
    assert headings(at)[0] == seen[-2]

    # another page leads back to the presentation: no way around it but logging in again
    at.switch_page(str(ROOT / "pages" / "3_Kaart.py"))
    at.run()
    assert headings(at)[0] == seen[-2]
    assert not at.get("page_link")
    at.switch_page(PAGE)  # where the browser's address now points (AppTest keeps the old one)
    at.run()

    button(at, "Presentatie beëindigen (opnieuw inloggen)").click().run()
    assert at.title[0].value == "oovgeo · inloggen"
    assert IDENTITY_KEY not in at.session_state
    engine = ops.open_store(settings)
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(schema.audit_log.select())]
    assert {"presentation_start", "presentation_end", "logout"} <= set(actions)


def test_a_manager_gets_the_protected_pack_whatever_the_meeting(home, monkeypatch, tmp_path):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("manager")
    assert any("beschermd" in m.value for m in at.markdown)
    button(at, "Pakket maken").click().run()
    assert not at.exception, at.exception
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["PowerPoint (.pptx)", "PDF"]
    at.run()  # still offered after a rerun (a download reruns the page)
    assert [d.label for d in at.get("download_button")] == labels
