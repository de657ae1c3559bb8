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
from pathlib import Path

import geopandas as gpd
import pandas as pd

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
