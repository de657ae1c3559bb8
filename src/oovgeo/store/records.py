"""Queries and bulk changes on stored signals and interventions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from oovgeo.access import Identity, require
from oovgeo.ingest.placement import AreaIndex
from oovgeo.store import schema

CHUNK = 10_000
KIND_TABLES = {"signals": schema.signals, "interventions": schema.interventions}


def table_for(kind: str):
    """Return the table that holds records of ``kind`` ('signals' or 'interventions')."""
    return KIND_TABLES[kind]


def count_records(conn: Connection, kind: str) -> int:
    """Return the number of stored records of ``kind``."""
    return conn.execute(select(func.count()).select_from(table_for(kind))).scalar_one()


def seed_record_keys(conn: Connection, seed: int) -> None:
    """Give every stored record a record key drawn from ``seed`` instead of the OS (demo only).

    The demo is synthetic and rebuilt from a published seed; seeded keys make its protected
    figures the same on every machine, so tests and screenshots of protected views are
    reproducible. Real imports keep the unpredictable keys of ``schema.new_record_key``.
    """
    rng = np.random.default_rng([seed, 4])  # 4: the schema version that brought record keys
    for tbl in (schema.signals, schema.interventions):
        ids = conn.execute(select(tbl.c.id).order_by(tbl.c.id)).scalars().all()
        keys = rng.random(len(ids))
        update = tbl.update().where(tbl.c.id == bindparam("_id"))
        update = update.values({tbl.c[schema.RECORD_KEY]: bindparam("_k")})
        for start in range(0, len(ids), CHUNK):
            chunk = zip(ids[start : start + CHUNK], keys[start : start + CHUNK], strict=True)
            conn.execute(update, [{"_id": i, "_k": float(k)} for i, k in chunk])


def replace_all(conn: Connection, index: AreaIndex, edition: int, tolerance_m: float) -> dict:
    """Place every stored record again in the areas of ``edition``.

    Point records are placed by their coordinates; area-only records keep their area when
    its code exists in the new edition. A record that no longer fits is kept, with
    placement 'geen' and no codes, never deleted. Returns counts per kind and placement.
    """
    counts: dict[str, dict[str, int]] = {}
    for kind, tbl in KIND_TABLES.items():
        rows = pd.DataFrame(
            conn.execute(
                select(tbl.c.id, tbl.c.x, tbl.c.y, tbl.c.placement, tbl.c.source_area_code)
            ).all(),
            columns=["id", "x", "y", "placement", "source_area_code"],
        )
        if rows.empty:
            counts[kind] = {}
            continue
        n = len(rows)
        buurt = np.full(n, None, dtype=object)
        wijk = np.full(n, None, dtype=object)
        gemeente = np.full(n, None, dtype=object)
        how = np.full(n, "geen", dtype=object)
        has_xy = rows["x"].notna().to_numpy()
        if has_xy.any():
            placed = index.place(
                rows.loc[has_xy, "x"].to_numpy(), rows.loc[has_xy, "y"].to_numpy(), tolerance_m
            )
            pos = np.flatnonzero(has_xy)
            buurt[pos], wijk[pos], gemeente[pos] = (
                placed.buurt_code,
                placed.wijk_code,
                placed.gemeente_code,
            )
            old = rows["placement"].to_numpy()[pos]
            how[pos] = np.where(
                placed.how == "", "geen", np.where(old == "geocode", "geocode", placed.how)
            )
        for i in np.flatnonzero(~has_xy):
            found = index.by_code(rows.at[i, "source_area_code"] or "")
            if found is not None:
                buurt[i], wijk[i], gemeente[i] = found
                how[i] = "gebied"
        updates = [
            {"_id": int(rid), "b": b, "w": w, "g": g, "p": p, "e": edition}
            for rid, b, w, g, p in zip(rows["id"], buurt, wijk, gemeente, how, strict=True)
        ]
        stmt = (
            tbl.update()
            .where(tbl.c.id == bindparam("_id"))
            .values(
                buurt_code=bindparam("b"),
                wijk_code=bindparam("w"),
                gemeente_code=bindparam("g"),
                placement=bindparam("p"),
                edition=bindparam("e"),
            )
        )
        for start in range(0, n, CHUNK):
            conn.execute(stmt, updates[start : start + CHUNK])
        counts[kind] = dict(pd.Series(how).value_counts().astype(int))
    return counts


def status(conn: Connection) -> dict:
    """Return counts per source and theme, placement, records outside, last import."""
    out: dict = {}
    for kind, tbl in KIND_TABLES.items():
        total = conn.execute(select(func.count()).select_from(tbl)).scalar_one()
        per_theme: dict[str, int] = dict(
            conn.execute(select(tbl.c.thema, func.count()).group_by(tbl.c.thema)).all()
        )
        per_placement: dict[str, int] = dict(
            conn.execute(select(tbl.c.placement, func.count()).group_by(tbl.c.placement)).all()
        )
        span = conn.execute(select(func.min(tbl.c.datum), func.max(tbl.c.datum))).one()
        entry = {
            "totaal": total,
            "per_thema": per_theme,
            "per_plaatsing": per_placement,
            "buiten_indeling": per_placement.get("geen", 0),
            "van": span[0].isoformat() if span[0] else None,
            "tot": span[1].isoformat() if span[1] else None,
        }
        if kind == "signals":
            entry["per_bron"] = dict(
                conn.execute(select(tbl.c.bron, func.count()).group_by(tbl.c.bron)).all()
            )
        out[kind] = entry
    b = schema.import_batches
    last = conn.execute(select(b).order_by(b.c.id.desc()).limit(1)).mappings().first()
    out["laatste_import"] = (
        None
        if last is None
        else {
            "batch": last["id"],
            "soort": last["kind"],
            "bestand": last["filename"],
            "op": last["imported_at"].isoformat(),
            "door": last["imported_by"],
            "rijen": last["rows_in"],
            "afgewezen": last["rejected"],
        }
    )
    out["quarantaine"] = conn.execute(
        select(func.count()).select_from(schema.quarantine)
    ).scalar_one()
    return out


def quarantine_frame(
    conn: Connection,
    identity: Identity,
    kind: str | None = None,
    batch_id: int | None = None,
) -> pd.DataFrame:
    """Rejected rows as they were in the file (allow-listed columns), with row and reasons.

    The columns keep the export's own headers, so the file can be fixed and imported again
    with the same profile; the added columns ``rij`` and ``reden`` are ignored on re-import.
    """
    require(identity, "export_quarantine")  # rejected rows hold locations and addresses
    q = schema.quarantine
    query = select(q).order_by(q.c.batch_id, q.c.row_number)
    if kind:
        query = query.where(q.c.kind == kind)
    if batch_id is not None:
        query = query.where(q.c.batch_id == batch_id)
    records = []
    for row in conn.execute(query).mappings():
        reasons = json.loads(row["reasons"])
        text = "; ".join(f"{r['field']}: {r['message']}" for r in reasons)
        records.append(
            {
                "batch": row["batch_id"],
                "rij": row["row_number"],
                "reden": text,
                **json.loads(row["row_data"]),
            }
        )
    return pd.DataFrame(records)


POINT_COLUMNS = [
    "source_id",
    "datum",
    "thema",
    "bron",
    "x",
    "y",
    "adres",
    "postcode",
    "huisnummer",
    "dossiernummer",
    "buurt_code",
    "wijk_code",
]


def signal_points(
    conn: Connection, identity: Identity, start, end, themes=(), sources=()
) -> pd.DataFrame:
    """Return signal rows with location and case number (no narrative: none is stored).

    Only for roles that may see point data; everyone else gets ``AccessDenied`` whatever
    page asks (A4).
    """
    require(identity, "view_points")
    tbl = schema.signals
    query = select(*[tbl.c[c] for c in POINT_COLUMNS]).where(
        tbl.c.datum >= start, tbl.c.datum <= end
    )
    if themes:
        query = query.where(tbl.c.thema.in_(themes))
    if sources:
        query = query.where(tbl.c.bron.in_(sources))
    return _frame(conn.execute(query).all(), POINT_COLUMNS)


def intervention_points(conn: Connection, identity: Identity, start, end) -> pd.DataFrame:
    """Interventions with location, for roles that may see point data."""
    require(identity, "view_points")
    tbl = schema.interventions
    columns = [
        "source_system",
        "source_id",
        "version",
        "datum",
        "thema",
        "x",
        "y",
        "adres",
        "partners",
        "uitkomst",
        "maatregel",
        "buurt_code",
        "wijk_code",
        "shortlist_id",
    ]
    query = select(*[tbl.c[c] for c in columns]).where(tbl.c.datum >= start, tbl.c.datum <= end)
    return _frame(conn.execute(query).all(), columns)


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    """Return rows as a frame, built column by column.

    Pandas inspects every Row object when given the rows themselves, which took 60% of
    reading 200,000 signals.
    """
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)))
