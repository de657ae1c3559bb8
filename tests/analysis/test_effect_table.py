"""The effect tables as shown: Dutch column names, rounded, a fixed control seed."""

import pandas as pd
from effect_support import ranked_town

from oovgeo.analysis import effect_table
from oovgeo.demo import fictitious_town


def test_shown_rounds_and_names_in_dutch():
    table = pd.DataFrame(
        {"n_interventions": [3], "effect": [0.8765], "ci_low": [0.5], "ci_high": [1.234]}
    )
    shown = effect_table.shown(table)
    assert list(shown.columns) == ["aantal", "effect", "95% van", "95% tot"]
    assert shown.iloc[0].tolist() == [3, 0.88, 0.5, 1.23]


def test_the_control_seed_is_fixed_and_the_method_names_radius_and_months():
    assert effect_table.CONTROL_SEED == 1
    text = effect_table.method_text(250, 6)
    assert text.startswith("Signalen binnen 250 m in de 6 maanden")


def test_the_map_caption_counts_the_classes():
    located = pd.DataFrame({"klasse": ["daling", "daling", "gelijk"]})
    assert effect_table.map_caption(located).endswith(
        "daling van 10 tot 50%: 2; minder dan 10% verschil: 1"
    )


def test_the_method_names_the_matched_comparison_and_bh():
    text = effect_table.method_text(250, 6)
    assert "vergeleken met plekken met evenveel meldingen vooraf zonder interventie" in text
    assert "Benjamini-Hochberg" in text


def test_headline_text_in_dutch_words():
    row = pd.Series(
        {
            "n_interventions": 120,
            "effect": 0.7149,
            "ci_low": 0.547,
            "ci_high": 0.906,
            "oordeel": "daling na interventies",
        }
    )
    assert effect_table.headline_text(row) == (
        "Daling na interventies: na 120 interventies 29% minder signalen dan op "
        "vergelijkbare plekken (verhouding 0,71; 95%-interval 0,55 tot 0,91)."
    )
    none = row.copy()
    none["n_interventions"] = 0
    assert effect_table.headline_text(none).startswith("Geen effectmeting")


def test_effect_tables_put_the_matched_headline_first():
    signals, held = ranked_town(1)
    held = held.assign(wijk_code="W1")
    signals = signals.assign(wijk_code="W1")
    town = fictitious_town()
    tables = effect_table.effect_tables(
        signals,
        held,
        town[town["level"] == "buurt"],
        radius_m=250,
        months=6,
        themes={},
        outcomes={},
    )
    assert tables.summary["groep"].tolist() == [
        effect_table.MATCHED_GROUP,
        effect_table.ALL_GROUP,
        effect_table.CONTROL_GROUP,
    ]
    assert tables.summary.iloc[0]["effect"] == round(float(tables.headline["effect"]), 2)
    assert "p (gecorrigeerd)" in tables.by_theme.columns
    assert "p (gecorrigeerd)" in tables.by_outcome.columns


def test_interventions_whose_after_window_runs_past_the_complete_data_are_counted():
    held = pd.DataFrame({"datum": pd.to_datetime(["2026-01-31", "2026-05-05", "2026-05-06"])})
    # six calendar months after: 31-07, 05-11 and 06-11; complete up to 05-11-2026
    until = pd.Timestamp("2026-11-05").date()
    assert effect_table.after_incomplete(held, 6, until) == 1
    assert effect_table.after_incomplete(held, 3, until) == 0
    assert effect_table.incomplete_text(1, until) == (
        "1 interventie telt nog niet mee: haar periode erna loopt tot na 05-11-2026, de "
        "laatste dag waarop de signalen compleet zijn."
    )
    assert effect_table.incomplete_text(0, until) == ""


def test_effect_tables_measure_only_windows_inside_the_period():
    signals, held = ranked_town(3)
    signals = signals.assign(wijk_code="W1")
    held = held.assign(wijk_code="W1")
    last = max(signals["datum"])
    cut = (min(signals["datum"]), last - pd.Timedelta(days=120))
    tables = effect_table.effect_tables(
        signals,
        held,
        fictitious_town().query("level == 'buurt'"),
        radius_m=250,
        months=6,
        themes={},
        outcomes={},
        period=cut,
    )
    assert max(tables.effects["window_end"]) <= cut[1]
    assert tables.theme_figures["effect"].notna().all()
