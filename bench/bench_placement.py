"""Benchmark: place 1M synthetic signals in 15,000 synthetic buurten, and import them whole.

Prints the time of oovgeo's placement against a bare ``geopandas.sjoin(predicate="within")``
of the same points measured in the same run (target: ratio <= 1.5), the time of the full
import (read CSV, validate, place, store in SQLite in one transaction), and peak memory.
Never fails on timing.

    .venv/bin/python bench/bench_placement.py [--points 1000000] [--polygons 15000]
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from oovgeo.config import load_settings
from oovgeo.ingest.placement import AreaIndex
from oovgeo.services.imports import import_file
from oovgeo.services.operations import profile
from oovgeo.store.areas_repo import save_areas, set_active_edition
from oovgeo.store.db import make_engine, writing

EXTENT = (60_000.0, 400_000.0, 160_000.0, 500_000.0)  # 100 x 100 km in RD


def synthetic_areas(n: int, seed: int = 1, n_wijken: int | None = None) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = EXTENT
    seeds = shapely.multipoints(
        np.column_stack([rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)])
    )
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=shapely.box(*EXTENT)))
    cells = shapely.intersection(cells, shapely.box(*EXTENT))
    order = np.lexsort(
        (shapely.get_x(shapely.centroid(cells)), shapely.get_y(shapely.centroid(cells)) // 5000)
    )
    cells = cells[order]
    n_wijken = n_wijken or len(cells) // 10  # by default 10 buurten per wijk
    wijk_of = np.arange(len(cells)) * n_wijken // len(cells)
    gm = [f"GM{1000 + w // 100:04d}" for w in wijk_of]
    wk = [f"WK{1000 + w // 100:04d}{w % 100:02d}" for w in wijk_of]
    bu = [f"{k.replace('WK', 'BU')}{i % 10:02d}" for i, k in enumerate(wk)]
    return gpd.GeoDataFrame(
        {
            "level": "buurt",
            "code": bu,
            "name": bu,
            "parent_code": wk,
            "gemeente_code": gm,
            "edition": 2025,
            "inhabitants": pd.array([1000] * len(bu), dtype="Int64"),
            "land_ha": pd.array([np.nan] * len(bu), dtype="Float64"),
        },
        geometry=cells,
        crs="EPSG:28992",
    )


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--polygons", type=int, default=15_000)
    ap.add_argument("--skip-import", action="store_true")
    args = ap.parse_args()

    areas = synthetic_areas(args.polygons)
    rng = np.random.default_rng(2)
    x = rng.uniform(EXTENT[0], EXTENT[2], args.points)
    y = rng.uniform(EXTENT[1], EXTENT[3], args.points)
    print(f"{len(areas)} polygons, {args.points} points")

    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:28992")
    polys = areas[["code", "geometry"]]
    t_ref, joined = timed(lambda: gpd.sjoin(pts, polys, predicate="within", how="left"))
    t_ours, placed = timed(lambda: AreaIndex(areas).place(x, y, 200.0))
    assert (placed.how != "").sum() >= joined["code"].notna().sum()
    print(f"reference geopandas.sjoin(within):  {t_ref:7.2f} s")
    print(
        f"oovgeo placement (index + place):   {t_ours:7.2f} s   ratio {t_ours / t_ref:.2f}x "
        f"(target <= 1.5x)"
    )
    print(f"peak memory so far: {peak_mb():.0f} MB")

    if args.skip_import:
        return
    lines = pd.DataFrame(
        {
            "melding_id": [f"B{i}" for i in range(args.points)],
            "datum": "01-03-2025",
            "thema": "woonoverlast",
            "bron": "boa",
            "x": np.round(x, 1),
            "y": np.round(y, 1),
        }
    )
    buf = io.StringIO()
    lines.to_csv(buf, sep=";", index=False, decimal=",")
    data = buf.getvalue().encode()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            env={"OOVGEO_HOME": tmp, "OOVGEO_IMPORT_MAX_FILE_MB": "500"}, config_file=None
        )
        engine = make_engine(settings.database_url)
        with writing(engine) as conn:
            save_areas(conn, areas)
            set_active_edition(conn, 2025)
        t_imp, report = timed(
            lambda: import_file(
                engine,
                settings,
                profile(settings, "generiek"),
                kind="signals",
                data=data,
                filename="bench.csv",
            )
        )
        print(
            f"full import of {len(data) / 1e6:.0f} MB CSV into SQLite: {t_imp:7.2f} s "
            f"({args.points / t_imp:,.0f} rows/s); {t_imp / t_ref:.1f}x the bare sjoin"
        )
        print(
            f"  accepted {report.accepted}, rejected {report.rejected}, "
            f"reconciles {report.reconciles}"
        )
        print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
