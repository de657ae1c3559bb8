"""Small widgets that several pages share."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from oovgeo.exports import to_csv_bytes, to_xlsx_bytes


def table_downloads(
    ctx, table: pd.DataFrame, stem: str, sheet: str, columns=None, label: str = "Tabel"
) -> None:
    """Show CSV and Excel download buttons for ``table``.

    CSV and Excel download buttons for ``table`` (formula-safe, audited on click with the
    row count). The files are made when a button is clicked (callables), not on every rerun.
    """
    e1, e2 = columns or st.columns(2)
    rows = {"rijen": len(table)}
    e1.download_button(
        f"{label} (CSV)",
        lambda: to_csv_bytes(table),
        f"{stem}.csv",
        "text/csv",
        on_click=ctx.audit,
        args=("export", f"{stem}.csv"),
        kwargs=rows,
    )
    e2.download_button(
        f"{label} (Excel)",
        lambda: to_xlsx_bytes(table, sheet=sheet),
        f"{stem}.xlsx",
        on_click=ctx.audit,
        args=("export", f"{stem}.xlsx"),
        kwargs=rows,
    )
