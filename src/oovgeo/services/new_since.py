"""Nieuw sinds: the signals new since a date per partner, as the pages and ``oovgeo nieuw`` show.

One function (``new_since``) reads the counts per theme and, for roles that may see point
data, the signals themselves; the Doelen page, the Presentatie page and the CLI all call it,
so their lists and counts cannot disagree. The Doorstuurlijst (XLSX: a summary sheet and one
sheet per partner; or CSV: one row per partner and signal) is made from its result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from oovgeo import dutch
from oovgeo.access import Identity, may
from oovgeo.analysis import new_since as ns
from oovgeo.analysis.new_since import Recipient
from oovgeo.config import Settings
from oovgeo.exports import sheet_name, to_csv_bytes, to_xlsx_sheets
from oovgeo.privacy import Disclosure
from oovgeo.store import new_since_repo
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.db import Engine

SUMMARY_SHEET = "Overzicht"


class NewSinceError(ValueError):
    """A choice that cannot make a list (message in Dutch, safe to show)."""


@dataclass(frozen=True)
class NewSince:
    """The signals new since ``since`` per partner, and what they rest on."""

    since: date
    until: date | None  # inclusive last day; None: up to the newest signal
    groups: tuple[Recipient, ...]  # the partners shown (one with a partner chosen)
    all_groups: tuple[Recipient, ...]  # every group, to place signals of unknown themes
    counts: pd.DataFrame  # ``analysis.new_since.count_table``; protected figures if protected
    signals: pd.DataFrame | None  # ``signal_table`` of every new signal; None without the right
    disclosure: Disclosure

    @property
    def rule(self) -> str:
        """The Dutch sentence saying what counts as new."""
        return ns.rule(self.since, self.until)

    def totals(self) -> dict[str, int]:
        """Return the new signals per shown group (protected figures when protected)."""
        return ns.partner_totals(self.counts, self.groups)

    def partner_list(self, group: Recipient) -> pd.DataFrame:
        """Return the new signals of one group; raise ``NewSinceError`` without the rows."""
        if self.signals is None:
            raise NewSinceError("deze lijst is alleen voor het OOV-kernteam")
        return ns.partner_list(self.signals, group, self.all_groups)

    def signal_count(self) -> int:
        """How many distinct signals the shown groups get (a signal may go to several)."""
        if self.signals is not None:
            return sum(
                any(g.receives(t, self.all_groups) for g in self.groups)
                for t in self.signals["thema"]
            )
        # one theme per signal: the distinct themes' figures add up to the signals' figure
        return int(self.counts.drop_duplicates("thema")["aantal"].sum())

    def summary(self) -> dict[str, Any]:
        """Dutch-keyed counts for ``--json`` and the audit log (no addresses, no rows)."""
        totals = self.totals()
        partners = []
        for group in self.groups:
            mine = self.counts[self.counts["partner"] == group.code]
            partners.append(
                {
                    "code": group.code,
                    "naam": group.label,
                    "signalen": totals[group.code],
                    "per_thema": dict(zip(mine["thema"], map(int, mine["aantal"]), strict=True)),
                }
            )
        return {
            "sinds": self.since.isoformat(),
            "tot": self.until.isoformat() if self.until else None,
            "beschermd": self.disclosure.protected,
            "regel": self.rule,
            "signalen": self.signal_count(),
            "partners": partners,
        }


def new_since(
    engine: Engine,
    settings: Settings,
    identity: Identity,
    *,
    since: date,
    until: date | None = None,
    partner: str | None = None,
    disclosure: Disclosure,
) -> NewSince:
    """Return the signals dated ``since`` (inclusive) .. ``until`` per forwarding partner.

    Protected audiences (``disclosure.protected``) get protected counts only; exact audiences
    get exact counts and, when ``identity`` may see point data, the signals themselves (the
    store checks that right again). ``partner`` keeps one group (a ``forwarding`` code or
    ``niet_doorgezet``); an unknown code raises ``NewSinceError``.
    """
    if until is not None and until < since:
        raise NewSinceError(f"de einddatum {dutch.day(until)} ligt voor {dutch.day(since)}")
    theme_labels = settings.labels("themes")
    groups = tuple(ns.recipients(settings.get("forwarding"), list(theme_labels)))
    shown = groups
    if partner is not None:
        shown = tuple(g for g in groups if g.code == partner)
        if not shown:
            known = ", ".join(g.code for g in groups)
            raise NewSinceError(f"onbekende partner '{partner}'; ingesteld: {known}")
    signals = None
    with engine.connect() as conn:
        counts = new_since_repo.new_signal_counts(conn, since, until, disclosure.count_share)
        if not disclosure.protected and may(identity, "view_points"):
            rows = new_since_repo.new_signal_rows(conn, identity, since, until)
            signals = ns.signal_table(
                rows,
                new_since_repo.ROW_COLUMNS,
                theme_labels=theme_labels,
                source_labels=settings.labels("sources"),
                area_names=_area_names(conn, settings),
            )
    table = ns.count_table(counts, groups, theme_labels)
    return NewSince(
        since=since,
        until=until,
        groups=shown,
        all_groups=groups,
        counts=table[table["partner"].isin([g.code for g in shown])].reset_index(drop=True),
        signals=signals,
        disclosure=disclosure,
    )


def _area_names(conn, settings: Settings) -> dict[str, str]:
    """Wijk and buurt names by code, in the edition in use (none loaded: no names)."""
    edition = active_edition(conn, settings.get("boundaries.edition"))
    if edition is None:
        return {}
    areas = load_areas(conn, edition)
    return dict(zip(areas["code"], areas["name"], strict=True))


def file_stem(result: NewSince) -> str:
    """``doorstuurlijst_sinds_2026-10-13``: the name of the download and of the CLI's file."""
    return f"doorstuurlijst_sinds_{result.since.isoformat()}"


def workbook(result: NewSince, made_on: date | None = None) -> bytes:
    """Return the Doorstuurlijst as XLSX: "Overzicht" (counts) and a sheet per partner.

    Only for the core team: raises ``NewSinceError`` when the result holds no rows.
    """
    made_on = made_on or date.today()
    sheets = {SUMMARY_SHEET: ns.shown_counts(result.counts, result.disclosure)}
    taken = {SUMMARY_SHEET.lower()}  # labels need not be unique, sheet names must
    for group in result.groups:
        sheets[sheet_name(group.label, taken)] = result.partner_list(group)
    notes = {
        SUMMARY_SHEET: [
            f"Doorstuurlijst: nieuwe signalen per partner, gemaakt op {dutch.day(made_on)}.",
            result.rule,
            "Een signaal gaat naar elke partner die zijn thema ontvangt (instelling forwarding).",
        ]
    }
    return to_xlsx_sheets(sheets, notes)


def csv(result: NewSince) -> bytes:
    """Return the Doorstuurlijst as one CSV table: a row per partner and signal."""
    parts = []
    for group in result.groups:
        rows = result.partner_list(group)
        rows.insert(0, "Partner", group.label)
        parts.append(rows)
    columns = ["Partner", *ns.LIST_COLUMNS]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    table["Datum"] = [dutch.day(d) for d in table["Datum"]]
    return to_csv_bytes(table[columns])


def audit_detail(result: NewSince, **more: Any) -> dict[str, Any]:
    """Return what an export of the list writes to the audit log: choices and counts only."""
    summary = result.summary()
    return {
        "sinds": summary["sinds"],
        "tot": summary["tot"],
        "signalen": summary["signalen"],
        "per_partner": {p["code"]: p["signalen"] for p in summary["partners"]},
        **more,
    }
