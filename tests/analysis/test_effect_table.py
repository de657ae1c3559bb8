"""The effect tables as shown: Dutch column names, rounded, a fixed control seed."""

import pandas as pd

from oovgeo.analysis import effect_table


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
