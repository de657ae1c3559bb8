"""Record keys: seeded in the demo (same protected figures everywhere), unpredictable elsewhere."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from oovgeo import demo
from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.counts_repo import Filters, area_counts
from oovgeo.store.db import make_engine

END = date(2026, 10, 31)
YEAR = Filters(start=date(2025, 11, 1), end=END)


def _store(tmp_path, name):
    settings = load_settings(env={"OOVGEO_HOME": str(tmp_path / name)}, config_file=None)
    return make_engine(settings.database_url), settings


def _keys(engine, kind="signals"):
    tbl = schema.record_table(kind)
    with engine.connect() as conn:
        return conn.execute(select(tbl.c[schema.RECORD_KEY]).order_by(tbl.c.id)).scalars().all()


def _protected_buurten(engine):
    with engine.connect() as conn:
        return sorted(area_counts(conn, YEAR.counted_as(0.2), "buurt"))


def test_two_demo_builds_show_a_manager_the_same_protected_figures(tmp_path):
    first, again = _store(tmp_path, "a"), _store(tmp_path, "b")
    for engine, settings in (first, again):
        ops.build_demo(engine, settings, end=END)
    assert _protected_buurten(first[0]) == _protected_buurten(again[0])
    assert _keys(first[0], "interventions") == _keys(again[0], "interventions")
    with first[0].connect() as conn:
        exact = sorted(area_counts(conn, YEAR, "buurt"))
    # the perturbation is really applied: some buurten differ from the exact counts
    assert exact != _protected_buurten(first[0])


def test_an_ordinary_import_draws_keys_nobody_can_recompute(tmp_path):
    frame = demo.generate(demo.fictitious_town(), end=END, n_signals=300, n_interventions=0)
    data = ops._csv_bytes(frame.signals)
    stores = [_store(tmp_path, "x"), _store(tmp_path, "y")]
    for engine, settings in stores:
        ops.store_areas(engine, settings, demo.fictitious_town(), actor="test")
        report = ops.run_import(
            engine, settings, kind="signals", data=data, filename="s.csv", today=END
        )
        assert report.accepted > 250
    one, two = (_keys(engine) for engine, _ in stores)
    assert len(one) == len(two) > 250
    assert sum(a == b for a, b in zip(one, two, strict=True)) == 0
