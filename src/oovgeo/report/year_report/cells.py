"""The display text and workbook value of each cell of a year report."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oovgeo import dutch
from oovgeo.privacy import format_count
from oovgeo.report.year_report.model import (
    YearReport,
)
from oovgeo.vocab import FALL, RISE

# Fills per verdict: red-ish for a rise, blue-ish for a fall. Their grey values differ
# (luminance about 0.89 and 0.75), so a grey print still tells them apart and from white.
FILL_RISE = "FADBD8"
FILL_FALL = "A9C4EB"
ROW_FILLS = {RISE: FILL_RISE, FALL: FILL_FALL}
HEADER_FILL = "E7E6E6"

# Order of the value columns in the workbook; optional ones are written when present.
VALUE_COLUMNS = (
    "a",
    "b",
    "verschil",
    "verschil_pct",
    "oordeel",
    "rate_a",
    "rate_b",
    "p",
    "p_fdr",
    "inwoners",
)

# Fills per verdict: red-ish for a rise, blue-ish for a fall. Their grey values differ
# (luminance about 0.89 and 0.75), so a grey print still tells them apart and from white.


def is_missing(value) -> bool:
    """Whether ``value`` is missing (None, NA, NaT or NaN)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_number(value) -> float | None:
    """Return a number from a number or a Dutch display string (``"1.234"``, ``"−5"``).

    ``"<5"``, ``""`` and missing values give None.
    """
    if is_missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.number):
        return float(value)
    return dutch.parse_number(str(value))


def _count_text(value) -> str:
    """Return a count as display text: a string stays as it is, a number gets thousands dots."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    return format_count(value, False, 5)


def display(column: str, value) -> str:
    """Return the display text of one cell: what a protected workbook and every PDF table show."""
    if column == "a" or column == "b" or column == "inwoners":
        return _count_text(value)
    if isinstance(value, str):
        return value
    number = as_number(value)
    if number is None:
        return ""
    if column == "verschil":
        return dutch.fixed(number, 0)
    if column == "verschil_pct":
        return dutch.fixed(number, 1)
    if column in ("rate_a", "rate_b"):
        return dutch.fixed(number, 2)
    if column in ("p", "p_fdr"):
        return "<0,001" if number < 0.001 else dutch.fixed(number, 3)
    return dutch.fixed(number, 2)


def exact_value(column: str, value):
    """Return the workbook value of one cell of an exact report: numbers as int/float, else text."""
    if is_missing(value):
        return None
    if column == "oordeel" or isinstance(value, bool):
        return str(value)
    number = as_number(value)
    if number is None:
        return str(value)
    if column in ("a", "b", "verschil", "inwoners") and number == int(number):
        return int(number)
    return number


NUMBER_FORMATS = {
    "a": "#,##0",
    "b": "#,##0",
    "verschil": "#,##0",
    "inwoners": "#,##0",
    "verschil_pct": "0.0",
    "rate_a": "0.00",
    "rate_b": "0.00",
    "p": "0.0000",
    "p_fdr": "0.0000",
}


def column_headers(report: YearReport, table: pd.DataFrame) -> dict[str, str]:
    """Dutch column headers of ``table`` (rates per day or per 1.000 inwoners)."""
    per = "per 1.000 inwoners per jaar" if "inwoners" in table.columns else "per dag"
    return {
        "wijk": "Wijk",
        "thema": "Thema",
        "a": str(report.year),
        "b": str(report.previous),
        "verschil": "Verschil",
        "verschil_pct": "Verschil (%)",
        "oordeel": "Oordeel",
        "rate_a": f"{report.year} {per}",
        "rate_b": f"{report.previous} {per}",
        "p": "p-waarde",
        "p_fdr": "p-waarde (gecorrigeerd)",
        "inwoners": "Inwoners",
    }


def columns_of(table: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """Return the key columns, then the value columns present, in workbook order."""
    return [*keys, *(c for c in VALUE_COLUMNS if c in table.columns)]
