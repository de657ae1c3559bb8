"""The attacker of test_disclosure_lp, over everything a manager can take home from the demo.

Collected: every protected export a manager can produce (``oovgeo export ... --beschermd``,
which the page tests pin to the screen): the Kaart table per wijk and per buurt, all themes
and each theme, for every four-week block the sidebar offers, rates and interventions; the
Trends series per month and quarter, by theme, source and wijk; every Vergelijken preset per
wijk and buurt, with and without themes; the profile of every wijk; and the figures of the
three meeting packs. Every cell is recounted from the records (``published_support``): its
text must be the display of the weighted sum and its interval must hold the true count. Then
linear programming over all published intervals together tries to pin each small true count.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pytest
from apptest_support import build_demo_home
from disclosure_attack import bounds
from published_support import K, contains, records, selected, shown

from oovgeo.analysis.periods import four_week_blocks
from oovgeo.cli import main
from oovgeo.cli.analyses import PRESET_NAMES
from oovgeo.cli.export import cell
from oovgeo.config import load_settings
from oovgeo.meetings import meeting_types
from oovgeo.report.pack.data import load_data
from oovgeo.services import completeness as complete
from oovgeo.store.db import make_engine

TARGETS = 60  # small true counts attacked by LP (each costs two solves)
CAP = 1000  # an upper bound 1000 above the lower one counts as none (see bounds)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = build_demo_home(tmp_path_factory)
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    return home, engine, settings, records(engine)


def _export(capsys, *args) -> list[dict]:
    capsys.readouterr()
    assert main(["export", *args, "--beschermd", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["cellen"]


def manager_exports(capsys, engine, settings) -> list[dict]:
    """Every table the manager's pages offer, as protected export cells."""
    until = complete.until(engine, settings, "signals", [], date.today())
    blocks = four_week_blocks(until + timedelta(days=1))
    cells = []
    for i, (start, end) in enumerate(blocks):
        span = ["--van", start.isoformat(), "--tot", end.isoformat()]
        cells += _export(capsys, "kaart", "--niveau", "wijk", "--per-thema", *span)
        if i < 6:
            cells += _export(capsys, "kaart", "--niveau", "buurt", "--per-thema", *span)
            cells += _export(capsys, "kaart", "--gegevens", "interventions", "--per-thema", *span)
            cells += _export(capsys, "kaart", "--maat", "per-1000", "--niveau", "buurt", *span)
    for per in ("maand", "kwartaal"):
        for split in ("geen", "thema", "bron", "wijk"):
            cells += _export(capsys, "trends", "--per", per, "--uitsplitsen", split)
    cells += _export(capsys, "trends", "--gegevens", "interventions", "--uitsplitsen", "wijk")
    for preset in PRESET_NAMES:
        for level in ("wijk", "buurt"):
            cells += _export(capsys, "vergelijking", "--preset", preset, "--niveau", level)
            cells += _export(
                capsys, "vergelijking", "--preset", preset, "--niveau", level, "--per-thema"
            )
    wijken = {c["code"] for c in cells if c["niveau"] == "wijk" and c["code"]}
    for code in sorted(wijken):
        cells += _export(capsys, "profiel", "--code", code)
    return cells


def pack_cells(engine, settings) -> list[dict]:
    """The protected figures of the three meeting packs, as cells (what the slides show)."""
    cells = []
    today = date.today()
    for meeting in meeting_types(settings).values():
        data = load_data(engine, settings, meeting, today, None, "beschermd", today)
        rule = data.disclosure

        def what(kind, period, level, code, theme, **more):
            van, tot = period[0].isoformat(), period[1].isoformat()
            return {"gegevens": kind, "van": van, "tot": tot, "niveau": level, "code": code,
                    "thema": theme, "bron": None, **more}  # fmt: skip

        for frame, period in ((data.a_counts, data.period), (data.b_counts, data.grid[-2])):
            for row in frame.itertuples():
                cells.append(
                    cell(
                        row.count, rule, **what("signals", period, "wijk", row.wijk_code, row.thema)
                    )
                )
        for row in data.grid_counts.itertuples():
            span = data.grid[row.periode]
            cells.append(cell(row.count, rule, **what("signals", span, "wijk", None, row.thema)))
        for row in data.interventions.itertuples():
            outcome = row.uitkomst or "onbekend"
            cells.append(
                cell(
                    row.count,
                    rule,
                    **what("interventions", data.period, None, None, row.thema, uitkomst=outcome),
                )
            )
    return cells


@pytest.mark.slow
def test_the_attacker_with_every_manager_download_and_pack_recovers_no_small_count(
    demo, capsys, monkeypatch
):
    home, engine, settings, recs = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    published = manager_exports(capsys, engine, settings) + pack_cells(engine, settings)
    assert len(published) > 5000

    # 1. every published text is the protected figure recounted here; every interval holds
    small, differ, chosen = [], 0, []
    for c in published:
        rows = selected(recs, c)
        chosen.append(rows.index)
        n, p = len(rows), int(rows["gewicht"].sum())
        assert "maat" in c or c["tekst"] == shown(p), c  # a rate cell shows the rate
        assert contains(c, n), (c, n)
        assert c["max"] is None, c  # nothing a protected audience sees bounds a count above
        differ += p != n
        if 0 < n < K:
            small.append(c)
    assert differ > 500 and len(small) > 200, (differ, len(small))

    # 2. linear programming over all published intervals together; leaves are the records'
    # finest cells (area, theme, source, outcome, day), and only cells that hold records
    # exist, which tells the attacker more than it knows
    leaf = {}
    for r in recs.itertuples():
        leaf[r.Index] = (r.gegevens, r.buurt or r.wijk, r.thema, r.bron, r.uitkomst, r.datum)
    cells = [
        ([leaf[i] for i in rows], c["min"], c["max"])
        for c, rows in zip(published, chosen, strict=True)
    ]
    small_leaves = {frozenset(leaf[i] for i in rows): None for rows in chosen if 0 < len(rows) < K}
    unique_small = [list(leaves) for leaves in small_leaves]
    targets = unique_small[:: max(1, len(unique_small) // TARGETS)][:TARGETS]
    results = bounds(cells, targets, cap=CAP)
    pinned = [r for r in results if r[1] is not None and r[1] - r[0] < 0.5]
    widths = [math.inf if hi is None else hi - lo for lo, hi in results]
    print(
        f"\n{len(published)} published cells, {len(small)} small true counts, "
        f"{len(targets)} attacked by LP: {len(pinned)} pinned; narrowest bound {min(widths)}"
    )
    assert not pinned

    # 3. the attacker is not toothless: had the same tables been published as exact figures
    # with "<5" meaning 1..4, it pins small counts of this very demo (stops at the first)
    def exact_rule(n: int) -> tuple[int, int]:
        return (1, K - 1) if 0 < n < K else (n, n)

    exact_cells = [
        (leaves, *exact_rule(len(rows))) for (leaves, _, _), rows in zip(cells, chosen, strict=True)
    ]
    tried = 0
    for target in targets[:15]:
        tried += 1
        low, high = bounds(exact_cells, [target])[0]
        if high is not None and high - low < 0.5:
            break
    else:
        pytest.fail("the attacker pinned nothing even in exact figures: it cannot be trusted")
    print(f"exact figures with '<5': the same attacker pinned a small count in {tried} tries")
