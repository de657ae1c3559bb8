"""Small context layer files written by the tests: GeoJSON, GeoPackage and CSV."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Polygon, box

RD = "EPSG:28992"
CENTRE = (83_065.0, 436_518.0)  # Vlaardingen, RD metres


def square(x: float, y: float, half: float = 100.0) -> Polygon:
    """A square in RD around (x, y)."""
    return box(x - half, y - half, x + half, y + half)


def write_geojson_wgs84(path: Path, polygons: list[Polygon], names: list[str | None]) -> Path:
    """RD polygons written as an RFC 7946 GeoJSON (WGS84 lon/lat, no ``crs`` member)."""
    web = gpd.GeoSeries(polygons, crs=RD).to_crs("EPSG:4326")
    features = [
        {
            "type": "Feature",
            "properties": {"naam": name, "beheerder": "Gemeente"},
            "geometry": shapely.geometry.mapping(geom),
        }
        for geom, name in zip(web, names, strict=True)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def write_features(path: Path, features: list[dict]) -> Path:
    """A GeoJSON FeatureCollection of hand-made features."""
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def write_gpkg(path: Path, polygons: list[Polygon], names: list[str]) -> Path:
    """A GeoPackage in RD, written by geopandas."""
    gpd.GeoDataFrame({"Naam": names}, geometry=polygons, crs=RD).to_file(
        path, layer="bedrijventerreinen", driver="GPKG"
    )
    return path


def write_brp_csv_rd(path: Path, points: list[tuple[float, float]]) -> Path:
    """BRP checks as a ';' CSV in RD with decimal commas, with columns that must not be kept."""
    lines = ["x;y;controledatum;kenmerk;naam;adres"]
    for i, (x, y) in enumerate(points):
        xs, ys = f"{x:.2f}".replace(".", ","), f"{y:.2f}".replace(".", ",")
        lines.append(f"{xs};{ys};0{1 + i % 9}-03-2025;BRP-{i:03d};Jan Jansen;Hoofdstraat {i}")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
