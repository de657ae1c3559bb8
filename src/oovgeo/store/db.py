"""Opening the database: SQLite by default (WAL, full sync, busy timeout), PostgreSQL by URL.

The engine factory: code outside ``store/`` takes the ``Engine`` and ``Connection`` types
from here rather than importing SQLAlchemy itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from oovgeo.store import audit, migrate, schema

__all__ = [
    "Connection",
    "Engine",
    "get_meta",
    "make_engine",
    "schema_version",
    "set_meta",
    "writing",
]

BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Driver-level autocommit, so that SQLAlchemy's "begin" event decides how a transaction
    # starts (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers (see `writing`) take the write lock up front with BEGIN IMMEDIATE instead of
    # failing half-way with "database is locked"; readers start a plain deferred snapshot.
    if conn.get_execution_options().get("immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    with engine.connect() as conn:
        conn.execution_options(immediate=True)
        with conn.begin():
            yield conn


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and make sure the schema exists.

    >>> eng = make_engine("sqlite://")
    >>> schema_version(eng) == schema.SCHEMA_VERSION
    True
    """
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # NullPool: every unit of work gets its own connection, so no connection (and no
        # open read snapshot) is shared between Streamlit sessions or threads.
        engine = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    with writing(engine) as conn:
        # One transaction: a killed upgrade leaves the old schema and version (PostgreSQL
        # and SQLite both roll back ALTER TABLE).
        schema.metadata.create_all(conn)
        stored = get_meta(conn, "schema")
        if stored is None:  # a new database: create_all made the newest tables
            set_meta(conn, "schema", str(schema.SCHEMA_VERSION))
        elif int(stored) != schema.SCHEMA_VERSION:
            migrate.upgrade(conn, int(stored))
            set_meta(conn, "schema", str(schema.SCHEMA_VERSION))
        audit.install_append_only(conn)
    return engine


def schema_version(engine: Engine) -> int:
    """Return the schema version stored in the database."""
    with engine.connect() as conn:
        value = conn.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == "schema")
        ).scalar_one()
    return int(value)


def get_meta(conn: Connection, key: str, default: str | None = None) -> str | None:
    """Return the meta value of ``key``, or ``default`` when absent."""
    row = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).first()
    return default if row is None else row[0]


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Set the meta value of ``key``, inserting it when absent."""
    updated = conn.execute(
        schema.meta.update().where(schema.meta.c.key == key).values(value=value)
    ).rowcount
    if not updated:
        conn.execute(schema.meta.insert().values(key=key, value=value))
