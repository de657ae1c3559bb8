"""Period pairs for comparisons: presets the select box reads from (a registry).

Every preset is a function of ``end``: the last day with complete data (see
``analysis.completeness``), not today. A period that ended on today while the newest
deliveries lag would count the missing days as days without signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class PeriodPair:
    """Two periods to compare: period a (start, end) against period b."""

    a_start: date
    a_end: date
    b_start: date
    b_end: date

    @property
    def days_a(self) -> int:
        """Return the number of days in period a, inclusive."""
        return (self.a_end - self.a_start).days + 1

    @property
    def days_b(self) -> int:
        """Return the number of days in period b, inclusive."""
        return (self.b_end - self.b_start).days + 1

    def ending_by(self, until: date) -> PeriodPair:
        """Return the pair with both periods cut off after ``until`` (the exposure that counts)."""
        return PeriodPair(
            self.a_start, min(self.a_end, until), self.b_start, min(self.b_end, until)
        )

    def text(self) -> str:
        """Return both periods as Dutch text (dd-mm-jjjj t/m ... tegenover ...)."""
        return (
            f"{self.a_start:%d-%m-%Y} t/m {self.a_end:%d-%m-%Y} tegenover "
            f"{self.b_start:%d-%m-%Y} t/m {self.b_end:%d-%m-%Y}"
        )


def _same_day_last_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def this_year_vs_last(end: date) -> PeriodPair:
    """Compare this year up to ``end`` with the same days last year."""
    return PeriodPair(date(end.year, 1, 1), end, date(end.year - 1, 1, 1), _same_day_last_year(end))


def last_year_vs_year_before(end: date) -> PeriodPair:
    """Compare the last calendar year complete by ``end`` with the year before."""
    y = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    return PeriodPair(date(y, 1, 1), date(y, 12, 31), date(y - 1, 1, 1), date(y - 1, 12, 31))


def last_weeks(weeks: int) -> Callable[[date], PeriodPair]:
    """Return a function pairing the last ``weeks`` weeks with the weeks before."""

    def pair(end: date) -> PeriodPair:
        a_end = end
        a_start = a_end - timedelta(days=7 * weeks - 1)
        b_end = a_start - timedelta(days=1)
        return PeriodPair(a_start, a_end, b_end - timedelta(days=7 * weeks - 1), b_end)

    return pair


def before_after(moment: date, end: date) -> PeriodPair:
    """After ``moment`` (inclusive, to ``end``) against the same number of days before it."""
    days = (end - moment).days + 1
    return PeriodPair(moment, end, moment - timedelta(days=days), moment - timedelta(days=1))


# label -> function(end) -> PeriodPair; 'voor/na' needs a date and is handled by the page.
PRESETS: dict[str, Callable[[date], PeriodPair]] = {
    "Dit jaar tegenover dezelfde periode vorig jaar": this_year_vs_last,
    "Vorig jaar tegenover het jaar daarvoor": last_year_vs_year_before,
    "Laatste 6 weken tegenover de 6 weken daarvoor": last_weeks(6),
    "Laatste 4 weken tegenover de 4 weken daarvoor": last_weeks(4),
}
# Fixed, non-overlapping periods only: what protected audiences may compare (P3).
PROTECTED_PRESETS = ("Vorig jaar tegenover het jaar daarvoor",)
BEFORE_AFTER = "Voor en na een datum"


# Protected audiences choose from fixed, non-overlapping blocks of four weeks: with free or
# sliding periods, the difference of two requests would reveal the small counts that each
# request hides (P3).
BLOCK_EPOCH = date(2024, 1, 1)  # a Monday
BLOCK_DAYS = 28


def four_week_blocks(today: date, n: int = 26) -> list[tuple[date, date]]:
    """Return the last ``n`` complete four-week blocks before ``today``, newest first."""
    done = (today - BLOCK_EPOCH).days // BLOCK_DAYS  # blocks completed before today's block
    blocks = []
    for i in range(done - 1, max(done - 1 - n, -1), -1):
        start = BLOCK_EPOCH + timedelta(days=i * BLOCK_DAYS)
        blocks.append((start, start + timedelta(days=BLOCK_DAYS - 1)))
    return blocks
