"""Formula-safe CSV and XLSX exports (O4), and GeoPackage for GIS.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
an apostrophe, so Excel and LibreOffice show it as text instead of running it as a formula.
Numbers stay numbers: only strings are touched. A GeoPackage is opened in QGIS, which does
not evaluate cell text, so its strings are written as given.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from oovgeo.crs import RD

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``'=HYPERLINK(...)'`` -> ``"'=HYPERLINK(...)"``; other values unchanged.

    >>> safe_cell("=1+1"), safe_cell(-3), safe_cell("Westwijk")
    ("'=1+1", -3, 'Westwijk')
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with formula-safe column names and text cells."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Semicolon CSV with a UTF-8 BOM: what Dutch Excel opens correctly by double-click."""
    return safe_frame(frame).to_csv(index=False, sep=";").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "gegevens") -> bytes:
    """Return ``frame`` as formula-safe XLSX bytes (one sheet, no index)."""
    buf = io.BytesIO()
    safe = safe_frame(frame)
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet)
        # Belt and braces: openpyxl treats any str starting with '=' as a formula; mark every
        # string cell as plain text so nothing is evaluated even if a prefix were missing.
        for row in writer.sheets[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    return buf.getvalue()


_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
DATE_FORMAT = "DD-MM-YYYY"  # Excel shows real dates the Dutch way


def sheet_name(label: str, taken: set[str]) -> str:
    """Return a valid, new Excel sheet name for ``label``: 31 characters, no ``\\/?*[]:``.

    >>> sheet_name("Zorg- en veiligheidsteam", set()), sheet_name("A/B", {"a b"})
    ('Zorg- en veiligheidsteam', 'A B (2)')
    """
    clean = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" ", label)).strip().strip("'")
    base = clean[:31].rstrip() or "blad"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[: 31 - len(f' ({n})')]} ({n})"
    taken.add(name.lower())
    return name


def to_xlsx_sheets(
    sheets: Mapping[str, pd.DataFrame], notes: Mapping[str, Sequence[str]] | None = None
) -> bytes:
    """Return a workbook with one sheet per frame (in order, no index), formula-safe (O4).

    Sheet names are made valid with ``sheet_name``. ``notes`` (per sheet name) are text lines
    above the table, which then starts after an empty line. Dates (``datetime.date``) become
    real Excel dates shown as dd-mm-jjjj; numbers stay numbers; every string is a plain text
    cell passed through ``safe_cell``. The header is bold and stays in view.
    """
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for title, frame in sheets.items():
        ws = wb.create_sheet(sheet_name(title, taken))
        lines = list((notes or {}).get(title, ()))
        for i, line in enumerate(lines, start=1):
            _text_cell(ws, i, 1, line)
        top = len(lines) + 2 if lines else 1
        widths = []
        for j, column in enumerate(frame.columns, start=1):
            _text_cell(ws, top, j, str(column)).font = Font(bold=True)
            widths.append(len(str(column)))
        for i, row in enumerate(frame.itertuples(index=False), start=top + 1):
            for j, value in enumerate(row, start=1):
                cell = _value_cell(ws, i, j, value)
                widths[j - 1] = max(widths[j - 1], len(DATE_FORMAT if cell.is_date else str(value)))
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 50)
        ws.freeze_panes = ws.cell(row=top + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text_cell(ws, row: int, column: int, text: str):
    cell = ws.cell(row=row, column=column, value=safe_cell(text))
    cell.data_type = "s"  # plain text, never a formula
    return cell


def _value_cell(ws, row: int, column: int, value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ws.cell(row=row, column=column, value=None)
    if isinstance(value, str):
        return _text_cell(ws, row, column, value)
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, date | datetime):
        cell = ws.cell(row=row, column=column, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, bool | int | float | np.integer | np.floating):
        return ws.cell(
            row=row, column=column, value=value.item() if isinstance(value, np.generic) else value
        )
    return _text_cell(ws, row, column, str(value))


_LAYER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def to_geopackage_bytes(gdf: gpd.GeoDataFrame, layer: str = "gebieden") -> bytes:
    """Return a GeoPackage (one layer) in RD New (EPSG:28992), as bytes for a download button.

    Exactly the columns of ``gdf`` are written, no index: select the columns the audience may
    see before calling. Areas in another CRS are reprojected to RD, the CRS Dutch municipal
    GIS works in; a frame without a CRS is refused. A layer has one geometry type, so polygons
    beside multipolygons are written as multipolygons.

    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"code": ["WK01"]}, geometry=[box(0, 0, 1, 1)], crs=RD)
    >>> to_geopackage_bytes(areas)[:16]
    b'SQLite format 3\\x00'
    """
    if not _LAYER_NAME.match(layer):
        raise ValueError(f"layer name must be letters, digits and '_', got {layer!r}")
    if gdf.crs is None:
        raise ValueError(f"GeoPackage export needs a CRS; expected {RD}, got none")
    out = gdf if gdf.crs.to_epsg() == 28992 else gdf.to_crs(RD)
    with tempfile.TemporaryDirectory(prefix="oovgeo-gpkg-") as tmp:
        path = Path(tmp) / f"{layer}.gpkg"
        out.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", index=False)
        return path.read_bytes()
