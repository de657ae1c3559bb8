"""Normalise one CBS boundary table of any year's schema and any CRS into the area model.

Shared by the file readers (:mod:`oovgeo.areas.files`) and the PDOK client
(:mod:`oovgeo.areas.pdok`). The schemas are listed in :mod:`oovgeo.areas.columns`, the
model in :mod:`oovgeo.areas.model`.

Notes about what was left out while reading (water polygons, empty geometries) are logged and
kept as a list of Dutch sentences in ``areas.attrs["notes"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from oovgeo.areas.clean import area_geometry
from oovgeo.areas.columns import (
    CODE_COLUMN_HINT,
    CODE_SOURCES,
    GEMEENTE_CODE,
    GEMEENTE_NAME,
    INHABITANTS,
    LAND_HA,
    WATER,
    WIJK_CODE,
    WIJK_NAME,
    column_map,
    find_column,
    number_values,
    text_values,
)
from oovgeo.areas.model import (
    LEVELS,
    BoundaryError,
    empty_areas,
    finalise,
    level_of,
    parent_of,
    source_name,
)
from oovgeo.areas.select import keep_mask, select_edition
from oovgeo.crs import RD

logger = logging.getLogger(__name__)


def normalise(
    table: gpd.GeoDataFrame,
    *,
    edition: int | None = None,
    gemeenten: Sequence[str] | None = None,
    level: str | None = None,
    source: str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Turn a CBS boundary table of any supported schema and CRS into the area model.

    Parameters
    ----------
    table
        Features as read by geopandas (from a file, or from PDOK features).
    edition
        Year of the indeling. When None it comes from a ``jaar``/``jaarcode`` column, else
        from a year (19xx/20xx) in the name of ``source``.
    gemeenten
        Keep only areas of these gemeenten (``GM0622``, ``0622`` and ``622`` all work).
    level
        Keep only this level ("gemeente", "wijk" or "buurt").
    source
        File name or description, used for the edition fallback and in messages.

    Rows marked ``water == "JA"`` (CBS files up to 2021 carry separate water-only polygons)
    are dropped. Empty geometries are dropped and counted in ``attrs["notes"]``; invalid
    ones are repaired with ``make_valid``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> table = gpd.GeoDataFrame(
    ...     {"statcode": ["WK062201"], "statnaam": ["Centrum"]},
    ...     geometry=[box(82500, 436000, 83100, 437000)], crs=RD)
    >>> areas = normalise(table, edition=2025)
    >>> areas.loc[0, ["level", "code", "parent_code"]].tolist()
    ['wijk', 'WK062201', 'GM0622']
    """
    areas, _names = normalise_with_names(
        table, edition=edition, gemeenten=gemeenten, level=level, source=source
    )
    if areas.empty:
        raise BoundaryError(nothing_left(source))
    return areas


def nothing_left(source: str | Path | None) -> str:
    """Return the Dutch message for a filter on gemeente/level that leaves no areas."""
    return f"{source_name(source)}: na filteren op gemeente/niveau blijven geen gebieden over"


def normalise_with_names(
    table: gpd.GeoDataFrame,
    *,
    edition: int | None,
    gemeenten: Sequence[str] | None,
    level: str | None,
    source: str | Path | None,
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Normalise, and also return names of parent areas (from wk_naam/gm_naam columns).

    Returns an empty model when the gemeente/level filter leaves nothing: in a GeoPackage
    that is normal for some layers, so the caller decides whether it is an error.
    """
    name = source_name(source)
    if level is not None and level not in LEVELS:
        raise BoundaryError(f"onbekend niveau '{level}' (kies uit {', '.join(LEVELS)})")
    if len(table) == 0:
        raise BoundaryError(f"{name} bevat geen gebieden")
    columns = column_map(table)
    notes: list[str] = []

    codes, names = _own_codes_and_names(table, columns, name)
    table = table.assign(_code=codes, _name=names)
    table = select_edition(table, columns, edition, source)
    table = _drop_water(table, columns, notes, name)
    _check_prefixes(table)
    table = table.assign(_level=table["_code"].map(level_of).astype(object))
    table = table.assign(
        _parent=_parents(table, columns), _gemeente=_gemeente_codes(table, columns)
    )

    keep = keep_mask(table, gemeenten, level)
    if not keep.any():
        return empty_areas(), {}

    table = table[keep]
    areas = gpd.GeoDataFrame(
        {
            "level": table["_level"],
            "code": table["_code"],
            "name": table["_name"].where(table["_name"].notna(), table["_code"]),
            "parent_code": table["_parent"],
            "gemeente_code": table["_gemeente"],
            "edition": table["_edition"],
            "inhabitants": _column_number(table, columns, INHABITANTS),
            "land_ha": _column_number(table, columns, LAND_HA),
        },
        geometry=area_geometry(table, notes, name),
        crs=RD,
    )
    areas = finalise(areas[areas.geometry.notna()])
    if areas.empty:
        raise BoundaryError(f"{name} bevat geen gebieden met een vlakgeometrie")
    for note in notes:
        logger.info(note)
    areas.attrs["notes"] = notes
    return areas, _parent_names(table, columns)


def _own_codes_and_names(
    table: pd.DataFrame, columns: dict[str, str], name: str
) -> tuple[pd.Series, pd.Series]:
    """Per row the most specific code present (a buurt row also carries its wijk code)."""
    codes = pd.Series(None, index=table.index, dtype=object)
    names = pd.Series(None, index=table.index, dtype=object)
    found = False
    for code_keys, name_keys in CODE_SOURCES:
        code_column = find_column(columns, code_keys)
        if code_column is None:
            continue
        found = True
        values = text_values(table[code_column], upper=True)
        take = codes.isna() & values.notna()
        codes[take] = values[take]
        name_column = find_column(columns, name_keys)
        if name_column is not None:
            names[take] = text_values(table[name_column])[take]
    if not found:
        present = ", ".join(str(c) for c in table.columns if c != "geometry") or "geen"
        raise BoundaryError(
            f"{name}: geen CBS-gebiedscode gevonden; verwacht een van: {CODE_COLUMN_HINT} "
            f"(gevonden kolommen: {present})"
        )
    return codes, names


def _drop_water(
    table: pd.DataFrame, columns: dict[str, str], notes: list[str], name: str
) -> pd.DataFrame:
    water_column = find_column(columns, WATER)
    if water_column is None:
        return table
    is_water = text_values(table[water_column], upper=True) == "JA"
    if is_water.any():
        notes.append(f"{name}: {int(is_water.sum())} watervlak(ken) (WATER = JA) weggelaten")
    return table[~is_water]


def _check_prefixes(table: pd.DataFrame) -> None:
    """Every row needs a code that starts with GM, WK or BU; anything else is refused."""
    bad = [
        f"'{code}' (object {number + 1})" if code else f"object {number + 1} heeft geen code"
        for number, code in zip(table.index, table["_code"], strict=True)
        if not code or level_of(code) is None
    ]
    if bad:
        raise BoundaryError.from_problems("onbekende gebiedscodes (verwacht GM…, WK… of BU…)", bad)


def _parents(table: pd.DataFrame, columns: dict[str, str]) -> pd.Series:
    """Parent from a wijk/gemeente column when present, else from the code prefix."""
    parents = table["_code"].map(parent_of).astype(object)
    for child_level, keys in (("buurt", WIJK_CODE), ("wijk", GEMEENTE_CODE)):
        column = find_column(columns, keys)
        if column is None:
            continue
        given = text_values(table[column], upper=True)
        take = (table["_level"] == child_level) & given.notna()
        parents[take] = given[take]
    return parents


def _gemeente_codes(table: pd.DataFrame, columns: dict[str, str]) -> pd.Series:
    codes = pd.Series(
        ["GM" + code[2:6] for code in table["_code"]], index=table.index, dtype=object
    )
    column = find_column(columns, GEMEENTE_CODE)
    if column is not None:
        given = text_values(table[column], upper=True)
        take = (table["_level"] != "gemeente") & given.notna()
        codes[take] = given[take]
    return codes


def _column_number(table: pd.DataFrame, columns: dict[str, str], keys: Iterable[str]) -> pd.Series:
    column = find_column(columns, keys)
    if column is None:
        return pd.Series(pd.NA, index=table.index, dtype="Float64")
    return number_values(table[column])


def _parent_names(table: pd.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    """Names of wijken and gemeenten as mentioned on buurt/wijk rows (wk_naam, gm_naam)."""
    names: dict[str, str] = {}
    wijk_name = find_column(columns, WIJK_NAME)
    wijk_code = find_column(columns, WIJK_CODE)
    if wijk_name and wijk_code:
        is_buurt = table["_level"] == "buurt"
        for code, name in zip(
            text_values(table[wijk_code], upper=True)[is_buurt],
            text_values(table[wijk_name])[is_buurt],
            strict=True,
        ):
            if code and name:
                names[code] = name
    gemeente_name = find_column(columns, GEMEENTE_NAME)
    if gemeente_name:
        for code, name in zip(table["_gemeente"], text_values(table[gemeente_name]), strict=True):
            if code and name:
                names[code] = name
    return names
