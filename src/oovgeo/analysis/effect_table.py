"""The effect tables of the Interventies page, computed from plain frames.

The effect per intervention, the placebo control at random places and the pooled tables
with Dutch column names, as the page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from oovgeo.analysis.effect import classes as effect_classes
from oovgeo.analysis.effect import control_places, effect_per_intervention, pooled_effect

# The random control places are drawn with a fixed seed, so the page shows the same control
# figures on every rerun and for every user (a new draw per rerun would make them jump).
CONTROL_SEED = 1
ALL_GROUP = "alle interventies"
CONTROL_GROUP = "willekeurige plekken (controle)"
SUMMARY_COLUMNS = ["groep", "n_interventions", "effect", "ci_low", "ci_high", "oordeel"]
DUTCH = {
    "n_interventions": "aantal",
    "n_before": "binnen straal ervoor",
    "n_after": "binnen straal erna",
    "wijk_before": "rest wijk ervoor",
    "wijk_after": "rest wijk erna",
    "ci_low": "95% van",
    "ci_high": "95% tot",
}


@dataclass(frozen=True)
class EffectTables:
    """The effect per intervention (labelled) and the pooled tables as shown."""

    effects: pd.DataFrame
    summary: pd.DataFrame
    by_theme: pd.DataFrame
    by_outcome: pd.DataFrame


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """Round the effect and its interval to two decimals and give Dutch column names."""
    return table.round({"effect": 2, "ci_low": 2, "ci_high": 2}).rename(columns=DUTCH)


def effect_tables(
    signals: pd.DataFrame,
    held: pd.DataFrame,
    buurten: gpd.GeoDataFrame,
    *,
    radius_m: float,
    months: int,
    themes: dict[str, str],
    outcomes: dict[str, str],
    seed: int = CONTROL_SEED,
) -> EffectTables:
    """Measure the effect of ``held`` on nearby ``signals`` against random control places."""
    effects = effect_per_intervention(
        signals,
        held,
        radius_m=radius_m,
        months=months,
        wijk_of_signal=signals["wijk_code"],
        wijk_of_intervention=held["wijk_code"],
    )
    places = control_places(
        buurten, len(held), seed=seed, start=held["datum"].min(), end=held["datum"].max()
    )
    placebo = effect_per_intervention(signals, places, radius_m=radius_m, months=months)
    effects = effects.assign(
        thema=effects["thema"].map(lambda t: themes.get(t, t)),
        uitkomst=effects["uitkomst"].map(lambda u: outcomes.get(u, u or "onbekend")),
    )
    summary = pd.concat(
        [
            pooled_effect(effects).assign(groep=ALL_GROUP),
            pooled_effect(placebo).assign(groep=CONTROL_GROUP),
        ],
        ignore_index=True,
    )
    return EffectTables(
        effects=effects,
        summary=shown(summary[SUMMARY_COLUMNS]),
        by_theme=shown(pooled_effect(effects, group="thema")),
        by_outcome=shown(pooled_effect(effects, group="uitkomst")),
    )


def method_text(radius_m: float, months: int) -> str:
    """Return the sentence under the effect tables: what was counted and compared."""
    return (
        f"Signalen binnen {radius_m} m in de {months} maanden voor en na elke interventie, "
        "vergeleken met de rest van de wijk over dezelfde periodes (verhouding van "
        "verhoudingen); alleen interventies waarvan beide periodes volledig in de gegevens "
        "vallen. Het 95%-interval komt uit een bootstrap over vakken van 1 bij 1 km per "
        "halfjaar, omdat interventies dicht bij elkaar dezelfde signalen tellen."
    )


def map_caption(located: pd.DataFrame) -> str:
    """Return the caption under the effect map: how to read a colour, and the count per class."""
    counts = located["klasse"].map(effect_classes.LABEL).value_counts()
    return (
        "Per interventie: signalen binnen de straal na / ervoor, gecorrigeerd voor de rest "
        "van de wijk. Eén plek heeft weinig signalen: de kleur is een aanwijzing, geen "
        "meting; het effect staat in de tabel hierboven. "
        + "; ".join(f"{label}: {n}" for label, n in counts.items())
    )
