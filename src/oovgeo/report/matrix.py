"""The agreements matrix of the integral meeting: the shortlist out to Excel and back (journey 2).

Before the meeting the coordinator exports the shortlist (``export_matrix``); in the meeting the
agreed action, owner, deadline and status are typed into the workbook; afterwards
``services.matrix_import.import_matrix`` reads it back (``read_matrix``, ``typed_fields``) and
applies the changes through ``store.shortlist_repo.update_item``.

Sheet "Afsprakenmatrix"
    Two note rows (meeting, date, instructions), then the header and one row per item:

    ``nr`` (item id), ``versie``, ``casus``, ``locatie``, ``thema's``, ``afgesproken actie``,
    ``eigenaar``, ``deadline`` (dd-mm-jjjj), ``status``, ``uitkomst``, ``reden afwijzing``.

    The last two go beyond the columns the meeting fills in most: closing an item needs its
    outcome and rejecting it needs a reason (``oovgeo.shortlist``), and both must be possible
    from the matrix, whose status list offers ``afgesloten`` and ``afgewezen``.

Output safety (O4)
    Every string passes ``exports.safe_cell`` and is a plain string cell (``data_type "s"``),
    so the workbook holds no formula cell. The status column has a drop-down list (an openpyxl
    ``DataValidation``: a sheet-level rule, not a cell formula). On import the apostrophe
    ``safe_cell`` put in front of ``=``, ``+``, ``-``, ``@``, tab or CR is taken off again, so
    text survives round trips unchanged, and a formula typed into the workbook is stored as its
    text (``=HYPERLINK("x")``), never evaluated; the next export neutralises it again.

Import: one transaction per row, on purpose
    Rows are matched by ``nr``; a row whose values equal the stored item is ``unchanged``.
    Any other row is applied with ``update_item(expected_version=versie)``, each in its own
    write transaction committed before the next row. So a matrix edited from an old export
    (someone changed the item in between) reports that row as a conflict instead of
    overwriting the newer state, while the other rows are still applied; and an invalid row
    (unknown status, refused status change, bad date, unknown nr) is rejected with a Dutch
    reason without blocking the rest. If the import is interrupted, the rows applied so far
    stay applied; importing the same matrix again finds them ``unchanged`` (their values
    match) and applies the rest, so a retry is safe.

    The report: ``rows = updated + unchanged + len(conflicts) + len(rejected)``.

Exports must be audited by the caller (the page's ``Context.audit("export", ...)``);
``services.matrix_import.import_matrix`` audits itself: one ``shortlist_change`` row per
applied or conflicting row (from ``update_item``) and one ``shortlist_import`` row with the
counts.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from oovgeo.dutch import LOCAL_TIMEZONE
from oovgeo.exports import safe_cell
from oovgeo.ingest.readers import read_table
from oovgeo.shortlist import STATUSES

SHEET = "Afsprakenmatrix"
COLUMNS = (
    "nr",
    "versie",
    "casus",
    "locatie",
    "thema's",
    "afgesproken actie",
    "eigenaar",
    "deadline",
    "status",
    "uitkomst",
    "reden afwijzing",
)
# matrix column -> shortlist field, for the columns the import applies
EDITABLE = {
    "afgesproken actie": "action",
    "eigenaar": "owner",
    "deadline": "deadline",
    "status": "status",
    "uitkomst": "outcome",
    "reden afwijzing": "rejection_reason",
}
REQUIRED = ("nr", "versie", "afgesproken actie", "eigenaar", "deadline", "status")

_WIDTHS = {
    "nr": 6,
    "versie": 7,
    "casus": 32,
    "locatie": 28,
    "thema's": 22,
    "afgesproken actie": 40,
    "eigenaar": 22,
    "deadline": 12,
    "status": 14,
    "uitkomst": 32,
    "reden afwijzing": 32,
}
_WRAPPED = {"casus", "locatie", "afgesproken actie", "uitkomst", "reden afwijzing"}
_NOTE_ROWS = 2
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class MatrixError(ValueError):
    """The file is not an agreements matrix that can be imported; Dutch, safe to show."""


# --- export ----------------------------------------------------------------------------------


def _dutch_date(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    return value.strftime("%d-%m-%Y")


def _joined(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).replace(";", ", ")


def _present(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _location(row: dict[str, Any]) -> str:
    """Return the address, else the buurt (name, else code), else the wijk."""
    for key in ("adres", "buurt_naam", "buurt_code", "wijk_naam", "wijk_code"):
        value = _present(row, key)
        if value:
            return value
    return ""


def _matrix_row(row: dict[str, Any]) -> list[Any]:
    return [
        int(row["id"]),
        int(row["version"]),
        _present(row, "title"),
        _location(row),
        _joined(row.get("themes")),
        _present(row, "action"),
        _present(row, "owner"),
        _dutch_date(row.get("deadline")),
        _present(row, "status"),
        _present(row, "outcome"),
        _present(row, "rejection_reason"),
    ]


def _put(ws, row: int, column: int, value: Any):
    cell = ws.cell(row=row, column=column, value=safe_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    return cell


def export_matrix(
    items: pd.DataFrame,
    *,
    meeting: str,
    meeting_date: date | None = None,
    exported_at: datetime | None = None,
) -> bytes:
    """Return the agreements matrix of ``items`` (``shortlist_repo.list_items``) as XLSX bytes.

    Needed columns: ``id``, ``version``, ``title``, ``status``; used when present: ``adres``,
    ``buurt_naam``, ``buurt_code``, ``wijk_naam``, ``wijk_code``, ``themes``, ``action``,
    ``owner``, ``deadline``, ``outcome``, ``rejection_reason``. Rows are in order of ``nr``.
    """
    exported_at = exported_at or datetime.now(UTC)
    local = exported_at.astimezone(LOCAL_TIMEZONE) if exported_at.tzinfo else exported_at
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET

    title = f"Afsprakenmatrix integraal overleg: {meeting}"
    if meeting_date is not None:
        title += f" ({meeting_date.strftime('%d-%m-%Y')})"
    _put(ws, 1, 1, title).font = Font(bold=True, size=13)
    _put(
        ws,
        2,
        1,
        f"Geëxporteerd op {local.strftime('%d-%m-%Y %H:%M')}. Vul afgesproken actie, eigenaar, "
        "deadline (dd-mm-jjjj), status en zo nodig uitkomst of reden afwijzing in. "
        "Wijzig nr en versie niet en voeg geen rijen toe.",
    ).font = Font(italic=True)

    header_row = _NOTE_ROWS + 1
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    for column, name in enumerate(COLUMNS, start=1):
        cell = _put(ws, header_row, column, name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        ws.column_dimensions[get_column_letter(column)].width = _WIDTHS[name]

    records = items.sort_values("id").to_dict("records") if len(items) else []
    for offset, record in enumerate(records, start=1):
        for column, value in enumerate(_matrix_row(record), start=1):
            cell = _put(ws, header_row + offset, column, value)
            if COLUMNS[column - 1] in _WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")

    if records:
        status_column = get_column_letter(COLUMNS.index("status") + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUSES) + '"',
            allow_blank=False,
            showErrorMessage=True,
            errorTitle="Ongeldige status",
            error="Kies een status uit de lijst.",
        )
        validation.add(
            f"{status_column}{header_row + 1}:{status_column}{header_row + len(records)}"
        )
        ws.add_data_validation(validation)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- import ----------------------------------------------------------------------------------


def _key(name: str) -> str:
    return " ".join(name.strip().casefold().split())


def _unsafe(value: str) -> str:
    """Undo ``safe_cell``: ``"'=x"`` -> ``"=x"``; other text unchanged."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(_TRIGGERS):
        return value[1:]
    return value


def _formula_texts(data: bytes, sheet: str | None) -> dict[tuple[int, str], str]:
    """{(spreadsheet row, column key): formula text} for formula cells of an .xlsx.

    ``read_table`` reads cached values (none when the workbook was not recalculated), so a
    formula typed into the matrix would arrive empty; its text is taken from here instead.
    Only called after ``read_table`` accepted the file (size, zip bomb, macro checks).
    """
    if sheet is None or not data.startswith(b"PK\x03\x04"):
        return {}
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise MatrixError("Het Excel-bestand kan niet gelezen worden.") from exc
    found: dict[tuple[int, str], str] = {}
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()
        header: dict[int, str] | None = None
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if header is None:
                keys = [_key(str(v)) if v is not None else "" for v in values]
                if "nr" in keys and "versie" in keys:
                    header = {i: k for i, k in enumerate(keys) if k}
                continue
            for index, value in enumerate(values):
                formula = getattr(value, "text", value)  # ArrayFormula keeps its text in .text
                if index in header and isinstance(formula, str) and formula.startswith("="):
                    found[(number, header[index])] = formula
    finally:
        workbook.close()
    return found


_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


def parse_deadline(value: str) -> date | None:
    """Parse a deadline as typed in the matrix.

    Accepts ``dd-mm-jjjj`` (also ``/`` or ``.``, jj for 20jj), or ISO as Excel date cells
    arrive; empty is no deadline. ValueError (Dutch) otherwise.

    >>> parse_deadline("1-3-2026"), parse_deadline("2026-03-01 00:00:00"), parse_deadline(" ")
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), None)
    """
    text = value.strip()
    if not text:
        return None
    parts: tuple[int, int, int] | None = None
    if match := _DMY.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), match[4]
        parts = (int(year) + (2000 if len(year) == 2 else 0), month, day)
    elif match := _ISO.fullmatch(text):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    try:
        result = date(*parts) if parts else None
    except ValueError:
        result = None
    if result is None or not 2000 <= result.year <= 2100:
        raise ValueError(f"deadline '{text}' is geen geldige datum (gebruik dd-mm-jjjj)")
    return result


def whole_number(text: str) -> int | None:
    """Return ``text`` as a whole number of at most 9 digits, else None."""
    text = text.strip()
    if re.fullmatch(r"\d{1,9}", text):
        return int(text)
    return None


def read_matrix(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Read an edited matrix: per data row its spreadsheet row number and {column: text}.

    Column names are normalised (``_key``); a formula typed into a cell arrives as its text.
    Raises MatrixError or ``readers.ReadError`` (both ValueError, Dutch) when the file as a
    whole cannot be used.
    """
    table = read_table(data, filename)
    keys = [_key(c) for c in table.columns]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise MatrixError(
            "Dit is geen afsprakenmatrix: de kolom(men) "
            + ", ".join(f"'{c}'" for c in missing)
            + " ontbreken. Gebruik de matrix zoals die uit oovgeo geëxporteerd is."
        )
    position = {k: i for i, k in enumerate(keys)}
    formulas = _formula_texts(data, table.sheet)
    return [
        (number, {k: formulas.get((number, k), cells[i]) for k, i in position.items()})
        for number, cells in zip(table.row_numbers, table.rows, strict=True)
    ]


def typed_fields(row: dict[str, str]) -> dict[str, Any]:
    """Return the shortlist fields typed into a matrix row; ValueError (Dutch) if one is invalid.

    A column removed from the matrix is left out, so its field stays as it is.
    """
    wanted: dict[str, Any] = {}
    for column, field in EDITABLE.items():
        if column not in row:
            continue  # optional column removed: leave the field as it is
        text = _unsafe(row[column].strip())
        if field == "deadline":
            wanted[field] = parse_deadline(text)
        elif field == "status":
            if not text:
                raise ValueError("status ontbreekt")
            if text.lower() not in STATUSES:
                raise ValueError(f"status '{text}' bestaat niet; kies uit: {', '.join(STATUSES)}")
            wanted[field] = text.lower()
        else:
            wanted[field] = text
    return wanted
