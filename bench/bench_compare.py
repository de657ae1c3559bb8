"""Benchmark: a full period comparison (all buurten x all themes) and a trend rerun with
1M signals stored (targets: comparison printed; trend rerun <= 1 s warm). Never fails.

    .venv/bin/python bench/bench_compare.py [--signals 1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_map import END, fill_signals, national, store_with  # noqa: E402

from oovgeo.analysis.aggregate import Filters, grouped_counts  # noqa: E402
from oovgeo.analysis.compare import compare_table  # noqa: E402
from oovgeo.analysis.periods import last_year_vs_year_before  # noqa: E402
from oovgeo.analysis.trends import daily_counts, series  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def comparison(engine, pair):
    keys = ["buurt_code", "thema"]
    with engine.connect() as conn:
        a = grouped_counts(conn, Filters(pair.a_start, pair.a_end), keys)
        b = grouped_counts(conn, Filters(pair.b_start, pair.b_end), keys)
    return compare_table(a, b, keys=keys, days_a=pair.days_a, days_b=pair.days_b)


def trend(engine, split):
    start = date(2025, 11, 1)
    f = Filters(start, END)
    with engine.connect() as conn:
        daily = daily_counts(conn, f, split, start - timedelta(days=400))
    return series(daily, "M", start, END, END)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--signals", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        country = national(15_000, 3_300)
        engine, db = store_with(country, tmp, "nl")
        fill_signals(db, country, args.signals)
        pair = last_year_vs_year_before(END)
        comparison(engine, pair)  # warm the database file
        t, table = timed(lambda: comparison(engine, pair))
        print(
            f"full comparison, {len(table)} buurt x thema rows, {args.signals} signals: {t:5.2f} s"
        )
        trend(engine, "thema")
        for split in (None, "thema", "wijk_code"):
            t, _ = timed(lambda split=split: trend(engine, split))
            print(f"trend rerun (month, split {split or 'none'}): {t:5.2f} s (target <= 1 s)")


if __name__ == "__main__":
    main()
