"""Read the bytes of a CSV or XLSX export into a table of strings with spreadsheet row numbers.

Nothing is interpreted here: every cell stays a string, so the import can report every problem
with the row number the user sees in Excel or a text editor (requirement I1). Requirement I3
(encodings, delimiters, `.xlsx` only, size limits, XML and zip bombs) is handled here.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.xml import DEFUSEDXML

from oovgeo import dutch

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MB
DEFAULT_MAX_ROWS = 1_000_000

# Zip-bomb guard: an .xlsx may unpack to at most this factor times the upload limit, and never
# to more than the absolute cap. zipfile never inflates a member beyond its declared size, so
# checking the declared sizes bounds what openpyxl can unpack.
XLSX_EXPANSION_FACTOR = 20
XLSX_MAX_UNPACKED = 200 * MB
XLSX_MAX_MEMBERS = 10_000

DELIMITERS = (";", ",", "\t", "|")
SNIFF_RECORDS = 50  # records looked at to choose the delimiter
MAX_TITLE_ROWS = 10  # title rows above the header that are skipped

TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
REFUSED_EXTENSIONS = frozenset({".xls", ".xlsm", ".xlsb", ".xltm", ".xlam", ".xla", ".xlt"})
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office formats (.xls)

MACRO_MESSAGE = (
    "Macro-werkmappen/oude Excel-formaten worden niet geaccepteerd; sla op als .xlsx of .csv."
)

Record = tuple[int, list[str]]  # (row number as the user sees it, cells)


class ReadError(ValueError):
    """The file cannot be read as a table; the message is Dutch and safe to show."""


@dataclass(frozen=True)
class RawTable:
    """A table of strings as found in the file.

    `rows` are rectangular (one cell per column). `row_numbers[i]` is the spreadsheet row of
    `rows[i]`. A row with more filled cells than the header is listed in `ragged_rows`; its
    surplus cells are joined into its last cell so nothing is lost.
    """

    columns: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str
    delimiter: str | None
    sheet: str | None
    warnings: list[str] = field(default_factory=list)
    ragged_rows: list[int] = field(default_factory=list)


def read_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> RawTable:
    """Read a CSV/TXT/TSV or XLSX export; raise ReadError with a Dutch message if impossible.

    `sheet` picks a worksheet by name in an .xlsx; by default the first visible worksheet that
    holds data is read.
    """
    _check_size(data, max_bytes)
    extension = PurePath(filename).suffix.lower()
    if extension in REFUSED_EXTENSIONS or data.startswith(OLE_MAGIC):
        raise ReadError(MACRO_MESSAGE)
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows)
    if extension == ".xlsx":
        raise ReadError("Het bestand heeft de extensie .xlsx maar is geen Excel-werkmap.")
    if extension in TEXT_EXTENSIONS:
        return _read_text(data, prefer_tab=extension == ".tsv", max_rows=max_rows)
    shown = extension or "zonder extensie"
    raise ReadError(f"Bestandstype '{shown}' wordt niet ondersteund; gebruik .csv of .xlsx.")


# --- limits -------------------------------------------------------------------------------


def _format_mb(n_bytes: int, *, round_up: bool = False) -> str:
    tenths = n_bytes / MB * 10
    tenths = math.ceil(tenths) if round_up else round(tenths)
    return f"{tenths / 10:.1f}".replace(".", ",").removesuffix(",0")


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise ReadError(
            f"Het bestand is te groot ({_format_mb(len(data), round_up=True)} MB); "
            f"de limiet is {_format_mb(max_bytes)} MB."
        )
    if not data:
        raise ReadError("Het bestand is leeg.")


def _too_many_rows(max_rows: int) -> ReadError:
    return ReadError(
        f"Het bestand heeft meer dan {dutch.integer(max_rows)} gegevensrijen; "
        f"de limiet is {dutch.integer(max_rows)} rijen. Splits het bestand."
    )


# --- text files ---------------------------------------------------------------------------


def _read_text(data: bytes, *, prefer_tab: bool, max_rows: int) -> RawTable:
    text, encoding, warnings = _decode(data)
    if not text.strip():
        raise ReadError("Het bestand bevat geen gegevens.")
    delimiter = _detect_delimiter(text, prefer_tab=prefer_tab or encoding == "utf-16")
    records = _csv_records(text, delimiter, max_rows)
    return _build_table(
        records,
        joiner=delimiter,
        encoding=encoding,
        delimiter=delimiter,
        sheet=None,
        warnings=warnings,
        max_rows=max_rows,
    )


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode to text with '\\n' line ends; return (text, encoding label, warnings).

    UTF-16 needs its BOM. Otherwise each line is decoded on its own: UTF-8 if it can be, else
    Windows-1252, because concatenated exports mix both.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError("Het bestand is UTF-16 (Unicode-tekst) maar bevat fouten.") from exc
        return _normalise_newlines(text), "utf-16", []
    if b"\x00" in data:
        raise ReadError(
            "Het bestand bevat nul-bytes en is geen leesbaar tekstbestand; "
            "sla op als CSV (UTF-8) of .xlsx."
        )
    label = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    decoded: list[str] = []
    cp1252_lines = utf8_non_ascii = 0
    for line in lines:
        line = line.removeprefix(codecs.BOM_UTF8)  # also BOMs of concatenated files
        try:
            decoded.append(line.decode("utf-8"))
            utf8_non_ascii += not line.isascii()
        except UnicodeDecodeError:
            # The five bytes cp1252 leaves undefined never occur in real text: show U+FFFD.
            decoded.append(line.decode("cp1252", errors="replace"))
            cp1252_lines += 1
    warnings = []
    if cp1252_lines:
        label = "cp1252" if not utf8_non_ascii and label == "utf-8" else "utf-8+cp1252"
        warnings.append(
            f"{_count(cp1252_lines, 'regel', 'regels')} niet in UTF-8 en gelezen als Windows-1252."
        )
    return "\n".join(decoded), label, warnings


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n\ufeff", "\n")


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _detect_delimiter(text: str, *, prefer_tab: bool) -> str:
    """Return the delimiter whose header has several columns and fits most first rows.

    Ties go to the delimiter that needs fewer title rows above its header, then to the first
    candidate.
    """
    candidates = ("\t", ";", ",", "|") if prefer_tab else DELIMITERS
    best, best_score = None, (0.0, 0)
    for delimiter in candidates:
        score = _delimiter_score(text, delimiter)
        if score[0] > 0 and score > best_score:
            best, best_score = delimiter, score
    if best is None:
        raise ReadError(
            "Het scheidingsteken is niet herkend. Gebruik ; , tab of | tussen de kolommen "
            "en zet de kolomnamen in de eerste rij."
        )
    return best


def _delimiter_score(text: str, delimiter: str) -> tuple[float, int]:
    """(share of sampled data rows as wide as the header, minus the title rows skipped).

    The share is 0 when the delimiter is unusable: a header of one field, or most rows of a
    different width.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        sample = [(n, cells) for n, cells in enumerate(islice(reader, SNIFF_RECORDS), 1)]
    except csv.Error:
        return 0.0, 0
    titles, records = _split_title_rows([r for r in sample if not _is_blank(r[1])])
    if not records or len(records[0][1]) < 2:
        return 0.0, 0
    width = _filled_width(records[0][1])
    data = records[1:]
    fits = sum(len(cells) >= width >= _filled_width(cells) for _, cells in data)
    share = fits / len(data) if data else 1.0
    return (share if share > 0.5 else 0.0), -len(titles)


def _filled_width(cells: list[str]) -> int:
    """Count the fields up to the last filled one (trailing empty fields do not count)."""
    filled = [i for i, cell in enumerate(cells) if cell.strip()]
    return filled[-1] + 1 if filled else 0


def _csv_records(text: str, delimiter: str, max_rows: int) -> list[Record]:
    """Non-blank records numbered as Excel numbers them (a blank line is a blank row)."""
    records: list[Record] = []
    number = 0
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            if not _is_blank(cells):
                records.append((number, cells))
                if len(records) > max_rows + 1:
                    raise _too_many_rows(max_rows)
    except csv.Error as exc:
        raise ReadError(
            f"Rij {number + 1} kan niet gelezen worden "
            "(ongeldige aanhalingstekens of een te lange cel)."
        ) from exc
    return records


# --- Excel --------------------------------------------------------------------------------


def _read_xlsx(data: bytes, *, sheet: str | None, max_bytes: int, max_rows: int) -> RawTable:
    if not DEFUSEDXML:
        raise ReadError(
            "Excel-bestanden kunnen hier niet veilig gelezen worden (defusedxml ontbreekt); "
            "lever een .csv aan."
        )
    _check_zip(data, max_bytes)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged or hostile files
        raise ReadError(
            "Het Excel-bestand kan niet geopend worden (beschadigd of onveilig)."
        ) from exc
    try:
        title, records = _pick_sheet(workbook, sheet, max_rows)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(
            "Het Excel-bestand kan niet gelezen worden (beschadigd of onveilig)."
        ) from exc
    finally:
        workbook.close()
    return _build_table(
        records,
        joiner=";",
        encoding="xlsx",
        delimiter=None,
        sheet=title,
        warnings=[],
        max_rows=max_rows,
    )


def _check_zip(data: bytes, max_bytes: int) -> None:
    """Refuse macro workbooks and zip bombs before openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ReadError("Het bestand is geen geldige Excel-werkmap (.xlsx).") from exc
    if any(m.filename.lower().endswith("vbaproject.bin") for m in members):
        raise ReadError(MACRO_MESSAGE)
    limit = min(XLSX_EXPANSION_FACTOR * max_bytes, XLSX_MAX_UNPACKED)
    if len(members) > XLSX_MAX_MEMBERS or sum(m.file_size for m in members) > limit:
        raise ReadError(
            f"Het Excel-bestand is uitgepakt groter dan {_format_mb(limit)} MB "
            "(mogelijk een zip-bom) en wordt niet geopend."
        )


def _pick_sheet(workbook: Any, name: str | None, max_rows: int) -> tuple[str, list[Record]]:
    worksheets = {ws.title: ws for ws in workbook.worksheets}
    if name is not None:
        if name not in worksheets:
            available = ", ".join(f"'{title}'" for title in worksheets)
            raise ReadError(f"Werkblad '{name}' bestaat niet; beschikbaar: {available}.")
        return name, _sheet_records(worksheets[name], max_rows)
    for title, worksheet in worksheets.items():
        if worksheet.sheet_state == "visible":
            records = _sheet_records(worksheet, max_rows)
            if records:
                return title, records
    raise ReadError("Het Excel-bestand bevat geen zichtbaar werkblad met gegevens.")


def _sheet_records(worksheet: Any, max_rows: int) -> list[Record]:
    # Producers often write a wrong <dimension>; without it openpyxl reads every row.
    worksheet.reset_dimensions()
    records: list[Record] = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = [cell_text(value) for value in values]
        if not _is_blank(cells):
            records.append((number, cells))
            if len(records) > max_rows + 1:
                raise _too_many_rows(max_rows)
    return records


def cell_text(value: object) -> str:
    """Return an Excel cell value as text: ISO dates, integers without '.0', short floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


# --- from records to a table --------------------------------------------------------------


def _is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _filled(cells: list[str]) -> int:
    return sum(bool(cell.strip()) for cell in cells)


def _split_title_rows(records: list[Record]) -> tuple[list[Record], list[Record]]:
    """Split off title rows: leading rows with one filled cell above a row with several."""
    for index, (_, cells) in enumerate(records[: MAX_TITLE_ROWS + 1]):
        if _filled(cells) >= 2:
            return records[:index], records[index:]
    return [], records


def _rows_text(numbers: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (" …" if len(numbers) > limit else "")


_DATA_LIKE = re.compile(r"[\d\s.,:/+-]+")


def _check_header(number: int, header: list[str]) -> None:
    filled = [cell for cell in header if cell]
    if filled and all(_DATA_LIKE.fullmatch(cell) for cell in filled):
        raise ReadError(
            f"De kopregel ontbreekt: rij {number} bevat alleen getallen of datums. "
            "Zet de kolomnamen in de eerste rij."
        )
    counts = Counter(cell.casefold() for cell in filled)
    repeated: dict[str, str] = {}  # casefolded name -> first spelling
    for cell in filled:
        if counts[cell.casefold()] > 1:
            repeated.setdefault(cell.casefold(), cell)
    if repeated:
        parts = [
            f"kolom '{name}' komt {_times(counts[key])} voor" for key, name in repeated.items()
        ]
        raise ReadError(f"De kopregel (rij {number}) is niet uniek: " + "; ".join(parts) + ".")


def _times(n: int) -> str:
    return "twee keer" if n == 2 else f"{n} keer"


def _kept_columns(header: list[str], data: list[Record]) -> list[int]:
    """Return indices of named columns; unnamed columns must be empty and are dropped."""
    unnamed = [i for i, name in enumerate(header) if not name]
    with_data = [i for i in unnamed if any(i < len(c) and c[i].strip() for _, c in data)]
    if with_data:
        letters = ", ".join(get_column_letter(i + 1) for i in with_data)
        subject = "Kolom {} heeft" if len(with_data) == 1 else "Kolommen {} hebben"
        raise ReadError(
            subject.format(letters) + " geen naam in de kopregel maar wel gegevens. "
            "Geef elke kolom een naam."
        )
    return [i for i, name in enumerate(header) if name]


def _build_table(
    records: list[Record],
    *,
    joiner: str,
    encoding: str,
    delimiter: str | None,
    sheet: str | None,
    warnings: list[str],
    max_rows: int,
) -> RawTable:
    titles, records = _split_title_rows(records)
    if not records:
        raise ReadError("Het bestand bevat geen gegevens.")
    if titles:
        warnings.append(
            f"Rij {_rows_text([n for n, _ in titles])} boven de kopregel is overgeslagen (titel)."
        )
    (header_number, raw_header), data = records[0], records[1:]
    header = [cell.strip() for cell in raw_header]
    _check_header(header_number, header)
    if len(data) > max_rows:
        raise _too_many_rows(max_rows)
    keep = _kept_columns(header, data)
    if not keep:
        raise ReadError("De kopregel bevat geen kolomnamen.")
    width, names = len(header), [header[i] for i in keep]
    every_column = keep == list(range(width))
    rows, ragged, repeated_header = [], [], []
    for number, cells in data:
        if len(cells) > width and not _is_blank(cells[width:]):
            ragged.append(number)
            cells = cells[: keep[-1]] + [joiner.join(cells[keep[-1] :])]
        if every_column and len(cells) == width:
            row = cells
        else:
            row = [cells[i] if i < len(cells) else "" for i in keep]
        if row[0].strip() == names[0] and [cell.strip() for cell in row] == names:
            repeated_header.append(number)
        rows.append(row)
    if repeated_header:
        warnings.append(
            f"De kopregel komt opnieuw voor op rij {_rows_text(repeated_header)} "
            "(samengevoegde exports?)."
        )
    return RawTable(
        columns=[header[i] for i in keep],
        rows=rows,
        row_numbers=[number for number, _ in data],
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        warnings=warnings,
        ragged_rows=ragged,
    )
