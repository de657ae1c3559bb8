"""Counting queries: the 'same address within N days counts once' setting, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from oovgeo.store import counts_repo
from oovgeo.store.counts_repo import Filters
from oovgeo.store.schema import import_batches, metadata, signals

START, END = date(2026, 3, 1), date(2026, 3, 31)


def _signal(i, day, thema="woonoverlast", adres=None, postcode=None, huisnummer=None):
    return {
        "source_system": "test",
        "source_id": str(i),
        "bron": "meldpunt_overlast",
        "datum": day,
        "thema": thema,
        "placement": "gebied",
        "buurt_code": "BU06220101",
        "wijk_code": "WK062201",
        "adres": adres,
        "postcode": postcode,
        "huisnummer": huisnummer,
        "batch_id": 1,
        "row_hash": f"h{i}",
        "keep_until": date(2030, 1, 1),
    }


def _fill(engine):
    metadata.create_all(engine)
    rows = [
        # three reports at one address within 5 days: one incident with N = 7
        _signal(1, date(2026, 3, 10), adres="Kerkstraat 1"),
        _signal(2, date(2026, 3, 12), adres="Kerkstraat 1"),
        _signal(3, date(2026, 3, 14), adres="Kerkstraat 1"),
        # same address, other theme: counts on its own
        _signal(4, date(2026, 3, 12), thema="drugs", adres="Kerkstraat 1"),
        # postcode + huisnummer when adres is empty; 8 days apart: both count with N = 7
        _signal(5, date(2026, 3, 2), adres="", postcode="3131AB", huisnummer="5"),
        _signal(6, date(2026, 3, 10), postcode="3131AB", huisnummer="5"),
        # no address: always counts
        _signal(7, date(2026, 3, 20)),
        _signal(8, date(2026, 3, 20)),
        # an earlier report before the period start (27 February) silences 1 March with N = 7
        _signal(9, date(2026, 2, 27), adres="Markt 2"),
        _signal(10, date(2026, 3, 1), adres="Markt 2"),
    ]
    with engine.begin() as conn:
        conn.execute(import_batches.insert(), _batch())
        conn.execute(signals.insert(), rows)


def _batch() -> dict:
    return {
        "id": 1,
        "kind": "signals",
        "filename": "t.csv",
        "file_sha256": "0" * 64,
        "profile": "test",
        "imported_at": datetime(2026, 3, 31, tzinfo=UTC),
        "imported_by": "test",
        "rows_in": 10,
        "inserted": 10,
        "updated": 0,
        "rejected": 0,
        "duplicates": 0,
        "report": "{}",
    }


def test_repeats_at_one_address_count_once_within_n_days(store):
    engine, _ = store
    _fill(engine)
    every = Filters(START, END)
    once = Filters(START, END, same_address_days=7)
    with engine.connect() as conn:
        assert counts_repo.count_in_area(conn, every, "wijk", None) == 9
        # Kerkstraat 3 -> 1, drugs 1, postcode 2, no address 2, Markt 1 March silenced -> 6
        assert counts_repo.count_in_area(conn, once, "wijk", None) == 6
        kerk = Filters(date(2026, 3, 9), date(2026, 3, 15), themes=("woonoverlast",))
        assert counts_repo.count_in_area(conn, kerk, "wijk", None) == 4
        three = Filters(
            date(2026, 3, 9), date(2026, 3, 15), themes=("woonoverlast",), same_address_days=7
        )
        assert counts_repo.count_in_area(conn, three, "wijk", None) == 2  # Kerkstraat + postcode
        assert sum(n for *_, n in counts_repo.per_day(conn, once, None, START)) == 6
        assert counts_repo.grouped(conn, once, ["thema"]) == [
            ("drugs", 1),
            ("woonoverlast", 5),
        ] or (
            sorted(counts_repo.grouped(conn, once, ["thema"]))
            == [("drugs", 1), ("woonoverlast", 5)]
        )
        [(code, count, prev)] = counts_repo.area_counts(conn, once, "wijk")
        assert (code, count) == ("WK062201", 6)
        # N = 0 counts every record, as before
        zero = Filters(START, END, same_address_days=0)
        assert counts_repo.count_in_area(conn, zero, "wijk", None) == 9
        assert sorted(counts_repo.grouped(conn, zero, ["thema"])) == [
            ("drugs", 1),
            ("woonoverlast", 8),
        ]


def test_three_reports_in_five_days_are_one_with_n_7_and_three_with_n_0(store):
    engine, _ = store
    _fill(engine)
    period = dict(start=date(2026, 3, 10), end=date(2026, 3, 14), themes=("woonoverlast",))
    with engine.connect() as conn:
        rows = counts_repo.dates_in_area(
            conn,
            Filters(**period, same_address_days=7),
            "wijk",
            "WK062201",
            date(2026, 3, 10),
            date(2026, 3, 14),
        )
        all_rows = counts_repo.dates_in_area(
            conn, Filters(**period), "wijk", "WK062201", date(2026, 3, 10), date(2026, 3, 14)
        )
    # Kerkstraat 10, 12, 14 March and the postcode record of 10 March (8 days after 2 March)
    assert sorted(all_rows) == [date(2026, 3, 10)] * 2 + [date(2026, 3, 12), date(2026, 3, 14)]
    assert sorted(rows) == [date(2026, 3, 10)] * 2


def test_protected_figures_count_each_record_by_its_weight_on_both_backends(store):
    # P3: 0, 1 or 2 times as the record key says, the same in every grouping
    engine, _ = store
    metadata.create_all(engine)
    keys = [0.01, 0.05, 0.2, 0.5, 0.85, 0.91, 0.97, 0.999]
    themes = ["woonoverlast", "jeugdoverlast"] * 4
    rows = [
        _signal(i, date(2026, 3, 1 + i), thema=t) | {"telsleutel": k}
        for i, (k, t) in enumerate(zip(keys, themes, strict=True))
    ]
    with engine.begin() as conn:
        conn.execute(import_batches.insert(), _batch())
        conn.execute(signals.insert(), rows)
    weights = [counts_repo.record_weight(k, 0.2) for k in keys]
    assert weights == [0, 0, 1, 1, 1, 2, 2, 2]
    exact = Filters(START, END)
    with engine.connect() as conn:
        assert counts_repo.count_in_area(conn, exact, "wijk", None) == 8
        protected = exact.counted_as(0.2)
        assert counts_repo.count_in_area(conn, protected, "wijk", None) == sum(weights)
        per_theme = counts_repo.count_per_value(conn, protected, "thema", "wijk", None)
        assert per_theme == {"woonoverlast": 0 + 1 + 1 + 2, "jeugdoverlast": 0 + 1 + 2 + 2}
        assert sum(per_theme.values()) == sum(weights)  # tables add up
        [(code, now, before)] = counts_repo.area_counts(conn, protected, "wijk")
        assert (code, now) == ("WK062201", sum(weights))
