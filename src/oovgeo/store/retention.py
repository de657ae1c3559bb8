"""Retention (P2): delete records whose keep-until date has passed, log how many, compact.

Every retained record carries ``keep_until`` (computed at import from the configured terms);
a record is kept up to and including that day and expires the day after. Deleting rows does
not remove their bytes from the database files, so a purge is followed by compaction:
SQLite rebuilds the file (``VACUUM``) and truncates its write-ahead log, PostgreSQL runs
``VACUUM (ANALYZE)`` on the purged tables so the dead rows' space is reclaimed for reuse.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from oovgeo.store import audit, schema
from oovgeo.store.db import writing

# Tables with a keep_until column. Nothing references signals or interventions; quarantine
# references import_batches, which are kept (they hold counts, not record contents).
RETAINED = (schema.quarantine, schema.signals, schema.interventions)


class RetentionError(RuntimeError):
    """The purge committed but compaction failed (message in Dutch); ``counts`` says what went."""

    def __init__(self, message: str, counts: dict[str, int]):
        super().__init__(message)
        self.counts = counts


def expired_counts(conn: Connection, today: date) -> dict[str, int]:
    """Per table, how many records are past their keep-until date on ``today``."""
    return {
        t.name: conn.execute(
            select(func.count()).select_from(t).where(t.c.keep_until < today)
        ).scalar_one()
        for t in RETAINED
    }


def purge(
    engine: Engine, today: date, *, actor: str = "cli", origin: str = "cli"
) -> dict[str, int]:
    """Delete every expired record in one transaction, audit the counts, then compact.

    The deletion and its audit row commit together (all or nothing). The audit row holds only
    the reference date and the counts, never record contents. Returns the counts per table.
    Raises RetentionError when the deletion committed but compaction failed; running the
    purge again later then deletes nothing and compacts.
    """
    with writing(engine) as conn:
        if conn.dialect.name == "sqlite":
            # Overwrite deleted content with zeros right away (this connection only), so the
            # records are gone from the pages even if the VACUUM below cannot run.
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        counts = {
            t.name: conn.execute(delete(t).where(t.c.keep_until < today)).rowcount for t in RETAINED
        }
        audit.record(
            conn,
            actor=actor,
            action="purge",
            obj="bewaartermijnen",
            origin=origin,
            detail={"peildatum": today.isoformat(), "verwijderd": counts},
        )
    try:
        compact(engine)
    except (SQLAlchemyError, sqlite3.Error) as exc:  # raw SQLite errors are not wrapped
        total = sum(counts.values())
        raise RetentionError(
            f"{total} verlopen records zijn verwijderd, maar het comprimeren van de database"
            f" is mislukt ({type(exc).__name__}). Voer de opschoning later opnieuw uit.",
            counts,
        ) from exc
    return counts


def compact(engine: Engine) -> None:
    """Reclaim the space of deleted rows; runs outside any transaction (VACUUM requires it)."""
    if engine.dialect.name == "sqlite":
        # A raw DBAPI connection: db.py sets the driver to autocommit and lets SQLAlchemy's
        # "begin" event issue BEGIN, which would wrap (and break) VACUUM on a Connection.
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("VACUUM")
            # In WAL mode the rebuilt database sits in the log until a checkpoint; TRUNCATE
            # copies it back, shrinks the file and empties the log (old pages included).
            # Readers still on an old snapshot may keep part of it; a later checkpoint does it.
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            for t in RETAINED:
                conn.exec_driver_sql(f'VACUUM (ANALYZE) "{t.name}"')
