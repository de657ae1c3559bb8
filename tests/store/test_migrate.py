"""Schema upgrades: a database of an older version opens with its data intact."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, inspect, select

from oovgeo.store import schema
from oovgeo.store.backup import backup, restore
from oovgeo.store.db import get_meta, make_engine, schema_version, set_meta, writing
from oovgeo.store.migrate import SchemaTooNewError


def _one_intervention(engine) -> None:
    with writing(engine) as conn:
        batch = conn.execute(
            schema.import_batches.insert().values(
                kind="interventions",
                filename="oud.csv",
                file_sha256="0" * 64,
                profile="generiek",
                imported_at=datetime.now(UTC),
                imported_by="test",
                rows_in=1,
                inserted=1,
                updated=0,
                rejected=0,
                duplicates=0,
                report="{}",
            )
        ).inserted_primary_key[0]
        conn.execute(
            schema.interventions.insert().values(
                source_system="generiek",
                source_id="INT-1",
                datum=date(2025, 3, 1),
                thema="ondermijning",
                placement="gebied",
                batch_id=batch,
                row_hash="h",
                keep_until=date(2030, 3, 1),
            )
        )


def _as_version_1(engine) -> None:
    """Undo schema 2 by hand: what a database made by the first release looks like."""
    with writing(engine) as conn:
        conn.exec_driver_sql("DROP INDEX ix_interventions_shortlist")
        conn.exec_driver_sql("ALTER TABLE interventions DROP COLUMN shortlist_id")
        set_meta(conn, "schema", "1")


def _columns(engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_an_old_database_is_upgraded_and_keeps_its_rows(store):
    engine, _ = store
    _one_intervention(engine)
    _as_version_1(engine)
    assert "shortlist_id" not in _columns(engine, "interventions")

    upgraded = make_engine(_url(engine))
    assert schema_version(upgraded) == schema.SCHEMA_VERSION
    assert "shortlist_id" in _columns(upgraded, "interventions")
    with upgraded.connect() as conn:
        rows = conn.execute(select(schema.interventions)).mappings().all()
    assert [(r["source_id"], r["shortlist_id"]) for r in rows] == [("INT-1", None)]
    make_engine(_url(engine)).dispose()  # opening again changes nothing
    assert schema_version(upgraded) == schema.SCHEMA_VERSION
    upgraded.dispose()


def test_a_database_of_a_newer_version_is_refused_in_dutch(sqlite_store):
    engine, settings = sqlite_store
    with writing(engine) as conn:
        set_meta(conn, "schema", str(schema.SCHEMA_VERSION + 1))
    with pytest.raises(SchemaTooNewError, match="installeer de nieuwere oovgeo"):
        make_engine(settings.database_url)
    with engine.connect() as conn:  # and nothing was changed
        assert get_meta(conn, "schema") == str(schema.SCHEMA_VERSION + 1)


def test_a_backup_of_the_old_schema_can_be_restored(sqlite_store, tmp_path):
    engine, _ = sqlite_store
    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _one_intervention(old)
    _as_version_1(old)
    backup(old, tmp_path / "old_backup.sqlite")
    old.dispose()

    restore(engine, tmp_path / "old_backup.sqlite")
    with engine.connect() as conn:
        ids = conn.execute(select(schema.interventions.c.source_id)).scalars().all()
        assert get_meta(conn, "schema") == str(schema.SCHEMA_VERSION)
    assert ids == ["INT-1"]
    # the backup file itself is left as it was
    untouched = create_engine(f"sqlite:///{tmp_path / 'old_backup.sqlite'}")
    assert "shortlist_id" not in _columns(untouched, "interventions")


def test_a_version_2_database_gets_the_population_table(store):
    engine, _ = store
    _one_intervention(engine)
    with writing(engine) as conn:
        conn.exec_driver_sql("DROP TABLE population")
        set_meta(conn, "schema", "2")
    with engine.connect() as conn:
        assert "population" not in inspect(conn).get_table_names()
    upgraded = make_engine(_url(engine))
    assert schema_version(upgraded) == schema.SCHEMA_VERSION
    with upgraded.connect() as conn:
        assert "population" in inspect(conn).get_table_names()
        assert len(conn.execute(select(schema.interventions)).all()) == 1


def test_records_of_an_older_database_get_their_own_record_keys(store):
    # schema 4: every record needs a key, or protected figures would count it exactly
    engine, _ = store
    _one_intervention(engine)
    with writing(engine) as conn:
        conn.execute(schema.interventions.update().values(telsleutel=None))
        set_meta(conn, "schema", "3")
    upgraded = make_engine(_url(engine))
    with upgraded.connect() as conn:
        keys = conn.execute(select(schema.interventions.c.telsleutel)).scalars().all()
    assert len(keys) == 1 and keys[0] is not None and 0 <= keys[0] < 1
    upgraded.dispose()
