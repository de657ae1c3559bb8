"""Formula-safe CSV and XLSX exports (O4).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
an apostrophe, so Excel and LibreOffice show it as text instead of running it as a formula.
Numbers stay numbers: only strings are touched.
"""

from __future__ import annotations

import io

import pandas as pd

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
