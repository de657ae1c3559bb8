"""Which new signal goes to which partner, and the tables of "Nieuw sinds" (issue 14).

The reporting point forwards a new signal the same day to the partners that receive its theme
(setting ``forwarding``); a signal can go to several partners. A signal whose theme no partner
receives lands in the group "Niet doorgezet". "New since *D*" is a report date on or after *D*
(``RULE``): the pack of the meeting on *D* ran to the day before (``meetings.default_period``),
so the signals of the meeting day itself are new for the next one, and consecutive lists
neither overlap nor leave a day out.

Pure: lists and frames in, frames out; the store reads, ``services.new_since`` orchestrates.

Example
-------
>>> groups = recipients([{"code": "politie", "label": "Politie", "themes": ["ondermijning"]}],
...                     ["ondermijning", "jeugdoverlast"])
>>> [(g.code, g.themes) for g in groups]
[('politie', ('ondermijning',)), ('niet_doorgezet', ('jeugdoverlast',))]
>>> [g.code for g in groups if g.receives("onbekend_thema", groups)]
['niet_doorgezet']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from oovgeo import dutch
from oovgeo.config.codes import NOT_FORWARDED, NOT_FORWARDED_LABEL
from oovgeo.privacy import Disclosure, suppress_table, total_label

# The columns of a forwarding list, as the screen and the Doorstuurlijst show them.
LIST_COLUMNS = ("Datum", "Thema", "Bron", "Wijk", "Buurt", "Adres", "Dossiernummer")
COUNT_COLUMNS = ("Partner", "Thema", "Aantal")


@dataclass(frozen=True)
class Recipient:
    """A partner that new signals are forwarded to, or the group "Niet doorgezet"."""

    code: str
    label: str
    themes: tuple[str, ...]  # for "Niet doorgezet": the configured themes no partner receives

    @property
    def forwarded(self) -> bool:
        """False for the group of signals that go to no partner."""
        return self.code != NOT_FORWARDED

    def receives(self, theme: str, groups: Sequence[Recipient]) -> bool:
        """Whether a signal of ``theme`` is in this group (unknown themes: "Niet doorgezet")."""
        if self.forwarded:
            return theme in self.themes
        return not any(g.forwarded and theme in g.themes for g in groups)


def recipients(forwarding: Sequence[Mapping[str, Any]], themes: Sequence[str]) -> list[Recipient]:
    """Return the configured partners in order, then "Niet doorgezet" if a theme goes nowhere.

    ``forwarding`` is the checked setting; ``themes`` the configured theme codes.
    """
    groups = [Recipient(r["code"], r["label"], tuple(r["themes"])) for r in forwarding]
    received = {t for g in groups for t in g.themes}
    left = tuple(t for t in themes if t not in received)
    if left:
        groups.append(Recipient(NOT_FORWARDED, NOT_FORWARDED_LABEL, left))
    return groups


def rule(since: date, until: date | None = None) -> str:
    """Return the one Dutch sentence that says what counts as new (screen and exports).

    >>> rule(date(2026, 10, 13))[:60]
    'Nieuw sinds 13-10-2026: elk signaal met een meldingsdatum op'
    """
    window = (
        f"op of na {dutch.day(since)}"
        if until is None
        else f"van {dutch.day(since)} tot en met {dutch.day(until)}"
    )
    return (
        f"Nieuw sinds {dutch.day(since)}: elk signaal met een meldingsdatum {window} (die dag "
        "zelf telt mee: het pakket van een overleg op die dag liep tot en met de dag ervoor); "
        "wanneer het signaal is ingelezen, telt niet."
    )


def count_table(
    counts: Mapping[str, int], groups: Sequence[Recipient], theme_labels: Mapping[str, str]
) -> pd.DataFrame:
    """One row per partner and theme it receives: ``partner``, ``thema`` codes and ``aantal``.

    Zero rows are kept (a partner with no new signal of a theme sees a 0). "Niet doorgezet"
    also gets a row for each counted theme that is not configured any more.
    """
    rows = []
    for group in groups:
        themes = list(group.themes)
        if not group.forwarded:
            themes += sorted(t for t in counts if t not in theme_labels and t not in themes)
        for theme in themes:
            rows.append(
                {
                    "partner": group.code,
                    "Partner": group.label,
                    "thema": theme,
                    "Thema": theme_labels.get(theme, theme),
                    "aantal": int(counts.get(theme, 0)),
                }
            )
    columns = ["partner", "Partner", "thema", "Thema", "aantal"]
    return pd.DataFrame(rows, columns=columns).astype({"aantal": "int64"})


def partner_totals(counts: pd.DataFrame, groups: Sequence[Recipient]) -> dict[str, int]:
    """Return the new signals per group: the sum over its themes (one theme per signal)."""
    sums = counts.groupby("partner")["aantal"].sum()
    return {g.code: int(sums.get(g.code, 0)) for g in groups}


def shown_counts(counts: pd.DataFrame, disclosure: Disclosure) -> pd.DataFrame:
    """``Partner``, ``Thema``, ``Aantal`` as the audience reads them ("<k" when protected)."""
    table = counts[["Partner", "Thema", "aantal"]].rename(columns={"aantal": "Aantal"})
    return suppress_table(table, ["Aantal"], disclosure=disclosure).reset_index(drop=True)


def shown_total(counts: pd.DataFrame, partner: str, disclosure: Disclosure) -> str:
    """Return the total of one group as text: protected when protected (they add up)."""
    return total_label(counts.loc[counts["partner"] == partner, "aantal"], disclosure)


def signal_table(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[str],
    *,
    theme_labels: Mapping[str, str],
    source_labels: Mapping[str, str],
    area_names: Mapping[str, str],
) -> pd.DataFrame:
    """Return the new signals with Dutch columns ``LIST_COLUMNS`` plus the theme code ``thema``.

    ``rows`` are store rows with ``columns`` (``datum``, ``thema``, ``bron``, ``wijk_code``,
    ``buurt_code``, ``adres``, ``dossiernummer``). Dates stay dates (real dates in Excel);
    areas read by name in the edition in use (their code when unknown there, empty when the
    signal has none).
    """
    raw = pd.DataFrame([tuple(r) for r in rows], columns=list(columns))

    def name(code: Any) -> str:
        return "" if code is None or pd.isna(code) else area_names.get(code, str(code))

    def as_text(value: Any) -> str:
        return "" if value is None or pd.isna(value) else str(value)

    table = pd.DataFrame(
        {
            "Datum": [pd.Timestamp(d).date() for d in raw["datum"]],
            "Thema": [theme_labels.get(t, t) for t in raw["thema"]],
            "Bron": [source_labels.get(b, b) for b in raw["bron"]],
            "Wijk": [name(c) for c in raw["wijk_code"]],
            "Buurt": [name(c) for c in raw["buurt_code"]],
            "Adres": [as_text(a) for a in raw["adres"]],
            "Dossiernummer": [as_text(n) for n in raw["dossiernummer"]],
            "thema": list(raw["thema"]),
        },
        columns=[*LIST_COLUMNS, "thema"],
    )
    return table


def partner_list(
    signals: pd.DataFrame, group: Recipient, groups: Sequence[Recipient]
) -> pd.DataFrame:
    """Return the new signals one group gets, in ``LIST_COLUMNS`` (by date, as read)."""
    keep = [group.receives(t, groups) for t in signals["thema"]]
    return signals.loc[keep, list(LIST_COLUMNS)].reset_index(drop=True)
