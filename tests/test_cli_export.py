"""``oovgeo export``: each table as its audience sees it, with intervals that hold (issue 13).

Every cell is checked against the records, counted in ``published_support`` (plain SQL and
the record weights): the protected text is the display of the weighted sum, the exact text the
true count, and every interval holds the true count. The pages show the same texts.
"""

from __future__ import annotations

import json
import re

import pytest
from apptest_support import build_demo_home, open_page
from published_support import contains, records, shown, truth

from oovgeo.cli import main
from oovgeo.config import load_settings
from oovgeo.store.db import make_engine


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = build_demo_home(tmp_path_factory)
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    return home, engine, records(engine)


def export(capsys, monkeypatch, home, *args, code: int = 0) -> dict:
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    capsys.readouterr()
    assert main(["export", *args, "--json"]) == code
    return json.loads(capsys.readouterr().out)


def check_protected(cells, recs) -> dict[str, int]:
    """Assert every protected cell; return how many differ from exact and read "<k"."""
    seen = {"cellen": 0, "anders": 0, "klein": 0}
    for cell in cells:
        n, p = truth(recs, cell)
        assert cell["tekst"] == shown(p), cell
        assert contains(cell, n) and cell["max"] is None, (cell, n)
        seen["cellen"] += 1
        seen["anders"] += p != n
        seen["klein"] += cell["tekst"] == "<5"
    return seen


def test_protected_kaart_per_theme_gives_protected_texts_and_true_intervals(
    demo, capsys, monkeypatch
):
    home, _, recs = demo
    for level in ("wijk", "buurt"):
        out = export(
            capsys, monkeypatch, home, "kaart", "--niveau", level, "--per-thema", "--beschermd"
        )
        assert out["beschermd"] and out["regel"].startswith("Hoe lees ik dit?")
        seen = check_protected(out["cellen"], recs)
        themes = {c["thema"] for c in out["cellen"]}
        assert None in themes and len(themes) > 5  # all themes together, then each theme
        assert seen["anders"] > 0 and seen["klein"] > 0, seen
        n, p = truth(recs, out["totaal"])
        assert out["totaal"]["tekst"] == shown(p) and contains(out["totaal"], n)


def test_core_team_export_is_exact(demo, capsys, monkeypatch):
    home, _, recs = demo
    out = export(capsys, monkeypatch, home, "kaart", "--niveau", "buurt", "--per-thema")
    assert not out["beschermd"]
    for cell in out["cellen"]:
        n, _ = truth(recs, cell)
        assert (cell["min"], cell["max"]) == (n, n)
        assert cell["tekst"] == f"{n:,}".replace(",", "."), cell


def test_rate_cells_imply_only_what_a_shown_rate_gives_away(demo, capsys, monkeypatch):
    home, _, recs = demo
    out = export(capsys, monkeypatch, home, "kaart", "--maat", "per-1000", "--beschermd")
    for cell in out["cellen"]:
        n, p = truth(recs, cell)
        assert contains(cell, n)
        if cell["tekst"] == "–":  # hidden rate: says nothing about the count
            assert (cell["min"], cell["max"]) == (0, None)
        else:
            assert re.fullmatch(r"\d+(\.\d{3})*,\d", cell["tekst"]), cell


@pytest.mark.parametrize("split", ["geen", "thema", "bron", "wijk"])
def test_protected_trend_cells_hold(demo, capsys, monkeypatch, split):
    home, _, recs = demo
    out = export(capsys, monkeypatch, home, "trends", "--uitsplitsen", split, "--beschermd")
    seen = check_protected(out["cellen"], recs)
    assert seen["cellen"] >= 24 and seen["anders"] > 0
    # the 12-month mean is a derived figure: one decimal at most, never below k
    means = [c["gemiddelde_12m"] for c in out["cellen"] if c["gemiddelde_12m"]]
    assert means and all(re.fullmatch(r"\d+(,\d)?", m) for m in means)


def test_protected_comparison_and_profile_cells_hold(demo, capsys, monkeypatch):
    home, _, recs = demo
    for preset in ("dit-jaar", "laatste-6-weken"):
        out = export(
            capsys,
            monkeypatch,
            home,
            "vergelijking",
            "--preset",
            preset,
            "--niveau",
            "buurt",
            "--per-thema",
            "--beschermd",
        )
        assert {c["periode"] for c in out["cellen"]} == {"a", "b"}
        assert check_protected(out["cellen"], recs)["anders"] > 0
    wijk = recs["wijk"].dropna().iloc[0]
    for code in (wijk, recs.loc[recs["wijk"] == wijk, "buurt"].dropna().iloc[0]):
        out = export(capsys, monkeypatch, home, "profiel", "--code", code, "--beschermd")
        kinds = {c["kengetal"] for c in out["cellen"]}
        assert {"Signalen", "Interventies", "Thema", "Maand"} <= kinds
        check_protected(out["cellen"], recs)


def test_wrong_choices_get_a_dutch_reason_in_the_json(demo, capsys, monkeypatch):
    home, _, _ = demo
    out = export(capsys, monkeypatch, home, "kaart", "--thema", "onzin", "--beschermd", code=2)
    assert out["fout"].startswith("onbekende thema's onzin; kies uit:")
    out = export(capsys, monkeypatch, home, "profiel", code=2)
    assert "--code" in out["fout"]
    out = export(
        capsys, monkeypatch, home, "kaart", "--van", "2026-05-01", "--tot", "2026-04-01", code=2
    )
    assert "--tot ligt voor --van" in out["fout"]


@pytest.mark.slow
def test_the_manager_sees_on_screen_what_the_export_says(demo, capsys, monkeypatch):
    home, _, _ = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("3_Kaart.py", "manager", "manager")
    assert not at.exception
    table = at.dataframe[-1].value
    out = export(capsys, monkeypatch, home, "kaart", "--beschermd")
    assert at.sidebar.selectbox[0].value.startswith(
        "-".join(reversed(out["cellen"][0]["van"].split("-")))
    )
    texts = {c["code"]: c["tekst"] for c in out["cellen"]}
    screen = dict(zip(table["code"], table["Aantal"].astype(str), strict=True))
    assert screen == texts


@pytest.mark.slow
def test_the_managers_trend_table_is_the_export_with_means_rounded(demo, capsys, monkeypatch):
    """Issue 13: the manager's Trends table (and CSV) gave ``gemiddelde_12m`` unrounded."""
    home, _, recs = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("4_Trends.py", "manager", "manager")
    assert not at.exception
    table = at.dataframe[-1].value
    out = export(capsys, monkeypatch, home, "trends", "--beschermd")
    assert len(table) == len(out["cellen"])
    for (_, row), cell in zip(table.iterrows(), out["cellen"], strict=True):
        assert row["periode"].date().isoformat() == cell["van"]
        assert cell["tekst"] == ("<5" if row["aantal"] != row["aantal"] else shown(row["aantal"]))
        mean = row["gemiddelde_12m"]
        if mean == mean:  # not NaN
            assert round(mean, 1) == mean
            assert cell["gemiddelde_12m"] == f"{mean:.1f}".replace(".", ",")
    # the mean is that of the twelve protected monthly figures before it, not the exact ones
    full = [c for c in out["cellen"] if c["volledig"]]
    last = full[-1]
    twelve = full[-12:]
    protected = [truth(recs, c)[1] for c in twelve]
    assert last["gemiddelde_12m"] == f"{sum(protected) / 12:.1f}".replace(".", ",")
