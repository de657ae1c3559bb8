"""The shortlist's rules: statuses, allowed transitions and field validation (journey 2).

Pure: no database. ``oovgeo.store.shortlist_repo`` stores items and their history and calls
these rules inside its write transaction; pages use them to offer only allowed choices.

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

Lists (themes, partners) are stored ';'-joined, like ``interventions.partners``, and returned
as Python lists.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from oovgeo import dutch
from oovgeo.dutch import LOCAL_TIMEZONE

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
LIST_FIELDS = ("themes", "partners")
_TEXT_FIELDS = ("title", "reason", "meeting", "action", "owner", "outcome", "rejection_reason")


class ShortlistError(ValueError):
    """A shortlist change is refused; the message is Dutch and safe to show."""


class ConflictError(ShortlistError):
    """The item was changed by someone else since the version the caller saw."""

    def __init__(self, who: str, when: datetime, version: int) -> None:
        self.who = who
        self.when = when
        self.version = version
        local = as_utc(when).astimezone(LOCAL_TIMEZONE)
        super().__init__(
            f"Dit item is intussen gewijzigd door {who} om {dutch.minute(local)}; "
            "laad opnieuw en probeer het nog eens."
        )


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


def check_change(old: dict[str, Any], wanted: dict[str, Any]) -> None:
    """Raise ShortlistError unless the stored item ``old`` may take the ``wanted`` values.

    ``wanted`` holds normalised values (:func:`normalised_changes`), some differing from
    ``old``.
    """
    if old["status"] in FINAL_STATUSES:
        raise ShortlistError(f"Dit item is {old['status']} en kan niet meer gewijzigd worden.")
    if "status" in wanted:
        check_transition(old["status"], wanted["status"])
    _check_result({**old, **wanted})


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


def new_item_values(
    *,
    candidate_id: str | int | None,
    title: str,
    adres: str | None,
    x: float | None,
    y: float | None,
    buurt_code: str | None,
    wijk_code: str | None,
    themes: Any,
    reason: str,
    meeting: str,
    partners: Any,
) -> dict[str, Any]:
    """Return the column values of a new item as stored; ShortlistError when invalid."""
    return {
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


def normalised_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Return ``changes`` as stored; ShortlistError for a field outside ``EDITABLE_FIELDS``."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ShortlistError(
            "Deze velden kunnen niet gewijzigd worden: "
            + ", ".join(FIELD_LABELS.get(f, f) for f in unknown)
            + "."
        )
    return {field: _normalise(field, value) for field, value in changes.items()}


def actor_and_origin(actor: Any, origin: Any) -> tuple[str, str]:
    """Return who changes an item and from where, stripped; ShortlistError when missing."""
    return _text("actor", actor, required=True), _text("origin", origin, required=True)


def checked_id(value: Any) -> int:
    """Return ``value`` as an item number; ShortlistError (not found) when it is no integer."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise not_found(value)
    return value


def check_version(value: Any) -> int:
    """Return the version the caller saw; ShortlistError when it is no integer."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ShortlistError("De versie moet een geheel getal zijn.")
    return value


def not_found(value: Any) -> ShortlistError:
    """Return the error for an item that does not exist."""
    return ShortlistError(f"Shortlist-item {value} bestaat niet.")


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
    if field in LIST_FIELDS:
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


# --- stored form -----------------------------------------------------------------------------


def split_list(value: str | None) -> list[str]:
    """Return a ';'-joined stored list as a Python list."""
    return [part for part in (value or "").split(";") if part]


def as_utc(value: datetime | None) -> datetime | None:
    """Return an instant as aware UTC (SQLite returns stored UTC without a zone)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def history_value(field: str, value: Any) -> Any:
    """Return a stored value as it goes into the JSON of the history (lists, ISO dates)."""
    if field in LIST_FIELDS:
        return split_list(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(leeg)"
    if isinstance(value, list):
        value = ", ".join(value)
    value = str(value)
    return value if len(value) <= 60 else value[:59] + "…"


def summary(kind: str, changes: dict[str, list[Any]]) -> str:
    """Return the Dutch one-line summary of one history step, for the screen."""
    if kind == "aangemaakt":
        return "aangemaakt"
    return "; ".join(
        f"{FIELD_LABELS.get(field, field)}: {_shown(old)} → {_shown(new)}"
        for field, (old, new) in changes.items()
    )
