"""Shared by the AppTest page tests: a demo store per module and a page as a user sees it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from streamlit.testing.v1 import AppTest

from oovgeo import access
from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store.db import make_engine
from oovgeo.ui import IDENTITY_KEY

ROOT = Path(__file__).resolve().parents[1]


def build_demo_home(tmp_path_factory) -> Path:
    """An OOVGEO_HOME holding the demo data set (the fictitious town), for one test module."""
    home = tmp_path_factory.mktemp("home")
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    ops.build_demo(make_engine(settings.database_url), settings)
    return home


def open_page(
    file: str, name: str = "coord", role: str = "coordinator", timeout: float = 240
) -> AppTest:
    """``pages/<file>`` as a logged-in user sees it (the caller sets OOVGEO_HOME)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state[IDENTITY_KEY] = access.Identity(name, role, "local", datetime.now(UTC))
    at.run()
    at.switch_page(str(ROOT / "pages" / file))
    at.run()
    return at
