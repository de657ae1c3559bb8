"""The coordinators' shortlist in the store: items, their history and audit rows (journey 2).

The rules (statuses, transitions, field validation) are ``oovgeo.shortlist``; this module runs
them inside its write transactions and holds the SQL.

Durability and concurrency (D1, D2)
    Every function that changes something runs in one write transaction (``db.writing``:
    ``BEGIN IMMEDIATE`` on SQLite, which runs in WAL mode with full sync) and returns only after
    the commit, so whatever the screen confirms is on disk. Each change bumps ``version``;
    ``update_item`` takes the version the user saw and updates with
    ``WHERE id = :id AND version = :expected``. When somebody else changed the item in between,
    nothing is written and ``ConflictError`` names who changed it last and when (from the
    history), instead of silently overwriting their change.

Audit (A6)
    Adding writes ``shortlist_add``, every change ``shortlist_change`` (also a refused change
    because of a conflict, with result ``conflict``), in the same transaction as the change.
    The audit detail holds field names, version numbers and statuses only, never free text
    (reasons, actions, owners, addresses). The full old and new values are in
    ``shortlist_history``, which only the coordinator's pages show.

Lists (themes, partners) are returned as Python lists, times as aware UTC datetimes on both
backends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import Connection

from oovgeo import shortlist as rules
from oovgeo.shortlist import EDITABLE_FIELDS, FINAL_STATUSES, ConflictError, ShortlistError
from oovgeo.store import audit
from oovgeo.store.areas_repo import active_edition
from oovgeo.store.db import writing
from oovgeo.store.schema import areas, shortlist, shortlist_history

# PostgreSQL transaction-level advisory lock that serialises adds, so two coordinators adding
# the same candidate at the same moment cannot both pass the "already on the list" check
# (on SQLite BEGIN IMMEDIATE already serialises writers).
_PG_ADD_LOCK = 0x00A0_D172

# The stored fields, the place first (fixed: another place is another item), then the fields
# update_item may change, then the bookkeeping; buurt and wijk names are looked up.
COLUMNS = [
    "id",
    "candidate_id",
    "title",
    "adres",
    "x",
    "y",
    "buurt_code",
    "wijk_code",
    "buurt_naam",
    "wijk_naam",
    *(f for f in EDITABLE_FIELDS if f != "title"),
    "version",
    "created_by",
    "created_at",
    "updated_at",
]
HISTORY_COLUMNS = ["version", "changed_by", "changed_at", "kind", "changes", "summary"]


# --- reading ---------------------------------------------------------------------------------


def _item(row: Any) -> dict[str, Any]:
    item = dict(row._mapping)
    for field in rules.LIST_FIELDS:
        item[field] = rules.split_list(item[field])
    item["created_at"] = rules.as_utc(item["created_at"])
    item["updated_at"] = rules.as_utc(item["updated_at"])
    return item


def _fetch_row(conn: Connection, item_id: int, *, lock: bool = False) -> Any:
    query = select(shortlist).where(shortlist.c.id == item_id)
    if lock:
        query = query.with_for_update()  # PostgreSQL; SQLite already holds the write lock
    return conn.execute(query).first()


def get_item(engine: Engine, item_id: int) -> dict[str, Any]:
    """One item as a dict (themes and partners as lists); ShortlistError when unknown."""
    item_id = rules.checked_id(item_id)
    with engine.connect() as conn:
        row = _fetch_row(conn, item_id)
    if row is None:
        raise rules.not_found(item_id)
    return _item(row)


def _area_names(conn: Connection, codes: set[str]) -> dict[str, str]:
    edition = active_edition(conn)
    if edition is None or not codes:
        return {}
    rows = conn.execute(
        select(areas.c.code, areas.c.name).where(
            areas.c.edition == edition, areas.c.code.in_(sorted(codes))
        )
    )
    return dict(rows.all())


def list_items(engine: Engine, *, include_closed: bool = False) -> pd.DataFrame:
    """Return the shortlist in order of its numbers; open items only unless ``include_closed``.

    Columns are ``COLUMNS``: the stored fields, with ``themes`` and ``partners`` as lists and
    ``buurt_naam``/``wijk_naam`` looked up in the active boundary edition (None if unknown).
    """
    query = select(shortlist).order_by(shortlist.c.id)
    if not include_closed:
        query = query.where(shortlist.c.status.not_in(sorted(FINAL_STATUSES)))
    with engine.connect() as conn:
        items = [_item(row) for row in conn.execute(query)]
        codes = {i[c] for i in items for c in ("buurt_code", "wijk_code") if i[c]}
        names = _area_names(conn, codes)
    for item in items:
        item["buurt_naam"] = names.get(item["buurt_code"])
        item["wijk_naam"] = names.get(item["wijk_code"])
    return pd.DataFrame(items, columns=COLUMNS)


def history(engine: Engine, item_id: int) -> pd.DataFrame:
    """Every version of an item, oldest first.

    Columns: ``version``, ``changed_by``, ``changed_at`` (aware UTC), ``kind`` ("aangemaakt" or
    "gewijzigd"), ``changes`` ({field: [old, new]}, dates as ISO text) and ``summary`` (Dutch,
    for the screen).
    """
    item_id = rules.checked_id(item_id)
    query = (
        select(shortlist_history)
        .where(shortlist_history.c.shortlist_id == item_id)
        .order_by(shortlist_history.c.version, shortlist_history.c.id)
    )
    rows = []
    with engine.connect() as conn:
        for row in conn.execute(query):
            change = json.loads(row.change)
            kind, changes = change.get("actie", "gewijzigd"), change.get("velden", {})
            rows.append(
                {
                    "version": row.version,
                    "changed_by": row.changed_by,
                    "changed_at": rules.as_utc(row.changed_at),
                    "kind": kind,
                    "changes": changes,
                    "summary": rules.summary(kind, changes),
                }
            )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


# --- writing ---------------------------------------------------------------------------------


def _write_history(
    conn: Connection,
    item_id: int,
    version: int,
    actor: str,
    at: datetime,
    kind: str,
    changes: dict[str, tuple[Any, Any]],
) -> None:
    change = {
        "actie": kind,
        "velden": {
            f: [rules.history_value(f, old), rules.history_value(f, new)]
            for f, (old, new) in changes.items()
        },
    }
    conn.execute(
        shortlist_history.insert().values(
            shortlist_id=item_id,
            version=version,
            changed_by=actor,
            changed_at=at,
            change=json.dumps(change, ensure_ascii=False, sort_keys=True),
        )
    )


def add_item(
    engine: Engine,
    *,
    candidate_id: str | int | None,
    title: str,
    x: float | None,
    y: float | None,
    buurt_code: str | None,
    wijk_code: str | None,
    themes: Sequence[str],
    reason: str,
    meeting: str,
    partners: Sequence[str],
    actor: str,
    origin: str,
    adres: str | None = None,
) -> dict[str, Any]:
    """Put a candidate on the shortlist as ``voorgesteld``, version 1; committed on return.

    A candidate can be on the list once while its item is open: a second add of the same
    ``candidate_id`` is refused until the first is closed or rejected. ``candidate_id`` None
    is an item added by hand, without that check.
    """
    actor, origin = rules.actor_and_origin(actor, origin)
    values = rules.new_item_values(
        candidate_id=candidate_id,
        title=title,
        adres=adres,
        x=x,
        y=y,
        buurt_code=buurt_code,
        wijk_code=wijk_code,
        themes=themes,
        reason=reason,
        meeting=meeting,
        partners=partners,
    )
    now = datetime.now(UTC)
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_ADD_LOCK})
        if values["candidate_id"] is not None:
            existing = conn.execute(
                select(shortlist.c.id, shortlist.c.status).where(
                    shortlist.c.candidate_id == values["candidate_id"],
                    shortlist.c.status.not_in(sorted(FINAL_STATUSES)),
                )
            ).first()
            if existing is not None:
                raise ShortlistError(
                    f"Deze kandidaat staat al op de shortlist (nr {existing.id}, "
                    f"status '{existing.status}')."
                )
        result = conn.execute(
            shortlist.insert().values(
                **values,
                status="voorgesteld",
                action="",
                owner="",
                deadline=None,
                outcome="",
                rejection_reason="",
                version=1,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
        )
        key = result.inserted_primary_key
        if key is None:  # only for statements that are not a single-row insert
            raise RuntimeError("the database returned no id for the new shortlist item")
        item_id = int(key[0])
        filled = {f: (None, v) for f, v in values.items() if v not in (None, "")}
        filled["status"] = (None, "voorgesteld")
        _write_history(conn, item_id, 1, actor, now, "aangemaakt", filled)
        audit.record(
            conn,
            actor=actor,
            action="shortlist_add",
            obj=f"shortlist:{item_id}",
            origin=origin,
            detail={"status": "voorgesteld", "versie": 1},
        )
        item = _item(_fetch_row(conn, item_id))
    return item


def _last_change(conn: Connection, item_id: int) -> tuple[str, datetime, int]:
    row = conn.execute(
        select(
            shortlist_history.c.changed_by,
            shortlist_history.c.changed_at,
            shortlist_history.c.version,
        )
        .where(shortlist_history.c.shortlist_id == item_id)
        .order_by(shortlist_history.c.version.desc(), shortlist_history.c.id.desc())
        .limit(1)
    ).first()
    changed_at = rules.as_utc(row.changed_at) if row is not None else None
    if row is None or changed_at is None:  # every item gets a history row when created
        raise RuntimeError(f"shortlist item {item_id} has no history")
    return row.changed_by, changed_at, row.version


def update_item(
    engine: Engine,
    item_id: int,
    *,
    expected_version: int,
    actor: str,
    origin: str,
    **changes: Any,
) -> dict[str, Any]:
    """Change fields of an item the caller saw at ``expected_version``; committed on return.

    ``changes`` are fields of ``EDITABLE_FIELDS``: ``themes``/``partners`` as lists,
    ``deadline`` as a date or None, the rest as text. Raises ConflictError (nothing written)
    when the item is no longer at ``expected_version``, ShortlistError for an unknown item,
    invalid values or a refused status change. Changes equal to the stored values are no
    change: the item is returned as it is, without a new version. Otherwise the version goes
    up by one and the history and audit rows are written in the same transaction.
    """
    item_id = rules.checked_id(item_id)
    actor, origin = rules.actor_and_origin(actor, origin)
    expected_version = rules.check_version(expected_version)
    wanted = rules.normalised_changes(changes)
    now = datetime.now(UTC)
    conflict: tuple[str, datetime, int] | None = None
    with writing(engine) as conn:
        current = _fetch_row(conn, item_id, lock=True)
        if current is None:
            raise rules.not_found(item_id)
        if current.version != expected_version:
            conflict = _last_change(conn, item_id)
        else:
            old = dict(current._mapping)
            diff = {f: (old[f], v) for f, v in wanted.items() if old[f] != v}
            if not diff:
                return _item(current)
            rules.check_change(old, wanted)
            updated = conn.execute(
                shortlist.update()
                .where(shortlist.c.id == item_id, shortlist.c.version == expected_version)
                .values(
                    **{f: new for f, (_, new) in diff.items()},
                    version=expected_version + 1,
                    updated_at=now,
                )
            ).rowcount
            if updated != 1:  # cannot happen under the locks above; never overwrite
                conflict = _last_change(conn, item_id)
                raise ConflictError(*conflict)
            _write_history(conn, item_id, expected_version + 1, actor, now, "gewijzigd", diff)
            detail: dict[str, Any] = {"velden": sorted(diff), "versie": expected_version + 1}
            if "status" in diff:
                detail["status"] = list(diff["status"])
            audit.record(
                conn,
                actor=actor,
                action="shortlist_change",
                obj=f"shortlist:{item_id}",
                origin=origin,
                detail=detail,
            )
            item = _item(_fetch_row(conn, item_id))
    if conflict is not None:
        with writing(engine) as conn:
            audit.record(
                conn,
                actor=actor,
                action="shortlist_change",
                obj=f"shortlist:{item_id}",
                result="conflict",
                origin=origin,
                detail={
                    "velden": sorted(changes),
                    "verwachte_versie": expected_version,
                    "huidige_versie": conflict[2],
                },
            )
        raise ConflictError(*conflict)
    return item
