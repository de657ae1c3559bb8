"""What to do with the valid rows of a file: row hashes, inserts, updates, duplicates.

Pure: the stored records to compare with are passed in by the caller.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd

from oovgeo.ingest.readers import RawTable
from oovgeo.ingest.rules import Rejection

_HASHED = {
    "signals": [
        "source_id",
        "datum",
        "thema",
        "bron",
        "x",
        "y",
        "source_area_code",
        "adres",
        "postcode",
        "huisnummer",
        "dossiernummer",
        "anoniem",
    ],
    # (version_date is not hashed: a newer export with the same content is a duplicate)
    "interventions": [
        "source_id",
        "datum",
        "thema",
        "x",
        "y",
        "source_area_code",
        "adres",
        "partners",
        "uitkomst",
        "maatregel",
    ],
}


def row_hashes(frame: pd.DataFrame, kind: str) -> pd.Series:
    """Return a hash per row of the hashed columns for this kind."""
    # the shortlist link counts only where the file has it, so older hashes stay valid
    columns = _HASHED[kind] + [c for c in ("shortlist_id",) if c in frame]
    text = frame[columns].astype(str)
    return pd.util.hash_pandas_object(text, index=False).map(lambda h: f"{h:016x}")


@dataclass
class Plan:
    """What to do with the valid rows of one file."""

    inserts: pd.DataFrame
    updates: pd.DataFrame  # with column _id, the stored record to update
    duplicates: int
    conflicts: pd.DataFrame  # same id as an earlier row of this file, other content
    older: pd.DataFrame  # changed, but older than the stored version: nothing is changed


def plan_rows(good: pd.DataFrame, existing: pd.DataFrame) -> Plan:
    """Classify valid rows against each other and against the stored records of the system.

    ``existing`` has ``_id, source_id, row_hash_stored, version_date_stored``. Versions only
    move forward: a changed row whose ``version_date`` is before the stored one is ``older``.
    """
    same_as_earlier = good.duplicated(["source_id", "row_hash"])
    repeated_id = good.duplicated("source_id")
    conflicts = good[repeated_id & ~same_as_earlier]
    firsts = good[~repeated_id]
    merged = firsts.merge(existing, on="source_id", how="left", suffixes=("", "_stored"))
    merged.index = firsts.index
    new = merged["_id"].isna()
    unchanged = ~new & (merged["row_hash"] == merged["row_hash_stored"])
    stored = pd.to_datetime(merged["version_date_stored"])
    older = ~new & ~unchanged & stored.notna() & (pd.to_datetime(merged["version_date"]) < stored)
    changed = ~new & ~unchanged & ~older
    return Plan(
        inserts=firsts[new.to_numpy()],
        updates=merged[changed.to_numpy()].drop(columns=["row_hash_stored", "version_date_stored"]),
        duplicates=int(same_as_earlier.sum() + unchanged.sum()),
        conflicts=conflicts,
        older=firsts[older.to_numpy()],
    )


def quarantine_rows(
    table: RawTable,
    found: dict[str, int],
    rejections: list[Rejection],
    *,
    batch_id: int,
    kind: str,
    keep_until: date,
) -> list[dict]:
    """Each rejected row once, with all its reasons, as rows of the quarantine table."""
    by_row: dict[int, list[Rejection]] = {}
    for r in rejections:
        by_row.setdefault(r.row, []).append(r)
    position = {n: i for i, n in enumerate(table.row_numbers)}
    allowed = sorted(set(found.values()))  # only allow-listed columns are ever kept (P1)
    rows = []
    for row_number, reasons in by_row.items():
        cells = table.rows[position[row_number]]
        row_data = {table.columns[i]: (cells[i] if i < len(cells) else "") for i in allowed}
        rows.append(
            {
                "batch_id": batch_id,
                "kind": kind,
                "row_number": row_number,
                "reasons": json.dumps([asdict(r) for r in reasons], ensure_ascii=False),
                "row_data": json.dumps(row_data, ensure_ascii=False),
                "keep_until": keep_until,
            }
        )
    return rows
