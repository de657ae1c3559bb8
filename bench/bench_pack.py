"""Benchmark: a meeting pack (build from the store, PPTX and PDF) on the demo data
(target <= 15 s), against one static map PNG of the Kaart page rendered in the same run.
Never fails.

    .venv/bin/python bench/bench_pack.py [--meeting integraal] [--repeat 3]

Uses the real Vlaardingen boundaries from ../shared/data when present, else the demo town.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from oovgeo.analysis.aggregate import Filters, area_table, counts_by_area
from oovgeo.analysis.classify import classify
from oovgeo.analysis.mapdata import measure_view
from oovgeo.config import load_settings
from oovgeo.privacy import Disclosure
from oovgeo.report.pack import build_pack
from oovgeo.report.pack.pdf import to_pdf
from oovgeo.report.pack.pptx import to_pptx
from oovgeo.report.static_map import render_png
from oovgeo.services import operations as ops
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.db import make_engine

END = date(2026, 10, 31)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "buurten_2025.geojson"


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def static_map(engine, settings) -> bytes:
    """The reference: what the Kaart page's PNG download does for one wijk map."""
    with engine.connect() as conn:
        areas = load_areas(conn, active_edition(conn))
        wijken = areas[areas["level"] == "wijk"].reset_index(drop=True)
        f = Filters(END - timedelta(days=41), END)
        table = area_table(wijken, counts_by_area(conn, f, "wijk"))
    view = measure_view(table, "count", Disclosure(protected=True))
    index, classes = classify(view.set_index("code")["value"], "Kwantielen", 5)
    return render_png(wijken.set_index("code", drop=False), index, classes, title="Signalen")


def pack_files(engine, settings, meeting: str) -> tuple[int, int, int]:
    pack = build_pack(engine, settings, meeting, END + timedelta(days=1))
    return len(pack.slides), len(to_pptx(pack)), len(to_pdf(pack))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--meeting", default="integraal")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env={"OOVGEO_HOME": tmp}, config_file=None)
        engine = make_engine(settings.database_url)
        files = [SHARED] if SHARED.exists() else []
        t, _ = timed(lambda: ops.build_demo(engine, settings, boundary_files=files, end=END))
        where = "Vlaardingen" if files else "the demo town"
        print(f"demo data on {where}: {t:5.2f} s (setup, not measured below)")
        static_map(engine, settings)  # warm imports and the database file
        pack_files(engine, settings, args.meeting)
        map_times, pack_times = [], []
        for _ in range(args.repeat):
            map_times.append(timed(lambda: static_map(engine, settings))[0])
            t, (slides, pptx, pdf) = timed(lambda: pack_files(engine, settings, args.meeting))
            pack_times.append(t)
        reference, best = min(map_times), min(pack_times)
        print(f"reference, one static map PNG (render_png): {reference:5.2f} s")
        print(
            f"meeting pack '{args.meeting}', {slides} slides, build + PPTX ({pptx / 1e6:.1f} MB)"
            f" + PDF ({pdf / 1e6:.1f} MB): {best:5.2f} s = {best / reference:4.1f} x the "
            f"reference (target <= 15 s)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
