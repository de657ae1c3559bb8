"""Online backup and restore: consistent copies, also while another process writes."""

import sqlite3
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from oovgeo.store import schema
from oovgeo.store.backup import BackupError, backup, restore
from oovgeo.store.db import make_engine, writing


def _fill(engine, n, start=0):
    with writing(engine) as conn:
        conn.execute(
            schema.meta.insert(),
            [{"key": f"k{i}", "value": str(i)} for i in range(start, start + n)],
        )


def _n(engine, table=schema.meta):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_backup_and_restore_round_trip(store, tmp_path):
    engine, _ = store
    _fill(engine, 50)
    counts = backup(engine, tmp_path / "b.sqlite")
    assert counts["meta"] == 51  # the schema version row plus 50
    _fill(engine, 10, start=100)
    assert _n(engine) == 61
    restore(engine, tmp_path / "b.sqlite")
    assert _n(engine) == 51
    _fill(engine, 1, start=500)  # ids and sequences still work after a restore
    assert _n(engine) == 52


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_store, tmp_path):
    engine, _ = sqlite_store
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="back-up"):
        restore(engine, bad)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("create table t(x)").connection.commit()
    with pytest.raises(BackupError, match="geen oovgeo-back-up"):
        restore(engine, other)


def test_a_backup_of_an_older_version_is_upgraded_and_restored_with_everything(store, tmp_path):
    engine, _ = store
    _fill(engine, 5)
    with writing(engine) as conn:
        conn.execute(
            schema.population.insert(),
            [{"code": "GM0622", "year": 2025, "inhabitants": 75_000, "source": "bestand"}],
        )
    backup(engine, tmp_path / "b.sqlite")
    # make it a backup of schema 4: without the tables and columns added since
    old = sqlite3.connect(tmp_path / "b.sqlite")
    for name in ("label_aliases", "context_layers", "context_features"):
        old.execute(f"DROP TABLE IF EXISTS {name}")
    for name in ("signals", "interventions"):
        old.execute(f"ALTER TABLE {name} DROP COLUMN version_date")
    old.execute("UPDATE meta SET value = '4' WHERE key = 'schema'")
    old.commit()
    old.close()
    _fill(engine, 3, start=100)
    counts = restore(engine, tmp_path / "b.sqlite")
    assert counts["population"] == 1 and counts["label_aliases"] == 0
    assert _n(engine) == 6  # the five rows and the schema version; the later three are gone
    assert _n(engine, schema.population) == 1  # inhabitants survive a backup and restore


WRITER = """
import sys, time
from oovgeo.store.db import make_engine, writing
from oovgeo.store import schema
engine = make_engine(sys.argv[1])
i = 0
while True:
    with writing(engine) as conn:
        # each transaction writes a pair; a consistent snapshot never holds half a pair
        conn.execute(schema.meta.insert(), [{"key": f"a{i}", "value": "1"}, {"key": f"b{i}", "value": "1"}])
    print(i, flush=True)
    i += 1
"""


@pytest.mark.slow  # starts a writer subprocess
def test_backup_during_concurrent_writes_is_consistent(sqlite_store, tmp_path):
    engine, settings = sqlite_store
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, settings.database_url], stdout=subprocess.PIPE, text=True
    )
    try:
        writer.stdout.readline()
        for k in range(3):
            counts = backup(engine, tmp_path / f"b{k}.sqlite")
            assert (counts["meta"] - 1) % 2 == 0  # whole pairs only
            con = sqlite3.connect(tmp_path / f"b{k}.sqlite")
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            con.close()
            time.sleep(0.1)
        # restore while the writer keeps writing: the restore wins whole, writes go on after
        restore(engine, tmp_path / "b0.sqlite")
    finally:
        writer.kill()
        writer.wait()
    with engine.connect() as conn:
        keys = conn.execute(select(schema.meta.c.key)).scalars().all()
    pairs = {k[1:] for k in keys if k[0] in "ab"}
    assert all(f"a{p}" in keys and f"b{p}" in keys for p in pairs)
    fresh = make_engine(settings.database_url)
    with fresh.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
