"""Shared fixtures: settings in a temporary home, the store on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from lag_support import lagged  # noqa: F401 (a fixture: stores with a delivery lag)
from sqlalchemy import create_engine

from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("OOVGEO_TEST_POSTGRES_URL")


@pytest.fixture
def shared_data() -> Path:
    if not SHARED.exists():
        pytest.fail(f"reference data missing: {SHARED} (CI has ../shared beside the clone)")
    return SHARED


@pytest.fixture
def home(tmp_path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def _settings(home: Path, url: str = ""):
    env = {"OOVGEO_HOME": str(home)}
    if url:
        env["OOVGEO_DATABASE_URL"] = url
    return load_settings(env=env, config_file=None)


@pytest.fixture
def settings(home):
    return _settings(home)


def _fresh_postgres():
    if not POSTGRES_URL:
        pytest.skip("OOVGEO_TEST_POSTGRES_URL not set (scripts/test sets it and starts PostgreSQL)")
    wipe = create_engine(POSTGRES_URL)
    schema.metadata.drop_all(wipe)
    wipe.dispose()
    return make_engine(POSTGRES_URL)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, home):
    """(engine, settings) on an empty database of each backend."""
    if request.param == "sqlite":
        settings = _settings(home)
        engine = make_engine(settings.database_url)
    else:
        engine = _fresh_postgres()
        settings = _settings(home, POSTGRES_URL)
    yield engine, settings
    engine.dispose()


@pytest.fixture
def sqlite_store(home):
    settings = _settings(home)
    engine = make_engine(settings.database_url)
    yield engine, settings
    engine.dispose()


@pytest.fixture
def vlaardingen(store, shared_data):
    """A store with the real 2025 buurten of Vlaardingen (GM0622) loaded."""
    engine, settings = store
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    return engine, settings


DEMO_END = date(2026, 10, 31)


@pytest.fixture(scope="session")
def demo_town(tmp_path_factory):
    """The demo data set over the fictitious town, ending DEMO_END: (home, engine, settings).

    Shared by the read-only analysis tests; tests that write make their own store.
    """
    home = tmp_path_factory.mktemp("demo_home")
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    ops.build_demo(engine, settings, end=DEMO_END)
    return home, engine, settings
