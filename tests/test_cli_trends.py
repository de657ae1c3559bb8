"""``oovgeo trends`` prints the series the Trends page shows, from the same function."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from apptest_support import build_demo_home, open_page
from cli_support import cli_json

from oovgeo.cli import main

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def _cli_json(capsys, *args) -> dict:
    return cli_json(capsys, "trends", *args, "--json")


def _same(page: pd.DataFrame, out: dict) -> None:
    """The CLI rows are the page's table, row by row (groups by their label)."""
    rows = pd.DataFrame(out["reeks"])
    assert len(rows) == len(page) > 20
    assert set(rows.columns) >= {
        "periode", "groep", "aantal", "gemiddelde_12m", "vorig_jaar", "volledig",
    }  # fmt: skip
    shown = page.assign(periode=pd.to_datetime(page["periode"]).dt.strftime("%Y-%m-%d"))
    merged = shown.merge(
        rows, left_on=["periode", "groep"], right_on=["periode", "groep_naam"], suffixes=("", "_c")
    )
    assert len(merged) == len(page)
    assert merged["aantal"].tolist() == merged["aantal_c"].tolist()
    assert merged["volledig"].tolist() == merged["volledig_c"].tolist()
    for column in ("gemiddelde_12m", "vorig_jaar"):
        for on_page, cli in zip(merged[column], merged[f"{column}_c"], strict=True):
            if cli is None or (isinstance(cli, float) and math.isnan(cli)):
                assert pd.isna(on_page)  # blank on the page, null in JSON: never 0
            else:
                assert on_page == pytest.approx(cli, rel=1e-12)


def _widget(widgets, label):
    return next(w for w in widgets if w.label == label)


def test_trends_json_equals_the_page(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("4_Trends.py", "beleid", "analist")
    assert not at.exception
    page = at.dataframe[-1].value
    out = _cli_json(capsys)  # the page's defaults: per maand, geen uitsplitsing, signalen
    _same(page, out)
    assert set(pd.DataFrame(out["reeks"])["groep"]) == {"totaal"}
    caption = " ".join(c.value for c in at.caption)
    assert f"compleet t/m {pd.Timestamp(out['compleet_tot']):%d-%m-%Y}" in caption
    assert out["tot"] == out["compleet_tot"]

    _widget(at.selectbox, "Per").set_value("Kwartaal").run()
    _widget(at.selectbox, "Uitsplitsen naar").set_value("Thema").run()
    assert not at.exception
    by_theme = _cli_json(capsys, "--per", "kwartaal", "--uitsplitsen", "thema")
    _same(at.dataframe[-1].value, by_theme)
    assert len({r["groep"] for r in by_theme["reeks"]}) > 5


def test_a_lagging_source_leaves_its_month_incomplete(lagged, monkeypatch, capsys):
    # politie delivered up to 16 November; the complete data have no change at all
    engine, settings = lagged({"meld_een_vermoeden": 0, "politie": 14})
    monkeypatch.setenv("OOVGEO_HOME", str(settings.home))
    out = _cli_json(capsys)
    assert out["compleet_tot"] == "2026-11-16"
    rows = {r["periode"]: r for r in out["reeks"]}
    assert not rows["2026-11-01"]["volledig"]  # the lagging month: incomplete, not a fall
    assert rows["2026-10-01"]["volledig"]
    assert "01-11-2026" in out["toelichting"]
    # the data start on 15 May 2026: nothing before May, May itself incomplete
    assert min(rows) == "2026-05-01" and not rows["2026-05-01"]["volledig"]
    # less than a year of data: no "vorig jaar" and no 12-month mean anywhere, never 0
    assert all(r["vorig_jaar"] is None for r in out["reeks"])
    assert all(r["gemiddelde_12m"] is None for r in out["reeks"])
    # counting only the source that is up to date, November is complete
    only_mev = _cli_json(capsys, "--bron", "meld_een_vermoeden")
    assert only_mev["compleet_tot"] == "2026-11-30"
    assert {r["periode"]: r["volledig"] for r in only_mev["reeks"]}["2026-11-01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--per", "jaar"], "--per: 'jaar' kan niet; kies uit maand, week, kwartaal"),
        (["--uitsplitsen", "buurt"], "--uitsplitsen: 'buurt' kan niet"),
        (["--gegevens", "police"], "--gegevens: 'police' kan niet"),
        (["--gegevens", "interventions", "--uitsplitsen", "bron"], "interventies hebben geen bron"),
        (["--van", "1-1-2026"], "geen datum (JJJJ-MM-DD)"),
        (["--van", "2026-05-01", "--tot", "2026-04-01"], "--tot ligt voor --van"),
        (["--thema", "onzin"], "onbekende thema's onzin"),
        (["--bron", "onzin"], "onbekende bronnen onzin"),
    ],
)
def test_trends_explains_bad_options_in_dutch(home, monkeypatch, capsys, args, message):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    capsys.readouterr()
    assert main(["trends", *args]) == 2
    assert message in capsys.readouterr().err
