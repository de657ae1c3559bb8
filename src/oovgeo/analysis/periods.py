"""Period pairs for comparisons: presets the select box reads from (a registry)."""

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


def this_year_vs_last(today: date) -> PeriodPair:
    """Compare this year up to ``today`` with the same days last year."""
    return PeriodPair(
        date(today.year, 1, 1), today, date(today.year - 1, 1, 1), _same_day_last_year(today)
    )


def last_year_vs_year_before(today: date) -> PeriodPair:
    """Compare last calendar year with the year before."""
    y = today.year - 1
    return PeriodPair(date(y, 1, 1), date(y, 12, 31), date(y - 1, 1, 1), date(y - 1, 12, 31))


def last_weeks(weeks: int) -> Callable[[date], PeriodPair]:
    """Return a function pairing the last ``weeks`` weeks with the weeks before."""

    def pair(today: date) -> PeriodPair:
        a_end = today
        a_start = a_end - timedelta(days=7 * weeks - 1)
        b_end = a_start - timedelta(days=1)
        return PeriodPair(a_start, a_end, b_end - timedelta(days=7 * weeks - 1), b_end)

    return pair


def before_after(moment: date, today: date) -> PeriodPair:
    """After ``moment`` (inclusive, to today) against the same number of days before it."""
    days = (today - moment).days + 1
    return PeriodPair(moment, today, moment - timedelta(days=days), moment - timedelta(days=1))


# label -> function(today) -> PeriodPair; 'voor/na' needs a date and is handled by the page.
PRESETS: dict[str, Callable[[date], PeriodPair]] = {
    "Dit jaar tegenover dezelfde periode vorig jaar": this_year_vs_last,
    "Vorig jaar tegenover het jaar daarvoor": last_year_vs_year_before,
    "Laatste 6 weken tegenover de 6 weken daarvoor": last_weeks(6),
}
# Fixed, non-overlapping periods only: what protected audiences may compare (P3).
PROTECTED_PRESETS = ("Vorig jaar tegenover het jaar daarvoor",)
BEFORE_AFTER = "Voor en na een datum"
