"""Protected audiences see protected figures in comparisons, meeting packs and the year report.

Pinned against figures computed here from the records themselves: every record counts
``record_weight(telsleutel, q)`` times (0, 1 or 2) for a protected audience. The tests look
for the cases they need rather than naming wijken, so a change of the demo or of its seed
(which draws the record keys) does not silently empty them.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from apptest_support import build_demo_home, open_page
from conftest import DEMO_END
from pptx import Presentation
from sqlalchemy import text

from oovgeo.analysis.compare import compare_table, protect_comparison
from oovgeo.analysis.dispersion import past_windows
from oovgeo.analysis.periods import PRESETS
from oovgeo.analysis.yearly import year_tables
from oovgeo.privacy import Disclosure
from oovgeo.report.pack import build_pack
from oovgeo.report.pack.pptx import to_pptx
from oovgeo.services.comparison import compare_periods
from oovgeo.store.counts_repo import record_weight
from oovgeo.vocab import protection_note

Q, K = 0.2, 5
SIX_WEEKS = "Laatste 6 weken tegenover de 6 weken daarvoor"
MEETING_DATE = DEMO_END + timedelta(days=1)


def records(engine, kind: str = "signals") -> pd.DataFrame:
    """Every record with its date, wijk, theme, outcome and protected weight (plain SQL)."""
    outcome = ", uitkomst" if kind == "interventions" else ""
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT datum, wijk_code, buurt_code, thema, telsleutel{outcome} FROM {kind}")
        ).all()
    columns = ["datum", "wijk_code", "buurt_code", "thema", "telsleutel"]
    columns += ["uitkomst"] if outcome else []
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["datum"] = pd.to_datetime(frame["datum"]).dt.date
    frame["gewicht"] = [record_weight(key, Q) for key in frame["telsleutel"]]
    return frame


def figures(recs: pd.DataFrame, start: date, end: date, keys: list[str]) -> pd.DataFrame:
    """Exact and protected counts per ``keys`` of the records in ``start..end`` with a wijk."""
    inside = recs[(recs["datum"] >= start) & (recs["datum"] <= end)].dropna(subset=keys)
    grouped = inside.groupby(keys)
    return pd.DataFrame({"exact": grouped.size(), "protected": grouped["gewicht"].sum()})


def shown(n: float) -> str:
    """The display rule, written out here: 1..k-1 read "<k", others Dutch thousands dots."""
    n = int(round(float(n)))
    return f"<{K}" if 0 < n < K else f"{n:,}".replace(",", ".")


@pytest.fixture(scope="module")
def town(demo_town):
    _, engine, settings = demo_town
    assert settings.perturbation_share == Q and settings.suppression_threshold == K
    return engine, settings, records(engine)


def comparison(
    engine, settings, *, protected: bool, level="wijk", per_theme=False, preset=SIX_WEEKS
):
    return compare_periods(
        engine,
        settings,
        PRESETS[preset](DEMO_END),
        kind="signals",
        level=level,
        per_theme=per_theme,
        today=MEETING_DATE,
        count_share=Disclosure.from_settings(settings, protected=protected).count_share,
        until=DEMO_END,
    )


def expected_table(recs, result, keys, first: date) -> pd.DataFrame:
    """compare_table on the protected figures counted here, past windows counted alike."""
    pair = result.pair
    a = figures(recs, pair.a_start, pair.a_end, keys)["protected"].rename("count").reset_index()
    b = figures(recs, pair.b_start, pair.b_end, keys)["protected"].rename("count").reset_index()
    windows = [w for w in past_windows(pair.b_start, pair.b_end) if w[0] >= first]
    past = None
    if len(windows) >= 2:  # as the service: fewer windows, the plain exact test
        past = pd.concat(
            [
                figures(recs, s, e, keys)["protected"]
                .rename("count")
                .reset_index()
                .assign(venster=i)
                for i, (s, e) in enumerate(windows)
            ],
            ignore_index=True,
        )
    return compare_table(
        a, b, keys=keys, days_a=result.days_a, days_b=result.days_b, past_counts=past
    ).set_index(keys)


# --- (a) and (e): the comparison's figures --------------------------------------------------------


def test_protected_comparison_counts_protected_figures_and_tests_them(town):
    engine, settings, recs = town
    result = comparison(engine, settings, protected=True)
    table = result.table.set_index("wijk_code")
    pair = result.pair
    a = figures(recs, pair.a_start, pair.a_end, ["wijk_code"])
    b = figures(recs, pair.b_start, pair.b_end, ["wijk_code"])
    assert table["a"].to_dict() == a["protected"].to_dict()
    assert table["b"].reindex(b.index).tolist() == b["protected"].tolist()
    # protection changes figures: at least one wijk differs from its exact count
    assert (a["protected"] != a["exact"]).any() or (b["protected"] != b["exact"]).any()
    # verdicts and p-values come from the protected figures, the past windows counted alike
    expected = expected_table(recs, result, ["wijk_code"], recs["datum"].min())
    assert table["oordeel"].to_dict() == expected["oordeel"].to_dict()
    assert table["p"].tolist() == pytest.approx(expected["p"].tolist(), nan_ok=True)
    assert table.attrs["spreiding"] == pytest.approx(expected.attrs["spreiding"])


def test_the_core_team_keeps_exact_figures(town):
    engine, settings, recs = town
    result = comparison(engine, settings, protected=False)
    table = result.table.set_index("wijk_code")
    pair = result.pair
    a = figures(recs, pair.a_start, pair.a_end, ["wijk_code"])["exact"]
    b = figures(recs, pair.b_start, pair.b_end, ["wijk_code"])["exact"]
    assert table["a"].to_dict() == a.to_dict()
    assert table["b"].reindex(b.index).tolist() == b.tolist()


# --- (d) the regression: a verdict beside "<5" ---------------------------------------


def test_a_verdict_beside_a_small_figure_comes_from_protected_figures(town):
    """A tested row whose protected b reads "<5": its verdict is the protected figures' own.

    Before the fix the verdict beside "<5" was computed from the exact counts.
    """
    engine, settings, recs = town
    rule = Disclosure.from_settings(settings, protected=True)
    found = 0
    for level, preset in [("wijk", p) for p in PRESETS] + [("buurt", p) for p in PRESETS]:
        keys = [f"{level}_code", "thema"]
        result = comparison(
            engine, settings, protected=True, level=level, per_theme=True, preset=preset
        )
        table = result.table
        small = table[(table["b"] > 0) & (table["b"] < K) & (table["a"] + table["b"] >= 10)]
        if small.empty:
            continue
        expected = expected_table(recs, result, keys, recs["datum"].min())
        display = protect_comparison(table, rule)
        for i, row in small.iterrows():
            key = tuple(row[k] for k in keys)
            assert row["b"] == expected.loc[key, "b"]  # the protected figure, counted here
            assert display.loc[i, "b"] == f"<{K}"
            assert display.loc[i, "oordeel"] == expected.loc[key, "oordeel"]
            assert np.isnan(display.loc[i, "p"]) and np.isnan(display.loc[i, "p_fdr"])
            found += 1
    assert found, "no tested row with a small protected b in the demo"


# --- (b) and (c): the meeting pack ------------------------------------------------------------


@pytest.fixture(scope="module")
def pack(town):
    engine, settings, _ = town
    return build_pack(engine, settings, "integraal", MEETING_DATE, made_on=MEETING_DATE)


def test_pack_tables_show_protected_figures_never_exact_ones(town, pack):
    engine, settings, recs = town
    labels = settings.labels("themes")
    names = {}
    with engine.connect() as conn:
        for code, name in conn.execute(text("SELECT code, name FROM areas WHERE level = 'wijk'")):
            names[name] = code
    slides = {s.kind: s for s in pack.slides}
    checked, differing = 0, 0

    # the wijk in focus: per theme this period and the previous one
    focus = slides["wijk_focus"]
    code = names[focus.title.split(": ", 1)[1]]
    by_label = {v: t for t, v in labels.items()}
    for column, period in (("Deze periode", pack.period), ("Vorige periode", pack.previous_period)):
        counts = figures(recs, *period, ["wijk_code", "thema"])
        for label, cell in zip(focus.table["Thema"], focus.table[column], strict=True):
            key = (code, by_label.get(label, label))
            exact, protected = counts.loc[key] if key in counts.index else (0, 0)
            assert cell == shown(protected), (key, column)
            checked += 1
            if shown(exact) != shown(protected):
                differing += 1
                assert cell != shown(exact)

    # interventions per theme, and their total
    interventions = records(engine, "interventions")
    per_theme = figures(interventions, *pack.period, ["thema"])
    table = slides["interventies"].table.set_index("Thema")["Aantal"]
    for theme, (exact, protected) in per_theme.iterrows():
        cell = table[labels.get(theme, theme)]
        assert cell == shown(protected)
        checked += 1
        if shown(exact) != shown(protected):
            differing += 1
            assert cell != shown(exact)
    assert table["Totaal"] == shown(per_theme["protected"].sum())
    assert checked > 5 and differing >= 1


def test_verantwoording_says_how_to_read_protected_figures(pack):
    slide = next(s for s in pack.slides if s.kind == "verantwoording")
    assert protection_note(K, Q) in slide.bullets
    prs = Presentation(io.BytesIO(to_pptx(pack)))
    last = [
        p.text
        for shape in prs.slides[len(prs.slides) - 1].shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
    ]
    assert any("Hoe lees ik dit?" in t for t in last)
    assert not any("staat als x" in t or " x." in t for t in last)


# --- the year report ------------------------------------------------------------------------


def test_protected_year_report_counts_protected_figures(town):
    engine, settings, recs = town
    year = DEMO_END.year - 1
    tables = {}
    for protected in (True, False):
        with engine.connect() as conn:
            tables[protected] = year_tables(
                conn,
                year,
                theme_labels={},
                wijk_names={},
                disclosure=Disclosure.from_settings(settings, protected=protected),
            )[0].set_index("thema")
    counts = figures(recs, date(year, 1, 1), date(year, 12, 31), ["thema"])
    assert tables[True]["a"].to_dict() == {t: shown(n) for t, n in counts["protected"].items()}
    assert tables[False]["a"].astype(str).str.replace(".", "").astype(int).to_dict() == (
        counts["exact"].to_dict()
    )
    assert (counts["protected"] != counts["exact"]).any()


# --- the Vergelijken page -------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_demo_home(tmp_path_factory)


@pytest.mark.slow
def test_vergelijken_shows_how_to_read_for_managers_only(home, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    for role, expected in (("manager", True), ("analist", False)):
        at = open_page("5_Vergelijken.py", role, role)
        assert not at.exception
        labels = [e.label for e in at.expander]
        assert any("Hoe lees ik dit?" in label for label in labels) is expected, role
