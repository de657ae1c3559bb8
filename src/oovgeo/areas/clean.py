"""Geometry repair for boundary files: reproject to RD, infer a missing CRS, keep polygons.

A file without CRS is taken as RD or WGS84 depending on where its coordinates lie; invalid
geometry is repaired with ``make_valid`` and reduced to its polygonal parts.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import shapely

from oovgeo.areas.model import BoundaryError
from oovgeo.crs import RD, RD_BOUNDS, WGS84, WGS84_BOUNDS


def area_geometry(table: gpd.GeoDataFrame, notes: list[str], name: str) -> gpd.GeoSeries:
    """Geometry in RD, repaired, polygonal; None where nothing usable is left."""
    geometry = table.geometry
    missing = geometry.isna() | geometry.is_empty
    if missing.all():
        raise BoundaryError(f"{name}: alle gebieden hebben een lege geometrie")
    geometry = _to_rd(geometry[~missing], name)
    repaired = geometry.map(polygonal)
    unusable = int(missing.sum()) + int(repaired.isna().sum())
    if unusable:
        notes.append(f"{name}: {unusable} gebied(en) zonder (vlak)geometrie overgeslagen")
    return gpd.GeoSeries(repaired, crs=RD).reindex(table.index)


def polygonal(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """Make a valid 2D Polygon/MultiPolygon of ``geometry``; None when it has no area."""
    geometry = shapely.force_2d(geometry)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    polygons = [
        part
        for part in shapely.get_parts(shapely.get_parts(geometry))
        if part.geom_type == "Polygon" and not part.is_empty
    ]
    if not polygons:
        return None
    if len(polygons) == 1:
        return polygons[0]
    return shapely.MultiPolygon(polygons)


def _within(bounds: Sequence[float], box: Sequence[float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


def _to_rd(geometry: gpd.GeoSeries, name: str) -> gpd.GeoSeries:
    """Reproject to RD; a missing CRS is inferred from where the coordinates lie.

    GeoJSON without a ``crs`` member is reported as WGS84 by GDAL (RFC 7946), but many
    municipal exports are RD without saying so: coordinates that cannot be lon/lat and do
    fit RD are taken as RD.
    """
    bounds = geometry.total_bounds
    looks_rd = _within(bounds, RD_BOUNDS)
    looks_lonlat = _within(bounds, WGS84_BOUNDS)
    crs = geometry.crs
    if crs is None or (crs.is_geographic and looks_rd and not looks_lonlat):
        if looks_rd:
            return geometry.set_crs(RD, allow_override=True)
        if looks_lonlat:
            return geometry.set_crs(WGS84, allow_override=True).to_crs(RD)
        raise BoundaryError(
            f"{name}: onbekend coördinatenstelsel; het bestand noemt er geen en de coördinaten "
            f"(x {bounds[0]:.0f}..{bounds[2]:.0f}, y {bounds[1]:.0f}..{bounds[3]:.0f}) zijn geen "
            "RD (EPSG:28992) of lengte/breedte (EPSG:4326) in Nederland"
        )
    result = geometry.to_crs(RD)
    if not _within(result.total_bounds, RD_BOUNDS):
        raise BoundaryError(
            f"{name}: de coördinaten liggen niet in Nederland (coördinatenstelsel volgens het "
            f"bestand: {crs.to_string()}); klopt het coördinatenstelsel van het bestand?"
        )
    return result
