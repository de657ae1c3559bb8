"""``oovgeo effect`` prints the figures the Interventies page shows, from the same function."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from apptest_support import build_demo_home, open_page
from cli_support import cli_json

from oovgeo.access import cli_identity
from oovgeo.cli import main
from oovgeo.config import load_settings
from oovgeo.dutch import parse_number
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops
from oovgeo.services.effect import measure_effect

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


def _value(v) -> float:
    return float(parse_number(v)) if isinstance(v, str) else float(v)


def _same_rows(page: pd.DataFrame, rows: list[dict], key: str) -> None:
    """The page's rounded rows equal the CLI's full figures, rounded as the page rounds."""
    cli = pd.DataFrame(rows)
    assert page[key].tolist() == cli[key].tolist()
    assert page["aantal"].tolist() == cli["n_interventies"].tolist()
    assert page["oordeel"].tolist() == cli["oordeel"].tolist()
    for shown, full, digits in (
        ("effect", "effect", 2),
        ("95% van", "ci_laag", 2),
        ("95% tot", "ci_hoog", 2),
        ("p", "p", 3),
        ("p (gecorrigeerd)", "p_bh", 3),
    ):
        for a, b in zip(page[shown], cli[full], strict=True):
            if b is None or pd.isna(b):  # null in the JSON
                assert pd.isna(a)
            else:
                assert _value(a) == pytest.approx(round(b, digits), abs=1e-9)


def test_effect_json_equals_the_page(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = open_page("7_Interventies.py")  # a coordinator, the page's defaults
    assert not at.exception, at.exception
    out = cli_json(capsys, "effect", "--json")

    head = out["kop"]
    assert set(head) >= {"effect", "ci_laag", "ci_hoog", "n_interventies", "oordeel", "zin"}
    assert f"**{head['zin']}**" in [m.value for m in at.markdown]
    summary = next(d.value for d in at.dataframe if "groep" in d.value.columns)
    first = summary.iloc[0]
    assert int(first["aantal"]) == head["n_interventies"] > 100
    assert _value(first["effect"]) == pytest.approx(round(head["effect"], 2))
    assert _value(first["95% van"]) == pytest.approx(round(head["ci_laag"], 2))
    assert _value(first["95% tot"]) == pytest.approx(round(head["ci_hoog"], 2))
    control = summary[summary["groep"] == out["controle"]["groep"]].iloc[0]
    assert _value(control["effect"]) == pytest.approx(round(out["controle"]["effect"], 2))
    assert int(control["aantal"]) == out["controle"]["n_interventies"]

    tables = [d.value for d in at.dataframe if "p (gecorrigeerd)" in d.value.columns]
    by_theme = next(t for t in tables if "thema" in t.columns)
    by_outcome = next(t for t in tables if "uitkomst" in t.columns)
    assert len(by_theme) == len(out["per_thema"]) > 1
    _same_rows(by_theme, out["per_thema"], "thema")
    _same_rows(by_outcome, out["per_uitkomst"], "uitkomst")

    caption = " ".join(c.value for c in at.caption)
    assert f"compleet t/m {pd.Timestamp(out['compleet_tot']):%d-%m-%Y}" in caption
    assert out["niet_compleet"] > 0  # the demo runs to today: recent "after" windows are open
    assert f"{out['niet_compleet']} interventies tellen nog niet mee" in caption


def test_after_windows_stop_at_the_completeness_date(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = ops.open_store(settings)
    today = date.today()
    before = cli_json(capsys, "effect", "--json")
    lagging = today - timedelta(days=60)
    complete.set_until(engine, "politie", lagging, actor="t", origin="test", today=today)
    try:
        out = cli_json(capsys, "effect", "--json")
        assert out["compleet_tot"] == lagging.isoformat()
        # two months more of interventions have no complete "after" window yet
        assert out["niet_compleet"] > before["niet_compleet"]
        assert out["kop"]["n_interventies"] < before["kop"]["n_interventies"]
        result = measure_effect(
            engine, settings, today - timedelta(days=3 * 365), today, 250, 6, (), (), today,
            identity=cli_identity(),
        )  # fmt: skip
        assert result.until == lagging
        assert max(result.tables.effects["window_end"]) <= lagging
    finally:
        complete.set_until(engine, "politie", None, actor="t", origin="test", today=today)


def test_effect_explains_bad_options_in_dutch(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    assert main(["effect", "--straal", "50"]) == 2
    assert "kies een waarde van 100 tot en met 500" in capsys.readouterr().err
    assert main(["effect", "--maanden", "zes"]) == 2
    assert "'zes' is geen geheel getal" in capsys.readouterr().err
    assert main(["effect", "--van", "1-10-2026"]) == 2
    assert "geen datum (JJJJ-MM-DD)" in capsys.readouterr().err
    assert main(["effect", "--van", "2026-10-01", "--tot", "2026-09-01"]) == 2
    assert "--tot ligt voor --van" in capsys.readouterr().err
    assert main(["effect", "--thema", "onzin"]) == 2
    assert "--thema: onbekend: onzin" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["effect"]) == 0  # the text summary
    text = capsys.readouterr().out
    assert "gegevens compleet t/m" in text and "vergelijkbare plekken" in text
