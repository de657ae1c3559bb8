"""Signals with no change at all, delivered with a lag per source (for completeness tests)."""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import pytest

from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store.db import make_engine

TODAY = date(2026, 11, 30)
SIX_WEEKS = "Laatste 6 weken tegenover de 6 weken daarvoor"
FOUR_WEEKS = "Laatste 4 weken tegenover de 4 weken daarvoor"
HEADER = "melding_id;datum;thema;bron;buurtcode"
WEEK_PATTERN = (1, 1, 2, 1, 1, 1, 0)  # Monday..Sunday, per buurt and source


def stationary_csv(buurten: list[str], lags: dict[str, int]) -> bytes:
    """Signals with no change at all; source ``s`` delivered up to today - lag.

    Every buurt has the same weekly pattern (more on weekdays, none on Sunday), so any two
    windows of whole weeks hold exactly the same counts: the complete data have no change.
    """
    rows, n = [], 0
    for source, lag in lags.items():
        last = TODAY - timedelta(days=lag)
        for offset in range(200):
            day = TODAY - timedelta(days=offset)
            if day > last:
                continue  # not delivered yet
            for buurt in buurten:
                for _ in range(WEEK_PATTERN[day.weekday()]):
                    n += 1
                    rows.append(f"S{n};{day:%d-%m-%Y};woonoverlast;{source};{buurt}")
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.fixture
def lagged(tmp_path, shared_data):
    """A store factory: Vlaardingen's buurten and stationary signals with the given lags."""
    gdf = gpd.read_file(shared_data / "buurten_2025.geojson")
    buurten = sorted(gdf.loc[gdf["gm_code"] == "GM0622", "statcode"])
    engines = []

    def make(lags: dict[str, int], config: str = ""):
        home = tmp_path / f"home{len(engines)}"
        home.mkdir()
        config_file = None
        if config:
            config_file = home / "oovgeo.toml"
            config_file.write_text(config, encoding="utf-8")
        settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=config_file)
        engine = make_engine(settings.database_url)
        engines.append(engine)
        ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
        report = ops.run_import(
            engine,
            settings,
            kind="signals",
            data=stationary_csv(buurten, lags),
            filename="export.csv",
            profile_name="generiek",
            today=TODAY,
        )
        assert report.rejected == 0
        return engine, settings

    yield make
    for engine in engines:
        engine.dispose()
