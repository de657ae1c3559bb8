"""Storing context layers, one per soort, and reading what an identity may see of them.

:func:`visible_features` is the one gate: polygons (camera areas, business parks: public
places) go to everyone who opens a map, points (BRP address checks and any other point layer)
only to roles with the ``view_points`` right, filtered in the query so they never leave the
database for anyone else (A4).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from oovgeo.access import AccessDenied, Identity, may
from oovgeo.context import FEATURE_COLUMNS, ContextFile
from oovgeo.crs import RD
from oovgeo.store.schema import context_features, context_layers
from oovgeo.vocab import CONTEXT_KINDS

POINT, POLYGON = "punt", "vlak"
CHUNK = 10_000


def layer_list(conn: Connection) -> list[dict[str, Any]]:
    """Every stored layer in the order of ``vocab.CONTEXT_KINDS``, with its counts per shape."""
    counts: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        select(context_features.c.soort, context_features.c.shape, func.count()).group_by(
            context_features.c.soort, context_features.c.shape
        )
    )
    for soort, shape, n in rows:
        counts.setdefault(soort, {})[shape] = int(n)
    order = {s: i for i, s in enumerate(CONTEXT_KINDS)}
    layers = []
    for row in conn.execute(select(context_layers)).mappings():
        per = counts.get(row["soort"], {})
        layers.append(
            {
                "soort": row["soort"],
                "naam": row["naam"],
                "bestand": row["filename"],
                "geladen_op": row["loaded_at"],
                "geladen_door": row["loaded_by"],
                "punten": per.get(POINT, 0),
                "vlakken": per.get(POLYGON, 0),
                "overgeslagen": int(row["skipped"]),
            }
        )
    return sorted(layers, key=lambda layer: order.get(layer["soort"], len(order)))


def replace_layer(conn: Connection, layer: ContextFile, *, actor: str, at: datetime) -> dict | None:
    """Replace the layer of ``layer.soort`` by ``layer``; return the one it replaced, if any.

    Run inside the caller's write transaction: a failed load leaves the old layer whole.
    """
    previous = next((p for p in layer_list(conn) if p["soort"] == layer.soort), None)
    remove_layer(conn, layer.soort)
    conn.execute(
        context_layers.insert().values(
            soort=layer.soort,
            naam=layer.naam,
            filename=layer.filename[:255],
            file_sha256=layer.sha256,
            loaded_at=at,
            loaded_by=actor,
            skipped=sum(layer.skipped.values()),
            report=json.dumps(
                {"overgeslagen": layer.skipped, "opmerkingen": layer.notes}, ensure_ascii=False
            ),
        )
    )
    rows = [
        {
            "soort": layer.soort,
            "shape": r.shape,
            "naam": r.naam,
            "datum": r.datum,
            "referentie": r.referentie,
            "geometry": shapely.to_wkb(r.geometry),
        }
        for r in layer.features.itertuples(index=False)
    ]
    for start in range(0, len(rows), CHUNK):
        conn.execute(context_features.insert(), rows[start : start + CHUNK])
    return previous


def remove_layer(conn: Connection, soort: str) -> int:
    """Delete the layer of ``soort`` and its features; return how many features it had."""
    removed = conn.execute(
        delete(context_features).where(context_features.c.soort == soort)
    ).rowcount
    conn.execute(delete(context_layers).where(context_layers.c.soort == soort))
    return int(removed or 0)


def _frame(conn: Connection, query) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(conn.execute(query).mappings().all())
    columns = ["soort", "laag", *FEATURE_COLUMNS[:-1]]
    if frame.empty:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=RD)
    geometry = shapely.from_wkb(frame.pop("geometry").to_numpy())
    return gpd.GeoDataFrame(frame[columns], geometry=geometry, crs=RD)


def visible_features(
    conn: Connection, identity: Identity | None, soorten: Sequence[str] | None = None
) -> gpd.GeoDataFrame:
    """Return the context features ``identity`` may see.

    Columns ``soort``, ``laag`` (the layer's name) and ``context.FEATURE_COLUMNS``, in RD.

    Polygons for every identity; points only for roles that may see points (``view_points``):
    BRP checks are addresses of people, protected like signal points (A4). Nobody logged in
    gets nothing at all (A1).
    """
    if identity is None:
        raise AccessDenied("U heeft geen toegang tot deze gegevens.")
    f, layers = context_features, context_layers
    query = (
        select(
            f.c.soort,
            layers.c.naam.label("laag"),
            f.c.shape,
            f.c.naam,
            f.c.datum,
            f.c.referentie,
            f.c.geometry,
        )
        .join(layers, layers.c.soort == f.c.soort)
        .order_by(f.c.soort, f.c.id)
    )
    if not may(identity, "view_points"):
        query = query.where(f.c.shape == POLYGON)  # A4: points stay in the database
    if soorten is not None:
        query = query.where(f.c.soort.in_(list(soorten)))
    return _frame(conn, query)


def context_polygons(conn: Connection, soorten: Sequence[str]) -> dict[str, shapely.Geometry]:
    """Return the union of the polygons of each stored soort of ``soorten`` (public places)."""
    f = context_features
    query = select(f.c.soort, f.c.geometry).where(f.c.shape == POLYGON, f.c.soort.in_(soorten))
    parts: dict[str, list] = {}
    for soort, wkb in conn.execute(query):
        parts.setdefault(soort, []).append(shapely.from_wkb(wkb))
    return {soort: shapely.union_all(geoms) for soort, geoms in parts.items()}
