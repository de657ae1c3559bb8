"""Choosing what to keep of a boundary table: one edition, some gemeenten, one level.

The edition (year of the CBS indeling) comes from the caller, else from a ``jaar``/``jaarcode``
column, else from a year (20xx) in the file name; a file holding several editions needs a
choice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from oovgeo.areas.columns import YEAR, find_column
from oovgeo.areas.model import BoundaryError, parse_gemeente_code, source_name

_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def _year_in(value: object) -> int | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    match = _YEAR_IN_TEXT.search(str(value))
    return int(match.group(1)) if match else None


def select_edition(
    table: pd.DataFrame, columns: dict[str, str], edition: int | None, source: str | Path | None
) -> pd.DataFrame:
    """Return the rows of one edition, with that edition in column ``_edition``."""
    name = source_name(source)
    year_column = find_column(columns, YEAR)
    years = table[year_column].map(_year_in) if year_column else None
    distinct = sorted({int(y) for y in years.dropna()}) if years is not None else []

    if edition is not None:
        edition = int(edition)
        if len(distinct) > 1:
            table = table[years == edition]
            if table.empty:
                found = ", ".join(map(str, distinct))
                raise BoundaryError(
                    f"{name} bevat geen gebieden van editie {edition} (wel: {found})"
                )
        return table.assign(_edition=edition)
    if len(distinct) > 1:
        found = ", ".join(map(str, distinct))
        raise BoundaryError(
            f"{name} bevat meerdere edities ({found}); kies er een met --editie, "
            f"bijvoorbeeld --editie {distinct[-1]}"
        )
    if len(distinct) == 1:
        return table.assign(_edition=distinct[0])
    in_name = sorted({int(y) for y in _YEAR_IN_NAME.findall(Path(source).name)}) if source else []
    if len(in_name) == 1:
        return table.assign(_edition=in_name[0])
    raise BoundaryError(
        f"kan de editie (het jaar van de gebiedsindeling) van {name} niet bepalen: geen kolom "
        "jaar/jaarcode en geen jaartal in de bestandsnaam. Geef het jaar op met --editie, "
        "bijvoorbeeld --editie 2025."
    )


def keep_mask(table: pd.DataFrame, gemeenten: Sequence[str] | None, level: str | None) -> pd.Series:
    """Return which rows lie in one of ``gemeenten`` and on ``level`` (None keeps all).

    ``table`` carries the working columns ``_gemeente`` and ``_level``; gemeente codes may be
    given as ``GM0622``, ``0622`` or ``622``.
    """
    keep = pd.Series(True, index=table.index)
    if gemeenten:
        wanted = {parse_gemeente_code(code) for code in gemeenten}
        keep &= table["_gemeente"].isin(wanted)
    if level is not None:
        keep &= table["_level"] == level
    return keep
