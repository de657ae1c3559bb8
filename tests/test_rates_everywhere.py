"""One rate: the same buurt and period read the same "per 1.000 inwoners per jaar" everywhere.

Kaart (table and profile), Vergelijken and ``oovgeo compare`` all divide by the same
population and annualise with the same days; a buurt with 5 inhabitants shows no rate on any
of them (a rate would give its inhabitants away).
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from apptest_support import build_demo_home, open_page

from oovgeo.analysis.rates import RATE_LABEL
from oovgeo.cli import main
from oovgeo.dutch import parse_number

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)

SIX_WEEKS_MAP = "Laatste 6 weken"
SIX_WEEKS_COMPARE = "Laatste 6 weken tegenover de 6 weken daarvoor"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = build_demo_home(tmp_path_factory)
    return home


def _kaart(monkeypatch, home):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("3_Kaart.py", "beleid", "analist")
    at.sidebar.selectbox[0].set_value(SIX_WEEKS_MAP).run()
    next(r for r in at.radio if r.label == "Niveau").set_value("buurt").run()
    next(s for s in at.selectbox if s.label == "Maat").set_value(RATE_LABEL).run()
    assert not at.exception
    return at


def test_the_same_rate_on_every_page_and_none_for_a_tiny_buurt(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = _kaart(monkeypatch, home)
    table = at.dataframe[-1].value.set_index("code")
    shown = table[table[RATE_LABEL] != "–"]
    normal, tiny = shown.index[0], shown.index[1]

    # the tiny buurt gets 5 inhabitants for this year (the year nearest to the period)
    csv = home / "inwoners.csv"
    csv.write_text(f"code,year,inhabitants\n{tiny},{date.today().year},5\n", encoding="utf-8")
    assert main(["population", "load", str(csv)]) == 0
    capsys.readouterr()
    st.cache_data.clear()  # a CLI change reaches open pages after the cache TTL (issue 16)

    at = _kaart(monkeypatch, home)
    table = at.dataframe[-1].value.set_index("code")
    kaart_rate = parse_number(table.loc[normal, RATE_LABEL])
    assert kaart_rate > 0
    assert table.loc[tiny, RATE_LABEL] == "–"
    assert "5" not in str(table.loc[tiny, "Inwoners (noemer)"]).split()

    # the profile of both buurten (as a click on the map selects them)
    for code, expect in ((normal, kaart_rate), (tiny, None)):
        at.session_state["oovgeo_kaart_selected"] = code
        at.run()
        figures = next(df.value for df in at.dataframe if "kengetal" in df.value.columns)
        row = figures[figures["kengetal"].str.contains("1.000 inwoners")].iloc[0]
        if expect is None:
            assert row["gebied"] in ("", "–")
        else:
            assert parse_number(row["gebied"]) == pytest.approx(expect, abs=0.05)

    # Vergelijken, the same six weeks per buurt
    compare = open_page("5_Vergelijken.py", "beleid", "analist")
    compare.selectbox[0].set_value(SIX_WEEKS_COMPARE).run()
    next(r for r in compare.radio if r.label == "Niveau").set_value("buurt").run()
    compare.toggle[0].set_value(False).run()
    rows = compare.dataframe[-1].value.set_index("gebied")
    names = table["gebied"]
    assert rows.loc[names[normal], "rate_a"] == pytest.approx(kaart_rate, abs=0.05)
    assert np.isnan(rows.loc[names[tiny], "rate_a"])

    # and the command line
    assert main(["compare", "--preset", "laatste-6-weken", "--niveau", "buurt", "--json"]) == 0
    cli = pd.DataFrame(json.loads(capsys.readouterr().out)["rijen"]).set_index("code")
    assert cli.loc[normal, "per_1000_inwoners_per_jaar_a"] == pytest.approx(kaart_rate, abs=0.05)
    assert cli.loc[tiny, "per_1000_inwoners_per_jaar_a"] is None or np.isnan(
        cli.loc[tiny, "per_1000_inwoners_per_jaar_a"]
    )
    assert cli.loc[tiny, "inwoners"] is None or np.isnan(cli.loc[tiny, "inwoners"])
