"""The intervention register as the Interventies page shows it: filtered, with Dutch labels.

Stored codes (theme, outcome, partners) become their labels from the settings; a link to the
shortlist becomes the item's number and title.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

UNKNOWN_OUTCOME = "onbekend"


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def partner_codes(value) -> list[str]:
    """Return the partner codes of a stored ``a;b`` text (missing is none)."""
    return [p for p in _text(value).split(";") if p]


def item_names(items: pd.DataFrame) -> dict[int, str]:
    """Return ``#id title`` per shortlist item id."""
    return {int(i): f"#{i} {t}" for i, t in zip(items["id"], items["title"], strict=True)}


def filter_held(
    held: pd.DataFrame, themes: Iterable[str] = (), outcomes: Iterable[str] = ()
) -> pd.DataFrame:
    """Return the interventions with one of ``themes`` and ``outcomes`` (empty: all)."""
    themes, outcomes = list(themes), list(outcomes)
    keep = pd.Series(True, index=held.index)
    if themes:
        keep &= held["thema"].isin(themes)
    if outcomes:
        keep &= held["uitkomst"].isin(outcomes)
    return held[keep]


def register_table(
    held: pd.DataFrame,
    *,
    themes: dict[str, str],
    outcomes: dict[str, str],
    partners: dict[str, str],
    names: dict[int, str],
) -> pd.DataFrame:
    """Return the register as shown: one row per intervention, labels instead of codes."""
    return pd.DataFrame(
        {
            "datum": held["datum"],
            "nummer": held["source_id"],
            "thema": held["thema"].map(lambda t: themes.get(t, t)),
            "adres": held["adres"],
            "partners": held["partners"].map(
                lambda v: ", ".join(partners.get(p, p) for p in partner_codes(v))
            ),
            "uitkomst": held["uitkomst"].map(lambda u: outcomes.get(u, u or UNKNOWN_OUTCOME)),
            "maatregel": held["maatregel"],
            "wijk": held["wijk_code"],
            "shortlist": held["shortlist_id"].map(
                lambda i: names.get(int(i), f"#{int(i)}") if pd.notna(i) else ""
            ),
        }
    )


def outcomes_per_theme(table: pd.DataFrame) -> pd.DataFrame:
    """Return the number of interventions per theme (rows) and outcome (columns)."""
    return pd.crosstab(table["thema"], table["uitkomst"])


def editable(held: pd.DataFrame, system: str) -> pd.DataFrame:
    """Return the interventions entered through the form (``system``), newest first."""
    return held[held["source_system"] == system].sort_values("datum", ascending=False)


def linked_item(record) -> int | None:
    """Return the shortlist item a stored intervention comes from, if any."""
    if record is None or pd.isna(record["shortlist_id"]):
        return None
    return int(record["shortlist_id"])


def item_choices(items: pd.DataFrame, final: Iterable[str], linked: int | None) -> list:
    """Return the shortlist items to link to: none, the open ones and the one linked now."""
    open_items = items[~items["status"].isin(list(final))]
    offered = set(open_items["id"].astype(int)) | ({linked} if linked else set())
    return [None, *sorted(offered)]


def save_message(number: str, inserted: int, updated: int) -> str:
    """Return the message after saving intervention ``number``."""
    done = "toegevoegd" if inserted else "gewijzigd" if updated else "ongewijzigd"
    return f"Interventie {number} {done}."
