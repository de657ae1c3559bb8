"""Validation of an area model: codes, duplicates, hierarchy, missing parents, geometry.

Every problem is a Dutch sentence; an empty list means the model is fine. Besides problems
(which refuse the model) there are warnings that let it load: :func:`nesting_warnings`.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from oovgeo.areas.model import AREA_COLUMNS, CODE_EXAMPLES, CODE_PATTERNS, LEVELS, parent_of
from oovgeo.crs import RD

# A buurt may stick out of its wijk by this share of its own area before it is reported:
# generalised lines of two layers never coincide exactly, a sliver is no news.
NEST_TOLERANCE = 0.02


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


def nesting_warnings(areas: gpd.GeoDataFrame) -> list[str]:
    """Return a Dutch warning per wijk whose buurten stick out of the wijk polygon.

    Records are placed in buurten and counted for the wijk of their buurt, so where an
    official (separately generalised) wijk polygon does not hold its buurten, the wijk map
    shows signals outside the drawn wijk. A buurt counts as sticking out when more than
    ``NEST_TOLERANCE`` of its area lies outside its wijk. When there is any warning the last
    line says what to do about it. Wijken dissolved from their buurten always nest.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> table = gpd.GeoDataFrame(
    ...     {"statcode": ["WK062201", "BU06220101"], "statnaam": ["Centrum", "Oud"]},
    ...     geometry=[box(0, 0, 100, 100), box(50, 0, 150, 100)], crs=RD)
    >>> nesting_warnings(normalise(table, edition=2025))[0]
    'wijk WK062201 Centrum: 1 buurt steekt buiten de wijkgrens (BU06220101 50 %)'
    """
    warnings: list[str] = []
    for _edition, group in areas.groupby("edition", sort=True):
        wijken = group[group["level"] == "wijk"]
        shapes = dict(zip(wijken["code"], wijken.geometry, strict=True))
        names = dict(zip(wijken["code"], wijken["name"], strict=True))
        buurten = group[group["level"] == "buurt"].sort_values("code")
        for wijk, parts in buurten.groupby("parent_code", sort=True):
            shape = shapes.get(wijk)
            if shape is None or shape.is_empty:
                continue  # a missing wijk is a problem of validate(), not a warning
            outside = []
            for code, geometry in zip(parts["code"], parts.geometry, strict=True):
                if geometry is None or geometry.is_empty or geometry.area <= 0:
                    continue
                share = geometry.difference(shape).area / geometry.area
                if share > NEST_TOLERANCE:
                    outside.append(f"{code} {round(share * 100)} %")
            if outside:
                count = "1 buurt steekt" if len(outside) == 1 else f"{len(outside)} buurten steken"
                label = f"{wijk} {names[wijk]}" if names[wijk] != wijk else str(wijk)
                warnings.append(f"wijk {label}: {count} buiten de wijkgrens ({', '.join(outside)})")
    if warnings:
        warnings.append(
            "Signalen tellen mee bij de wijk van hun buurt; bij deze wijken toont de kaart dus "
            "ook meldingen buiten de getekende wijkgrens. Moet elke wijk precies de som van "
            "zijn buurten zijn, laad dan alleen de buurten (de wijken worden daaruit "
            "samengesteld) of wijken die uit de buurten zijn samengesteld."
        )
    return warnings
