"""Code lists: CBS area codes with their names, no geometry (e.g. ``gebiedscodes_2025.csv``).

A code list renames the areas of a loaded edition; it cannot be loaded as boundaries. The
columns are matched like those of the boundary files (:mod:`oovgeo.areas.columns`): own code
and name (``statcode, statnaam`` or ``buurtcode, buurtnaam`` ...), names of parents
(``wk_code, wk_naam``, ``gm_code, gm_naam``) and an optional year (``jaar``).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from oovgeo.areas.columns import CODE_COLUMN_HINT, CODE_SOURCES, YEAR, canonical
from oovgeo.areas.model import CODE_PATTERNS, BoundaryError, level_of
from oovgeo.areas.population import decode_text

_BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")


def read_code_list(path: str | Path) -> pd.DataFrame:
    """Read the code -> name pairs of a code list CSV (``,`` ``;`` or tab, UTF-8 or cp1252).

    A code takes its name from the first column pair that mentions it, in the order of
    ``CODE_SOURCES`` (a wijk's own row before the ``wk_naam`` on its buurten). Rows that
    name no area (``NL00``, empty) are not areas and are skipped.

    Returns
    -------
    pandas.DataFrame
        ``code`` (str), ``name`` (str), ``year`` (Int64, <NA> without a year column), one
        row per code and year.

    Raises
    ------
    BoundaryError
        No code column, no name column, or one code with two names.

    Examples
    --------
    >>> read_code_list("gebiedscodes_2025.csv").iloc[0].tolist()  # doctest: +SKIP
    ['GM0556', 'Maassluis', 2025]
    """
    path = Path(path)
    if path.suffix.lower() in _BOUNDARY_SUFFIXES:
        raise BoundaryError(
            f"{path.name} is een grensbestand, geen codelijst: laad het met oovgeo boundaries "
            f"load {path.name} (de namen komen dan mee)"
        )
    text = decode_text(path)
    header = next((line for line in text.splitlines() if line.strip()), None)
    if header is None:
        raise BoundaryError(f"{path.name} is leeg")
    delimiter = max((";", ",", "\t"), key=header.count)
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    names = [canonical(cell) for cell in rows[0]]
    pairs = [
        (names.index(code_key), names.index(name_key))
        for code_keys, name_keys in CODE_SOURCES
        for code_key, name_key in zip(code_keys, name_keys, strict=True)
        if code_key in names and name_key in names
    ]
    if not pairs:
        raise BoundaryError(
            f"{path.name}: geen kolommen met gebiedscode en naam gevonden; verwacht een van: "
            f"{CODE_COLUMN_HINT} met de naamkolom ernaast (gevonden: {', '.join(rows[0])})"
        )
    year_at = next((names.index(key) for key in YEAR if key in names), None)
    found: dict[tuple[str, int | None], tuple[str, int, int]] = {}
    problems: list[str] = []
    for rank, (code_at, name_at) in enumerate(pairs):
        for number, row in enumerate(rows[1:], start=2):
            code = _cell(row, code_at).upper()
            name = _cell(row, name_at)
            level = level_of(code)
            if not name or level is None or not CODE_PATTERNS[level].match(code):
                continue
            year = _year(_cell(row, year_at) if year_at is not None else "", path, number)
            key = (code, year)
            if key not in found:
                found[key] = (name, rank, number)
            elif found[key][1] == rank and found[key][0] != name:
                problems.append(
                    f"{code} heet '{found[key][0]}' op rij {found[key][2]} en '{name}' op rij "
                    f"{number}"
                )
    if problems:
        raise BoundaryError.from_problems(f"codelijst {path.name} afgekeurd", problems)
    if not found:
        raise BoundaryError(f"{path.name} bevat geen gemeente-, wijk- of buurtcodes met naam")
    return pd.DataFrame(
        {
            "code": pd.Series([code for code, _ in found], dtype="str"),
            "name": pd.Series([value[0] for value in found.values()], dtype="str"),
            "year": pd.array([year for _, year in found], dtype="Int64"),
        }
    )


def _cell(row: list[str], at: int) -> str:
    return row[at].strip() if at < len(row) else ""


def _year(text: str, path: Path, number: int) -> int | None:
    if not text:
        return None
    match = re.fullmatch(r"((19|20)\d{2})(\.0)?", text)
    if match is None:
        raise BoundaryError(f"{path.name}, rij {number}: ongeldig jaar '{text}'")
    return int(match.group(1))
