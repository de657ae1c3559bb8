"""Bring an existing database up to ``schema.SCHEMA_VERSION``, in one transaction.

``metadata.create_all`` creates missing tables but never alters an existing one, so every
schema change that touches an existing table needs a step here. A step is only ever added,
never changed: a database records the version it reached in ``meta`` and runs the steps after
it. Steps must be safe to run on a database where the change is already present (a fresh
database gets the newest tables from ``create_all`` and then only records the version).

Kept by hand rather than with Alembic: the changes so far are added nullable columns and
indexes, which the SQL below does the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Index, bindparam, inspect, select
from sqlalchemy.engine import Connection

from oovgeo.store import schema


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer oovgeo than this one (message in Dutch)."""


def add_column(conn: Connection, column: Column) -> None:
    """``ALTER TABLE ... ADD COLUMN`` for a nullable column of ``schema``, if it is missing."""
    table = column.table
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    if column.name in present:
        return
    if not column.nullable:
        raise ValueError(f"{table.name}.{column.name}: only nullable columns can be added")
    kind = column.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')


def add_index(conn: Connection, index: Index) -> None:
    """Create ``index`` unless it already exists."""
    if index.table is None:
        raise ValueError(f"index {index.name} belongs to no table")
    present = {i["name"] for i in inspect(conn).get_indexes(index.table.name)}
    if index.name not in present:
        index.create(conn)


def _v2_intervention_shortlist_link(conn: Connection) -> None:
    tbl = schema.interventions
    add_column(conn, tbl.c.shortlist_id)
    add_index(conn, next(i for i in tbl.indexes if i.name == "ix_interventions_shortlist"))


def _v3_population_table(conn: Connection) -> None:
    schema.population.create(conn, checkfirst=True)


def _v4_record_keys(conn: Connection) -> None:
    """Add the record key and give every existing record its own random key (P3)."""
    for tbl in (schema.signals, schema.interventions):
        column = tbl.c[schema.RECORD_KEY]
        add_column(conn, column)
        ids = conn.execute(select(tbl.c.id).where(column.is_(None))).scalars().all()
        update = tbl.update().where(tbl.c.id == bindparam("_id")).values({column: bindparam("_k")})
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            conn.execute(update, [{"_id": i, "_k": schema.new_record_key()} for i in chunk])


def _v5_version_dates_and_aliases(conn: Connection) -> None:
    """Add the version date of records and the table of label mappings."""
    for tbl in (schema.signals, schema.interventions):
        add_column(conn, tbl.c.version_date)
    schema.label_aliases.create(conn, checkfirst=True)


def _v6_context_layers(conn: Connection) -> None:
    """Add the tables of the context layers (new tables only)."""
    schema.context_layers.create(conn, checkfirst=True)
    schema.context_features.create(conn, checkfirst=True)


# version reached -> the step that reaches it
STEPS: dict[int, Callable[[Connection], None]] = {
    2: _v2_intervention_shortlist_link,
    3: _v3_population_table,
    4: _v4_record_keys,
    5: _v5_version_dates_and_aliases,
    6: _v6_context_layers,
}


def upgrade(conn: Connection, current: int) -> list[int]:
    """Run the steps after ``current``; returns the versions applied. Caller commits."""
    if current > schema.SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"de database heeft schemaversie {current}, deze versie van oovgeo kent er "
            f"{schema.SCHEMA_VERSION}: installeer de nieuwere oovgeo"
        )
    applied = []
    for version in range(current + 1, schema.SCHEMA_VERSION + 1):
        STEPS[version](conn)
        applied.append(version)
    return applied
