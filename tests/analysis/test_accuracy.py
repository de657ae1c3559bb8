"""PAI per layer: pinned on the demo against a hand calculation (numpy, scipy, esda)."""

from __future__ import annotations

import warnings
from datetime import date

import esda
import numpy as np
import pandas as pd
import pytest
import shapely
from libpysal.weights import Queen
from scipy import ndimage

from oovgeo.analysis import accuracy
from oovgeo.analysis.hotspots import grid_cells
from oovgeo.demo import fictitious_town, generate


@pytest.fixture(scope="module")
def demo():
    town = fictitious_town()
    signals = generate(town, seed=42).signals
    buurten = town[town["level"] == "buurt"].reset_index(drop=True)
    w = accuracy.windows(date(2026, 10, 4), date(2026, 10, 31))
    day = pd.to_datetime(signals["datum"]).dt.date
    fit = signals[(day >= w.fit_start) & (day <= w.fit_end)]
    held = signals[(day >= w.test_start) & (day <= w.test_end)]
    return town, buurten, fit, held


def _hand_pai(scores, areas, hits, share=0.10):
    scores, areas, hits = (np.asarray(v, dtype=float) for v in (scores, areas, hits))
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    taken, area = [], 0.0
    for i in order:
        if area >= share * areas.sum():
            break
        taken.append(i)
        area += areas[i]
    return (hits[taken].sum() / hits.sum()) / (areas[taken].sum() / areas.sum())


def _cell_index(x, y, cells, town_geom):
    xmin, _, _, ymax = town_geom.bounds
    x0, y1 = np.floor(xmin / 250) * 250, np.ceil(ymax / 250) * 250
    codes = [
        f"C{int(c):04d}_{int(r):04d}" for c, r in zip((x - x0) // 250, (y1 - y) // 250, strict=True)
    ]
    position = {code: i for i, code in enumerate(cells["code"])}
    hits = np.zeros(len(cells))
    for code in codes:
        if code in position:
            hits[position[code]] += 1
    return hits


def _buurt_counts(x, y, buurten):
    return np.array([shapely.contains_xy(g, x, y).sum() for g in buurten.geometry])


def test_windows_hold_out_eight_complete_weeks():
    w = accuracy.windows(date(2026, 10, 4), date(2026, 11, 1))  # a Sunday: its week is complete
    assert w.test_end == date(2026, 11, 1) and w.test_start == date(2026, 9, 7)
    assert (w.test_end - w.test_start).days + 1 == 56 and w.test_start.weekday() == 0
    assert w.fit_end == date(2026, 9, 6) and (w.fit_end - w.fit_start).days == 28


def test_pai_of_every_layer_equals_a_hand_calculation_on_the_demo(demo):
    town, buurten, fit, held = demo
    town_geom = shapely.union_all(buurten.geometry.to_numpy())
    cells = grid_cells(town_geom, 250.0)
    got = accuracy.layer_pais(
        (fit["x"].to_numpy(), fit["y"].to_numpy()),
        (held["x"].to_numpy(), held["y"].to_numpy()),
        cells,
        buurten,
        heat_cell_m=50.0,
        bandwidth_m=200.0,
    )
    expected = {}
    # plain counts and Gi* on 250 m cells and on buurten
    for unit, frame, count in (
        ("grid", cells, lambda x, y: _cell_index(x, y, cells, town_geom)),
        ("buurt", buurten, lambda x, y: _buurt_counts(x, y, buurten)),
    ):
        ha = frame["land_ha"].to_numpy(dtype=float)
        per_km2 = count(fit["x"].to_numpy(), fit["y"].to_numpy()) / (ha / 100)
        hits = count(held["x"].to_numpy(), held["y"].to_numpy())
        expected[f"counts_{unit}"] = _hand_pai(per_km2, ha, hits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
            z = esda.G_Local(per_km2, w, transform="B", star=True, permutations=0).Zs
        expected[unit] = _hand_pai(z, ha, hits)
    # heat: histogram, Gaussian smoothing, cells whose centre is in the town
    xmin, ymin, xmax, ymax = town_geom.bounds
    nx, ny = int(np.ceil((xmax - xmin) / 50)), int(np.ceil((ymax - ymin) / 50))
    xe, ye = xmin + 50 * np.arange(nx + 1), ymax - 50 * np.arange(ny + 1)[::-1]
    fit_h = np.histogram2d(fit["x"], fit["y"], bins=[xe, ye])[0]
    held_h = np.histogram2d(held["x"], held["y"], bins=[xe, ye])[0]
    smooth = ndimage.gaussian_filter(fit_h, 4.0, mode="constant")
    cx, cy = np.meshgrid(xe[:-1] + 25, ye[:-1] + 25, indexing="ij")
    inside = shapely.contains_xy(town_geom, cx, cy)
    expected["heat"] = _hand_pai(smooth[inside], np.ones(inside.sum()), held_h[inside])
    assert got == pytest.approx(expected, rel=1e-9)
    # what the demo shows: every layer beats random, and the buurt Gi* layer is the weakest
    assert all(v > 1 for v in got.values())
    assert got["buurt"] == min(got.values())


def test_pai_takes_cells_until_the_area_share_is_reached():
    assert accuracy.pai([3, 2, 1], [5, 5, 90], [1, 1, 8]) == pytest.approx(0.2 / 0.1)
    assert accuracy.pai([3, 2, 1], [5, 5, 90], [0, 0, 0]) is None


def test_best_prefers_the_higher_pai_and_survives_missing_values():
    assert accuracy.best({"grid": 2.0, "buurt": 2.5}) == "buurt"
    assert accuracy.best({"grid": None, "buurt": None}) == "grid"


def test_sentence_reads_like_the_issue_asks():
    w = accuracy.windows(date(2026, 10, 4), date(2026, 10, 31))
    text = accuracy.sentence({"heat": 2.5, "counts_grid": 2.4}, "heat", w)
    assert "voorspelde de afgelopen 8 weken" in text
    assert (
        "2,5× beter dan willekeurig" in text and "gewone tellingen per cel van 250 m 2,4×" in text
    )
