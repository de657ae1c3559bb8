"""Append-only, hash-chained audit log (A6) on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from oovgeo.store import audit, schema
from oovgeo.store.backup import backup, restore
from oovgeo.store.db import make_engine, writing

log = schema.audit_log


def _record(engine, n, start=0):
    for i in range(start, start + n):
        with writing(engine) as conn:
            audit.record(
                conn,
                actor=f"user{i}",
                action="export",
                obj=f"signalen:{i}",
                origin="127.0.0.1",
                detail={"rijen": i, "formaat": "csv", "ä": "ü"},
            )


def _ids(engine):
    with engine.connect() as conn:
        return conn.execute(select(log.c.id).order_by(log.c.id)).scalars().all()


def _verify(engine):
    with engine.begin() as conn:
        return audit.verify(conn)


def _trigger_names(engine):
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'"
        else:
            sql = (
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass"
                " AND NOT tgisinternal"
            )
        return sorted(conn.exec_driver_sql(sql).scalars())


@contextmanager
def _behind_the_triggers(engine):
    """A direct database connection that works around the triggers (an attacker with access)."""
    if engine.dialect.name == "sqlite":
        con = sqlite3.connect(engine.url.database)
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        try:
            yield lambda sql: con.execute(sql)
            con.commit()
        finally:
            con.close()
    else:
        other = create_engine(engine.url)
        try:
            with other.begin() as conn:
                conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
                yield conn.exec_driver_sql
                conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
        finally:
            other.dispose()


def test_recorded_rows_verify_intact(store):
    engine, _ = store
    with engine.connect() as conn:
        assert audit.verify_report(conn) == {"rows": 0, "intact": True, "first_broken_id": None}
    _record(engine, 5)
    with engine.begin() as conn:
        assert audit.verify(conn) is None
        assert audit.verify_report(conn) == {"rows": 5, "intact": True, "first_broken_id": None}
        first, second = conn.execute(select(log).order_by(log.c.id).limit(2)).mappings().all()
    assert first["prev_hash"] == audit.GENESIS
    assert second["prev_hash"] == first["hash"]


def test_verify_does_not_depend_on_the_session_time_zone(store):
    # PostgreSQL returns timestamptz in the session's zone; the hash was made over UTC.
    engine, _ = store
    _record(engine, 3)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL TIME ZONE 'Europe/Amsterdam'")
            at = conn.execute(select(log.c.at).limit(1)).scalar_one()
            assert at.utcoffset().total_seconds() > 0  # really read back in another zone
        assert audit.verify(conn) is None


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET detail = '{}' WHERE id = {id}",
        "UPDATE audit_log SET actor = 'iemand anders'",
        "DELETE FROM audit_log WHERE id = {id}",
        "DELETE FROM audit_log",
    ],
)
def test_the_application_cannot_update_or_delete(store, sql):
    engine, _ = store
    _record(engine, 3)
    ids = _ids(engine)
    with pytest.raises(DBAPIError, match="append-only"), writing(engine) as conn:
        conn.exec_driver_sql(sql.replace("{id}", str(ids[1])))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(log.update().values(result="fout"))
    assert _ids(engine) == ids
    assert _verify(engine) is None
    _record(engine, 1, start=10)  # appending still works afterwards
    assert _verify(engine) is None


def test_truncate_is_refused_on_postgresql(store):
    engine, _ = store
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _record(engine, 2)
    with pytest.raises(DBAPIError, match="append-only"), writing(engine) as conn:
        conn.exec_driver_sql("TRUNCATE audit_log")
    assert len(_ids(engine)) == 2


def test_install_is_idempotent_and_repairs(store):
    engine, settings = store
    expected = _trigger_names(engine)
    assert len(expected) == 2
    with writing(engine) as conn:
        assert audit.install_append_only(conn) is False  # already in place: no DDL
        assert audit.install_append_only(conn) is False
    make_engine(settings.database_url).dispose()  # a second start changes nothing
    assert _trigger_names(engine) == expected
    with _behind_the_triggers(engine):
        pass  # SQLite: triggers dropped; PostgreSQL: disabled, then enabled again
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # leave them disabled this time
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
    with writing(engine) as conn:
        assert audit.install_append_only(conn) is True
    assert _trigger_names(engine) == expected
    _record(engine, 1)
    with pytest.raises(DBAPIError, match="append-only"), writing(engine) as conn:
        conn.execute(log.delete())


def test_editing_a_row_behind_the_triggers_is_detected(store):
    engine, _ = store
    _record(engine, 5)
    ids = _ids(engine)
    with _behind_the_triggers(engine) as sql:
        sql(f"UPDATE audit_log SET detail = '{{\"rijen\": 0}}' WHERE id = {ids[2]}")
    assert _verify(engine) == ids[2]
    with engine.connect() as conn:
        report = audit.verify_report(conn)
    assert report == {"rows": 5, "intact": False, "first_broken_id": ids[2]}


def test_deleting_a_middle_row_behind_the_triggers_is_detected(store):
    engine, _ = store
    _record(engine, 5)
    ids = _ids(engine)
    with _behind_the_triggers(engine) as sql:
        sql(f"DELETE FROM audit_log WHERE id = {ids[1]}")
    assert _verify(engine) == ids[2]  # the row after the gap no longer links


def test_rewriting_a_hash_alone_is_detected(store):
    engine, _ = store
    _record(engine, 3)
    ids = _ids(engine)
    with _behind_the_triggers(engine) as sql:
        sql(f"UPDATE audit_log SET action = 'login', hash = '{'a' * 64}' WHERE id = {ids[0]}")
    assert _verify(engine) == ids[0]


def test_concurrent_appends_keep_one_chain(store):
    # Two transactions appending at the same time must not both chain onto the same hash.
    engine, _ = store
    _record(engine, 1)
    errors = []

    def second_writer():
        try:
            _record(engine, 1, start=99)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with writing(engine) as conn:
        audit.record(conn, actor="a", action="import", obj="x")
        other = threading.Thread(target=second_writer)
        other.start()
        time.sleep(0.5)  # the other writer now waits for our transaction
    other.join(timeout=30)
    assert not errors
    assert len(_ids(engine)) == 3
    assert _verify(engine) is None


def test_restore_works_with_the_triggers_and_brings_them_back(store, tmp_path):
    engine, _ = store
    _record(engine, 4)
    saved = _ids(engine)
    backup(engine, tmp_path / "b.sqlite")
    _record(engine, 3, start=10)
    assert len(_ids(engine)) == 7
    counts = restore(engine, tmp_path / "b.sqlite")
    assert counts["audit_log"] == 4
    assert _ids(engine) == saved
    assert _verify(engine) is None
    assert len(_trigger_names(engine)) == 2
    with pytest.raises(DBAPIError, match="append-only"), writing(engine) as conn:
        conn.execute(log.update().values(actor="x"))
    with pytest.raises(DBAPIError, match="append-only"), writing(engine) as conn:
        conn.execute(log.delete().where(log.c.id == saved[0]))
    _record(engine, 1, start=20)  # the chain goes on from the restored log
    assert _verify(engine) is None
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(log)).scalar_one() == 5


def test_a_failed_restore_keeps_the_old_log_and_the_triggers(store, tmp_path):
    engine, _ = store
    _record(engine, 2)
    path = tmp_path / "b.sqlite"
    backup(engine, path)
    # a backup whose last table breaks a foreign key: the restore fails after it has dropped
    # the triggers and emptied the tables
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    con.execute("DELETE FROM audit_log")
    con.execute(
        "INSERT INTO shortlist_history (shortlist_id, version, changed_by, changed_at, change)"
        " VALUES (12345, 1, 'x', '2025-01-01 00:00:00', '{}')"
    )
    con.commit()
    con.close()
    with pytest.raises(DBAPIError):
        restore(engine, path)
    assert len(_ids(engine)) == 2
    assert _verify(engine) is None
    assert len(_trigger_names(engine)) == 2
    with pytest.raises(DBAPIError, match="append-only"), writing(engine) as conn:
        conn.execute(log.delete())


def test_suspended_append_only_is_scoped_to_the_transaction(store):
    engine, _ = store
    _record(engine, 2)
    with writing(engine) as conn, audit.suspended_append_only(conn):
        conn.execute(log.delete())
        conn.execute(text("SELECT 1"))
    assert _ids(engine) == []
    assert len(_trigger_names(engine)) == 2


def test_recent_events_are_the_newest_first_and_limited(store):
    engine, _ = store
    _record(engine, 4)
    with engine.connect() as conn:
        rows = audit.recent_events(conn, limit=3)
    assert [r[2] for r in rows] == ["user3", "user2", "user1"]
    assert rows[0][3:] == ("export", "signalen:3", "ok", "127.0.0.1")
