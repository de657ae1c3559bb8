"""Append-only, hash-chained audit log (A6): who did what, to which object, with what result.

Each row's hash covers its own fields and the previous row's hash, so editing or deleting a
row through the database breaks the chain from that row on; ``verify`` finds where.
Never pass secrets, tokens or signal texts as ``detail``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from oovgeo.store.schema import audit_log

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


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
    last = conn.execute(
        select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev = last or GENESIS
    fields = {
        "at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object": obj,
        "result": result,
        "origin": origin,
        "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str),
    }
    conn.execute(
        audit_log.insert().values(
            **{**fields, "at": datetime.fromisoformat(fields["at"])},
            prev_hash=prev,
            hash=_digest(prev, fields),
        )
    )


def verify(conn: Connection) -> int | None:
    """Return the id of the first row that breaks the chain, or None when intact."""
    prev = GENESIS
    for row in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings():
        at = row["at"]
        if at.tzinfo is None:  # SQLite returns naive datetimes; they were stored as UTC
            at = at.replace(tzinfo=UTC)
        fields = {
            "at": at.isoformat(timespec="microseconds"),
            **{k: row[k] for k in ("actor", "action", "object", "result", "origin", "detail")},
        }
        if row["prev_hash"] != prev or row["hash"] != _digest(prev, fields):
            return row["id"]
        prev = row["hash"]
    return None
