"""Trends and comparison pages as policy staff and a manager use them (AppTest)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oovgeo import access, demo
from oovgeo.analysis.compare import FALL, NORMAL, RISE, TOO_FEW
from oovgeo.config import load_settings
from oovgeo.privacy import Disclosure
from oovgeo.services import operations as ops
from oovgeo.store.db import make_engine
from oovgeo.ui import IDENTITY_KEY

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest) or a server/subprocess

ROOT = Path(__file__).resolve().parents[2]
LABELS = {RISE, FALL, NORMAL, TOO_FEW}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    ops.build_demo(make_engine(settings.database_url), settings)  # ends today
    return home


def page(home, monkeypatch, role: str, file: str) -> AppTest:
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[IDENTITY_KEY] = access.Identity("t", role, "local", datetime.now(UTC))
    at.run()
    at.switch_page(str(ROOT / "pages" / file))
    at.run()
    assert not at.exception
    return at


def test_policy_staff_compare_years_and_get_honest_labels(home, monkeypatch):
    at = page(home, monkeypatch, "analist", "5_Vergelijken.py")
    at.selectbox[0].set_value("Voor en na een datum").run()
    # the demo plants a 50% rise of ondermijning from this date (a fictitious campaign)
    at.date_input[0].set_value(demo.trend_break_date(date.today())).run()
    at.sidebar.multiselect[0].set_value(["ondermijning"]).run()
    table = at.dataframe[-1].value
    assert set(table["oordeel"]) <= LABELS
    assert (table["oordeel"] == RISE).sum() >= 4  # most wijken show it
    assert not (table["oordeel"] == FALL).any()
    assert {"a", "b", "verschil", "p", "p_fdr"} <= set(table.columns)
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Significant gestegen"] == (table["oordeel"] == RISE).sum()
    # a rare theme over six weeks: too few to say anything, and said so
    at.selectbox[0].set_value("Laatste 6 weken tegenover de 6 weken daarvoor").run()
    at.sidebar.multiselect[0].set_value(["radicalisering"]).run()
    assert (at.dataframe[-1].value["oordeel"] == TOO_FEW).any()


def test_manager_sees_no_small_figure_nor_a_difference_beside_one(home, monkeypatch):
    # the figures are protected ones (sums of record weights): a small difference of two of
    # them is itself a protected figure and may show; beside a "<5" nothing is shown
    at = page(home, monkeypatch, "manager", "5_Vergelijken.py")
    assert at.selectbox[0].options == ["Vorig jaar tegenover het jaar daarvoor"]
    at.radio[1].set_value("buurt").run()
    for themes in (["mensenhandel"], ["radicalisering"], ["digitale_veiligheid"]):
        at.sidebar.multiselect[0].set_value(themes).run()
        table = at.dataframe[-1].value
        for column in ("a", "b"):
            assert not table[column].astype(str).isin(["1", "2", "3", "4"]).any()
        shown = pd.to_numeric(table["verschil"], errors="coerce")
        hidden = table["a"].astype(str).str.startswith("<") | table["b"].astype(str).str.startswith(
            "<"
        )
        assert shown[hidden].isna().all()  # no difference shown next to a hidden count


def test_trends_page_marks_the_incomplete_period(home, monkeypatch):
    at = page(home, monkeypatch, "analist", "4_Trends.py")
    assert any("Onvolledige periode" in i.value for i in at.info)
    table = at.dataframe[-1].value
    assert not table["volledig"].iloc[-1] and table["volledig"].iloc[0]
    at.selectbox[1].set_value("Thema").run()
    assert not at.exception and at.dataframe[-1].value["groep"].nunique() > 3


def test_manager_trends_hide_small_counts(home, monkeypatch):
    at = page(home, monkeypatch, "manager", "4_Trends.py")
    assert at.selectbox[0].options == ["Maand", "Kwartaal"]  # no weeks
    at.selectbox[1].set_value("Thema").run()
    counts = at.dataframe[-1].value["aantal"]
    assert not counts.between(1, 4).any()


def test_year_report_for_the_council(home):
    from oovgeo.analysis.yearly import year_tables
    from oovgeo.report.year_report import build_year_report, pdf_tables, to_pdf, to_xlsx

    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    year = date.today().year - 1
    for protected in (False, True):
        disclosure_ = Disclosure(protected=protected)
        with engine.connect() as conn:
            by_theme, by_wijk = year_tables(
                conn,
                year,
                theme_labels=settings.labels("themes"),
                wijk_names={},
                disclosure=disclosure_,
            )
        assert set(by_theme["oordeel"]) <= LABELS and len(by_theme) >= 8
        report = build_year_report(
            by_theme,
            by_wijk,
            year=year,
            gemeente="Demostad",
            disclosure=disclosure_,
            data_as_of=date.today(),
            sources=["Meld een Vermoeden"],
        )
        assert to_xlsx(report)[:2] == b"PK" and to_pdf(report)[:4] == b"%PDF"
        if protected:
            for table in pdf_tables(report):
                for column in (str(year), str(year - 1)):  # the two counts, as drawn
                    assert not table[column].astype(str).isin(["1", "2", "3", "4"]).any()


def test_police_figures_compare_with_the_same_tool(tmp_path, shared_data, monkeypatch):
    settings = load_settings(env={"OOVGEO_HOME": str(tmp_path)}, config_file=None)
    engine = make_engine(settings.database_url)
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    fixture = ROOT / "tests" / "fixtures" / "police" / "misdrijven_47022_vlaardingen.csv"
    ops.import_police(
        engine, settings, data=fixture.read_bytes(), filename=fixture.name, table="47022NED"
    )
    at = page(tmp_path, monkeypatch, "analist", "5_Vergelijken.py")
    at.radio[0].set_value("police").run()
    at.selectbox[0].set_value("Voor en na een datum").run()
    at.date_input[0].set_value(date(2024, 2, 1)).run()
    assert not at.exception
    table = at.dataframe[-1].value if at.dataframe else None
    warned = any("Geen volledige maanden" in w.value for w in at.warning)
    assert warned or (table is not None and set(table["oordeel"]) <= LABELS)
