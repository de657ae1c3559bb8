"""Boundary files for the area tests: the shared 2025 files and small hand-written GeoJSON."""

import json

from conftest import SHARED

BUURTEN = SHARED / "buurten_2025.geojson"
WIJKEN = SHARED / "wijken_2025.geojson"
WIJKEN_UIT_BUURTEN = SHARED / "wijken_2025_uit_buurten.geojson"
GEMEENTEN = SHARED / "gemeenten_2025.geojson"


def write_geojson(path, features, crs=None):
    """Write a FeatureCollection by hand: (properties, shapely geometry or None) pairs."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": properties,
                "geometry": None if geometry is None else geometry.__geo_interface__,
            }
            for properties, geometry in features
        ],
    }
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection))
    return path


def statcode_file(path, rows, jaar=2025):
    """A small file in the shape of ../shared/data: statcode, statnaam, wk_code, gm_code."""
    features = []
    for code, geometry, extra in rows:
        properties = {"statcode": code, "statnaam": f"Gebied {code}", "jaar": jaar, **extra}
        features.append((properties, geometry))
    return write_geojson(path, features, crs="urn:ogc:def:crs:EPSG::28992")
