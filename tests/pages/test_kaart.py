"""The Kaart page: what each audience receives, built from the demo town."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import DEMO_END
from streamlit.testing.v1 import AppTest

from oovgeo import access
from oovgeo.analysis.aggregate import Filters, area_table, counts_by_area
from oovgeo.analysis.classify import classify
from oovgeo.analysis.mapdata import measure_view
from oovgeo.maps import choropleth
from oovgeo.privacy import Disclosure
from oovgeo.store.areas_repo import load_areas
from oovgeo.ui import IDENTITY_KEY

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest) or a server/subprocess

ROOT = Path(__file__).resolve().parents[2]
END = DEMO_END  # the demo_town fixture ends here


@pytest.fixture
def demo(demo_town):
    home, engine, _ = demo_town
    return home, engine


def features(html: str) -> list[dict]:
    """The GeoJSON features folium embedded in the map HTML."""
    found = []
    for match in re.finditer(r'"features": (\[.*?\]), "type": "FeatureCollection"', html):
        found.extend(json.loads(match.group(1)))
    return found


@pytest.mark.parametrize("protected", [True, False])
def test_buurt_map_html_for_each_audience(demo, protected):
    _, engine = demo
    buurten = load_areas(engine, 2025, level="buurt")
    f = Filters(date(2026, 10, 4), END, themes=("mensenhandel", "radicalisering"))
    with engine.connect() as conn:
        table = area_table(buurten, counts_by_area(conn, f, "buurt"), days=(END - f.start).days + 1)
    small = table["count"].between(1, 4)
    assert small.any()  # the fixture has small counts to protect
    view = measure_view(table, "count", Disclosure(protected=protected))
    index, classes = classify(view.set_index("code")["value"], "Kwantielen", 4)
    html = (
        choropleth(
            buurten,
            view.set_index("code"),
            value_column="weergave",
            classes_index=index,
            classes=classes,
            tooltip={"name": "Buurt", "weergave": "Aantal"},
        )
        .get_root()
        .render()
    )
    props = {feat["properties"]["code"]: feat["properties"] for feat in features(html)}
    assert len(props) == len(buurten)
    assert {g["geometry"]["type"] for g in features(html)} <= {"Polygon", "MultiPolygon"}
    shown = {code: props[code]["weergave"] for code in table["code"]}
    for code, n in zip(table["code"], table["count"], strict=True):
        if protected and 0 < n < 5:
            assert shown[code] == "&lt;5"
        elif not protected:
            assert shown[code] == str(n)
    if protected:
        assert not any(v in {"1", "2", "3", "4"} for v in shown.values())
    # only the displayed properties travel (O3)
    assert {k for p in props.values() for k in p} == {"code", "name", "weergave", "fill"}


def _page(home, role: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[IDENTITY_KEY] = access.Identity("t", role, "local", datetime.now(UTC))
    at.run()
    at.switch_page(str(ROOT / "pages" / "3_Kaart.py"))
    at.run()
    return at


def test_protected_role_gets_blocks_no_layers_and_no_small_numbers(demo, monkeypatch):
    home, _ = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = _page(home, "manager")
    assert not at.exception
    assert at.sidebar.selectbox[0].label == "Periode (blokken van 4 weken)"
    assert not at.toggle  # no heat layer, no hotspots
    for theme in (["mensenhandel"], ["radicalisering"]):
        at.sidebar.multiselect[0].set_value(theme).run()
        table = at.dataframe[-1].value
        counts = table["Aantal"].astype(str)
        assert not counts.isin(["1", "2", "3", "4"]).any()


def _weighted_total(engine, start: date, end: date) -> tuple[int, int]:
    """(exact, protected) signals placed in a wijk, computed here from the record keys."""
    from sqlalchemy import text

    from oovgeo.store.counts_repo import record_weight

    with engine.connect() as conn:
        keys = conn.execute(
            text(
                "SELECT telsleutel FROM signals WHERE datum >= :s AND datum <= :e "
                "AND wijk_code IS NOT NULL"
            ),
            {"s": start, "e": end},
        ).scalars()
        weights = [record_weight(k, 0.2) for k in keys]
    return len(weights), sum(weights)


def test_manager_sees_protected_figures_and_how_to_read_them(demo, monkeypatch):
    # P3 (issue 13): the manager's total is the sum of record weights, not the exact count
    home, engine = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = _page(home, "manager")
    assert not at.exception
    assert [e.label for e in at.expander if e.label.startswith("Hoe lees ik dit?")]
    first, last = (
        datetime.strptime(d, "%d-%m-%Y").date()
        for d in at.sidebar.selectbox[0].value.split(" t/m ")
    )
    exact, protected = _weighted_total(engine, first, last)
    assert exact != protected  # else this test could not tell them apart
    caption = next(c.value for c in at.caption if "totaal" in c.value)
    shown = int(re.search(r"totaal ([\d.]+)", caption).group(1).replace(".", ""))
    assert shown == protected
    core = _page(home, "analist")
    assert not [e.label for e in core.expander if e.label.startswith("Hoe lees ik dit?")]


def test_core_team_gets_free_periods_and_layers(demo, monkeypatch):
    home, _ = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = _page(home, "analist")
    assert not at.exception
    assert at.sidebar.selectbox[0].label == "Periode"
    assert [t.label for t in at.toggle] == [
        "Warmtekaart (kernel density)",
        "Hotspots (Getis-Ord Gi*)",
    ]
    for t in at.toggle:
        t.set_value(True)
    at.run()
    assert not at.exception
    assert any("Getis-Ord Gi*" in c.value and "Benjamini-Hochberg" in c.value for c in at.caption)


# --- hotspot layers and their accuracy (issue 12) ----------------------------------------------


@pytest.mark.parametrize("unit", ["grid", "buurt"])
def test_hotspot_layer_with_significant_cells_draws_them(demo_town, unit):
    # A year of signals: the planted streets are significant. Before the fix the grid layer
    # raised KeyError: 'code' in maps.to_web as soon as one cell was significant.
    import folium

    from oovgeo.ui import layers

    _, _, settings = demo_town
    m = folium.Map()
    f = Filters(date(2025, 11, 1), END)
    text = layers.add_hotspot_layer(m, settings.database_url, 2025, f, unit)
    assert int(text.split()[0]) > 0
    hot = [feat for feat in features(m.get_root().render()) if "hotspot" in feat["properties"]]
    assert hot and all(set(feat["properties"]) == {"hotspot", "kleur"} for feat in hot)
    assert "willekeurig" in text and "queen" not in text


def test_kaart_shows_the_accuracy_of_the_shown_layers(demo, monkeypatch):
    home, _ = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = _page(home, "analist")
    for t in at.toggle:
        t.set_value(True)
    at.run()
    assert not at.exception
    said = [c.value for c in at.caption if "beter dan willekeurig" in c.value]
    assert len(said) == 2  # the heat layer and the hotspot layer
    assert any(s.startswith("De warmtekaart voorspelde de afgelopen 8 weken") for s in said)
    assert all("gewone tellingen" in s for s in said)


def test_kaart_rate_is_annual_with_its_denominator_and_equals_the_profile(demo, monkeypatch):
    from oovgeo.analysis.rates import RATE_LABEL

    home, engine = demo
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    at = _page(home, "analist")
    assert not at.exception
    measure = next(s for s in at.selectbox if s.label == "Maat")
    measure.set_value(RATE_LABEL).run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert "Inwoners (noemer)" in table.columns
    assert any("synthetisch, demo" in c.value for c in at.caption)
    shown = table[table[RATE_LABEL] != "–"].iloc[0]
    assert "(synthetisch, demo)" in shown["Inwoners (noemer)"]
    assert shown["Inwoners (noemer)"].split()[0].replace(".", "").isdigit()
