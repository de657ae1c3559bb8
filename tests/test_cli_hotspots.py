"""``oovgeo hotspots`` prints the figures the Kaart page shows, from the same functions."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from apptest_support import build_demo_home, open_page
from cli_support import cli_json

from oovgeo import dutch
from oovgeo.cli import main
from oovgeo.config import load_settings
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops
from oovgeo.ui import layers

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)

UNIT_OPTION = {"grid": "raster", "buurt": "buurt"}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def _kaart(unit: str | None = None):
    at = open_page("3_Kaart.py", "analist", "analist")
    for t in at.toggle:  # the heat map and the hotspots
        t.set_value(True)
    at.run()
    radio = next(r for r in at.radio if r.label == "Hotspots over")
    if unit is not None and radio.value != unit:
        radio.set_value(unit).run()
    assert not at.exception
    return at, radio.value


@pytest.mark.parametrize("unit", [None, "buurt"])  # the page's default unit, and the other one
def test_hotspots_json_equals_the_page(home, monkeypatch, capsys, unit):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at, shown = _kaart(unit)
    # without --van/--tot: the page's default period, the 4 weeks up to the completeness date
    out = cli_json(capsys, "hotspots", "--eenheid", UNIT_OPTION[shown], "--json")
    until = date.fromisoformat(out["compleet_tot"])
    assert out["periode"] == [(until - timedelta(days=27)).isoformat(), out["compleet_tot"]]
    assert set(out["gebieden"][0]) == {"code", "aantal", "z", "p", "p_bh", "klasse"}
    significant = [g for g in out["gebieden"] if g["klasse"] != "niet significant"]
    assert len(significant) > 0

    captions = [c.value for c in at.caption]
    found = next(c for c in captions if re.match(r"\d+ significante gebieden\. ", c))
    assert found == f"{len(significant)} significante gebieden. {out['methode']}"
    # the PAI sentences of the page, word for word, with the CLI's figures the Dutch way
    said = [c for c in captions if "beter dan willekeurig" in c]
    assert said == list(out["pai_zinnen"].values())
    layer = "raster" if shown == "grid" else "buurt"
    counts = out["pai"]["gewone_tellingen"]
    assert f" {dutch.number(out['pai'][layer])}× beter dan willekeurig" in said[1]
    per = "cel van 250 m" if shown == "grid" else "buurt"
    assert f"; gewone tellingen per {per} {dutch.number(counts)}×. Gemeten als:" in said[1]
    assert f" {dutch.number(out['pai']['warmtekaart'])}× beter" in said[0]
    assert out["pai"]["gewone_tellingen"] == out["pai"][f"tellingen_{layer}"]

    # the units and their z through the function the page's layer calls
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    drawn, _ = layers.hotspot_units(
        settings.database_url,
        2025,
        date.fromisoformat(out["periode"][0]),
        until,
        "signals",
        (),
        (),
        shown,
    )
    by_code = {g["code"]: g for g in significant}
    assert sorted(drawn["code"]) == sorted(by_code)
    for code, klasse, z in zip(drawn["code"], drawn["hotspot"], drawn["gi_z"], strict=True):
        assert by_code[code]["klasse"] == klasse
        assert by_code[code]["z"] == pytest.approx(z, rel=1e-12)


def test_hotspots_end_where_the_data_are_complete(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = ops.open_store(settings)
    today = date.today()
    lagging = today - timedelta(days=20)
    complete.set_until(engine, "politie", lagging, actor="t", origin="test", today=today)
    try:
        out = cli_json(capsys, "hotspots", "--eenheid", "buurt", "--json")
        assert out["compleet_tot"] == lagging.isoformat() == out["periode"][1]
        assert out["periode"][0] == (lagging - timedelta(days=27)).isoformat()
        assert out["pai_weken"][1] <= lagging.isoformat()
        # every unit is printed (a script maps them), and only aggregates: no coordinates
        assert len(out["gebieden"]) == 40
        assert all(
            set(g) == {"code", "aantal", "z", "p", "p_bh", "klasse"} for g in out["gebieden"]
        )
    finally:
        complete.set_until(engine, "politie", None, actor="t", origin="test", today=today)


def test_hotspots_text_summary_in_dutch(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    capsys.readouterr()
    assert main(["hotspots", "--eenheid", "raster"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Hotspots over rastercellen van 250 m, ")
    assert re.search(
        r"\n\d+ hotspots en \d+ coldspots van \d+ gebieden \(\d+ significant\)\.", text
    )
    assert "De warmtekaart voorspelde de afgelopen 8 weken" in text
    assert "gewone tellingen per cel van 250 m" in text


def test_hotspots_explain_bad_options_in_dutch(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    capsys.readouterr()
    assert main(["hotspots", "--van", "2026-11-02", "--tot", "2026-11-01"]) == 2
    assert "de einddatum ligt voor de begindatum" in capsys.readouterr().err
    assert main(["hotspots", "--eenheid", "wijk"]) == 2
    assert "kies raster of buurt" in capsys.readouterr().err
    assert main(["hotspots", "--van", "1-11-2026"]) == 2
    assert "geen datum (JJJJ-MM-DD)" in capsys.readouterr().err
    assert main(["hotspots", "--van", (date.today() + timedelta(days=1)).isoformat()]) == 2
    assert "laatste dag met volledige gegevens" in capsys.readouterr().err
