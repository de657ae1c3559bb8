"""Validation of an area model: codes, duplicates, hierarchy, missing parents, geometry.

Every problem is a Dutch sentence; an empty list means the model is fine.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from oovgeo.areas.model import AREA_COLUMNS, CODE_EXAMPLES, CODE_PATTERNS, LEVELS, parent_of
from oovgeo.crs import RD


def validate(areas: gpd.GeoDataFrame) -> list[str]:
    """Return the problems of an area model as Dutch sentences; an empty list means fine.

    Checks: columns and CRS; code format per level (``GM0622``, ``WK062201``, ``WK0363AD``,
    ``BU06220101``); duplicate codes within an edition; a parent (or gemeente) that
    disagrees with the code prefix; a buurt whose wijk, or a wijk whose gemeente, is missing
    while that level is present for the edition; empty or invalid geometry.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> square = box(83000, 436000, 83100, 436100)
    >>> table = gpd.GeoDataFrame({"statcode": ["BU123"]}, geometry=[square], crs=RD)
    >>> validate(normalise(table, edition=2025))
    ["ongeldige buurtcode 'BU123' (verwacht zoals BU06220101)"]
    """
    missing = [column for column in AREA_COLUMNS if column not in areas.columns]
    if missing:
        return [f"kolommen ontbreken: {', '.join(missing)}"]
    problems: list[str] = []
    if areas.crs is None or not areas.crs.equals(RD):
        problems.append(f"coördinatenstelsel is {areas.crs}, verwacht {RD}")
    problems += _code_problems(areas)
    problems += _duplicate_problems(areas)
    problems += _hierarchy_problems(areas)
    problems += _missing_parent_problems(areas)
    problems += _geometry_problems(areas)
    return problems


def _code_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for level, code in zip(areas["level"], areas["code"], strict=True):
        if level not in CODE_PATTERNS:
            problems.append(f"{code}: onbekend niveau '{level}'")
        elif not CODE_PATTERNS[level].match(code):
            problems.append(
                f"ongeldige {level}code '{code}' (verwacht zoals {CODE_EXAMPLES[level]})"
            )
    return problems


def _duplicate_problems(areas: gpd.GeoDataFrame) -> list[str]:
    counts = areas.groupby(["edition", "code"]).size()
    return [
        f"code {code} komt {count} keer voor in editie {edition}"
        for (edition, code), count in counts[counts > 1].items()
    ]


def _hierarchy_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for level, code, parent, gemeente in zip(
        areas["level"], areas["code"], areas["parent_code"], areas["gemeente_code"], strict=True
    ):
        expected = parent_of(code)
        if level in ("buurt", "wijk") and parent != expected:
            parent_level = "wijk" if level == "buurt" else "gemeente"
            problems.append(
                f"{level} {code} hoort volgens zijn code bij {parent_level} {expected}, "
                f"maar het bestand noemt {parent}"
            )
        if level in LEVELS and gemeente != "GM" + code[2:6]:
            problems.append(
                f"{level} {code} hoort volgens zijn code bij gemeente GM{code[2:6]}, "
                f"maar het bestand noemt {gemeente}"
            )
    return problems


def _missing_parent_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for edition, group in areas.groupby("edition", sort=True):
        for child_level, parent_level in (("buurt", "wijk"), ("wijk", "gemeente")):
            parents = set(group.loc[group["level"] == parent_level, "code"])
            if not parents:
                continue
            children = group[group["level"] == child_level]
            for code, parent in zip(children["code"], children["parent_code"], strict=True):
                if parent not in parents:
                    problems.append(
                        f"{child_level} {code}: {parent_level} {parent} ontbreekt in de "
                        f"{parent_level}laag van editie {edition}"
                    )
    return problems


def _geometry_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for code, geometry in zip(areas["code"], areas.geometry, strict=True):
        if geometry is None or geometry.is_empty:
            problems.append(f"{code}: lege geometrie")
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(f"{code}: geometrie is een {geometry.geom_type}, geen vlak")
        elif not geometry.is_valid:
            problems.append(f"{code}: ongeldige geometrie ({shapely.is_valid_reason(geometry)})")
    return problems
