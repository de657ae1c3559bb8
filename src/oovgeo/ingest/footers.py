"""Footer rows of an export: totals and notes after the last record, which are no records.

Case systems and spreadsheets end their exports with lines such as "Totaal: 120 zaken",
"Aantal;55" or "Gegenereerd op 01-12-2026". Pure: the caller skips and reports them.
"""

from __future__ import annotations

import re

from oovgeo.ingest.readers import RawTable

# The first filled cell of a totals line starts with one of these words.
_TOTAL_WORDS = re.compile(
    r"^\s*(totaal|totalen|subtotaal|eindtotaal|aantal|aantallen|som|total|count|gemiddelde)\b",
    re.IGNORECASE,
)


def _is_footer(cells: list[str], width: int) -> bool:
    filled = [c for c in cells if str(c).strip()]
    if not filled:
        return True
    if _TOTAL_WORDS.match(str(filled[0])):
        return True
    # a note in one cell ("Gegenereerd op ...", "Bron: ..."): only in a file of 3+ columns,
    # where no record can consist of a single value
    return len(filled) == 1 and width >= 3


def footer_positions(table: RawTable) -> list[int]:
    """Positions (indexes into ``table.rows``) of the footer rows at the end of the table.

    Only the trailing run of footer-like rows counts: a totals line in the middle of the
    records is an error of the export and is validated (and rejected) like any other row.
    """
    width = len(table.columns)
    positions: list[int] = []
    for i in range(len(table.rows) - 1, -1, -1):
        if not _is_footer(table.rows[i], width):
            break
        positions.append(i)
    if len(positions) == len(table.rows):  # a file of only "footers" has no records: validate
        return []
    return sorted(positions)


def without_rows(table: RawTable, positions: list[int]) -> RawTable:
    """Return ``table`` without the rows at ``positions``."""
    drop = set(positions)
    keep = [i for i in range(len(table.rows)) if i not in drop]
    dropped_numbers = {table.row_numbers[i] for i in drop}
    return RawTable(
        columns=table.columns,
        rows=[table.rows[i] for i in keep],
        row_numbers=[table.row_numbers[i] for i in keep],
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        warnings=table.warnings,
        ragged_rows=[n for n in table.ragged_rows if n not in dropped_numbers],
    )
