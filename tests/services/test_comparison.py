"""Comparisons end where the data are complete: a delivery lag is not a fall in signals.

The data here have no change at all (the same weekly pattern in every buurt), so an honest
comparison of two periods of whole weeks finds none. The exports arrive late: the newest days are
simply not delivered yet. The failure this guards against: a period that ends today counts
the undelivered days as days without signals, and every wijk reads "significant gedaald".
"""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import pytest

from oovgeo.analysis.completeness import ORIGIN_HAND, ORIGIN_SETTING
from oovgeo.analysis.periods import PRESETS
from oovgeo.config import load_settings
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops
from oovgeo.services.comparison import ComparisonError, compare_periods
from oovgeo.store.audit import entries
from oovgeo.store.db import make_engine
from oovgeo.vocab import FALL, RISE

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


def _significant(engine, settings, preset: str, until: date | None) -> tuple[int, object]:
    pair = PRESETS[preset](until or TODAY)
    result = compare_periods(
        engine, settings, pair, kind="signals", level="wijk", today=TODAY, until=until
    )
    verdicts = result.table["oordeel"]
    return int(verdicts.isin([RISE, FALL]).sum()), result


@pytest.mark.parametrize("lag", [14, 27])
@pytest.mark.parametrize("preset", [SIX_WEEKS, FOUR_WEEKS])
def test_a_delivery_lag_is_not_a_fall(lagged, lag, preset):
    engine, settings = lagged({"meld_een_vermoeden": lag})
    until = complete.until(engine, settings, "signals", (), TODAY)
    assert until == TODAY - timedelta(days=lag)

    significant, result = _significant(engine, settings, preset, until)

    assert significant == 0, result.table[["wijk_code", "a", "b", "oordeel"]]
    assert result.until == until and result.pair.a_end == until
    assert result.days_a == result.days_b == (42 if preset == SIX_WEEKS else 28)


@pytest.mark.parametrize("lag", [14, 27])
def test_counting_to_today_would_call_the_lag_a_fall(lagged, lag):
    """The failure the completeness date prevents, measured on the same data."""
    engine, settings = lagged({"meld_een_vermoeden": lag})
    pair = PRESETS[SIX_WEEKS](TODAY)
    naive = compare_periods(
        engine, settings, pair, kind="signals", level="wijk", today=TODAY, until=TODAY
    )
    assert (naive.table["oordeel"] == FALL).sum() >= 6


def test_the_slowest_counted_source_sets_the_end(lagged):
    engine, settings = lagged({"meld_een_vermoeden": 0, "politie": 27})
    assert complete.until(engine, settings, "signals", (), TODAY) == TODAY - timedelta(days=27)
    # a view of one source only waits for that source
    assert complete.until(engine, settings, "signals", ("meld_een_vermoeden",), TODAY) == TODAY
    significant, _ = _significant(
        engine, settings, SIX_WEEKS, complete.until(engine, settings, "signals", (), TODAY)
    )
    assert significant == 0


def test_a_date_set_by_hand_wins_and_is_audited(lagged):
    engine, settings = lagged({"politie": 3})
    complete.set_until(
        engine, "politie", TODAY - timedelta(days=20), actor="beheer", origin="app", today=TODAY
    )
    table = complete.table(engine, settings, "signals")
    assert table["politie"].until == TODAY - timedelta(days=20)
    assert table["politie"].latest == TODAY - timedelta(days=3)
    assert table["politie"].origin == ORIGIN_HAND
    with pytest.raises(ValueError, match="toekomst"):
        complete.set_until(
            engine, "politie", TODAY + timedelta(days=1), actor="b", origin="app", today=TODAY
        )

    complete.set_until(engine, "politie", None, actor="beheer", origin="app", today=TODAY)
    assert complete.until(engine, settings, "signals", (), TODAY) == TODAY - timedelta(days=3)
    with engine.connect() as conn:
        rows = entries(conn, ["compleet_tot"])
    assert [(obj, actor) for obj, _, actor, _, _ in rows] == [("politie", "beheer")] * 2


def test_a_date_in_the_settings_overrides_the_data(lagged):
    engine, settings = lagged(
        {"politie": 0}, config='[data]\ncomplete_until = {politie = "2026-11-01"}\n'
    )
    table = complete.table(engine, settings, "signals")
    assert table["politie"].until == date(2026, 11, 1)
    assert table["politie"].origin == ORIGIN_SETTING


def test_a_period_with_no_complete_day_is_refused(lagged):
    engine, settings = lagged({"politie": 60})
    pair = PRESETS[FOUR_WEEKS](TODAY)
    with pytest.raises(ComparisonError, match="compleet t/m"):
        compare_periods(
            engine,
            settings,
            pair,
            kind="signals",
            level="wijk",
            today=TODAY,
            until=TODAY - timedelta(days=60),
        )
