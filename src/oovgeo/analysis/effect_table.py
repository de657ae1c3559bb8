"""The effect tables of the Interventies page, computed from plain frames.

The headline is the matched comparison (``effect.matched``): intervened places against places
with as many signals before and no intervention, which does not mistake regression to the
mean for an effect. Below it, as secondary rows, the comparison with the rest of the wijk
and the placebo check at random places. The rows per theme and per outcome are matched too,
with p after Benjamini-Hochberg within each table; their verdict follows that adjusted p.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd

from oovgeo.analysis.effect import classes as effect_classes
from oovgeo.analysis.effect import control_places, effect_per_intervention, pooled_effect
from oovgeo.analysis.effect.matched import MATCH_K, MATCHED_COLUMNS, matched_effect, matched_table
from oovgeo.analysis.effect.pooled import adjusted
from oovgeo.dutch import number

# The random control places are drawn with a fixed seed, so the page shows the same control
# figures on every rerun and for every user (a new draw per rerun would make them jump).
CONTROL_SEED = 1
MATCHED_GROUP = "alle interventies, tegen plekken met evenveel signalen vooraf"
ALL_GROUP = "alle interventies, tegen de rest van de wijk (zonder matching)"
CONTROL_GROUP = "willekeurige plekken (controle)"
SUMMARY_COLUMNS = ["groep", "n_interventions", "effect", "ci_low", "ci_high", "p", "oordeel"]
GROUP_COLUMNS = MATCHED_COLUMNS  # the per-theme and per-outcome tables show every matched figure
DUTCH = {
    "n_interventions": "aantal",
    "ctrl_before": "vergelijkingsplekken ervoor",
    "ctrl_after": "vergelijkingsplekken erna",
    "p_bh": "p (gecorrigeerd)",
    "n_before": "binnen straal ervoor",
    "n_after": "binnen straal erna",
    "wijk_before": "rest wijk ervoor",
    "wijk_after": "rest wijk erna",
    "ci_low": "95% van",
    "ci_high": "95% tot",
}


@dataclass(frozen=True)
class EffectTables:
    """The effect per intervention (labelled), the headline row and the tables as shown.

    ``summary``, ``by_theme`` and ``by_outcome`` are rounded with Dutch column names, as the
    page shows them; the ``*_figures`` tables hold the same rows unrounded (English columns),
    for ``oovgeo effect --json``.
    """

    effects: pd.DataFrame
    headline: pd.Series
    summary: pd.DataFrame
    by_theme: pd.DataFrame
    by_outcome: pd.DataFrame
    summary_figures: pd.DataFrame
    theme_figures: pd.DataFrame
    outcome_figures: pd.DataFrame


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """Round the effect and its interval to two decimals and give Dutch column names."""
    rounded = table.round({"effect": 2, "ci_low": 2, "ci_high": 2, "p": 3, "p_bh": 3})
    return rounded.rename(columns=DUTCH)


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
    period: tuple[date, date] | None = None,
) -> EffectTables:
    """Measure the effect of ``held`` on nearby ``signals`` against random control places.

    ``period`` is the first and last day the signals cover completely (default: the first and
    last signal date); only interventions with both windows inside it are measured.
    """
    effects = effect_per_intervention(
        signals,
        held,
        radius_m=radius_m,
        months=months,
        wijk_of_signal=signals["wijk_code"],
        wijk_of_intervention=held["wijk_code"],
        period=period,
    )
    places = control_places(
        buurten, len(held), seed=seed, start=held["datum"].min(), end=held["datum"].max()
    )
    placebo = effect_per_intervention(
        signals, places, radius_m=radius_m, months=months, period=period
    )
    effects = effects.assign(
        thema=effects["thema"].map(lambda t: themes.get(t, t)),
        uitkomst=effects["uitkomst"].map(lambda u: outcomes.get(u, u or "onbekend")),
    )
    matched = matched_table(signals, held, radius_m=radius_m, months=months, period=period)
    matched = matched.assign(
        thema=matched["thema"].map(lambda t: themes.get(t, t)),
        uitkomst=matched["uitkomst"].map(lambda u: outcomes.get(u, u or "onbekend")),
    )
    headline = matched_effect(matched).assign(groep=MATCHED_GROUP)
    summary = pd.concat(
        [
            headline,
            adjusted(pooled_effect(effects)).assign(groep=ALL_GROUP),
            adjusted(pooled_effect(placebo)).assign(groep=CONTROL_GROUP),
        ],
        ignore_index=True,
    )
    by_theme = matched_effect(matched, group="thema")
    by_outcome = matched_effect(matched, group="uitkomst")
    return EffectTables(
        effects=effects,
        headline=headline.iloc[0],
        summary=shown(summary[SUMMARY_COLUMNS]),
        by_theme=shown(by_theme[["thema", *GROUP_COLUMNS]]),
        by_outcome=shown(by_outcome[["uitkomst", *GROUP_COLUMNS]]),
        summary_figures=summary[SUMMARY_COLUMNS],
        theme_figures=by_theme[["thema", *GROUP_COLUMNS]],
        outcome_figures=by_outcome[["uitkomst", *GROUP_COLUMNS]],
    )


def after_incomplete(held: pd.DataFrame, months: int, until: date) -> int:
    """Count the interventions whose "after" window (``months``) ends after ``until``.

    Their effect cannot be measured yet: the days after ``until`` are not complete, and
    counting them as days without signals would show a drop that is only missing data.
    """
    dates = pd.to_datetime(held["datum"], errors="coerce").dropna()
    return int((dates + pd.DateOffset(months=months) > pd.Timestamp(until)).sum())


def incomplete_text(n: int, until: date) -> str:
    """Return the sentence about interventions left out because their "after" is not complete."""
    if n == 0:
        return ""
    which = (
        "interventie telt nog niet mee: haar" if n == 1 else "interventies tellen nog niet mee: hun"
    )
    return (
        f"{n} {which} periode erna loopt tot na {until:%d-%m-%Y}, de "
        "laatste dag waarop de signalen compleet zijn."
    )


def headline_text(headline: pd.Series, level: float = 0.95) -> str:
    """Return the sentence of the headline: the matched change in words, with its interval."""
    n = int(headline["n_interventions"])
    if n == 0 or pd.isna(headline["effect"]):
        return (
            "Geen effectmeting: voor geen enkele interventie is een vergelijkbare plek "
            "zonder interventie gevonden."
        )
    effect = float(headline["effect"])
    direction = "minder" if effect < 1 else "meer"
    if pd.isna(headline["ci_low"]):
        interval = "te weinig groepen voor een interval"
    else:
        interval = (
            f"{round(level * 100)}%-interval {number(float(headline['ci_low']), 2)} tot "
            f"{number(float(headline['ci_high']), 2)}"
        )
    return (
        f"{str(headline['oordeel']).capitalize()}: na {n} interventies "
        f"{number(abs(1 - effect) * 100, 0)}% {direction} signalen dan op vergelijkbare "
        f"plekken (verhouding {number(effect, 2)}; {interval})."
    )


def method_text(radius_m: float, months: int) -> str:
    """Return the sentence under the effect tables: what was counted and compared."""
    return (
        f"Signalen binnen {radius_m} m in de {months} maanden voor en na elke interventie, "
        "vergeleken met plekken met evenveel meldingen vooraf zonder interventie in de "
        f"buurt (zelfde straal, zelfde maanden; per interventie de {MATCH_K} plekken waarvan "
        "het aantal vooraf het dichtst bij ligt). Zo telt het vanzelf terugzakken van een "
        "piek niet als effect. Daaronder ter controle de vergelijking met de rest van de "
        "wijk (die dat terugzakken wel als effect meetelt) en met willekeurige plekken. "
        "Alleen interventies waarvan beide periodes volledig in de gegevens vallen. Het "
        "95%-interval komt uit een bootstrap: interventies per vak van 1 bij 1 km en "
        "halfjaar, en los daarvan de vergelijkingsplekken per vak van 1 bij 1 km. Per thema "
        "en per uitkomst is de p-waarde gecorrigeerd voor het aantal regels "
        "(Benjamini-Hochberg); het oordeel volgt die gecorrigeerde p."
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
