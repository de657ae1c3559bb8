"""Dutch display of numbers, dates and months: the one place that knows the notation.

Dutch writes ``1.234,5`` (thousands dot, decimal comma) and ``15-01-2025`` or
``15 januari 2025``. Every label, table, slide and export formats through these
functions so that a figure reads the same on screen, in a workbook and on a slide.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

MINUS = "\u2212"  # a real minus sign: a workbook never reads "−5" as a formula

# Dutch clock time: stored instants are UTC, shown and read as local time.
LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

# Month names and the abbreviations seen in municipal exports, to month numbers.
MONTH_NUMBERS = {name: i for i, name in enumerate(MONTHS, start=1)} | {
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_NUMBER = re.compile(r"^[+\-\u2212]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+\-\u2212]?\d+(,\d+)?$")


def _swap(text: str) -> str:
    """``"1,234.5"`` (Python's notation) -> ``"1.234,5"``."""
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def integer(n: int | float) -> str:
    """Format a whole number with thousands dots.

    >>> integer(1234567)
    '1.234.567'
    """
    return f"{round(float(n)):,}".replace(",", ".")


def number(value: float, decimals: int = 1) -> str:
    """At most ``decimals`` decimals, trailing zeros dropped, rounded half away from zero.

    Negative numbers keep the ASCII hyphen (``"-2,5"``); ``-0.04`` shows as ``"0"``.

    >>> number(12.0), number(14.25), number(-0.04), number(1234.5), number(-2.5)
    ('12', '14,3', '0', '1.234,5', '-2,5')
    """
    # Half away from zero, as people round (Python's round() gives 14.25 -> 14.2).
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = _swap(text)
    return "0" if text in ("-0", "") else text


def fixed(value: float, decimals: int) -> str:
    """Exactly ``decimals`` decimals and a real minus sign, for columns in a workbook.

    >>> fixed(-1234.5, 1), fixed(3, 0), fixed(-0.01, 1)
    ('−1.234,5', '3', '0,0')
    """
    text = _swap(f"{abs(value):,.{decimals}f}")
    if value < 0 and parse_number(text) != 0:
        return MINUS + text
    return text


def short(value: float) -> str:
    """Python's shortest form with a decimal comma: ``2.5`` -> ``"2,5"``, ``100.0`` -> ``"100"``.

    >>> short(2.5), short(100.0)
    ('2,5', '100')
    """
    return f"{value:g}".replace(".", ",")


def parse_number(text: str) -> float | None:
    """Parse a number from its Dutch display (``"1.234"``, ``"−5"``, ``"2,5"``); None otherwise.

    >>> parse_number("1.234,5"), parse_number("\u22125"), parse_number("<5")
    (1234.5, -5.0, None)
    """
    text = str(text).strip()
    if not _NUMBER.match(text):
        return None
    return float(text.replace(MINUS, "-").replace(".", "").replace(",", "."))


def day(value: date) -> str:
    """``date(2025, 1, 5)`` -> ``"05-01-2025"``, the notation of Dutch spreadsheets."""
    return value.strftime("%d-%m-%Y")


def minute(value: datetime) -> str:
    """``"14-10-2025 09:05"``; convert to local time before calling."""
    return value.strftime("%d-%m-%Y %H:%M")


def long_date(value: date) -> str:
    """``date(2025, 1, 15)`` -> ``"15 januari 2025"``.

    >>> long_date(date(2025, 1, 15))
    '15 januari 2025'
    """
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def month(value: date) -> str:
    """``date(2025, 3, 1)`` -> ``"maart 2025"``.

    >>> month(date(2025, 3, 1))
    'maart 2025'
    """
    return f"{MONTHS[value.month - 1]} {value.year}"


def period(start: date, end: date) -> str:
    """Format an inclusive period as ``"01-01-2025 t/m 31-03-2025"``."""
    return f"{day(start)} t/m {day(end)}"
