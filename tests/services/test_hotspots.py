"""The hotspot service: the period and the held-out weeks end where the data are complete.

Every figure of the Kaart hotspot layer and of ``oovgeo hotspots`` comes from here, so these
tests pin what both show: every unit with its count, the period cut at the completeness date,
and the PAI scored on weeks that were fully delivered.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
import shapely
from conftest import DEMO_END

from oovgeo.analysis import accuracy
from oovgeo.analysis.aggregate import Filters, coordinates
from oovgeo.analysis.hotspots import CLASSES
from oovgeo.config import load_settings
from oovgeo.services import completeness as complete
from oovgeo.services import hotspots as service
from oovgeo.store.areas_repo import load_areas

LAGGING = date(2026, 10, 11)  # a Sunday, three weeks before the demo's last day


@pytest.fixture
def lagging_settings(demo_town, tmp_path):
    """The demo store, with the police deliveries complete only up to LAGGING."""
    home, _, _ = demo_town
    config = tmp_path / "oovgeo.toml"
    config.write_text(f'[data]\ncomplete_until = {{politie = "{LAGGING}"}}\n', encoding="utf-8")
    return load_settings(env={"OOVGEO_HOME": str(home)}, config_file=config)


def test_default_period_is_four_weeks_up_to_the_completeness_date(demo_town):
    _, engine, settings = demo_town
    today = DEMO_END + timedelta(days=30)
    result = service.analyse(engine, settings, unit="buurt", today=today)
    until = complete.until(engine, settings, "signals", (), today)
    assert result.until == until == date(2026, 10, 29)  # the demo's sources end before DEMO_END
    assert (result.filters.start, result.filters.end) == (date(2026, 10, 2), until)
    assert result.filters.days == 28
    # the held-out weeks: the eight whole weeks up to the last Sunday of the period
    assert (result.windows.test_start, result.windows.test_end) == (
        date(2026, 8, 31),
        date(2026, 10, 25),
    )


def test_a_lagging_source_ends_the_period_and_the_held_out_weeks(demo_town, lagging_settings):
    _, engine, _ = demo_town
    result = service.analyse(
        engine, lagging_settings, start=date(2026, 10, 1), end=DEMO_END, unit="grid", today=DEMO_END
    )
    assert result.until == LAGGING
    assert result.filters.end == LAGGING
    assert result.windows == accuracy.windows(date(2026, 10, 1), LAGGING)
    assert result.windows.test_end == LAGGING  # a Sunday: the last held-out week ends there
    # only the lagging source's own choice: without police the period runs to the end
    own = service.analyse(
        engine,
        lagging_settings,
        start=date(2026, 10, 1),
        end=DEMO_END,
        sources=["meld_een_vermoeden"],
        unit="grid",
        today=DEMO_END,
    )
    assert own.until > LAGGING and own.windows.test_end == date(2026, 10, 25)


def test_a_period_after_the_completeness_date_is_refused_in_dutch(demo_town, lagging_settings):
    _, engine, _ = demo_town
    with pytest.raises(service.HotspotError, match="laatste dag met volledige gegevens"):
        service.analyse(
            engine, lagging_settings, start=date(2026, 10, 20), unit="buurt", today=DEMO_END
        )


def test_every_buurt_comes_back_with_the_signals_inside_it(demo_town):
    _, engine, settings = demo_town
    start = date(2025, 11, 1)
    result = service.analyse(engine, settings, start=start, unit="buurt", today=DEMO_END)
    buurten = load_areas(engine, 2025, level="buurt")
    units = result.units.set_index("code")
    assert sorted(units.index) == sorted(buurten["code"])
    assert set(units["hotspot"]) <= set(CLASSES)
    # counted independently: the points of the period inside each buurt polygon
    with engine.connect() as conn:
        x, y = coordinates(conn, Filters(start, result.until))
    expected = {
        code: int(shapely.contains_xy(geom, x, y).sum())
        for code, geom in zip(buurten["code"], buurten.geometry, strict=True)
    }
    got = units["aantal"].to_dict()
    assert got == expected
    assert (units["hotspot"] != "niet significant").sum() >= 4  # the planted hotspots


def test_every_grid_cell_comes_back_and_only_aggregates(demo_town):
    _, engine, settings = demo_town
    result = service.analyse(engine, settings, unit="grid", today=DEMO_END)
    cells = service.town_cells(load_areas(engine, 2025, level="buurt"))
    assert len(result.units) == len(cells)
    assert list(result.units.columns) == service.UNIT_COLUMNS
    assert np.isfinite(result.units["gi_z"]).all()
    assert result.method.endswith("tellen niet mee.")
