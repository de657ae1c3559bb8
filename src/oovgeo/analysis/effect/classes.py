"""Classes of the effect around one intervention, for the map of interventions.

One intervention has a handful of signals around it, so its own ratio is an indication, not a
measurement (the pooled effect with its interval is the measurement). The classes therefore
are coarse, and an intervention with too few signals before it gets its own class instead of
a colour that suggests an effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_BEFORE = 5  # fewer signals in the "before" window: no class (a ratio of 1 or 2 counts)

# code, label, colour (light-to-dark blue for drops, red for a rise; readable for most
# colour-blind users, and the classes differ in lightness too)
CLASSES: list[tuple[str, str, str]] = [
    ("sterke_daling", "daling van 50% of meer", "#2166ac"),
    ("daling", "daling van 10 tot 50%", "#92c5de"),
    ("gelijk", "minder dan 10% verschil", "#f7f7f7"),
    ("stijging", "stijging van 10% of meer", "#d6604d"),
    ("te_weinig", f"te weinig signalen ervoor (< {MIN_BEFORE})", "#969696"),
]
LABEL = {code: label for code, label, _ in CLASSES}
# drawn first to last: where circles overlap, the clearest changes end up on top
DRAW_ORDER = ("te_weinig", "gelijk", "daling", "stijging", "sterke_daling")
COLOUR = {code: colour for code, _, colour in CLASSES}


def effect_class(table: pd.DataFrame, min_before: int = MIN_BEFORE) -> pd.Series:
    """Return the class code per row of an ``effect_per_intervention`` table.

    >>> t = pd.DataFrame({"n_before": [10, 10, 10, 10, 2, 10],
    ...                   "effect": [0.4, 0.8, 1.05, 1.3, 0.1, np.nan]})
    >>> effect_class(t).tolist()
    ['sterke_daling', 'daling', 'gelijk', 'stijging', 'te_weinig', 'te_weinig']
    """
    effect = pd.to_numeric(table["effect"], errors="coerce").to_numpy(dtype=float)
    before = pd.to_numeric(table["n_before"], errors="coerce").fillna(0).to_numpy()
    codes = np.select(
        [
            (before < min_before) | ~np.isfinite(effect),
            effect <= 0.5,
            effect <= 0.9,
            effect < 1 / 0.9,
        ],
        ["te_weinig", "sterke_daling", "daling", "gelijk"],
        default="stijging",
    )
    return pd.Series(codes, index=table.index, name="effectklasse")


def for_map(table: pd.DataFrame) -> pd.DataFrame:
    """Return the located rows of an ``effect_per_intervention`` table, ready for the map.

    Adds class code ``klasse``, its ``kleur`` and label ``effect_tekst``, ``datum_tekst``
    (dd-mm-jjjj), ordered from the least telling class to the strongest so those are drawn on top.
    """
    located = table[table["x"].notna() & table["y"].notna()].copy()
    located["klasse"] = effect_class(located)
    located["kleur"] = located["klasse"].map(COLOUR)
    located["effect_tekst"] = located["klasse"].map(LABEL)
    located["datum_tekst"] = pd.to_datetime(located["datum"]).dt.strftime("%d-%m-%Y")
    order = {code: i for i, code in enumerate(DRAW_ORDER)}
    return located.sort_values("klasse", key=lambda s: s.map(order), kind="stable")
