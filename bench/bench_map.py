"""Benchmark: map payload sizes and rerun times of the Kaart page's data path.

Prints
- payload (HTML that reaches the browser) and build time of the gemeente view with 100k
  signals (demo town; target <= 0.5 MB), of a national wijk view (~3,300 synthetic wijken,
  <= 4 MB) and of a national buurt view (~15,000, <= 10 MB);
- the rerun time after a filter change with 1M signals stored (target <= 1 s): database
  count, area table, disclosure, classes, choropleth HTML, i.e. everything but the browser.
Never fails on timing.

    .venv/bin/python bench/bench_map.py [--signals 1000000]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_placement import synthetic_areas  # noqa: E402

from oovgeo import demo  # noqa: E402
from oovgeo.analysis.aggregate import Filters, area_table, counts_by_area  # noqa: E402
from oovgeo.analysis.classify import classify  # noqa: E402
from oovgeo.analysis.mapdata import measure_view  # noqa: E402
from oovgeo.ingest.placement import AreaIndex  # noqa: E402
from oovgeo.maps import choropleth, web_shapes  # noqa: E402
from oovgeo.privacy import Disclosure  # noqa: E402
from oovgeo.store.areas_repo import save_areas, set_active_edition  # noqa: E402
from oovgeo.store.db import make_engine, writing  # noqa: E402

END = date(2026, 10, 31)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


SHAPES: dict = {}  # the page caches browser geometry per edition and level the same way


def map_html(engine, areas, level, filters, protected=True) -> str:
    units = areas[areas["level"] == level].reset_index(drop=True)
    key = (id(areas), level)
    if key not in SHAPES:
        SHAPES[key] = web_shapes(units)
    with engine.connect() as conn:
        table = area_table(units, counts_by_area(conn, filters, level))
    view = measure_view(table, "per_100ha", Disclosure(protected=protected))
    index, classes = classify(view.set_index("code")["value"], "Kwantielen", 5)
    m = choropleth(
        units,
        view.set_index("code"),
        value_column="weergave",
        classes_index=index,
        classes=classes,
        tooltip={"name": level, "weergave": "per 100 ha"},
        shapes=SHAPES[key],
    )
    return m.get_root().render()


def national(n_buurten: int, n_wijken: int) -> gpd.GeoDataFrame:
    buurten = synthetic_areas(n_buurten, n_wijken=n_wijken)
    wijken = buurten.dissolve(by="parent_code", as_index=False)[
        ["parent_code", "gemeente_code", "geometry"]
    ]
    n = len(wijken)
    wijken = wijken.rename(columns={"parent_code": "code"}).assign(
        level="wijk",
        name=wijken["parent_code"],
        parent_code=wijken["gemeente_code"],
        edition=2025,
        inhabitants=pd.array([4000] * n, dtype="Int64"),
        land_ha=pd.array([np.nan] * n, dtype="Float64"),
    )
    cols = list(buurten.columns)
    return gpd.GeoDataFrame(pd.concat([buurten, wijken[cols]], ignore_index=True), crs=buurten.crs)


def fill_signals(db: Path, areas: gpd.GeoDataFrame, n: int, seed: int = 3) -> None:
    """n placed signals over three years, written straight into SQLite (fast set-up)."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = areas.total_bounds
    x, y = rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)
    placed = AreaIndex(areas).place(x, y, 200.0)
    days = rng.integers(0, 3 * 365, n)
    themes = rng.choice(demo.THEMES, n)
    con = sqlite3.connect(db)
    con.execute(
        "insert into import_batches (id, kind, filename, file_sha256, profile, "
        "imported_at, imported_by, rows_in, inserted, updated, rejected, duplicates, "
        "report) values (1, 'signals', 'bench', 'x', 'generiek', '2026-01-01', 'b', "
        f"{n}, {n}, 0, 0, 0, '{{}}')"
    )
    rows = (
        (
            "bench",
            f"B{i}",
            "boa",
            (END - timedelta(days=int(days[i]))).isoformat(),
            themes[i],
            float(x[i]),
            float(y[i]),
            placed.how[i] or "geen",
            placed.buurt_code[i],
            placed.wijk_code[i],
            placed.gemeente_code[i],
            2025,
            1,
            "h",
            "2099-01-01",
            1,
        )
        for i in range(n)
    )
    con.executemany(
        "insert into signals (source_system, source_id, bron, datum, thema, x, y, placement, "
        "buurt_code, wijk_code, gemeente_code, edition, batch_id, row_hash, keep_until, version)"
        " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.commit()
    con.close()


def store_with(areas: gpd.GeoDataFrame, tmp: str, name: str):
    engine = make_engine(f"sqlite:///{tmp}/{name}.db")
    with writing(engine) as conn:
        save_areas(conn, areas)
        set_active_edition(conn, int(areas["edition"].max()))
    return engine, Path(tmp) / f"{name}.db"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--signals", type=int, default=1_000_000)
    args = ap.parse_args()
    year = Filters(date(2025, 11, 1), END)
    with tempfile.TemporaryDirectory() as tmp:
        town = demo.fictitious_town()
        engine, db = store_with(town, tmp, "town")
        fill_signals(db, town, 100_000)
        for level in ("wijk", "buurt"):
            t, html = timed(lambda level=level: map_html(engine, town, level, year))
            print(
                f"gemeente view ({level}), 100k signals: {len(html) / 1e6:6.2f} MB, "
                f"built in {t:5.2f} s (target <= 0.5 MB)"
            )

        country = national(15_000, 3_300)
        engine, db = store_with(country, tmp, "nl")
        fill_signals(db, country, args.signals)
        n_w = int((country["level"] == "wijk").sum())
        n_b = int((country["level"] == "buurt").sum())
        for level, n, target in (("wijk", n_w, 4), ("buurt", n_b, 10)):
            t, html = timed(lambda level=level: map_html(engine, country, level, year))
            print(
                f"national {level} view ({n} areas): {len(html) / 1e6:6.2f} MB, built in "
                f"{t:5.2f} s (target <= {target} MB)"
            )

        # the page after a filter change: new period and theme, nothing cached for it yet
        map_html(engine, country, "wijk", year)  # warm imports, areas and the database file
        change = Filters(date(2026, 8, 1), END, themes=("ondermijning", "woonoverlast"))
        t, _ = timed(lambda: map_html(engine, country, "wijk", change))
        print(
            f"rerun after a filter change, {args.signals} signals stored, national wijk "
            f"view: {t:5.2f} s (target <= 1 s)"
        )


if __name__ == "__main__":
    main()
