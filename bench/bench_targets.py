"""Benchmark: candidate places from 1M signals (target <= 2 s warm) and the target-map
payload with 5,000 candidates (target <= 1 MB). Never fails on timing.

Reference: ``candidates`` on the signals in memory. Page path: the Doelen page's own steps
on a SQLite store holding the same signals: the access check, ``loaders.target_candidates``
(read + rank; cached) and the audit entry, once cold (cache miss) and once warm (cache hit).

    .venv/bin/python bench/bench_targets.py [--signals 1000000] [--no-store]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from oovgeo import access, demo
from oovgeo.analysis.targets import Weights, candidates
from oovgeo.maps import add_ranked_places, base_map
from oovgeo.services import auth
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.db import writing

END = date(2026, 10, 31)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def synthetic_signals(n: int, seed: int = 5) -> pd.DataFrame:
    """n signals: the demo's mix of themes and sources, scaled up, with jittered locations."""
    base = demo.generate(demo.fictitious_town(), seed=seed, end=END).signals
    rng = np.random.default_rng(seed)
    picked = base.iloc[rng.integers(0, len(base), n)].reset_index(drop=True)
    picked["x"] = picked["x"] + rng.normal(0, 30, n)
    picked["y"] = picked["y"] + rng.normal(0, 30, n)
    picked["source_id"] = [f"B{i}" for i in range(n)]
    return picked


def store_with(url: str, signals: pd.DataFrame, held: pd.DataFrame) -> None:
    """A store holding ``signals`` and ``held`` as if imported (one batch per kind)."""
    engine = ops.engine_for_url(url)
    now = datetime.now(UTC)
    keep = date(2099, 1, 1)
    with writing(engine) as conn:
        batches = {}
        for kind, n in (("signals", len(signals)), ("interventions", len(held))):
            batches[kind] = conn.execute(
                schema.import_batches.insert().values(
                    kind=kind,
                    filename="bench",
                    file_sha256="0" * 64,
                    profile="bench",
                    imported_at=now,
                    imported_by="bench",
                    rows_in=n,
                    inserted=n,
                    updated=0,
                    rejected=0,
                    duplicates=0,
                    report="{}",
                )
            ).inserted_primary_key[0]

        def rows(frame: pd.DataFrame, kind: str, id_column: str, extra: list[str]):
            base = ["datum", "thema", "x", "y", "adres", *extra]
            plain = frame[[id_column, *base]].astype(object)
            plain = plain.where(plain.notna(), None)
            for i, rec in enumerate(plain.itertuples(index=False, name=None)):
                yield {
                    "source_system": "bench",
                    "source_id": rec[0],
                    **dict(zip(base, rec[1:], strict=True)),
                    "placement": "punt",
                    "batch_id": batches[kind],
                    "row_hash": str(i),
                    "keep_until": keep,
                    "version": 1,
                }

        chunk: list[dict] = []
        for tbl, frame, kind, id_column, extra in (
            (
                schema.signals,
                signals,
                "signals",
                "source_id",
                ["bron", "postcode", "huisnummer", "dossiernummer"],
            ),
            (schema.interventions, held, "interventions", "interventie_id", ["partners"]),
        ):
            for row in rows(frame, kind, id_column, extra):
                chunk.append(row)
                if len(chunk) == 50_000:
                    conn.execute(tbl.insert(), chunk)
                    chunk = []
            if chunk:
                conn.execute(tbl.insert(), chunk)
                chunk = []


def page_path(url: str, start: date, weights: Weights) -> tuple[float, pd.DataFrame]:
    """What pages/6_Doelen.py does for its candidates: check, cached call, audit."""
    from oovgeo.ui import loaders  # after main() quietened streamlit's "no runtime" warnings

    identity = access.Identity("bench", "coordinator", "local", datetime.now(UTC))

    def run():
        access.require(identity, "view_points")
        ranked, n_signals = loaders.target_candidates(
            url, start, END, (), (), loaders.weights_key(weights), END, _identity=identity
        )
        auth.record_event(
            ops.engine_for_url(url), identity, "view_points", "doelenkaart", origin="bench"
        )
        return ranked

    return timed(run)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--signals", type=int, default=1_000_000)
    ap.add_argument("--no-store", action="store_true", help="skip the page path on SQLite")
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # outside `streamlit run` caches warn "No runtime found"
    signals = synthetic_signals(args.signals)
    held = demo.generate(demo.fictitious_town(), seed=5, end=END).interventions
    run = lambda: candidates(signals, held, today=END, weights=Weights())  # noqa: E731
    t_ref, ranked = timed(run)
    t_again, _ = timed(run)
    print(
        f"reference: candidates in memory from {args.signals} signals: {len(ranked)} places,"
        f" {t_ref:5.2f} s, {t_again:5.2f} s second run ({t_again / t_ref:4.2f}x)"
    )
    if not args.no_store:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            t_fill, _ = timed(lambda: store_with(url, signals, held))
            start = min(signals["datum"])
            t_cold, cold = page_path(url, start, Weights())
            t_warm, warm = page_path(url, start, Weights())
            assert warm.equals(cold) and len(cold) == len(ranked)
            print(
                f"page path (store filled in {t_fill:4.1f} s): {len(cold)} places,"
                f" {t_cold:5.2f} s cold ({t_cold / t_ref:4.2f}x reference),"
                f" {t_warm:5.2f} s warm ({t_warm / t_ref:6.4f}x reference; target <= 2 s warm)"
            )
            ops.engine_for_url(url).dispose()
    top = ranked.head(5000).reset_index(drop=True)
    top.insert(0, "rang", range(1, len(top) + 1))
    m = base_map((top["x"].min(), top["y"].min(), top["x"].max(), top["y"].max()))
    add_ranked_places(m, top)  # as the Doelen page draws them: the best loose, the rest clustered
    html = m.get_root().render()
    print(f"target map with {len(top)} candidates: {len(html) / 1e6:5.2f} MB (target <= 1 MB)")


if __name__ == "__main__":
    main()
