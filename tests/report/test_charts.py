"""Report charts: the pack's trend chart draws the incomplete tail dashed and lighter."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pandas as pd

from oovgeo.report.pack import figures


def test_incomplete_tail_is_dashed_lighter_and_per_covered_week(monkeypatch):
    grid = [(date(2026, 9, 1) + timedelta(days=28 * i),) for i in range(4)]
    grid = [(s, s + timedelta(days=27)) for (s,) in grid]
    until = grid[3][0] + timedelta(days=13)  # the last period is half delivered
    data = SimpleNamespace(
        grid=grid,
        data_as_of=until,
        theme_labels={"woonoverlast": "Woonoverlast"},
        period=grid[3],
    )
    table = pd.DataFrame(
        {"periode": range(4), "thema": "woonoverlast", "count": [40, 40, 40, 20], "hidden": False}
    )
    drawn = {}
    monkeypatch.setattr(figures, "_png", lambda fig: drawn.setdefault("fig", fig) and b"png")
    figures.trend_png(data, ["woonoverlast"], table)
    solid, tail = drawn["fig"].axes[0].get_lines()
    assert list(solid.get_ydata()) == [10.0, 10.0, 10.0]  # 40 in 4 weeks
    # the tail joins the last complete period; 20 signals in the 2 delivered weeks = 10
    assert list(tail.get_ydata()) == [10.0, 10.0]
    assert tail.get_alpha() == 0.4 and tail.get_linestyle() == "--"
    texts = [t.get_text() for t in drawn["fig"].axes[0].texts]
    assert any("onvolledig" in t and "compleet t/m" in t for t in texts)
