"""Retention (P2): expired records are purged in one transaction, audited and compacted."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from oovgeo.store import audit, retention, schema
from oovgeo.store.db import writing

TODAY = date(2025, 6, 15)
BEFORE, ON, AFTER = TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1)


def _batch(conn) -> int:
    return conn.execute(
        schema.import_batches.insert().values(
            kind="signals",
            filename="meldingen.csv",
            file_sha256="0" * 64,
            profile="test",
            imported_at=datetime(2020, 1, 1, tzinfo=UTC),
            imported_by="beheer",
            rows_in=0,
            inserted=0,
            updated=0,
            rejected=0,
            duplicates=0,
            report="{}",
        )
    ).inserted_primary_key[0]


def _placed(i: int, keep: date, batch: int) -> dict:
    return {
        "source_system": "test",
        "source_id": f"r{i}",
        "datum": date(2020, 1, 1),
        "thema": "drugs",
        "placement": "punt",
        "x": 85_000.0 + i,
        "y": 435_000.0,
        "adres": f"Straat {i}",
        "batch_id": batch,
        "row_hash": f"{i:064d}",
        "keep_until": keep,
    }


def _fill(engine, plan: dict[str, list[date]]) -> None:
    """Insert rows per table with the given keep-until dates."""
    with writing(engine) as conn:
        batch = _batch(conn)
        rows = [_placed(i, k, batch) | {"bron": "melding"} for i, k in enumerate(plan["signals"])]
        if rows:
            conn.execute(schema.signals.insert(), rows)
        rows = [
            _placed(i, k, batch) | {"uitkomst": "ok"} for i, k in enumerate(plan["interventions"])
        ]
        if rows:
            conn.execute(schema.interventions.insert(), rows)
        rows = [
            {
                "batch_id": batch,
                "kind": "signals",
                "row_number": i + 2,
                "reasons": "[]",
                "row_data": json.dumps({"adres": f"Straat {i}"}),
                "keep_until": k,
            }
            for i, k in enumerate(plan["quarantine"])
        ]
        if rows:
            conn.execute(schema.quarantine.insert(), rows)


def _keeps(engine, table) -> list[date]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(table.c.keep_until)).scalars())


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _purge_rows(engine) -> list[dict]:
    log = schema.audit_log
    with engine.connect() as conn:
        return conn.execute(select(log).where(log.c.action == "purge")).mappings().all()


def test_purge_deletes_exactly_the_expired_records(store):
    engine, _ = store
    _fill(
        engine,
        {
            "signals": [BEFORE, BEFORE, ON, AFTER, date(2019, 1, 1)],
            "interventions": [BEFORE, ON, AFTER],
            "quarantine": [BEFORE, ON, AFTER, AFTER],
        },
    )
    with engine.connect() as conn:
        expected = retention.expired_counts(conn, TODAY)
    assert expected == {"quarantine": 1, "signals": 3, "interventions": 1}

    counts = retention.purge(engine, TODAY, actor="beheerder1", origin="127.0.0.1")

    assert counts == expected
    assert _keeps(engine, schema.signals) == [ON, AFTER]  # keep_until == today: still kept
    assert _keeps(engine, schema.interventions) == [ON, AFTER]
    assert _keeps(engine, schema.quarantine) == [ON, AFTER, AFTER]
    assert _count(engine, schema.import_batches) == 1  # batches stay
    with engine.connect() as conn:
        assert retention.expired_counts(conn, TODAY) == {
            "quarantine": 0,
            "signals": 0,
            "interventions": 0,
        }
        assert audit.verify_report(conn) == {"rows": 1, "intact": True, "first_broken_id": None}
    (row,) = _purge_rows(engine)
    assert (row["actor"], row["origin"], row["result"]) == ("beheerder1", "127.0.0.1", "ok")
    assert json.loads(row["detail"]) == {"peildatum": "2025-06-15", "verwijderd": counts}
    assert "Straat" not in row["detail"] and "drugs" not in row["detail"]

    # A second purge on the same day finds nothing, and is logged too.
    again = retention.purge(engine, TODAY)
    assert again == {"quarantine": 0, "signals": 0, "interventions": 0}
    assert len(_purge_rows(engine)) == 2
    with engine.connect() as conn:
        assert audit.verify(conn) is None

    # The next day the records kept "until today" expire.
    assert retention.purge(engine, AFTER) == {"quarantine": 1, "signals": 1, "interventions": 1}
    assert _keeps(engine, schema.signals) == [AFTER]


def test_purge_on_an_empty_store(store):
    engine, _ = store
    assert retention.purge(engine, TODAY) == {"quarantine": 0, "signals": 0, "interventions": 0}
    with engine.connect() as conn:
        assert audit.verify(conn) is None


def test_purge_is_all_or_nothing(store, monkeypatch):
    engine, _ = store
    _fill(engine, {"signals": [BEFORE, AFTER], "interventions": [BEFORE], "quarantine": [BEFORE]})

    def failing_record(*_args, **_kwargs):
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(retention.audit, "record", failing_record)
    with pytest.raises(RuntimeError, match="audit write failed"):
        retention.purge(engine, TODAY)
    assert _count(engine, schema.signals) == 2
    assert _count(engine, schema.interventions) == 1
    assert _count(engine, schema.quarantine) == 1


def test_a_failed_compaction_is_reported_after_the_purge_committed(store, monkeypatch):
    engine, _ = store
    _fill(engine, {"signals": [BEFORE, AFTER], "interventions": [], "quarantine": []})

    def failing_compact(_engine):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(retention, "compact", failing_compact)
    with pytest.raises(retention.RetentionError, match="1 verlopen records zijn verwijderd") as err:
        retention.purge(engine, TODAY)
    assert err.value.counts == {"quarantine": 0, "signals": 1, "interventions": 0}
    assert _keeps(engine, schema.signals) == [AFTER]


def _file_size(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


def test_sqlite_file_shrinks_after_purge(sqlite_store):
    engine, _ = sqlite_store
    n = 3000
    _fill(
        engine,
        {
            "signals": [BEFORE] * (2 * n // 3) + [AFTER] * (n // 3),
            "interventions": [BEFORE] * (n // 3),
            "quarantine": [BEFORE] * (n // 3) + [ON] * 10,
        },
    )
    path = engine.url.database
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = _file_size(path)
    with open(path, "rb") as fh:
        assert b"Straat 5" in fh.read()  # the search below would find them

    counts = retention.purge(engine, TODAY)

    assert counts == {"quarantine": n // 3, "signals": 2 * n // 3, "interventions": n // 3}
    after = _file_size(path)
    assert after <= before
    assert after < before * 0.8  # measurably smaller, not just "not grown"
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA freelist_count").fetchone()[0] == 0  # VACUUM ran
        assert con.execute("SELECT count(*) FROM signals").fetchone()[0] == n // 3
    finally:
        con.close()
    # The deleted addresses (all "Straat 5..." rows are expired) are in neither file any more
    # (VACUUM rewrites the file; secure_delete also zeroes the deleted cells).
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            with open(name, "rb") as fh:
                assert b"Straat 5" not in fh.read()


def test_postgres_purge_runs_vacuum_outside_a_transaction(store):
    engine, _ = store
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    _fill(engine, {"signals": [BEFORE] * 50, "interventions": [], "quarantine": []})
    retention.purge(engine, TODAY)  # VACUUM inside a transaction block would raise
    with engine.connect() as conn:
        vacuumed = conn.exec_driver_sql(
            "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'signals'"
        ).scalar()
    assert vacuumed is True
