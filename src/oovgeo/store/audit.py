"""Append-only, hash-chained audit log (A6): who did what, to which object, with what result.

Two layers of protection:

- Database triggers (``install_append_only``, called by ``make_engine``) refuse every UPDATE
  and DELETE on ``audit_log`` (and TRUNCATE on PostgreSQL), so no code path of the application
  can change or remove an audit row, by mistake or through a bug.
- Each row's hash covers its own fields and the previous row's hash, so editing or deleting a
  row *around* the triggers (someone with direct database access who drops or disables them)
  breaks the chain from that row on; ``verify`` finds where.

Limits, on purpose documented rather than hidden: the database owner can drop the triggers and
rewrite the whole chain consistently, and removing the newest rows leaves a shorter chain that
still verifies. Protection against the owner needs an application database role with only
INSERT and SELECT on ``audit_log`` (PostgreSQL) or a copy of the latest hash kept elsewhere.

Never pass secrets, tokens or signal texts as ``detail``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from oovgeo.store.schema import audit_log

GENESIS = "0" * 64
APPEND_ONLY_MESSAGE = "audit_log is append-only"

# PostgreSQL transaction-level advisory locks (no table privileges needed): one serialises
# appends so two concurrent transactions never chain onto the same previous hash, the other
# serialises installing the triggers when several processes start at once.
_PG_APPEND_LOCK = 0x00A0_D170
_PG_INSTALL_LOCK = 0x00A0_D171

_SQLITE_TRIGGERS = {
    "audit_log_no_update": "UPDATE",
    "audit_log_no_delete": "DELETE",
}

_PG_FUNCTION = "oovgeo_audit_log_append_only"
_PG_FUNCTION_BODY = f"""
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END;
"""
_PG_TRIGGERS = {
    "audit_log_append_only": "BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW",
    "audit_log_no_truncate": "BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT",
}


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _timestamp(at: datetime) -> str:
    """Return the hashed form of ``at``: UTC, ISO 8601, microseconds.

    SQLite returns the stored UTC wall-clock time without a zone; PostgreSQL returns an aware
    datetime in the *session's* time zone (e.g. Europe/Amsterdam), which must be converted back
    to UTC or every row would look tampered with.
    """
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")


def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    obj: str,
    result: str = "ok",
    origin: str = "cli",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit row inside the caller's transaction."""
    if conn.dialect.name == "postgresql":
        # Held until the caller's transaction ends; on SQLite `writing` already holds the
        # write lock (BEGIN IMMEDIATE).
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_APPEND_LOCK})
    last = conn.execute(
        select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev = last or GENESIS
    at = datetime.now(UTC)
    fields = {
        "at": _timestamp(at),
        "actor": actor,
        "action": action,
        "object": obj,
        "result": result,
        "origin": origin,
        "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str),
    }
    conn.execute(
        audit_log.insert().values(
            **{**fields, "at": at},
            prev_hash=prev,
            hash=_digest(prev, fields),
        )
    )


def _first_broken(conn: Connection) -> int | None:
    prev = GENESIS
    for row in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings():
        # Recomputed from the stored fields exactly as stored: `detail` is hashed as the
        # stored string, never re-serialised, so key order or spacing cannot break the chain.
        fields = {
            "at": _timestamp(row["at"]),
            **{k: row[k] for k in ("actor", "action", "object", "result", "origin", "detail")},
        }
        if row["prev_hash"] != prev or row["hash"] != _digest(prev, fields):
            return row["id"]
        prev = row["hash"]
    return None


def verify(conn: Connection) -> int | None:
    """Return the id of the first row that breaks the chain, or None when intact.

    An edited row is reported itself; a deleted row is reported as the row after the gap.
    """
    return _first_broken(conn)


def verify_report(conn: Connection) -> dict[str, Any]:
    """``{"rows": n, "intact": bool, "first_broken_id": id | None}`` for the whole log.

    Run it inside one transaction (e.g. ``engine.begin()``) for a consistent answer while
    others append.
    """
    rows = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    broken = _first_broken(conn)
    return {"rows": rows, "intact": broken is None, "first_broken_id": broken}


def recent_results(conn: Connection, action: str, obj: str, limit: int) -> list[tuple]:
    """``(at, result)`` of the newest ``limit`` rows of ``action`` on ``obj``, newest first."""
    a = audit_log.c
    query = (
        select(a.at, a.result)
        .where(a.action == action, a.object == obj)
        .order_by(a.id.desc())
        .limit(limit)
    )
    return [tuple(r) for r in conn.execute(query)]


def recent_events(conn: Connection, limit: int = 500) -> list[tuple]:
    """``(id, at, actor, action, object, result, origin)`` of the newest ``limit`` rows."""
    a = audit_log.c
    query = select(a.id, a.at, a.actor, a.action, a.object, a.result, a.origin)
    return [tuple(r) for r in conn.execute(query.order_by(a.id.desc()).limit(limit))]


def entries(conn: Connection, actions: list[str]) -> list[tuple]:
    """``(object, at, actor, action, detail)`` of every row of ``actions``, oldest first."""
    a = audit_log.c
    query = select(a.object, a.at, a.actor, a.action, a.detail).where(a.action.in_(actions))
    return [tuple(r) for r in conn.execute(query.order_by(a.id))]


# --- append-only triggers -------------------------------------------------------------------


def _sqlite_missing(conn: Connection) -> set[str]:
    present = set(
        conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).scalars()
    )
    return set(_SQLITE_TRIGGERS) - present


def _pg_in_place(conn: Connection) -> bool:
    """Return True when both triggers exist, are enabled and call the unaltered function."""
    rows = conn.execute(
        text(
            "SELECT t.tgname, t.tgenabled, p.proname, p.prosrc"
            " FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE t.tgrelid = 'audit_log'::regclass AND NOT t.tgisinternal"
        )
    ).all()
    good = {
        name
        for name, enabled, function, body in rows
        if enabled == "O" and function == _PG_FUNCTION and body == _PG_FUNCTION_BODY
    }
    return good >= set(_PG_TRIGGERS)


def install_append_only(conn: Connection) -> bool:
    """Make ``audit_log`` refuse UPDATE and DELETE; idempotent.

    Returns True when something had to be (re)installed: on a new database, or when a trigger
    was dropped or (PostgreSQL) disabled or its function replaced since.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        missing = _sqlite_missing(conn)
        for name in sorted(missing):
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {_SQLITE_TRIGGERS[name]} ON audit_log"
                f" BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return bool(missing)
    if dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_INSTALL_LOCK})
        if _pg_in_place(conn):
            return False  # no DDL (and no table lock) on every start
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger"
            f" LANGUAGE plpgsql AS $oovgeo${_PG_FUNCTION_BODY}$oovgeo$"
        )
        for name, when in _PG_TRIGGERS.items():
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON audit_log")
            conn.exec_driver_sql(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {_PG_FUNCTION}()")
        return True
    raise NotImplementedError(f"append-only audit log not implemented for {dialect}")


def _drop_append_only(conn: Connection) -> None:
    names = _SQLITE_TRIGGERS if conn.dialect.name == "sqlite" else _PG_TRIGGERS
    for name in names:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON audit_log")


@contextmanager
def suspended_append_only(conn: Connection) -> Iterator[Connection]:
    """Lift the append-only triggers for the rest of ``conn``'s transaction, then restore them.

    Only for ``backup.restore``, which must replace the whole log by the backup's (itself a
    verifiable chain). Both SQLite and PostgreSQL DDL are transactional: the drop and the
    re-install commit together with the restore, and other connections never see the log
    unprotected (on PostgreSQL DROP TRIGGER locks the table until commit; on SQLite the
    restore holds the write lock). On an error nothing is re-installed here: the caller's
    transaction must roll back, which brings the triggers back with the old data.
    """
    _drop_append_only(conn)
    yield conn
    install_append_only(conn)
