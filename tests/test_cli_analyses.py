"""``oovgeo compare`` prints the figures the Vergelijken page shows, from the same function."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from apptest_support import build_demo_home, open_page
from cli_support import cli_json

from oovgeo.cli import main
from oovgeo.config import load_settings
from oovgeo.dutch import parse_number
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)

SIX_WEEKS = "Laatste 6 weken tegenover de 6 weken daarvoor"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def test_compare_json_equals_the_page(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("5_Vergelijken.py", "beleid", "analist")
    at.selectbox[0].set_value(SIX_WEEKS).run()
    at.toggle[0].set_value(True).run()  # per thema
    page = at.dataframe[-1].value
    assert not at.exception

    out = cli_json(capsys, "compare", "--preset", "laatste-6-weken", "--per-thema", "--json")
    rows = pd.DataFrame(out["rijen"])
    assert len(rows) == len(page) > 20
    assert set(rows.columns) >= {
        "code", "naam", "thema", "a", "b", "dagen_a", "dagen_b", "compleet_tot", "p", "p_bh",
        "oordeel",
    }  # fmt: skip
    # the page shows theme labels and area names; the CLI both codes and names
    merged = page.merge(
        rows, left_on=["gebied", "thema"], right_on=["naam", "thema_naam"], suffixes=("", "_cli")
    )
    assert len(merged) == len(page)
    assert [int(parse_number(v)) for v in merged["a"]] == merged["a_cli"].tolist()
    assert [int(parse_number(v)) for v in merged["b"]] == merged["b_cli"].tolist()
    assert (merged["oordeel"] == merged["oordeel_cli"]).all()
    tested = merged["p"].notna()
    assert tested.sum() > 10
    assert merged.loc[tested, "p_fdr"].tolist() == pytest.approx(
        merged.loc[tested, "p_bh"].tolist(), rel=1e-12
    )
    caption = " ".join(c.value for c in at.caption)
    assert f"compleet t/m {pd.Timestamp(out['compleet_tot']):%d-%m-%Y}" in caption
    assert out["periode_a"][1] == out["compleet_tot"]
    assert set(rows["dagen_a"]) == set(rows["dagen_b"]) == {42}


def test_compare_ends_where_the_data_are_complete(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = ops.open_store(settings)
    today = pd.Timestamp.today().date()
    lagging = today - timedelta(days=20)
    complete.set_until(engine, "politie", lagging, actor="t", origin="test", today=today)
    try:
        out = cli_json(capsys, "compare", "--preset", "laatste-4-weken", "--json")
        assert out["compleet_tot"] == lagging.isoformat() == out["periode_a"][1]
        only_mev = cli_json(
            capsys, "compare", "--preset", "laatste-4-weken", "--bron", "meld_een_vermoeden",
            "--json",
        )  # fmt: skip
        assert only_mev["compleet_tot"] > lagging.isoformat()  # politie does not hold it back
    finally:
        complete.set_until(engine, "politie", None, actor="t", origin="test", today=today)


def test_compare_explains_bad_options_in_dutch(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    assert main(["compare", "--a", "2026-10-01:2026-10-31", "--b", "2026-10-15:2026-11-15"]) == 2
    assert "mogen elkaar niet overlappen" in capsys.readouterr().err
    assert main(["compare", "--a", "1-10-2026:2026-10-31", "--b", "2026-09-01:2026-09-30"]) == 2
    assert "geen datum (JJJJ-MM-DD)" in capsys.readouterr().err
