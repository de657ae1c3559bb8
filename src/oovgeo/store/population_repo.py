"""Inhabitants of stored areas, filled from a population file."""

from __future__ import annotations

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
