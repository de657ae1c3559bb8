"""Online, consistent backup and restore.

A backup is always a SQLite file with oovgeo's schema, whatever the live database is:
- from SQLite, through SQLite's online backup API (readers and writers keep working; the copy
  is one consistent snapshot);
- from PostgreSQL, by copying every table inside one REPEATABLE READ, READ ONLY transaction
  (one snapshot of all tables).
A restore replaces every table's contents inside one transaction, so a killed restore leaves
the old data, and readers never see a half-restored database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, func, select, text

from oovgeo.store import audit, schema
from oovgeo.store.db import make_engine, writing

CHUNK = 10_000


class BackupError(RuntimeError):
    """A backup file is unusable (message in Dutch)."""


def _sqlite_path(engine: Engine) -> str | None:
    return engine.url.database if engine.url.get_backend_name() == "sqlite" else None


def backup(engine: Engine, target: Path) -> dict[str, int]:
    """Write a consistent copy of the database to ``target``; return row counts per table."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    source = _sqlite_path(engine)
    if source:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        _copy_tables(engine, f"sqlite:///{tmp}", snapshot=True)
    counts = _check(tmp)
    os.replace(tmp, target)  # the backup appears whole or not at all
    return counts


def _copy_tables(src_engine: Engine, dst_url: str, *, snapshot: bool) -> None:
    dst_engine = create_engine(dst_url)
    schema.metadata.create_all(dst_engine)
    with src_engine.connect() as src:
        if snapshot:
            src = src.execution_options(isolation_level="REPEATABLE READ")
        with src.begin(), dst_engine.begin() as dst:
            if snapshot:
                src.execute(text("SET TRANSACTION READ ONLY"))
            for tbl in schema.TABLE_ORDER:
                dst.execute(delete(tbl))
                result = src.execute(select(tbl)).mappings()
                while rows := result.fetchmany(CHUNK):
                    dst.execute(tbl.insert(), [dict(r) for r in rows])
    dst_engine.dispose()


# The tables every oovgeo backup has held since the first version; later tables are added to
# an older backup's copy by the migration before it is restored.
_FIRST_TABLES = ("meta", "areas", "import_batches", "signals", "interventions", "audit_log")


def _check(path: Path, *, tables: tuple[str, ...] | None = None) -> dict[str, int]:
    """Check integrity and tables (default: every table of this version); count the rows."""
    con = sqlite3.connect(path)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"back-up {path} is beschadigd: {ok}")
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        wanted = tables or tuple(t.name for t in schema.TABLE_ORDER)
        missing = [t for t in wanted if t not in names]
        if missing:
            raise BackupError(f"{path} is geen oovgeo-back-up (tabellen ontbreken: {missing})")
        return {
            t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608
            for t in wanted
        }
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is geen leesbare back-up: {exc}") from None
    finally:
        con.close()


def restore(engine: Engine, source: Path) -> dict[str, int]:
    """Replace the live data by the backup at ``source`` in one transaction."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"back-up {source} bestaat niet")
    _check(source, tables=_FIRST_TABLES)
    with tempfile.TemporaryDirectory(prefix="oovgeo-restore-") as work:
        # A backup made by an older version has the older schema: upgrade a copy (never the
        # file itself) so every table and column of this version can be read from it.
        copy = Path(work) / "backup.db"
        shutil.copyfile(source, copy)
        make_engine(f"sqlite:///{copy}").dispose()
        counts = _check(copy)
        _replace_all(engine, copy)
    return counts


def _replace_all(engine: Engine, source: Path) -> None:
    backup_engine = create_engine(f"sqlite:///{source}")
    with (
        backup_engine.connect() as src,
        writing(engine) as dst,
        # replacing the log needs UPDATE/DELETE rights the triggers deny; lifted in this
        # transaction only (see audit.suspended_append_only)
        audit.suspended_append_only(dst),
    ):
        for tbl in reversed(schema.TABLE_ORDER):
            dst.execute(delete(tbl))
        for tbl in schema.TABLE_ORDER:
            result = src.execute(select(tbl)).mappings()
            while rows := result.fetchmany(CHUNK):
                dst.execute(tbl.insert(), [dict(r) for r in rows])
        if engine.dialect.name == "postgresql":
            _reset_sequences(dst)
    backup_engine.dispose()


def _reset_sequences(conn) -> None:
    # Inserting explicit ids does not move PostgreSQL's sequences; the next insert would clash.
    for tbl in schema.TABLE_ORDER:
        if "id" not in tbl.c:
            continue
        top = conn.execute(select(func.max(tbl.c.id))).scalar() or 0
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, :called)"),
            {"t": tbl.name, "v": max(top, 1), "called": top > 0},
        )
