"""Apply an edited agreements matrix to the shortlist, row by row, and audit the import.

The matrix itself (columns, parsing, export) is ``report.matrix``; the rules of the import
(one transaction per row, conflicts by version, a safe retry) are in its module docstring.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from oovgeo.report.matrix import read_matrix, typed_fields, whole_number
from oovgeo.shortlist import ConflictError, ShortlistError
from oovgeo.store import audit
from oovgeo.store.db import Engine, writing
from oovgeo.store.shortlist_repo import list_items, update_item


def _comparable(field: str, item: dict[str, Any]) -> Any:
    value = item[field]
    if field == "deadline":
        return value if isinstance(value, date) else None
    return value or ""


def import_matrix(
    engine: Engine, data: bytes, filename: str, *, actor: str, origin: str
) -> dict[str, Any]:
    """Apply an edited agreements matrix; see ``report.matrix`` for the rules.

    Returns ``{"rows", "updated", "unchanged", "conflicts": [nr, ...],
    "rejected": [(spreadsheet row, Dutch reason), ...]}``. Raises MatrixError or
    ``readers.ReadError`` (both ValueError, Dutch) when the file as a whole cannot be used;
    nothing is changed then.
    """
    rows = read_matrix(data, filename)
    items = {int(r["id"]): r for r in list_items(engine, include_closed=True).to_dict("records")}

    report: dict[str, Any] = {
        "rows": len(rows),
        "updated": 0,
        "unchanged": 0,
        "conflicts": [],
        "rejected": [],
    }
    seen: set[int] = set()
    for number, row in rows:

        def reject(reason: str, number: int = number) -> None:
            report["rejected"].append((number, reason))

        nr_text = row["nr"].strip()
        nr = whole_number(nr_text)
        if nr is None:
            reject(
                "nr ontbreekt; nieuwe items voeg je toe in oovgeo, niet in de matrix"
                if not nr_text
                else f"nr '{nr_text}' is geen nummer"
            )
            continue
        if nr in seen:
            reject(f"nr {nr} staat meer dan eens in de matrix")
            continue
        seen.add(nr)
        item = items.get(nr)
        if item is None:
            reject(f"nr {nr} bestaat niet op de shortlist")
            continue
        version = whole_number(row["versie"])
        if version is None:
            reject(f"versie '{row['versie'].strip()}' is geen nummer")
            continue
        try:
            wanted = typed_fields(row)
        except ValueError as exc:
            reject(str(exc))
            continue
        changes = {f: v for f, v in wanted.items() if _comparable(f, item) != v}
        if not changes:
            report["unchanged"] += 1
            continue
        try:
            result = update_item(
                engine, nr, expected_version=version, actor=actor, origin=origin, **changes
            )
        except ConflictError:
            report["conflicts"].append(nr)
            continue
        except ShortlistError as exc:
            reject(str(exc))
            continue
        if result["version"] == version:
            report["unchanged"] += 1
        else:
            report["updated"] += 1

    problems = bool(report["conflicts"] or report["rejected"])
    with writing(engine) as conn:
        audit.record(
            conn,
            actor=actor,
            action="shortlist_import",
            obj=f"afsprakenmatrix:{filename[-150:]}",
            result="gedeeltelijk" if problems else "ok",
            origin=origin,
            detail={
                "rijen": report["rows"],
                "bijgewerkt": report["updated"],
                "ongewijzigd": report["unchanged"],
                "conflicten": len(report["conflicts"]),
                "geweigerd": len(report["rejected"]),
            },
        )
    return report
