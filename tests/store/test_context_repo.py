"""Context layers in the store: replace on reload (all or nothing), who gets points, backups."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from context_support import CENTRE, square, write_brp_csv_rd, write_geojson_wgs84
from sqlalchemy import inspect, select

from oovgeo.access import AccessDenied, Identity
from oovgeo.services import context as service
from oovgeo.store import audit, schema
from oovgeo.store.backup import backup, restore
from oovgeo.store.context_repo import context_polygons, visible_features
from oovgeo.store.db import make_engine, schema_version, set_meta, writing

X, Y = CENTRE
TODAY = date(2026, 1, 1)


def who(role: str) -> Identity:
    return Identity(f"t-{role}", role, "local", datetime.now(UTC))


def load_three(engine, tmp_path) -> None:
    cams = write_geojson_wgs84(
        tmp_path / "cam.geojson", [square(X, Y), square(X + 500, Y)], ["A", "B"]
    )
    service.load(engine, cams, "camera", actor="t", today=TODAY)
    bt = write_geojson_wgs84(tmp_path / "bt.geojson", [square(X, Y - 2000, 400)], ["Haven"])
    service.load(engine, bt, "bedrijventerrein", actor="t", today=TODAY)
    brp = write_brp_csv_rd(tmp_path / "brp.csv", [(X + 10, Y + 10), (X + 20, Y + 20)])
    service.load(engine, brp, "brp_controle", actor="t", today=TODAY)


def test_loading_a_soort_again_replaces_its_layer(store, tmp_path):
    engine, _ = store
    load_three(engine, tmp_path)
    again = write_geojson_wgs84(tmp_path / "cam2.geojson", [square(X, Y + 900)], ["Markt"])
    result = service.load(engine, again, "camera", "Camera's 2026", actor="t", today=TODAY)
    assert result["vervangen"]["naam"] == "Cameratoezicht"
    assert result["vervangen"]["vlakken"] == 2
    layers = {layer["soort"]: layer for layer in service.layers(engine)}
    assert layers["camera"]["naam"] == "Camera's 2026" and layers["camera"]["vlakken"] == 1
    assert layers["camera"]["bestand"] == "cam2.geojson"
    assert layers["bedrijventerrein"]["vlakken"] == 1  # other soorten untouched
    with engine.connect() as conn:
        names = visible_features(conn, who("coordinator"), ["camera"])["naam"].tolist()
    assert names == ["Markt"]


def test_a_load_that_fails_half_way_leaves_the_old_layer_whole(store, tmp_path, monkeypatch):
    engine, _ = store
    load_three(engine, tmp_path)

    def broken(*_args, **_kwargs):
        raise RuntimeError("killed after the new features were written")

    monkeypatch.setattr(audit, "record", broken)
    again = write_geojson_wgs84(tmp_path / "cam2.geojson", [square(X, Y + 900)], ["Markt"])
    with pytest.raises(RuntimeError):
        service.load(engine, again, "camera", actor="t", today=TODAY)
    with engine.connect() as conn:
        names = visible_features(conn, who("beheerder"), ["camera"])["naam"].tolist()
    assert names == ["A", "B"]


@pytest.mark.parametrize(
    ("role", "points"),
    [("beheerder", 2), ("coordinator", 2), ("analist", 0), ("manager", 0), ("presentatie", 0)],
)
def test_points_reach_only_roles_that_may_see_points(store, tmp_path, role, points):
    engine, _ = store
    load_three(engine, tmp_path)
    with engine.connect() as conn:
        seen = visible_features(conn, who(role))
    assert int((seen["shape"] == "punt").sum()) == points
    assert int((seen["shape"] == "vlak").sum()) == 3  # camera areas and business parks: public
    assert ("brp_controle" in set(seen["soort"])) == bool(points)


def test_nobody_logged_in_gets_nothing(sqlite_store, tmp_path):
    engine, _ = sqlite_store
    load_three(engine, tmp_path)
    with engine.connect() as conn, pytest.raises(AccessDenied):
        visible_features(conn, None)


def test_remove_and_polygons_per_soort(sqlite_store, tmp_path):
    engine, _ = sqlite_store
    load_three(engine, tmp_path)
    with engine.connect() as conn:
        found = context_polygons(conn, ["camera", "bedrijventerrein", "brp_controle"])
    assert set(found) == {"camera", "bedrijventerrein"}  # BRP points are no polygons
    assert found["camera"].area == pytest.approx(2 * 200 * 200, rel=1e-3)
    assert service.remove(engine, "camera", actor="t") == 2
    assert [layer["soort"] for layer in service.layers(engine)] == [
        "bedrijventerrein",
        "brp_controle",
    ]
    with pytest.raises(service.ContextError, match="geen contextlaag van soort 'camera'"):
        service.remove(engine, "camera", actor="t")
    with engine.connect() as conn:
        actions = conn.execute(select(schema.audit_log.c.action)).scalars().all()
    assert actions.count("context_load") == 3 and actions.count("context_remove") == 1


def test_backup_and_restore_carry_the_context_layers(sqlite_store, tmp_path):
    engine, _ = sqlite_store
    load_three(engine, tmp_path)
    counts = backup(engine, tmp_path / "b.sqlite")
    assert counts["context_layers"] == 3 and counts["context_features"] == 5
    service.remove(engine, "brp_controle", actor="t")
    restore(engine, tmp_path / "b.sqlite")
    assert [layer["soort"] for layer in service.layers(engine)] == [
        "camera",
        "bedrijventerrein",
        "brp_controle",
    ]


def test_a_version_5_database_gets_the_context_tables(store):
    engine, _ = store
    with writing(engine) as conn:
        conn.exec_driver_sql("DROP TABLE context_features")
        conn.exec_driver_sql("DROP TABLE context_layers")
        set_meta(conn, "schema", "5")
    upgraded = make_engine(engine.url.render_as_string(hide_password=False))
    assert schema_version(upgraded) == schema.SCHEMA_VERSION == 6
    with upgraded.connect() as conn:
        assert {"context_layers", "context_features"} <= set(inspect(conn).get_table_names())
    upgraded.dispose()
