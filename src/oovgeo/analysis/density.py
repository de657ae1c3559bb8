"""Kernel density of RD points on a metre grid, rendered as a transparent PNG heat layer.

The heat layer is computed on the server and travels to the browser as one image: no point
coordinates leave the server, only the smoothed grid. That is not anonymisation. With a handful
of events each one is a visible blob centred (to within a cell) on its location, so the page
offers the heat layer only to roles that may see point data anyway; this module does not decide
who that is.

Method: the points are binned into square cells with ``np.histogram2d`` and the counts are
convolved with a Gaussian kernel (``scipy.ndimage.gaussian_filter``, ``mode="constant"``), so the
cost grows with the number of cells, not with points x cells (1M points: ~0.3 s). Binning moves
each point at most half a cell diagonal, which is negligible while ``cell_m`` is well below
``bandwidth_m``.

Why Gaussian rather than quartic: the Gaussian is separable, so the convolution is two cheap 1-D
passes, and it has no hard edge that would draw rings around isolated events. ``bandwidth_m`` is
the Gaussian's standard deviation. A quartic kernel with search radius ``r`` (the "radius" of
QGIS and ArcGIS heat maps) has the same spread as a Gaussian with ``sigma = r / (2 * sqrt(2))``,
about ``0.35 * r``: the default 200 m corresponds to a quartic radius of ~570 m.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import matplotlib
import matplotlib.image
import numpy as np
from pyproj import Transformer
from scipy import ndimage

from oovgeo import dutch
from oovgeo.crs import RD, WGS84

# Leaflet's default map CRS: an image overlay is stretched linearly between its corners in it.
WEB_MERCATOR = "EPSG:3857"

PADDING_BANDWIDTHS = 3.0  # default bounds: the points' extent plus this many bandwidths
ALPHA_RANGE = (0.25, 0.85)  # opacity of the faintest and of the strongest visible cell
_EDGE_SAMPLES = 33  # points per edge when projecting the grid's outline


@dataclass(frozen=True, eq=False)
class DensityGrid:
    """A kernel density surface on a square RD grid.

    Attributes
    ----------
    values : numpy.ndarray
        2-D float array, rows from north to south and columns from west to east, in events
        per km² (a kernel intensity estimate: ``values.sum() * cell_km2`` is about the number
        of points, less what the kernel carried beyond the bounds). Read-only.
    bounds_rd : tuple of float
        ``(xmin, ymin, xmax, ymax)`` of the outer cell edges, metres in RD New (EPSG:28992).
    cell_m : float
        Width and height of a cell in metres.
    bandwidth_m : float
        Standard deviation of the Gaussian kernel in metres.
    n_points : int
        Number of points inside the bounds that went into the surface.
    """

    values: np.ndarray
    bounds_rd: tuple[float, float, float, float]
    cell_m: float
    bandwidth_m: float
    n_points: int

    @property
    def cell_km2(self) -> float:
        """Area of one cell in km²."""
        return self.cell_m * self.cell_m / 1e6


def kernel_density(
    x,
    y,
    *,
    bounds_rd: tuple[float, float, float, float] | None = None,
    cell_m: float = 50.0,
    bandwidth_m: float = 200.0,
    max_cells: int = 1_000_000,
) -> DensityGrid:
    """Gaussian kernel density of RD points on a square metre grid.

    Parameters
    ----------
    x, y : array-like
        RD New coordinates in metres; non-finite pairs are ignored.
    bounds_rd : tuple, optional
        ``(xmin, ymin, xmax, ymax)``. The grid starts at ``(xmin, ymax)`` and ``xmax``/``ymin``
        move outwards to a whole number of cells; points outside are left out. By default the
        points' extent padded by three bandwidths, snapped outwards to multiples of ``cell_m``
        (so grids of different selections line up). Required when there are no points.
    cell_m : float
        Cell size in metres.
    bandwidth_m : float
        Standard deviation of the Gaussian kernel in metres.
    max_cells : int
        Refuse grids with more cells than this instead of exhausting memory.

    Returns
    -------
    DensityGrid
        Values in events per km²; all zero when there are no points.

    Raises
    ------
    ValueError
        With a Dutch message when the grid would be too large, the parameters are invalid, or
        there are no points and no bounds.

    Examples
    --------
    >>> grid = kernel_density([83_000.0, 83_010.0], [436_500.0, 436_520.0])
    >>> grid.values.shape
    (25, 25)
    >>> round(float(grid.values.sum() * grid.cell_km2), 2)  # ~0.3% beyond 3 bandwidths
    1.99
    """
    if not (cell_m > 0 and bandwidth_m > 0):
        raise ValueError("Celgrootte en bandbreedte moeten groter dan 0 meter zijn.")
    xs, ys = _finite_points(x, y)
    if bounds_rd is None:
        if xs.size == 0:
            raise ValueError("Geen punten om een dichtheid van te maken: geef het gebied op.")
        bounds_rd = _padded_bounds(xs, ys, PADDING_BANDWIDTHS * bandwidth_m, cell_m)
    bounds = _whole_cells(bounds_rd, cell_m)
    _check_size(bounds, cell_m, max_cells)
    counts = bin_points(xs, ys, bounds_rd=bounds, cell_m=cell_m)
    smoothed = ndimage.gaussian_filter(counts, sigma=bandwidth_m / cell_m, mode="constant")
    values = smoothed / (cell_m * cell_m / 1e6)
    values.flags.writeable = False
    return DensityGrid(values, bounds, float(cell_m), float(bandwidth_m), int(counts.sum()))


def bin_points(x, y, *, bounds_rd: tuple[float, float, float, float], cell_m: float) -> np.ndarray:
    """Count points per cell: the raw histogram under :func:`kernel_density`.

    ``bounds_rd`` must span a whole number of cells. Rows run from north to south; points
    outside the bounds and non-finite pairs are left out; points on the outer east or north
    edge count in the last cell.

    Examples
    --------
    >>> bin_points([5.0, 15.0, 15.0], [5.0, 5.0, 15.0], bounds_rd=(0, 0, 20, 20), cell_m=10)
    array([[0., 1.],
           [1., 1.]])
    """
    xs, ys = _finite_points(x, y)
    xmin, ymin, xmax, ymax = bounds_rd
    nx, ny = _shape(bounds_rd, cell_m)
    x_edges = xmin + cell_m * np.arange(nx + 1)
    y_edges = ymin + cell_m * np.arange(ny + 1)
    counts, _, _ = np.histogram2d(xs, ys, bins=[x_edges, y_edges])
    return counts.T[::-1].copy()


def peak_rd(grid: DensityGrid) -> tuple[float, float]:
    """RD centre ``(x, y)`` of the cell with the highest density.

    Raises ValueError (Dutch) when the grid is empty.

    Examples
    --------
    >>> peak_rd(kernel_density([83_000.0], [436_500.0], cell_m=100, bandwidth_m=100))
    (83050.0, 436550.0)
    """
    if grid.values.size == 0 or not grid.values.max() > 0:
        raise ValueError("Het dichtheidsrooster is leeg: er is geen hoogste punt.")
    row, col = np.unravel_index(int(np.argmax(grid.values)), grid.values.shape)
    xmin, _, _, ymax = grid.bounds_rd
    return (float(xmin + (col + 0.5) * grid.cell_m), float(ymax - (row + 0.5) * grid.cell_m))


def wgs84_bounds(grid: DensityGrid) -> list[list[float]]:
    """``[[lat_min, lon_min], [lat_max, lon_max]]`` of the image :func:`to_png` makes.

    This is the order ``folium.raster_layers.ImageOverlay(bounds=...)`` takes. The box encloses
    the grid's RD rectangle, which is rotated against the lat/lon axes (RD's grid north differs
    from true north by ~1° in the west of the country: ~100-160 m across a 7 km town). Rather than
    accept that shift, :func:`to_png` resamples the grid onto a Web Mercator raster covering
    exactly this box, which is what Leaflet stretches the image over; the corners outside the
    RD rectangle stay transparent.

    Examples
    --------
    >>> b = wgs84_bounds(kernel_density([83_065.0], [436_518.0]))
    >>> [[round(v, 2) for v in corner] for corner in b]
    [[51.91, 4.33], [51.92, 4.35]]
    """
    mx0, my0, mx1, my1 = _mercator_box(grid)
    to_wgs84 = Transformer.from_crs(WEB_MERCATOR, WGS84, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_wgs84.transform([mx0, mx1], [my0, my1])
    return [[float(lat0), float(lon0)], [float(lat1), float(lon1)]]


def to_png(grid: DensityGrid, *, cmap: str = "YlOrRd", min_fraction: float = 0.05) -> bytes:
    """Render the grid as a transparent RGBA PNG for a Leaflet image overlay.

    The image is the grid resampled (bilinear) onto a raster regular in Web Mercator covering
    :func:`wgs84_bounds`, about one pixel per cell. Pixels below ``min_fraction`` of the grid's
    maximum are fully transparent; above it colour follows ``cmap`` and opacity rises linearly
    from 0.25 to 0.85 with intensity. An all-zero grid gives a fully transparent image. Only
    the smoothed surface is drawn; see the module docstring for who may see it.

    Examples
    --------
    >>> png = to_png(kernel_density([83_065.0], [436_518.0]))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    if not 0 <= min_fraction < 1:
        raise ValueError("min_fraction moet tussen 0 en 1 liggen.")
    values = _web_mercator_values(grid)
    top = float(grid.values.max()) if grid.values.size else 0.0
    fraction = values / top if top > 0 else np.zeros_like(values)
    scaled = np.clip((fraction - min_fraction) / (1 - min_fraction), 0.0, 1.0)
    rgba = matplotlib.colormaps[cmap](scaled)
    low, high = ALPHA_RANGE
    rgba[..., 3] = np.where(fraction >= min_fraction, low + (high - low) * scaled, 0.0)
    buffer = io.BytesIO()
    matplotlib.image.imsave(buffer, (rgba * 255).round().astype(np.uint8), format="png")
    return buffer.getvalue()


# --- helpers -----------------------------------------------------------------------------------


def _finite_points(x, y) -> tuple[np.ndarray, np.ndarray]:
    xs = np.asarray(x, dtype=float).ravel()
    ys = np.asarray(y, dtype=float).ravel()
    if xs.shape != ys.shape:
        raise ValueError(f"x en y hebben een verschillende lengte ({xs.size} en {ys.size}).")
    keep = np.isfinite(xs) & np.isfinite(ys)
    return xs[keep], ys[keep]


def _padded_bounds(xs: np.ndarray, ys: np.ndarray, pad: float, cell_m: float) -> tuple:
    return (
        math.floor((xs.min() - pad) / cell_m) * cell_m,
        math.floor((ys.min() - pad) / cell_m) * cell_m,
        math.ceil((xs.max() + pad) / cell_m) * cell_m,
        math.ceil((ys.max() + pad) / cell_m) * cell_m,
    )


def _whole_cells(bounds_rd, cell_m: float) -> tuple[float, float, float, float]:
    """Keep the north-west corner, move east and south edges out to whole cells."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds_rd)
    if not (np.isfinite([xmin, ymin, xmax, ymax]).all() and xmin < xmax and ymin < ymax):
        raise ValueError(f"Ongeldig gebied {bounds_rd}: verwacht (xmin, ymin, xmax, ymax) in RD.")
    nx = max(1, math.ceil((xmax - xmin) / cell_m - 1e-9))
    ny = max(1, math.ceil((ymax - ymin) / cell_m - 1e-9))
    return (xmin, ymax - ny * cell_m, xmin + nx * cell_m, ymax)


def _shape(bounds_rd, cell_m: float) -> tuple[int, int]:
    xmin, ymin, xmax, ymax = bounds_rd
    return round((xmax - xmin) / cell_m), round((ymax - ymin) / cell_m)


def _check_size(bounds_rd, cell_m: float, max_cells: int) -> None:
    nx, ny = _shape(bounds_rd, cell_m)
    if nx * ny > max_cells:
        raise ValueError(
            f"Het dichtheidsrooster zou {dutch.integer(nx * ny)} cellen krijgen ({nx} x {ny} van"
            f" {cell_m:g} m); het maximum is {dutch.integer(max_cells)}. Kies grotere cellen of een"
            " kleiner gebied."
        )


def _mercator_box(grid: DensityGrid) -> tuple[float, float, float, float]:
    """Web Mercator bounding box of the grid's RD outline (edges densified)."""
    xmin, ymin, xmax, ymax = grid.bounds_rd
    t = np.linspace(0.0, 1.0, _EDGE_SAMPLES)
    ring_x = np.concatenate(
        [
            xmin + t * (xmax - xmin),
            np.full_like(t, xmax),
            xmax - t * (xmax - xmin),
            np.full_like(t, xmin),
        ]
    )
    ring_y = np.concatenate(
        [
            np.full_like(t, ymin),
            ymin + t * (ymax - ymin),
            np.full_like(t, ymax),
            ymax - t * (ymax - ymin),
        ]
    )
    mx, my = Transformer.from_crs(RD, WEB_MERCATOR, always_xy=True).transform(ring_x, ring_y)
    return float(np.min(mx)), float(np.min(my)), float(np.max(mx)), float(np.max(my))


def _web_mercator_values(grid: DensityGrid) -> np.ndarray:
    """Resample the grid onto a north-up raster regular in Web Mercator (rows north to south)."""
    mx0, my0, mx1, my1 = _mercator_box(grid)
    xmin, ymin, xmax, ymax = grid.bounds_rd
    # Keep roughly one pixel per cell: Web Mercator metres are longer than RD metres by the
    # same factor in both directions at town scale.
    scale = math.hypot(mx1 - mx0, my1 - my0) / math.hypot(xmax - xmin, ymax - ymin)
    pixel = grid.cell_m * scale
    nx = max(1, round((mx1 - mx0) / pixel))
    ny = max(1, round((my1 - my0) / pixel))
    px = mx0 + (np.arange(nx) + 0.5) * (mx1 - mx0) / nx
    py = my1 - (np.arange(ny) + 0.5) * (my1 - my0) / ny
    gx, gy = np.meshgrid(px, py)
    rx, ry = Transformer.from_crs(WEB_MERCATOR, RD, always_xy=True).transform(gx, gy)
    cols = (rx - xmin) / grid.cell_m - 0.5
    rows = (ymax - ry) / grid.cell_m - 0.5
    return ndimage.map_coordinates(
        np.asarray(grid.values, dtype=float), [rows, cols], order=1, mode="constant", cval=0.0
    )
