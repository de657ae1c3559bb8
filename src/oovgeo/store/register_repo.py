"""The SQL of the intervention register: ids taken and the current version of an entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from oovgeo.store import schema


def source_ids_like(conn: Connection, system: str, prefix: str) -> set[str]:
    """Return the source ids of ``system``'s interventions that start with ``prefix``."""
    tbl = schema.interventions
    return set(
        conn.execute(
            select(tbl.c.source_id).where(
                tbl.c.source_system == system, tbl.c.source_id.like(prefix + "%")
            )
        ).scalars()
    )


def current_version(conn: Connection, system: str, source_id: str) -> Row | None:
    """Return ``version, imported_by, imported_at`` of one intervention, or None."""
    tbl, batches = schema.interventions, schema.import_batches
    query = (
        select(tbl.c.version, batches.c.imported_by, batches.c.imported_at)
        .join(batches, batches.c.id == tbl.c.batch_id)
        .where(tbl.c.source_system == system, tbl.c.source_id == source_id)
    )
    return conn.execute(query).first()
