"""Data completeness per source: the "compleet t/m" date that ends every period's exposure.

Exports arrive late: Meld een Vermoeden, police and partner files come in days or weeks after
the fact. A day after a source's last complete delivery is not a day with zero signals, it is
a day without data; counting it as zero makes every recent period look like a fall. So each
source has a completeness date, and every comparison, trend, rate, map period, pack and year
report counts exposure only up to the completeness date of the sources it counts.

Per source the date in use is, by precedence:

1. set by hand on the Gegevens page (stored in the database, ``store.completeness_repo``);
2. set in the settings (``data.complete_until``, per source code);
3. the latest date present in the data for that source.

Interventions are one series; their key is ``INTERVENTIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from oovgeo.store import completeness_repo, counts_repo
from oovgeo.store.db import Connection

INTERVENTIONS = "interventies"
ORIGIN_DATA, ORIGIN_SETTING, ORIGIN_HAND = "gegevens", "instelling", "handmatig"
ORIGIN_LABELS = {
    ORIGIN_DATA: "laatste datum in de gegevens",
    ORIGIN_SETTING: "ingesteld in de configuratie",
    ORIGIN_HAND: "ingesteld op de pagina Gegevens",
}


@dataclass(frozen=True)
class SourceCompleteness:
    """The completeness of one source: what the data holds and the date in use."""

    source: str
    latest: date | None  # the latest date present in the data
    until: date | None  # the completeness date in use
    origin: str  # ORIGIN_DATA, ORIGIN_SETTING or ORIGIN_HAND


def per_source(
    conn: Connection, kind: str, configured: Mapping[str, date]
) -> dict[str, SourceCompleteness]:
    """Return the completeness of every source of ``kind`` (signals or interventions).

    Sources with data and sources with a configured or hand-set date are listed.
    """
    latest = counts_repo.data_until(conn, kind)
    if kind != "signals":
        latest = {INTERVENTIONS: latest["alle"]} if latest.get("alle") else {}
    by_hand = completeness_repo.overrides(conn)
    if kind == "signals":
        by_hand.pop(INTERVENTIONS, None)
        settings_dates = {s: d for s, d in configured.items() if s != INTERVENTIONS}
    else:
        by_hand = {s: d for s, d in by_hand.items() if s == INTERVENTIONS}
        settings_dates = {s: d for s, d in configured.items() if s == INTERVENTIONS}
    out = {}
    until: date | None
    for source in sorted({*latest, *settings_dates, *by_hand}):
        if source in by_hand:
            until, origin = by_hand[source], ORIGIN_HAND
        elif source in settings_dates:
            until, origin = settings_dates[source], ORIGIN_SETTING
        else:
            until, origin = latest.get(source), ORIGIN_DATA
        out[source] = SourceCompleteness(source, latest.get(source), until, origin)
    return out


def complete_until(
    table: Mapping[str, SourceCompleteness], sources: Iterable[str] = (), *, today: date
) -> date:
    """Return the date up to which every counted source is complete (never after ``today``).

    ``sources`` are the counted sources (empty: all of ``table``); sources without data do
    not limit. With no data at all the answer is ``today``: there is nothing to miss.
    """
    wanted = set(sources)
    dates = [
        c.until for s, c in table.items() if c.until is not None and (not wanted or s in wanted)
    ]
    return min(min(dates), today) if dates else today


def limiting_sources(
    table: Mapping[str, SourceCompleteness], until: date, sources: Iterable[str] = ()
) -> list[str]:
    """Return the counted sources whose completeness date is ``until`` (they set the end)."""
    wanted = set(sources)
    return sorted(s for s, c in table.items() if c.until == until and (not wanted or s in wanted))


def sentence(until: date) -> str:
    """Return the Dutch phrase for the completeness date, as screens and slides show it."""
    return f"gegevens compleet t/m {until:%d-%m-%Y}"


def exposure_end(end: date, until: date) -> date:
    """Return the last day of a period that counts as exposure: its end, or ``until`` if earlier."""
    return min(end, until)


def exposure_days(start: date, end: date, until: date) -> int:
    """Return the days of ``start``..``end`` up to ``until`` (0 when the period lies after it)."""
    return max((exposure_end(end, until) - start).days + 1, 0)
