"""Police open-data counts (see oovgeo.police): upsert and load of the ``police_counts`` table.

One row per (table, category, area_code, month); ``count`` NULL means unknown (never 0),
``incomplete`` marks a month the police were still registering when the file was exported.
A newer export replaces the rows it shares with an older one; re-importing a file changes
nothing. A complete (final) count is never replaced by an incomplete one, so re-importing an
older export cannot undo a newer month.

The table itself is defined in ``store/schema.py`` with every other table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, bindparam, select

from oovgeo import police
from oovgeo.store import audit, db
from oovgeo.store.schema import police_counts

_C = police_counts.c
_REQUIRED = set(police.COLUMNS)


def _same(old: int | None, new: int | None) -> bool:
    return old == new  # None == None: unknown stays unknown


def _as_int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def store_police(
    engine: Engine, frame: pd.DataFrame, *, filename: str, actor: str
) -> dict[str, Any]:
    """Upsert the rows of `police.read_police_csv` in one transaction; audit the import.

    Returns ``{"read", "inserted", "updated", "unchanged", "kept_complete", "message"}``:
    ``kept_complete`` counts incomplete rows not stored because the database already holds a
    complete count for that key; ``message`` says in Dutch what happened (also when nothing
    changed).
    """
    missing = _REQUIRED - set(frame.columns)
    if missing:
        raise ValueError(f"frame misses columns {sorted(missing)}")
    counts = {"read": len(frame), "inserted": 0, "updated": 0, "unchanged": 0, "kept_complete": 0}
    now = datetime.now(UTC)
    incoming = [
        {
            "table": str(table),
            "category": str(category),
            "area_code": str(area_code),
            "level": str(level),
            "month": pd.Timestamp(month).date(),
            "count": _as_int(count),
            "incomplete": bool(incomplete),
        }
        for table, category, area_code, level, month, count, incomplete in frame[
            police.COLUMNS
        ].itertuples(index=False, name=None)
    ]
    with db.writing(engine) as conn:
        existing = _existing(conn, incoming)
        inserts, updates = [], []
        for row in incoming:
            key = (row["table"], row["category"], row["area_code"], row["month"])
            old = existing.get(key)
            if old is None:
                inserts.append({**row, "imported_at": now, "filename": filename})
            elif _same(old["count"], row["count"]) and old["incomplete"] == row["incomplete"]:
                counts["unchanged"] += 1
            elif row["incomplete"] and not old["incomplete"]:
                counts["kept_complete"] += 1
            else:
                updates.append(
                    {
                        "b_id": old["id"],
                        "b_level": row["level"],
                        "b_count": row["count"],
                        "b_incomplete": row["incomplete"],
                        "b_imported_at": now,
                        "b_filename": filename,
                    }
                )
        if inserts:
            conn.execute(police_counts.insert(), inserts)
        if updates:
            conn.execute(
                police_counts.update()
                .where(_C.id == bindparam("b_id"))
                .values(
                    level=bindparam("b_level"),
                    count=bindparam("b_count"),
                    incomplete=bindparam("b_incomplete"),
                    imported_at=bindparam("b_imported_at"),
                    filename=bindparam("b_filename"),
                ),
                updates,
            )
        counts["inserted"], counts["updated"] = len(inserts), len(updates)
        tables = sorted(set(frame["table"]))
        audit.record(
            conn,
            actor=actor,
            action="import_police",
            obj=filename,
            detail={**counts, "tables": tables},
        )
    return {**counts, "message": describe(counts)}


def _existing(conn, rows: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """Return stored rows that may share a key with ``rows`` (same tables and month range)."""
    if not rows:
        return {}
    tables = sorted({r["table"] for r in rows})
    months = [r["month"] for r in rows]
    query = select(
        _C.id, _C["table"], _C.category, _C.area_code, _C.month, _C["count"], _C.incomplete
    ).where(_C["table"].in_(tables), _C.month >= min(months), _C.month <= max(months))
    return {
        (r["table"], r["category"], r["area_code"], r["month"]): dict(r)
        for r in conn.execute(query).mappings()
    }


def describe(counts: dict[str, int]) -> str:
    """Return a Dutch one-line summary of `store_police`'s counts."""
    if not counts["inserted"] and not counts["updated"]:
        text = (
            f"Geen wijzigingen: alle {counts['read']} gebruikte rijen stonden al zo in de database."
        )
    else:
        text = (
            f"Van de {counts['read']} gebruikte rijen: {counts['inserted']} nieuw, "
            f"{counts['updated']} bijgewerkt, {counts['unchanged']} ongewijzigd."
        )
    if counts.get("kept_complete"):
        text += (
            f" {counts['kept_complete']} onvolledige maandcijfers niet overgenomen: er stond "
            "al een definitief cijfer (is dit een oudere export?)."
        )
    return text


def load_police(
    engine: Engine,
    *,
    table: str | None = None,
    level: str | None = None,
    themes: Iterable[str] | None = None,
    mapping: police.Crosswalk | None = None,
) -> pd.DataFrame:
    """Return stored counts with their theme, for the trend page.

    Columns: ``table, category, theme, area_code, level, month`` (Timestamp), ``count``
    (Int64, NA = unknown), ``incomplete`` (bool), ``imported_at, filename``. ``themes`` keeps
    only rows whose category maps to one of them (so never the total). Sum categories with
    `police.sum_categories`, which skips the total and keeps levels apart.
    """
    query = select(police_counts).order_by(_C["table"], _C.category, _C.area_code, _C.month)
    if table is not None:
        query = query.where(_C["table"] == table)
    if level is not None:
        query = query.where(_C.level == level)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    names = ["table", "category", "area_code", "level", "imported_at", "filename"]
    frame = pd.DataFrame({name: [r[name] for r in rows] for name in names})
    frame["month"] = pd.to_datetime(pd.Series([_month(r["month"]) for r in rows], dtype=object))
    frame["count"] = pd.array([r["count"] for r in rows], dtype="Int64")
    frame["incomplete"] = pd.Series([bool(r["incomplete"]) for r in rows], dtype=bool)
    frame = police.crosswalk(frame, mapping)
    if themes is not None:
        frame = frame[frame["theme"].isin(list(themes)).fillna(False).astype(bool)]
    ordered = ["table", "category", "theme", "area_code", "level", "month", "count"]
    rest = ["incomplete", "imported_at", "filename"]
    return frame[ordered + rest].reset_index(drop=True)


def _month(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
