"""CBS "Kerncijfers wijken en buurten" (e.g. 85984NED, 85618NED) as CBS publishes the table.

Forms that load (each is tested):

* the StatLine / open-data CSV with column identifiers: ``;``-separated, every cell quoted
  and padded with spaces (``"BU06220101"``, ``"      1235"``, ``"         ."``), columns
  ``ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;...;AantalInwoners_5;...``;
* the typed data set (``TypedDataSet``): numbers unquoted, an unknown figure empty, also when
  saved by pandas (``,``-separated, ``1235.0`` because a column with gaps became float);
* a download whose ``WijkenEnBuurten`` holds names ("Centrum") instead of codes: the code is
  then taken from ``Codering`` (also the labelled headers "Wijken en buurten",
  "Regioaanduiding/Codering (code)", "Bevolking/Aantal inwoners (aantal)");
* a title line above the header and a source line ("Bron: CBS") below the table.

Rows that are not a gemeente, wijk or buurt (``NL00`` Nederland, landsdelen, provincies, a
source line) are skipped and counted in ``attrs["skipped"]``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from oovgeo.areas.columns import canonical
from oovgeo.areas.model import CODE_PATTERNS, BoundaryError, level_of
from oovgeo.areas.population import decode_text, population_duplicates, read_population

# Table id -> the year of its figures (the tables of the wijken en buurten series have no
# Perioden column: one table per year). Used when neither a Perioden column nor ``year`` is given.
KERNCIJFERS_TABLES = {
    "84583NED": 2019,
    "84799NED": 2020,
    "85039NED": 2021,
    "85318NED": 2022,
    "85618NED": 2023,
    "85984NED": 2024,
}
_HEADER_SEARCH = 10  # lines above the header (a title) that are looked past
# a count, also as pandas writes an integer column with gaps ("1235.0"); never "1.235"
_COUNT = re.compile(r"(-?\d+)(?:\.0)?")


def is_kerncijfers(header: list[str]) -> bool:
    """Tell whether a header is a CBS Kerncijfers one (an area column and ``AantalInwoners``).

    >>> is_kerncijfers(["ID", "WijkenEnBuurten", "Codering_3", "AantalInwoners_5"])
    True
    >>> is_kerncijfers(["code", "jaar", "inwoners"])
    False
    """
    names = [canonical(cell) for cell in header]
    area = {i for i, n in enumerate(names) if n == "wijkenenbuurten" or "codering" in n}
    count = {i for i, n in enumerate(names) if "aantalinwoners" in n}
    return bool(area) and bool(count) and not area & count  # two columns, not one run-on cell


def find_header(text: str) -> tuple[str, int] | None:
    """Return (delimiter, row index) of a Kerncijfers header within the first lines, or None."""
    lines = [line for line in text.splitlines() if line.strip()][:_HEADER_SEARCH]
    for delimiter in (";", ",", "\t"):
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if any(row)]
        for index, row in enumerate(rows):
            if is_kerncijfers(row):
                return delimiter, index
    return None


def read_kerncijfers(path: str | Path, year: int | None = None) -> pd.DataFrame:
    """Read inhabitants from a CBS "Kerncijfers wijken en buurten" table (see the module).

    ``.`` (secret or unknown) and an empty cell become <NA>. The year comes from, in this
    order: a ``Perioden`` column (``2024JJ00``), ``year``, the table id in the file name
    (``85984NED`` -> 2024, see ``KERNCIJFERS_TABLES``), a year after "Kerncijfers" in the file
    name (``Kerncijfers_wijken_en_buurten_2024_...csv``). Without any of these the file is
    refused: a population figure without its year cannot be matched.

    Returns the frame of :func:`read_population`; ``attrs["skipped"]`` counts the rows that
    are no gemeente, wijk or buurt.
    """
    path = Path(path)
    text = decode_text(path)
    found = find_header(text)
    if found is None:
        raise BoundaryError(f"{path.name} is geen CBS-tabel Kerncijfers wijken en buurten")
    delimiter, header_at = found
    rows = [
        row
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        if any(c.strip() for c in row)
    ][header_at:]
    names = [canonical(cell) for cell in rows[0]]
    code_columns = [i for i, n in enumerate(names) if "codering" in n]
    code_columns += [i for i, n in enumerate(names) if n == "wijkenenbuurten"]
    count_at = next(i for i, n in enumerate(names) if "aantalinwoners" in n)
    period_at = next((i for i, n in enumerate(names) if n == "perioden"), None)
    if period_at is None and year is None:
        year = _year_from_name(path)
    needed = max([*code_columns, count_at, period_at or 0])
    records: list = []
    problems: list[str] = []
    skipped = 0
    for number, row in enumerate(rows[1:], start=header_at + 2):
        if len(row) <= needed:
            if sum(1 for cell in row if cell.strip()) <= 1:
                skipped += 1  # a source or footnote line under the table
            else:
                problems.append(f"rij {number}: te weinig kolommen")
            continue
        code = _area_code(row, code_columns)
        if code is None:
            skipped += 1  # Nederland, landsdelen, provincies: not an area of ours
            continue
        row_year = year
        if period_at is not None:
            match = re.match(r"((19|20)\d{2})", row[period_at].strip())
            if match is None:
                problems.append(f"rij {number}: ongeldige periode '{row[period_at].strip()}'")
                continue
            row_year = int(match.group(1))
        count_text = row[count_at].strip()
        count: int | None = None
        if count_text not in ("", "."):
            match = _COUNT.fullmatch(count_text)
            if match is None:
                problems.append(f"rij {number}: ongeldig aantal inwoners '{count_text}'")
                continue
            count = int(match.group(1)) if int(match.group(1)) >= 0 else None  # -99997
        records.append((code, int(row_year or 0), count, number))
    problems += population_duplicates(records)
    if problems:
        raise BoundaryError.from_problems(f"CBS-tabel {path.name} afgekeurd", problems)
    if not records:
        raise BoundaryError(f"{path.name} bevat geen gemeenten, wijken of buurten")
    frame = pd.DataFrame(
        {
            "code": pd.Series([r[0] for r in records], dtype="str"),
            "year": pd.Series([r[1] for r in records], dtype="int64"),
            "inhabitants": pd.array([r[2] for r in records], dtype="Int64"),
        }
    )
    frame.attrs["skipped"] = skipped
    return frame


def read_population_file(path: str | Path, year: int | None = None) -> pd.DataFrame:
    """Read a population file: a CBS Kerncijfers table or the ``code,year,inhabitants`` form.

    ``attrs["skipped"]`` counts the rows that are no area (0 for the simple form, which
    refuses such rows).
    """
    path = Path(path)
    if find_header(decode_text(path)) is not None:
        return read_kerncijfers(path, year)
    frame = read_population(path)
    frame.attrs["skipped"] = 0
    return frame


def _area_code(row: list[str], columns: list[int]) -> str | None:
    """Return the first cell of ``columns`` that holds a gemeente, wijk or buurt code."""
    for at in columns:
        code = row[at].strip().upper()
        level = level_of(code)
        if level is not None and CODE_PATTERNS[level].match(code):
            return code
    return None


def _year_from_name(path: Path) -> int:
    name = path.name.upper()
    year = next((y for table, y in KERNCIJFERS_TABLES.items() if table in name), None)
    if year is not None:
        return year
    if "KERNCIJFERS" in name:
        years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", path.stem)}
        if len(years) == 1:
            return years.pop()
    raise BoundaryError(
        f"{path.name}: het jaar van de cijfers staat niet in de tabel; geef het jaar op "
        "(--jaar) of gebruik de naam van de CBS-tabel (bijvoorbeeld 85984NED.csv)"
    )
