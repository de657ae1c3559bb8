"""The SQL of an import: batches, the stored records of a source system, quarantine rows.

The import service calls these inside one ``writing`` transaction, so a killed process
leaves nothing half-written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from oovgeo.store import schema
from oovgeo.store.records import table_for

CHUNK = 5_000


def previous_import(conn: Connection, kind: str, sha: str, profile: str) -> int | None:
    """Return the batch that imported this very file with this profile before, if any."""
    b = schema.import_batches
    return conn.execute(
        select(b.c.id).where(b.c.kind == kind, b.c.file_sha256 == sha, b.c.profile == profile)
    ).scalar()


def batch_rows_in(conn: Connection, batch_id: int) -> int:
    """Return the number of rows the batch read from its file."""
    b = schema.import_batches
    return conn.execute(select(b.c.rows_in).where(b.c.id == batch_id)).scalar_one()


def shortlist_ids(conn: Connection) -> set[int]:
    """Return the ids of the shortlist items an intervention may be linked to."""
    return set(conn.execute(select(schema.shortlist.c.id)).scalars())


def insert_batch(
    conn: Connection, *, kind: str, filename: str, sha: str, profile: str, actor: str, rows_in: int
) -> int:
    """Open a batch for a file (counts zero until ``finish_batch``); return its id."""
    result = conn.execute(
        schema.import_batches.insert().values(
            kind=kind,
            filename=filename[:255],
            file_sha256=sha,
            profile=profile,
            imported_at=datetime.now(UTC),
            imported_by=actor,
            rows_in=rows_in,
            inserted=0,
            updated=0,
            rejected=0,
            duplicates=0,
            report="{}",
        )
    )
    key = result.inserted_primary_key
    if key is None:  # only for statements that are not a single-row insert
        raise RuntimeError("the database returned no id for the new import batch")
    return int(key[0])


def existing_records(conn: Connection, kind: str, system: str) -> pd.DataFrame:
    """Return the stored records of a source system.

    Columns ``_id, source_id, row_hash_stored, version_date_stored``.
    """
    tbl = table_for(kind)
    return pd.DataFrame(
        conn.execute(
            select(tbl.c.id, tbl.c.source_id, tbl.c.row_hash, tbl.c.version_date).where(
                tbl.c.source_system == system
            )
        ).all(),
        columns=["_id", "source_id", "row_hash_stored", "version_date_stored"],
    )


def label_aliases(conn: Connection) -> dict[str, dict[str, str]]:
    """Return the label mappings made on the Gegevens page: field -> {alias: code}."""
    t = schema.label_aliases
    out: dict[str, dict[str, str]] = {}
    for fname, alias, code in conn.execute(select(t.c.field, t.c.alias, t.c.code)):
        out.setdefault(fname, {})[alias] = code
    return out


def add_label_alias(
    conn: Connection, *, fname: str, alias: str, label: str, code: str, actor: str
) -> None:
    """Store one label mapping."""
    conn.execute(
        schema.label_aliases.insert().values(
            field=fname,
            alias=alias,
            label=label[:200],
            code=code,
            created_by=actor,
            created_at=datetime.now(UTC),
        )
    )


def quarantined_with(conn: Connection, rule: str) -> list[dict]:
    """Quarantined rows with a reason of ``rule``: id, batch, kind, row, reasons, row data."""
    q, b = schema.quarantine, schema.import_batches
    rows = conn.execute(
        select(
            q.c.id, q.c.batch_id, q.c.kind, q.c.row_number, q.c.reasons, q.c.row_data, b.c.profile
        )
        .join(b, b.c.id == q.c.batch_id)
        .where(q.c.reasons.contains(f'"{rule}"'))
        .order_by(q.c.batch_id, q.c.row_number)
    ).mappings()
    return [
        {**r, "reasons": json.loads(r["reasons"]), "row_data": json.loads(r["row_data"])}
        for r in rows
    ]


def batch_report(conn: Connection, batch_id: int) -> dict:
    """Return the stored report of a batch (Dutch keys, see ingest.report)."""
    b = schema.import_batches
    return json.loads(conn.execute(select(b.c.report).where(b.c.id == batch_id)).scalar_one())


def delete_quarantined(conn: Connection, ids: list[int]) -> int:
    """Delete quarantined rows by id; return how many were deleted."""
    q = schema.quarantine
    deleted = 0
    for start in range(0, len(ids), CHUNK):
        result = conn.execute(q.delete().where(q.c.id.in_(ids[start : start + CHUNK])))
        deleted += result.rowcount
    return deleted


def _records(frame: pd.DataFrame, common: dict) -> list[dict]:
    """Rows as plain Python dicts for the database driver (NaN -> None)."""
    plain = frame.astype(object).where(frame.notna(), None)
    for key, value in common.items():
        plain[key] = value
    return plain.to_dict("records")


def write_records(
    conn: Connection,
    kind: str,
    inserts: pd.DataFrame,
    updates: pd.DataFrame,
    common: dict,
    progress: Callable[[int, int], None],
) -> None:
    """Insert new records and update changed ones (``_id``, version + 1), in chunks.

    ``common`` holds the columns every row gets (batch, edition, source system);
    ``progress(done, total)`` is called after every chunk.
    """
    tbl = table_for(kind)
    total, done = len(inserts) + len(updates), 0
    update = tbl.update().where(tbl.c.id == bindparam("_id")).values(version=tbl.c.version + 1)
    for stmt, frame in ((tbl.insert(), inserts), (update, updates)):
        for start in range(0, len(frame), CHUNK):
            chunk = frame.iloc[start : start + CHUNK]
            conn.execute(stmt, _records(chunk, common))
            done += len(chunk)
            progress(done, total)


def store_quarantine(conn: Connection, rows: list[dict]) -> None:
    """Insert rejected rows into the quarantine table."""
    for start in range(0, len(rows), CHUNK):
        conn.execute(schema.quarantine.insert(), rows[start : start + CHUNK])


def finish_batch(conn: Connection, batch_id: int, report: dict) -> None:
    """Write the final counts and the full report of a batch."""
    conn.execute(
        schema.import_batches.update()
        .where(schema.import_batches.c.id == batch_id)
        .values(
            inserted=report["nieuw"],
            updated=report["bijgewerkt"],
            rejected=report["afgewezen"],
            duplicates=report["dubbel"],
            report=json.dumps(report, ensure_ascii=False, default=str),
        )
    )
