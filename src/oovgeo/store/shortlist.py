"""The coordinators' shortlist of intervention targets, with statuses and history (journey 2).

A coordinator adds a candidate location with a reason and the partners needed; the integral
meeting agrees an action, an owner and a deadline (see ``oovgeo.report.matrix``); afterwards the
status moves on until the item is closed with its outcome, or rejected with a reason.

Statuses
    ``voorgesteld -> besproken -> ingepland -> uitgevoerd -> afgesloten``, and ``afgewezen``.

    - Forward only. Skipping forward is allowed (a meeting often discusses and plans an item in
      one go: ``voorgesteld -> ingepland``), with one exception: only an ``uitgevoerd`` item can
      be ``afgesloten`` (closing something that never happened is a rejection, with a reason).
    - ``afgewezen`` can be reached from every open status and needs a reason
      (``rejection_reason``); a reason of rejection is refused on any other status.
    - ``afgesloten`` needs an outcome (``outcome``), given at the latest with the closing change.
    - ``afgesloten`` and ``afgewezen`` are final: the item cannot be changed any more.
    - Going back is refused: a step taken by mistake is corrected by rejecting the item with
      that reason and adding it again, so the history never loses a step.

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

Lists (themes, partners) are stored ';'-joined, like ``interventions.partners``, and returned
as Python lists. Times are returned as aware UTC datetimes on both backends.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import Connection

from oovgeo.store import audit
from oovgeo.store.areas_repo import active_edition
from oovgeo.store.db import writing
from oovgeo.store.schema import areas, shortlist, shortlist_history

STATUSES = ("voorgesteld", "besproken", "ingepland", "uitgevoerd", "afgesloten", "afgewezen")
FINAL_STATUSES = frozenset({"afgesloten", "afgewezen"})
OPEN_STATUSES = tuple(s for s in STATUSES if s not in FINAL_STATUSES)
_CHAIN = ("voorgesteld", "besproken", "ingepland", "uitgevoerd", "afgesloten")

# Fields update_item may change. The place (candidate, address, coordinates, areas) is fixed:
# another place is another item.
EDITABLE_FIELDS = (
    "title",
    "themes",
    "reason",
    "meeting",
    "partners",
    "status",
    "action",
    "owner",
    "deadline",
    "outcome",
    "rejection_reason",
)

# Dutch names of the fields, for messages and the history summary.
FIELD_LABELS = {
    "candidate_id": "kandidaat",
    "title": "casus",
    "adres": "adres",
    "x": "x",
    "y": "y",
    "buurt_code": "buurt",
    "wijk_code": "wijk",
    "themes": "thema's",
    "reason": "reden",
    "meeting": "overleg",
    "partners": "partners",
    "status": "status",
    "action": "afgesproken actie",
    "owner": "eigenaar",
    "deadline": "deadline",
    "outcome": "uitkomst",
    "rejection_reason": "reden van afwijzing",
}

_MAX_LENGTH = {
    "candidate_id": 100,
    "title": 200,
    "adres": 200,
    "buurt_code": 16,
    "wijk_code": 16,
    "themes": 300,
    "reason": 4000,
    "meeting": 100,
    "partners": 300,
    "action": 4000,
    "owner": 200,
    "outcome": 4000,
    "rejection_reason": 4000,
    "status": 20,
    "actor": 128,
    "origin": 128,
}
_LIST_FIELDS = ("themes", "partners")
_TEXT_FIELDS = ("title", "reason", "meeting", "action", "owner", "outcome", "rejection_reason")

# PostgreSQL transaction-level advisory lock that serialises adds, so two coordinators adding
# the same candidate at the same moment cannot both pass the "already on the list" check
# (on SQLite BEGIN IMMEDIATE already serialises writers).
_PG_ADD_LOCK = 0x00A0_D172

LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")

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
    "themes",
    "reason",
    "meeting",
    "partners",
    "status",
    "action",
    "owner",
    "deadline",
    "outcome",
    "rejection_reason",
    "version",
    "created_by",
    "created_at",
    "updated_at",
]
HISTORY_COLUMNS = ["version", "changed_by", "changed_at", "kind", "changes", "summary"]


class ShortlistError(ValueError):
    """A shortlist change is refused; the message is Dutch and safe to show."""


class ConflictError(ShortlistError):
    """The item was changed by someone else since the version the caller saw."""

    def __init__(self, who: str, when: datetime, version: int) -> None:
        self.who = who
        self.when = when
        self.version = version
        super().__init__(
            f"Dit item is intussen gewijzigd door {who} om {format_time(when)}; "
            "laad opnieuw en probeer het nog eens."
        )


def format_time(value: datetime) -> str:
    """Format an instant as Dutch local time: ``'14-10-2025 09:05'``."""
    return _utc(value).astimezone(LOCAL_TIMEZONE).strftime("%d-%m-%Y %H:%M")


# --- status rules ----------------------------------------------------------------------------


def allowed_next(status: str) -> tuple[str, ...]:
    """Return the statuses an item in ``status`` may move to (for a select box), in chain order.

    >>> allowed_next("besproken")
    ('ingepland', 'uitgevoerd', 'afgewezen')
    >>> allowed_next("afgesloten")
    ()
    """
    if status in FINAL_STATUSES or status not in STATUSES:
        return ()
    later = _CHAIN[_CHAIN.index(status) + 1 :]
    return tuple(s for s in later if s != "afgesloten" or status == "uitgevoerd") + ("afgewezen",)


def check_transition(old: str, new: str) -> None:
    """Raise ShortlistError unless an item may move from ``old`` to ``new``."""
    if new not in STATUSES:
        raise ShortlistError(f"Onbekende status '{new}'; kies uit: {', '.join(STATUSES)}.")
    if old == new:
        return
    if old in FINAL_STATUSES:
        raise ShortlistError(f"Dit item is {old} en kan niet meer gewijzigd worden.")
    if new == "afgesloten" and old != "uitgevoerd":
        raise ShortlistError(
            f"Alleen een uitgevoerd item kan worden afgesloten (nu '{old}'); "
            "wijs het anders af met een reden."
        )
    if new != "afgewezen" and _CHAIN.index(new) < _CHAIN.index(old):
        raise ShortlistError(f"De status kan niet terug van '{old}' naar '{new}'.")


def _check_result(row: dict[str, Any]) -> None:
    """Rules on the item as it would be after a change."""
    status = row["status"]
    if status == "afgewezen" and not row["rejection_reason"]:
        raise ShortlistError("Geef een reden op om dit item af te wijzen.")
    if status != "afgewezen" and row["rejection_reason"]:
        raise ShortlistError("Een reden van afwijzing hoort alleen bij de status 'afgewezen'.")
    if status == "afgesloten" and not row["outcome"]:
        raise ShortlistError("Vul de uitkomst in voordat het item wordt afgesloten.")


# --- validation ------------------------------------------------------------------------------


def _text(field: str, value: Any, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ShortlistError(f"Het veld '{FIELD_LABELS.get(field, field)}' moet tekst zijn.")
    value = value.strip()
    if required and not value:
        raise ShortlistError(f"Het veld '{FIELD_LABELS.get(field, field)}' is verplicht.")
    limit = _MAX_LENGTH[field]
    if len(value) > limit:
        raise ShortlistError(
            f"Het veld '{FIELD_LABELS.get(field, field)}' is te lang "
            f"({len(value)} tekens; maximaal {limit})."
        )
    return value


def _missing(value: Any) -> bool:
    """None, or the NaN pandas puts in an empty cell."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _optional_text(field: str, value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and field == "candidate_id":
        value = str(value)
    return _text(field, value) or None


def _joined(field: str, values: Any) -> str:
    if values is None:
        values = []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ShortlistError(f"Het veld '{FIELD_LABELS[field]}' moet een lijst zijn.")
    seen: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise ShortlistError(f"Het veld '{FIELD_LABELS[field]}' moet een lijst van tekst zijn.")
        value = value.strip()
        if ";" in value:
            raise ShortlistError(f"Een waarde in '{FIELD_LABELS[field]}' mag geen ';' bevatten.")
        if value and value not in seen:
            seen.append(value)
    return _text(field, ";".join(seen))


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part]


def _coordinate(field: str, value: Any) -> float | None:
    if _missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ShortlistError(f"De coördinaat '{field}' is geen getal.") from None
    if not math.isfinite(number):
        raise ShortlistError(f"De coördinaat '{field}' is geen getal.")
    return number


def _deadline(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ShortlistError("De deadline moet een datum zijn.")


def _status(value: Any) -> str:
    status = _text("status", value, required=True).lower() if isinstance(value, str) else value
    if status not in STATUSES:
        raise ShortlistError(f"Onbekende status '{value}'; kies uit: {', '.join(STATUSES)}.")
    return status


def _normalise(field: str, value: Any) -> Any:
    """``value`` as stored in the column ``field``; ShortlistError when invalid."""
    if field in _LIST_FIELDS:
        return _joined(field, value)
    if field == "title":
        return _text(field, value, required=True)
    if field in _TEXT_FIELDS:
        return _text(field, value)
    if field == "status":
        return _status(value)
    if field == "deadline":
        return _deadline(value)
    raise ShortlistError(f"Het veld '{field}' kan niet gewijzigd worden.")


def _who(actor: Any, origin: Any) -> tuple[str, str]:
    return _text("actor", actor, required=True), _text("origin", origin, required=True)


# --- reading ---------------------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    """SQLite returns stored UTC without a zone, PostgreSQL in the session's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _item(row: Any) -> dict[str, Any]:
    item = dict(row._mapping)
    for field in _LIST_FIELDS:
        item[field] = _split(item[field])
    item["created_at"] = _utc(item["created_at"])
    item["updated_at"] = _utc(item["updated_at"])
    return item


def _fetch_row(conn: Connection, item_id: int, *, lock: bool = False) -> Any:
    query = select(shortlist).where(shortlist.c.id == item_id)
    if lock:
        query = query.with_for_update()  # PostgreSQL; SQLite already holds the write lock
    return conn.execute(query).first()


def _not_found(item_id: Any) -> ShortlistError:
    return ShortlistError(f"Shortlist-item {item_id} bestaat niet.")


def _item_id(item_id: Any) -> int:
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise _not_found(item_id)
    return item_id


def get_item(engine: Engine, item_id: int) -> dict[str, Any]:
    """One item as a dict (themes and partners as lists); ShortlistError when unknown."""
    item_id = _item_id(item_id)
    with engine.connect() as conn:
        row = _fetch_row(conn, item_id)
    if row is None:
        raise _not_found(item_id)
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


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(leeg)"
    if isinstance(value, list):
        value = ", ".join(value)
    value = str(value)
    return value if len(value) <= 60 else value[:59] + "…"


def _summary(kind: str, changes: dict[str, list[Any]]) -> str:
    if kind == "aangemaakt":
        return "aangemaakt"
    return "; ".join(
        f"{FIELD_LABELS.get(field, field)}: {_shown(old)} → {_shown(new)}"
        for field, (old, new) in changes.items()
    )


def history(engine: Engine, item_id: int) -> pd.DataFrame:
    """Every version of an item, oldest first.

    Columns: ``version``, ``changed_by``, ``changed_at`` (aware UTC), ``kind`` ("aangemaakt" or
    "gewijzigd"), ``changes`` ({field: [old, new]}, dates as ISO text) and ``summary`` (Dutch,
    for the screen).
    """
    item_id = _item_id(item_id)
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
                    "changed_at": _utc(row.changed_at),
                    "kind": kind,
                    "changes": changes,
                    "summary": _summary(kind, changes),
                }
            )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


# --- writing ---------------------------------------------------------------------------------


def _json_value(field: str, value: Any) -> Any:
    if field in _LIST_FIELDS:
        return _split(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


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
            f: [_json_value(f, old), _json_value(f, new)] for f, (old, new) in changes.items()
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
    actor, origin = _who(actor, origin)
    values = {
        "candidate_id": _optional_text("candidate_id", candidate_id),
        "title": _normalise("title", title),
        "adres": _optional_text("adres", adres),
        "x": _coordinate("x", x),
        "y": _coordinate("y", y),
        "buurt_code": _optional_text("buurt_code", buurt_code),
        "wijk_code": _optional_text("wijk_code", wijk_code),
        "themes": _normalise("themes", themes),
        "reason": _normalise("reason", reason),
        "meeting": _normalise("meeting", meeting),
        "partners": _normalise("partners", partners),
    }
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
        item_id = conn.execute(
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
        ).inserted_primary_key[0]
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
    return row.changed_by, _utc(row.changed_at), row.version


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
    item_id = _item_id(item_id)
    actor, origin = _who(actor, origin)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ShortlistError("De versie moet een geheel getal zijn.")
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ShortlistError(
            "Deze velden kunnen niet gewijzigd worden: "
            + ", ".join(FIELD_LABELS.get(f, f) for f in unknown)
            + "."
        )
    wanted = {field: _normalise(field, value) for field, value in changes.items()}
    now = datetime.now(UTC)
    conflict: tuple[str, datetime, int] | None = None
    with writing(engine) as conn:
        current = _fetch_row(conn, item_id, lock=True)
        if current is None:
            raise _not_found(item_id)
        if current.version != expected_version:
            conflict = _last_change(conn, item_id)
        else:
            old = dict(current._mapping)
            diff = {f: (old[f], v) for f, v in wanted.items() if old[f] != v}
            if not diff:
                return _item(current)
            if old["status"] in FINAL_STATUSES:
                raise ShortlistError(
                    f"Dit item is {old['status']} en kan niet meer gewijzigd worden."
                )
            if "status" in diff:
                check_transition(old["status"], wanted["status"])
            _check_result({**old, **wanted})
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
