"""Kernel density heat layer: placement, mass, size limits and the PNG."""

from __future__ import annotations

import io

import matplotlib.image
import numpy as np
import pytest
import shapely
from numpy.testing import assert_allclose
from pyproj import Transformer

from oovgeo.analysis.density import (
    DensityGrid,
    bin_points,
    kernel_density,
    peak_rd,
    to_png,
    wgs84_bounds,
)
from oovgeo.crs import RD, WGS84
from oovgeo.demo import fictitious_town, generate

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo():
    return generate(fictitious_town(), seed=42)


@pytest.fixture(scope="module")
def demo_grid(demo) -> DensityGrid:
    return kernel_density(demo.signals["x"], demo.signals["y"])


def _decode(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def test_peak_lies_on_a_planted_hotspot(demo, demo_grid):
    peak = shapely.Point(peak_rd(demo_grid))
    distances = demo.hotspots.geometry.distance(peak)
    assert distances.min() <= 150, distances.tolist()


def test_raw_histogram_counts_the_points_inside_the_bounds():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1_000, 5_000)
    y = rng.uniform(0, 1_000, 5_000)
    bounds = (200.0, 100.0, 800.0, 900.0)
    inside = (x >= 200) & (x <= 800) & (y >= 100) & (y <= 900)
    counts = bin_points(x, y, bounds_rd=bounds, cell_m=50.0)
    assert counts.shape == (16, 12)
    assert counts.sum() == inside.sum()
    assert kernel_density(x, y, bounds_rd=bounds).n_points == inside.sum()


def test_rows_run_from_north_to_south():
    counts = bin_points([5.0], [95.0], bounds_rd=(0, 0, 100, 100), cell_m=10)
    assert counts[0, 0] == 1 and counts.sum() == 1


def test_mass_is_conserved_with_padded_bounds():
    rng = np.random.default_rng(2)
    x = rng.normal(83_000, 500, 10_000)
    y = rng.normal(436_500, 500, 10_000)
    grid = kernel_density(x, y)
    mass = grid.values.sum() * grid.cell_km2
    assert grid.n_points == 10_000
    assert 0.99 * 10_000 <= mass <= 10_000


def test_mass_leaks_but_never_grows_with_tight_bounds():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1_000, 2_000)
    y = rng.uniform(0, 1_000, 2_000)
    grid = kernel_density(x, y, bounds_rd=(0, 0, 1_000, 1_000), bandwidth_m=200)
    mass = grid.values.sum() * grid.cell_km2
    assert grid.n_points == 2_000
    assert 0.5 * 2_000 < mass < 2_000


def test_values_are_events_per_km2():
    # One point, wide grid: the kernel integrates to one event.
    grid = kernel_density([0.0], [0.0], cell_m=10, bandwidth_m=100)
    assert_allclose(grid.values.sum() * grid.cell_km2, 1.0, atol=0.01)
    # The peak of a 2-D Gaussian is 1 / (2 pi sigma²) per m².
    assert_allclose(grid.values.max(), 1e6 / (2 * np.pi * 100**2), rtol=0.05)


def test_default_bounds_are_padded_and_aligned():
    grid = kernel_density([1_010.0, 1_990.0], [2_020.0, 2_980.0], cell_m=50, bandwidth_m=100)
    xmin, ymin, xmax, ymax = grid.bounds_rd
    assert (xmin, ymin, xmax, ymax) == (700.0, 1_700.0, 2_300.0, 3_300.0)
    assert grid.values.shape == (32, 32)


def test_given_bounds_extend_to_whole_cells():
    grid = kernel_density([], [], bounds_rd=(0, 0, 120, 70), cell_m=50)
    assert grid.bounds_rd == (0.0, -30.0, 150.0, 70.0)
    assert grid.values.shape == (2, 3)


def test_a_million_points_build_a_grid():
    rng = np.random.default_rng(4)
    x = rng.uniform(80_000, 90_000, 1_000_000)
    y = rng.uniform(430_000, 440_000, 1_000_000)
    grid = kernel_density(x, y)
    assert grid.n_points == 1_000_000
    assert grid.values.shape == (224, 224)


def test_too_large_a_grid_is_refused_in_dutch():
    with pytest.raises(ValueError, match="maximum is 1.000.000"):
        kernel_density([0.0, 100_000.0], [0.0, 100_000.0], cell_m=50)
    with pytest.raises(ValueError, match="Kies grotere cellen"):
        kernel_density([], [], bounds_rd=(0, 0, 1_000, 1_000), cell_m=10, max_cells=100)


def test_empty_input_gives_a_zero_grid_over_the_bounds():
    grid = kernel_density([], [], bounds_rd=(83_000, 436_000, 84_000, 437_000))
    assert grid.values.shape == (20, 20)
    assert not grid.values.any()
    assert grid.n_points == 0
    with pytest.raises(ValueError, match="Het dichtheidsrooster is leeg"):
        peak_rd(grid)


def test_empty_input_without_bounds_is_refused():
    with pytest.raises(ValueError, match="Geen punten"):
        kernel_density([], [])


def test_non_finite_points_are_ignored():
    grid = kernel_density([100.0, np.nan, 120.0], [100.0, 5.0, np.inf])
    assert grid.n_points == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell_m": 0}, "groter dan 0"),
        ({"bandwidth_m": -5}, "groter dan 0"),
        ({"bounds_rd": (10, 0, 0, 10)}, "Ongeldig gebied"),
    ],
)
def test_invalid_parameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kernel_density([1.0], [1.0], **kwargs)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="verschillende lengte"):
        kernel_density([1.0, 2.0], [1.0])


def test_grid_is_read_only(demo_grid):
    with pytest.raises(ValueError):
        demo_grid.values[0, 0] = 1.0


def test_png_is_valid_and_low_cells_are_transparent(demo_grid):
    png = to_png(demo_grid)
    assert png.startswith(PNG_SIGNATURE)
    image = _decode(png)
    height, width, bands = image.shape
    assert bands == 4
    # About one pixel per cell.
    assert abs(height - demo_grid.values.shape[0]) <= 10
    assert abs(width - demo_grid.values.shape[1]) <= 10
    alpha = image[..., 3]
    assert alpha[0, 0] == 0 and alpha[-1, -1] == 0
    assert 0 < (alpha > 0).mean() < 1
    assert alpha.max() == pytest.approx(0.85, abs=0.01)
    assert alpha[alpha > 0].min() >= 0.24


def test_png_transparency_follows_min_fraction(demo_grid):
    loose = _decode(to_png(demo_grid, min_fraction=0.0))[..., 3]
    strict = _decode(to_png(demo_grid, min_fraction=0.5))[..., 3]
    assert (strict > 0).sum() < (loose > 0).sum()


def test_png_of_an_empty_grid_is_fully_transparent():
    grid = kernel_density([], [], bounds_rd=(83_000, 436_000, 84_000, 437_000))
    image = _decode(to_png(grid))
    assert not image[..., 3].any()


def test_png_peak_sits_where_the_grid_peak_is(demo_grid):
    # The image is laid over wgs84_bounds in Web Mercator; its brightest pixel must land on
    # the RD peak (this is what the resampling is for: RD's grid north is ~1° off here).
    image = _decode(to_png(demo_grid))
    rows, cols = np.nonzero(image[..., 3] == image[..., 3].max())
    (lat0, lon0), (lat1, lon1) = wgs84_bounds(demo_grid)
    to_merc = Transformer.from_crs(WGS84, "EPSG:3857", always_xy=True)
    (mx0, mx1), (my0, my1) = to_merc.transform([lon0, lon1], [lat0, lat1])
    height, width = image.shape[:2]
    mx = mx0 + (cols.mean() + 0.5) * (mx1 - mx0) / width
    my = my1 - (rows.mean() + 0.5) * (my1 - my0) / height
    x, y = Transformer.from_crs("EPSG:3857", RD, always_xy=True).transform(mx, my)
    px, py = peak_rd(demo_grid)
    assert np.hypot(x - px, y - py) <= 1.5 * demo_grid.cell_m


def test_wgs84_bounds_enclose_the_grid(demo_grid):
    (lat0, lon0), (lat1, lon1) = wgs84_bounds(demo_grid)
    xmin, ymin, xmax, ymax = demo_grid.bounds_rd
    lon, lat = Transformer.from_crs(RD, WGS84, always_xy=True).transform(
        [xmin, xmin, xmax, xmax], [ymin, ymax, ymin, ymax]
    )
    assert lat0 < lat1 and lon0 < lon1
    assert all(lat0 - 1e-9 <= v <= lat1 + 1e-9 for v in lat)
    assert all(lon0 - 1e-9 <= v <= lon1 + 1e-9 for v in lon)
    # The Demostad lies in the North Sea west of Katwijk.
    assert 52.0 < lat0 < 52.3 and 3.5 < lon0 < 4.2
