"""Inhabitants per area and year from a small CSV, and putting them on an area model."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from oovgeo.areas.columns import canonical
from oovgeo.areas.model import CODE_PATTERNS, SECRET_CODE_MAX, BoundaryError, level_of
from oovgeo.vocab import file_problem

_POPULATION_CODE = ("code", "gebiedscode", "statcode", "wijkenenbuurten")
_POPULATION_YEAR = ("year", "jaar")
_POPULATION_INHABITANTS = ("inhabitants", "inwoners", "aantalinwoners", "aantinw")
_FIELD_WORDS = {"code": "de gebiedscode", "year": "het jaar", "inhabitants": "de inwoners"}


def read_population(path: str | Path) -> pd.DataFrame:
    """Read inhabitants per area and year from a CSV with columns code, year, inhabitants.

    Dutch headers work too (``gebiedscode``/``statcode``, ``jaar``,
    ``inwoners``/``aantal_inwoners``); the delimiter may be ``;`` or ``,``; the encoding
    UTF-8 (with or without BOM) or cp1252. ``-99997`` (and other CBS secrecy codes), an
    empty cell and ``.`` mean unknown and become <NA>. Every other problem is an error: a
    population file is small and must be exact.

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (str), ``year`` (int64), ``inhabitants`` (Int64).

    Raises
    ------
    BoundaryError
        Listing the row numbers (1 = header) of bad rows.

    Examples
    --------
    >>> population = read_population("inwoners.csv")  # doctest: +SKIP
    >>> population.iloc[0].tolist()  # doctest: +SKIP
    ['BU06220101', 2025, 1235]
    """
    path = Path(path)
    text = decode_text(path)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise BoundaryError(f"{path.name} is leeg")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header_at = next(index for index, row in enumerate(rows) if any(cell.strip() for cell in row))
    positions = _population_columns(rows[header_at], path.name)

    records: list = []
    problems: list[str] = []
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if not any(cell.strip() for cell in row):
            continue
        record = _population_record(row, positions, index + 1, problems)
        if record is not None:
            records.append(record)
    problems += population_duplicates(records)
    if problems:
        raise BoundaryError.from_problems(f"bevolkingsbestand {path.name} afgekeurd", problems)
    if not records:
        raise BoundaryError(f"{path.name} bevat geen rijen met inwonertallen")
    frame = pd.DataFrame(records, columns=["code", "year", "inhabitants", "_row"])
    return pd.DataFrame(
        {
            "code": frame["code"].astype("str"),
            "year": frame["year"].astype("int64"),
            "inhabitants": pd.array(list(frame["inhabitants"]), dtype="Int64"),
        }
    )


def decode_text(path: Path) -> str:
    """Return the text of a small CSV: UTF-8 (with or without BOM) or Windows-1252.

    Raises
    ------
    BoundaryError
        When the file is missing or unreadable, or not text, with a Dutch message.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BoundaryError(f"kan bestand niet lezen: {file_problem(error)}") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise BoundaryError(
            f"kan bestand niet lezen: {path.name} is geen UTF-8- of Windows-1252-tekst"
        ) from error


def _population_columns(header: list[str], name: str) -> dict[str, int]:
    canonical_names = [canonical(cell) for cell in header]
    positions = {}
    for field, keys in (
        ("code", _POPULATION_CODE),
        ("year", _POPULATION_YEAR),
        ("inhabitants", _POPULATION_INHABITANTS),
    ):
        found = [index for index, column in enumerate(canonical_names) if column in keys]
        if not found:
            raise BoundaryError(
                f"{name}: kolom voor {_FIELD_WORDS[field]} ontbreekt; verwacht een van: "
                f"{', '.join(keys)} (gevonden: {', '.join(header)}). Een CBS-tabel Kerncijfers "
                "wijken en buurten herkent oovgeo aan de kolommen WijkenEnBuurten of Codering "
                "en AantalInwoners."
            )
        positions[field] = found[0]
    return positions


def _population_record(
    row: list[str], positions: dict[str, int], number: int, problems: list[str]
) -> tuple[str, int, int | None, int] | None:
    if len(row) <= max(positions.values()):
        problems.append(f"rij {number}: te weinig kolommen")
        return None
    code = row[positions["code"]].strip().upper()
    year_text = row[positions["year"]].strip()
    count_text = row[positions["inhabitants"]].strip()
    before = len(problems)

    level = level_of(code)
    if level is None or not CODE_PATTERNS[level].match(code):
        problems.append(f"rij {number}: ongeldige gebiedscode '{code}'")
    if not re.fullmatch(r"(19|20)\d{2}", year_text):
        problems.append(f"rij {number}: ongeldig jaar '{year_text}'")
    count: int | None = None
    if count_text not in ("", "."):
        if not re.fullmatch(r"-?\d+", count_text):
            problems.append(f"rij {number}: ongeldig aantal inwoners '{count_text}'")
        elif int(count_text) <= SECRET_CODE_MAX:
            count = None
        elif int(count_text) < 0:
            problems.append(f"rij {number}: negatief aantal inwoners '{count_text}'")
        else:
            count = int(count_text)
    if len(problems) > before:
        return None
    return code, int(year_text), count, number


def population_duplicates(records: list[tuple[str, int, int | None, int]]) -> list[str]:
    """Return a Dutch problem per (code, year) that occurs again, naming both rows."""
    first_row: dict[tuple[str, int], int] = {}
    problems = []
    for code, year, _count, number in records:
        key = (code, year)
        if key in first_row:
            problems.append(f"rij {number}: {code} {year} staat ook al op rij {first_row[key]}")
        else:
            first_row[key] = number
    return problems


def with_population(areas: gpd.GeoDataFrame, population: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``areas`` with inhabitants taken from ``population``.

    Only rows whose code and year equal an area's code and edition are used (boundaries
    and statistics of different years have different codes); for those areas the population
    value replaces the old one, also when it is <NA>. Other areas keep their value. The
    input is not changed.

    Examples
    --------
    >>> population = pd.DataFrame(
    ...     {"code": ["BU06220101"], "year": [2025], "inhabitants": [1235]})
    >>> areas = with_population(areas, population)  # doctest: +SKIP
    """
    result = areas.copy()
    lookup = (
        population.drop_duplicates(["code", "year"], keep="last")
        .set_index(["code", "year"])["inhabitants"]
        .astype("Int64")
    )
    keys = pd.MultiIndex.from_arrays([result["code"], result["edition"]])
    matched = keys.isin(lookup.index)
    values = result["inhabitants"].astype("Int64").copy()
    values[matched] = lookup.reindex(keys[matched]).to_numpy()
    result["inhabitants"] = values.astype("Int64")
    return result


# --- aggregation and the year nearest to a period ------------------------------------------------


def aggregate_population(population: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Add wijk and gemeente figures summed from their buurten where the file has none.

    ``areas`` gives the hierarchy (``code``, ``level``, ``parent_code``, ``gemeente_code``).
    Per year, a wijk without its own figure gets the sum of its buurten, a gemeente without
    one the sum of its wijken (own or summed). When any part is unknown (secret, missing)
    the sum is unknown (<NA>): a partial sum would read as a real, too low, figure. Own
    figures are never replaced. Returns the rows of ``population`` plus the summed rows,
    with a column ``summed`` (bool).

    >>> areas = pd.DataFrame({"code": ["BU1", "BU2", "WK1", "GM1"],
    ...     "level": ["buurt", "buurt", "wijk", "gemeente"],
    ...     "parent_code": ["WK1", "WK1", "GM1", None], "gemeente_code": ["GM1"] * 4})
    >>> pop = pd.DataFrame({"code": ["BU1", "BU2"], "year": [2024, 2024], "inhabitants": [10, 20]})
    >>> aggregate_population(pop, areas).set_index("code")["inhabitants"].tolist()
    [10, 20, 30, 30]
    """
    result = population[["code", "year", "inhabitants"]].copy()
    result["inhabitants"] = result["inhabitants"].astype("Int64")
    result["summed"] = False
    hierarchy = areas.drop_duplicates("code")
    for level, parent_level in (("buurt", "wijk"), ("wijk", "gemeente")):
        parts = hierarchy[hierarchy["level"] == level]
        parents = hierarchy[hierarchy["level"] == parent_level]
        parent_of = dict(zip(parts["code"], parts["parent_code"], strict=True))
        members: dict[str, list[str]] = {}
        for code, parent in parent_of.items():
            members.setdefault(str(parent), []).append(code)
        have = set(zip(result["code"], result["year"], strict=True))
        value = dict(
            zip(
                zip(result["code"], result["year"], strict=True), result["inhabitants"], strict=True
            )
        )
        rows = []
        for year in sorted(set(result.loc[result["code"].isin(parent_of), "year"])):
            for parent in parents["code"]:
                codes = members.get(parent, [])
                if not codes or (parent, year) in have:
                    continue
                numbers = [value.get((c, year), pd.NA) for c in codes]
                total = pd.NA if any(pd.isna(n) for n in numbers) else int(sum(numbers))
                rows.append((parent, int(year), total, True))
        if rows:
            extra = pd.DataFrame(rows, columns=["code", "year", "inhabitants", "summed"])
            extra["inhabitants"] = extra["inhabitants"].astype("Int64")
            result = pd.concat([result, extra], ignore_index=True)
    return result.reset_index(drop=True)


def nearest_year(years: list[int] | pd.Series, target: int) -> int | None:
    """Return the year of ``years`` nearest to ``target``; on a tie the earlier (None if empty).

    >>> nearest_year([2022, 2024], 2023), nearest_year([2022, 2024], 2026)
    (2022, 2024)
    """
    options = sorted({int(y) for y in years})
    if not options:
        return None
    return min(options, key=lambda y: (abs(y - target), y))


def population_for_year(
    areas: gpd.GeoDataFrame, population: pd.DataFrame, target: int
) -> gpd.GeoDataFrame:
    """Copy of ``areas`` with per area the inhabitants of the year nearest to ``target``.

    ``population`` holds ``code, year, inhabitants`` (and optionally ``source``). Per area
    only the years with a known figure count; where a year has <NA> and no other year is
    known, the rate stays unknown. Areas without any row keep the boundary file's own
    inhabitants (its edition year). Adds ``inhabitants_year`` (Int64) and
    ``inhabitants_source`` (``""``, or e.g. ``"synthetisch"``).
    """
    result = areas.copy()
    years = pd.array([pd.NA] * len(result), dtype="Int64")
    inhabitants = pd.array(result["inhabitants"], dtype="Int64").copy()
    sources = np.full(len(result), "", dtype=object)
    known_boundary = ~pd.isna(inhabitants)
    years[known_boundary] = pd.array(result["edition"], dtype="Int64")[known_boundary]
    if len(population):
        pop = population.copy()
        if "source" not in pop:
            pop["source"] = ""
        for code, group in pop.groupby("code"):
            at = np.flatnonzero(result["code"].to_numpy() == code)
            if not len(at):
                continue
            known = group[group["inhabitants"].notna()]
            pool = known if len(known) else group
            year = nearest_year(pool["year"], target)
            row = pool[pool["year"] == year].iloc[-1]
            inhabitants[at] = row["inhabitants"]
            years[at] = year
            sources[at] = row["source"] or ""
    result["inhabitants"] = inhabitants
    result["inhabitants_year"] = years
    result["inhabitants_source"] = sources
    return result
