"""Meeting types (from the ``meetings`` setting) and the periods a meeting pack covers.

The OOV team presents at recurring partner meetings: the integral meeting every 6 weeks, the
two-weekly follow-up and the police meeting every 8 weeks. Each type is configured with its
audience, interval, slide list and the dates of past meetings (see README, ``meetings``).

Periods
    A pack for a meeting on day *D* covers the days since the previous meeting of its type, up
    to the day before *D* (the data of the meeting day itself are not in yet):
    ``[previous, D - 1]``. The previous meeting is the latest configured date before *D*, else
    *D* minus the interval. So the packs of one meeting type tile the calendar: consecutive
    packs never overlap, and no count can be worked out as the difference of two packs (P3).

    The trend slide and the comparison use the same grid: the periods between the configured
    past meetings, extended backwards by the interval before the first one. The pack's own
    period is the last period of that grid; the comparison is with the one before it.

Example
-------
>>> m = MeetingType("integraal", "Integraal overleg", "beschermd", 42, ("titel",),
...                 (date(2026, 9, 1), date(2026, 10, 13)))
>>> default_period(m, date(2026, 11, 24))
(datetime.date(2026, 10, 13), datetime.date(2026, 11, 23))
>>> default_period(m, date(2026, 10, 13))  # a meeting on a configured date: the one before
(datetime.date(2026, 9, 1), datetime.date(2026, 10, 12))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from oovgeo import dutch
from oovgeo.config import Settings

# The trend slide shows about a year of periods before the pack's own period.
TREND_DAYS = 365
MIN_TREND_PERIODS = 4
MAX_TREND_PERIODS = 30


class MeetingError(ValueError):
    """An unknown meeting type or an impossible period; the message is Dutch and safe to show."""


@dataclass(frozen=True)
class MeetingType:
    """One configured meeting type (see ``config.DEFAULT_MEETINGS``)."""

    code: str
    label: str
    audience: str  # 'beschermd' | 'intern'
    interval_days: int
    slides: tuple[str, ...]
    dates: tuple[date, ...] = ()  # past meetings, sorted
    focus_wijk: str = ""  # CBS wijk code; empty = chosen from the data
    themes: tuple[str, ...] = ()  # main theme codes; empty = the most frequent in the period

    @classmethod
    def from_setting(cls, row: Mapping[str, Any]) -> MeetingType:
        """Build a meeting type from one row of the settings."""
        return cls(
            code=row["code"],
            label=row["label"],
            audience=row["audience"],
            interval_days=int(row["interval_days"]),
            slides=tuple(row["slides"]),
            dates=tuple(sorted(row["dates"])),
            focus_wijk=row.get("focus_wijk", "") or "",
            themes=tuple(row.get("themes", ())),
        )


def meeting_types(settings: Settings) -> dict[str, MeetingType]:
    """Return the configured meeting types by code, in configuration order."""
    return {row["code"]: MeetingType.from_setting(row) for row in settings.get("meetings")}


def meeting_type(settings: Settings, code: str) -> MeetingType:
    """Return the meeting type ``code``; ``MeetingError`` names the configured codes otherwise."""
    types = meeting_types(settings)
    if code not in types:
        known = ", ".join(types) or "geen"
        raise MeetingError(f"onbekend overleg '{code}'; ingesteld: {known}")
    return types[code]


def previous_meeting(meeting: MeetingType, on: date) -> date:
    """Return the latest configured meeting before ``on``, else ``on`` minus the interval.

    >>> m = MeetingType("x", "X", "beschermd", 14, ("titel",), (date(2026, 1, 5),))
    >>> previous_meeting(m, date(2026, 1, 19)), previous_meeting(m, date(2026, 1, 5))
    (datetime.date(2026, 1, 5), datetime.date(2025, 12, 22))
    """
    earlier = [d for d in meeting.dates if d < on]
    return earlier[-1] if earlier else on - timedelta(days=meeting.interval_days)


def default_period(meeting: MeetingType, on: date) -> tuple[date, date]:
    """``(first day, last day)`` of the pack for a meeting on ``on``: since the previous one."""
    return previous_meeting(meeting, on), on - timedelta(days=1)


def pack_period(meeting: MeetingType, on: date, start: date | None = None) -> tuple[date, date]:
    """Return the pack's period: default, or ``start`` (``--van``) to the day before ``on``."""
    if start is None:
        return default_period(meeting, on)
    if start >= on:
        raise MeetingError(
            f"de periode moet voor de vergaderdatum beginnen ({dutch.day(start)} ligt niet voor "
            f"{dutch.day(on)})"
        )
    return start, on - timedelta(days=1)


def period_grid(meeting: MeetingType, period: tuple[date, date]) -> list[tuple[date, date]]:
    """Consecutive periods ending with ``period``: about a year of them, oldest first.

    Before ``period`` the boundaries are the configured past meetings; before the first of
    those, steps of the interval. Every period is ``(first day, last day)``, they do not
    overlap and leave no gap.

    >>> m = MeetingType("x", "X", "beschermd", 14, ("titel",), (date(2026, 1, 5),))
    >>> grid = period_grid(m, (date(2026, 1, 19), date(2026, 2, 1)))
    >>> grid[-3:]  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2025, 12, 22), datetime.date(2026, 1, 4)),
     (datetime.date(2026, 1, 5), datetime.date(2026, 1, 18)),
     (datetime.date(2026, 1, 19), datetime.date(2026, 2, 1))]
    """
    start, end = period
    starts = [start]
    earlier = [d for d in meeting.dates if d < start]
    step = timedelta(days=meeting.interval_days)
    while len(starts) < MAX_TREND_PERIODS and (
        len(starts) < MIN_TREND_PERIODS or (start - starts[-1]).days < TREND_DAYS
    ):
        starts.append(earlier.pop() if earlier else starts[-1] - step)
    starts.reverse()
    ends = [s - timedelta(days=1) for s in starts[1:]] + [end]
    return list(zip(starts, ends, strict=True))


def dutch_period(period: tuple[date, date]) -> str:
    """``'13-10-2026 t/m 23-11-2026'``."""
    return dutch.period(*period)
