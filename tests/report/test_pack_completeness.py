"""A meeting pack counts exposure only up to the completeness date: a lag is not a fall."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lag_support import TODAY

from oovgeo.meetings import meeting_type
from oovgeo.report.pack.choices import wijk_theme_comparison, wijk_verdicts
from oovgeo.report.pack.data import load_data
from oovgeo.report.pack.model import PackError
from oovgeo.report.pack.slides import slide_title
from oovgeo.vocab import FALL, RISE

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lag", [14, 27])
def test_a_pack_with_undelivered_days_shows_no_change(lagged, lag):
    engine, settings = lagged({"meld_een_vermoeden": lag})
    meeting = meeting_type(settings, "integraal")
    data = load_data(engine, settings, meeting, TODAY + timedelta(days=1), None, "beschermd", TODAY)

    assert data.period[1] == TODAY
    assert data.data_as_of == TODAY - timedelta(days=lag)
    assert data.exposure_days(data.period) == 42 - lag
    exact, _ = wijk_theme_comparison(data)
    assert not exact["oordeel"].isin([RISE, FALL]).any(), exact[["wijk_code", "a", "b", "oordeel"]]
    assert not wijk_verdicts(data)["oordeel"].isin([RISE, FALL]).any()
    title = " ".join(slide_title(data).bullets)
    assert f"Gegevens compleet t/m {TODAY - timedelta(days=lag):%d-%m-%Y}" in title
    assert "latere dagen tellen niet mee" in title


def test_a_pack_for_a_period_without_complete_data_says_why(lagged):
    engine, settings = lagged({"meld_een_vermoeden": 50})
    meeting = meeting_type(settings, "integraal")
    with pytest.raises(PackError, match="nog geen volledige gegevens.*pagina Gegevens"):
        load_data(engine, settings, meeting, TODAY + timedelta(days=1), None, "beschermd", TODAY)
