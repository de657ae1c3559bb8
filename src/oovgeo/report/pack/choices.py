"""The protected comparison tables the slides share and the wijk in focus."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from oovgeo.analysis.compare import compare_table, protect_comparison
from oovgeo.report.pack.data import PackData
from oovgeo.vocab import RISE

if TYPE_CHECKING:
    pass


def main_themes(data: PackData) -> list[str]:
    """Return the meeting's main themes, else the (at most 4) most frequent themes of the period."""
    if data.meeting.themes:
        return list(data.meeting.themes)
    order = list(data.theme_labels)
    totals = data.a_counts.groupby("thema")["count"].sum()
    ranked = sorted(order, key=lambda t: (-int(totals.get(t, 0)), order.index(t)))
    return ranked[:4]


def wijk_theme_comparison(data: PackData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(exact, shown) comparison per wijk and theme: the period against the previous one.

    One FDR family over all wijken and themes. The display copy is protected per theme, so
    column ``a`` of each theme hides exactly the cells the theme's map hides.
    """
    table = compare_table(
        data.a_counts,
        data.b_counts,
        keys=["wijk_code", "thema"],
        days_a=data.exposure_days(data.period),
        days_b=data.exposure_days(data.previous),
    )
    if table.empty:
        return table, table.copy()
    parts = [
        protect_comparison(group.reset_index(drop=True), data.disclosure)
        for _, group in table.groupby("thema", sort=False)
    ]
    shown = pd.concat(parts, ignore_index=True)
    exact = pd.concat(
        [g.reset_index(drop=True) for _, g in table.groupby("thema", sort=False)],
        ignore_index=True,
    )
    return exact, shown


def wijk_verdicts(data: PackData) -> pd.DataFrame:
    """Per wijk (all themes together): the verdict only; its counts are never shown.

    Columns ``wijk_code``, ``oordeel``, ``ratio`` (rate of this period over the previous;
    used only to choose the wijk in focus, never shown), ``a`` (for the same choice).
    """
    per_wijk = [
        frame.groupby("wijk_code", as_index=False)["count"].sum()
        for frame in (data.a_counts, data.b_counts)
    ]
    codes = pd.DataFrame({"wijk_code": data.wijken["code"]})
    a, b = (codes.merge(f, on="wijk_code", how="left").fillna({"count": 0}) for f in per_wijk)
    table = compare_table(
        a.astype({"count": "int64"}),
        b.astype({"count": "int64"}),
        keys=["wijk_code"],
        days_a=data.exposure_days(data.period),
        days_b=data.exposure_days(data.previous),
    )
    shown = protect_comparison(table, data.disclosure)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(table["rate_b"] > 0, table["rate_a"] / table["rate_b"], np.inf)
    return pd.DataFrame(
        {
            "wijk_code": table["wijk_code"],
            "oordeel": shown["oordeel"],
            "ratio": ratio,
            "p": table["p"],
            "a": table["a"],
        }
    )


def focus_wijk(data: PackData, verdicts: pd.DataFrame) -> tuple[str, str]:
    """(wijk code, Dutch reason): the configured wijk, else the largest significant rise."""
    names = data.wijk_names
    configured = data.meeting.focus_wijk
    if configured and configured in names:
        return configured, "Ingesteld als wijk in beeld voor dit overleg."
    prefix = (
        f"De ingestelde wijk {configured} staat niet in de gebiedsindeling {data.edition}. "
        if configured
        else ""
    )
    rising = verdicts[verdicts["oordeel"] == RISE]
    if not rising.empty:
        best = rising.sort_values(["ratio", "p"], ascending=[False, True], kind="stable")
        return str(best["wijk_code"].iloc[0]), prefix + (
            "Gekozen omdat het aantal signalen hier het sterkst significant is gestegen "
            "ten opzichte van de vorige periode."
        )
    busiest = verdicts.sort_values("a", ascending=False, kind="stable")
    return str(busiest["wijk_code"].iloc[0]), prefix + (
        "Geen wijk is significant gestegen; gekozen is de wijk met de meeste signalen "
        "in deze periode."
    )
