"""Per source, the last date its deliveries are complete, as set by hand on the Gegevens page.

Stored in the ``meta`` table under ``complete_until:<source>`` (ISO date), so that the one
owner of the override is the database the whole team shares. The date the data itself runs
to comes from ``counts_repo.data_until``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from oovgeo.store import schema
from oovgeo.store.db import set_meta

PREFIX = "complete_until:"


def overrides(conn: Connection) -> dict[str, date]:
    """Return the hand-set completeness date per source code."""
    meta = schema.meta
    rows = conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.like(f"{PREFIX}%")))
    return {key.removeprefix(PREFIX): date.fromisoformat(value) for key, value in rows}


def set_override(conn: Connection, source: str, until: date | None) -> None:
    """Set (or with ``None`` remove) the hand-set completeness date of ``source``."""
    if until is None:
        conn.execute(delete(schema.meta).where(schema.meta.c.key == f"{PREFIX}{source}"))
    else:
        set_meta(conn, f"{PREFIX}{source}", until.isoformat())
