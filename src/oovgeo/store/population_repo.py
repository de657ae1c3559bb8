"""Inhabitants per area code and year (the ``population`` table), and of stored areas."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from oovgeo.store import schema


def set_inhabitants(conn: Connection, code: str, edition: int, inhabitants: int) -> int:
    """Set the inhabitants of one area of one edition; return 1 if it exists, else 0."""
    areas = schema.areas
    return conn.execute(
        areas.update()
        .where(areas.c.code == code, areas.c.edition == edition)
        .values(inhabitants=inhabitants)
    ).rowcount


def save_population(conn: Connection, frame: pd.DataFrame, source: str) -> int:
    """Store ``code, year, inhabitants`` rows (replacing the same code and year); return the count.

    ``frame`` may carry a bool column ``summed``: those rows get the source
    ``"som van buurten"`` unless ``source`` is ``"synthetisch"`` (a sum of synthetic figures
    stays synthetic).
    """
    table = schema.population
    rows = []
    for row in frame.itertuples(index=False):
        summed = bool(getattr(row, "summed", False))
        rows.append(
            {
                "code": str(row.code),
                "year": int(row.year),
                "inhabitants": None if pd.isna(row.inhabitants) else int(row.inhabitants),
                "source": "som van buurten" if summed and source != "synthetisch" else source,
            }
        )
    for row in rows:
        conn.execute(delete(table).where(table.c.code == row["code"], table.c.year == row["year"]))
    if rows:
        conn.execute(table.insert(), rows)
    return len(rows)


def load_population(conn: Connection) -> pd.DataFrame:
    """All stored rows: ``code`` (str), ``year`` (int64), ``inhabitants`` (Int64), ``source``."""
    table = schema.population
    rows = conn.execute(
        select(table.c.code, table.c.year, table.c.inhabitants, table.c.source).order_by(
            table.c.code, table.c.year
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["code", "year", "inhabitants", "source"])
    return frame.astype({"code": "str", "year": "int64", "source": "str"}).assign(
        inhabitants=pd.array(list(frame["inhabitants"]), dtype="Int64")
    )
