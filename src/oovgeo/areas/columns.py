"""Column names of CBS boundary files of every year, matched loosely, and cell cleaning.

Accepted schemas (column names matched case-insensitively, ignoring ``_``):

* CBS wijk- en buurtkaart up to 2021: ``BU_CODE, BU_NAAM, WK_CODE, WK_NAAM, GM_CODE, GM_NAAM,
  AANT_INW, WATER, OPP_LAND``;
* CBS from 2022 and PDOK OGC API features: ``buurtcode, buurtnaam, wijkcode, wijknaam,
  gemeentecode, gemeentenaam, aantal_inwoners`` (or ``aantalInwoners``), ``water``,
  ``oppervlakte_land_in_ha``;
* simplified copies with ``statcode, statnaam, wk_code, wk_naam, gm_code, gm_naam, jaar``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from oovgeo.areas.model import SECRET_CODE_MAX

# Column names are compared in "canonical" form: lower case, only letters and digits, so
# BU_CODE -> bucode, buurtcode -> buurtcode, aantalInwoners -> aantalinwoners.
# Own code and name, most specific first: a buurt row of a CBS file also has WK_CODE/GM_CODE.
CODE_SOURCES = (
    (("statcode",), ("statnaam",)),
    (("bucode", "buurtcode"), ("bunaam", "buurtnaam")),
    (("wkcode", "wijkcode"), ("wknaam", "wijknaam")),
    (("gmcode", "gemeentecode"), ("gmnaam", "gemeentenaam")),
)
WIJK_CODE = ("wkcode", "wijkcode")
WIJK_NAME = ("wknaam", "wijknaam")
GEMEENTE_CODE = ("gmcode", "gemeentecode")
GEMEENTE_NAME = ("gmnaam", "gemeentenaam")
INHABITANTS = ("aantinw", "aantalinwoners", "inwoners")
LAND_HA = ("oppland", "oppervlaktelandinha", "oppervlaktelandha")
WATER = ("water",)
YEAR = ("jaar", "jaarcode")
CODE_COLUMN_HINT = "statcode, BU_CODE, buurtcode, WK_CODE, wijkcode, GM_CODE, gemeentecode"


def canonical(column: str) -> str:
    """Return a column name in lower case with only letters and digits (``BU_CODE`` -> bucode)."""
    return re.sub(r"[^a-z0-9]", "", str(column).lower())


def column_map(table: pd.DataFrame) -> dict[str, str]:
    """Map canonical column names to the real ones (the first wins on a clash)."""
    columns: dict[str, str] = {}
    for column in table.columns:
        if column != "geometry":
            columns.setdefault(canonical(column), column)
    return columns


def find_column(columns: dict[str, str], keys: Iterable[str]) -> str | None:
    """Return the real name of the first of ``keys`` present in ``columns``, else None."""
    for key in keys:
        if key in columns:
            return columns[key]
    return None


def has_code_column(table: pd.DataFrame) -> bool:
    """Tell whether ``table`` has a column with CBS area codes."""
    columns = column_map(table)
    return any(find_column(columns, keys) for keys, _ in CODE_SOURCES)


def text_values(series: pd.Series, *, upper: bool = False) -> pd.Series:
    """Return stripped text as an object Series, None where empty or missing."""

    def clean(value: object) -> str | None:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        text = str(value).strip()
        if upper:
            text = text.upper()
        return text or None

    return pd.Series([clean(v) for v in series], index=series.index, dtype=object)


def number_values(series: pd.Series) -> pd.Series:
    """Return numbers as Float64; CBS secrecy codes (-99997 and friends) and garbage are <NA>."""
    values = pd.to_numeric(text_values(series), errors="coerce").astype("Float64")
    return values.mask(values <= SECRET_CODE_MAX)
