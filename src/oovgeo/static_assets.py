"""Leaflet served by this server instead of public CDNs, so maps draw without internet.

Streamlit serves files under ``static/`` beside ``app.py`` at ``/app/static/...`` when
``server.enableStaticServing`` is on. ``ensure_static`` copies Leaflet from the
``xstatic-leaflet`` package there (at start, never committed); ``use_local_assets`` points
folium's class-level asset lists at those copies and drops the assets oovgeo's maps do not
use (jQuery, Bootstrap, Font Awesome, awesome-markers).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
from folium.plugins import MarkerCluster

URL_PREFIX = "/app/static/vendor"
FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)
# Leaflet.markercluster (for maps with many places), from xstatic-leaflet-markercluster
CLUSTER_FILES = ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as leaflet

    return Path(leaflet.BASE_DIR)


def _cluster_dir() -> Path:
    import xstatic.pkg.leaflet_markercluster as cluster

    return Path(cluster.BASE_DIR)


def ensure_static(static_dir: Path) -> Path:
    """Copy the vendored assets into ``static_dir/vendor`` (idempotent); return that folder."""
    target = Path(static_dir) / "vendor"
    for source, names in ((_leaflet_dir(), FILES), (_cluster_dir(), CLUSTER_FILES)):
        for name in names:
            src, dst = source / name, target / name
            if not dst.exists() or dst.stat().st_size != src.stat().st_size:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
    return target


def use_local_assets(prefix: str = URL_PREFIX) -> None:
    """Make every folium map load Leaflet from ``prefix`` (idempotent)."""
    folium.Map.default_js = [("leaflet", f"{prefix}/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{prefix}/leaflet.css")]
    MarkerCluster.default_js = [("markerclusterjs", f"{prefix}/leaflet.markercluster.js")]
    MarkerCluster.default_css = [
        ("markerclustercss", f"{prefix}/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{prefix}/MarkerCluster.Default.css"),
    ]
