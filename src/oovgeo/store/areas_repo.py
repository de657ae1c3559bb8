"""Storing and loading CBS areas per edition, and which edition is in use."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, bindparam, delete, func, select
from sqlalchemy.engine import Connection

from oovgeo.areas import AREA_COLUMNS
from oovgeo.crs import RD
from oovgeo.store.db import get_meta, set_meta
from oovgeo.store.schema import areas

ACTIVE_EDITION_KEY = "active_edition"


def save_areas(conn: Connection, gdf: gpd.GeoDataFrame) -> int:
    """Replace every area of the editions present in ``gdf`` (normalised model, RD)."""
    if gdf.crs is None or gdf.crs.to_epsg() != 28992:
        raise ValueError(f"areas must be in {RD}, got {gdf.crs}")
    for edition in sorted(set(int(e) for e in gdf["edition"])):
        conn.execute(delete(areas).where(areas.c.edition == edition))
    rows = [
        {
            "edition": int(r.edition),
            "code": r.code,
            "level": r.level,
            "name": r.name,
            "parent_code": None if pd.isna(r.parent_code) else r.parent_code,
            "gemeente_code": r.gemeente_code,
            "inhabitants": None if pd.isna(r.inhabitants) else int(r.inhabitants),
            "land_ha": None if pd.isna(r.land_ha) else float(r.land_ha),
            "geometry": shapely.to_wkb(r.geometry),
        }
        for r in gdf.itertuples(index=False)
    ]
    if rows:
        conn.execute(areas.insert(), rows)
    return len(rows)


def editions(conn: Connection) -> list[int]:
    """Return the stored editions, in ascending order."""
    return [
        int(e)
        for e in conn.execute(
            select(areas.c.edition).distinct().order_by(areas.c.edition)
        ).scalars()
    ]


def active_edition(conn: Connection, configured: int = 0) -> int | None:
    """Return the edition in use: the configured one when set, else the one last made active."""
    if configured:
        return configured
    value = get_meta(conn, ACTIVE_EDITION_KEY)
    if value is not None:
        return int(value)
    known = editions(conn)
    return known[-1] if known else None


def set_active_edition(conn: Connection, edition: int) -> None:
    """Make ``edition`` the active edition."""
    set_meta(conn, ACTIVE_EDITION_KEY, str(edition))


def load_areas(
    engine_or_conn: Engine | Connection, edition: int, level: str | None = None
) -> gpd.GeoDataFrame:
    """Areas of one edition as a GeoDataFrame in RD (normalised model)."""
    query = select(areas).where(areas.c.edition == edition).order_by(areas.c.code)
    if level:
        query = query.where(areas.c.level == level)
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            frame = pd.DataFrame(conn.execute(query).mappings().all())
    else:
        frame = pd.DataFrame(engine_or_conn.execute(query).mappings().all())
    columns = [c for c in AREA_COLUMNS if c != "geometry"]
    if frame.empty:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=RD)
    geometry = shapely.from_wkb(frame.pop("geometry").to_numpy())
    frame["inhabitants"] = frame["inhabitants"].astype("Int64")
    frame["land_ha"] = frame["land_ha"].astype("Float64")
    return gpd.GeoDataFrame(frame[columns], geometry=geometry, crs=RD)


def rename_areas(conn: Connection, edition: int, names: dict[str, str]) -> dict[str, list[str]]:
    """Give the areas of ``edition`` the names of ``names`` (code -> name).

    Returns the codes per outcome: ``renamed`` (the name changed), ``unchanged`` (it already
    had that name) and ``not_found`` (no area with that code in the edition), each sorted.
    """
    current = dict(
        conn.execute(select(areas.c.code, areas.c.name).where(areas.c.edition == edition)).all()
    )
    renamed = sorted(code for code in names if code in current and current[code] != names[code])
    if renamed:
        conn.execute(
            areas.update()
            .where(areas.c.edition == edition, areas.c.code == bindparam("b_code"))
            .values(name=bindparam("b_name")),
            [{"b_code": code, "b_name": names[code]} for code in renamed],
        )
    return {
        "renamed": renamed,
        "unchanged": sorted(code for code in names if current.get(code) == names[code]),
        "not_found": sorted(code for code in names if code not in current),
    }


def count_areas(conn: Connection, edition: int) -> dict[str, int]:
    """Return the number of areas per level in ``edition``."""
    rows = conn.execute(
        select(areas.c.level, func.count())
        .where(areas.c.edition == edition)
        .group_by(areas.c.level)
    )
    return {level: n for level, n in rows}


def hierarchy(conn: Connection) -> pd.DataFrame:
    """Return ``code, level, parent_code, gemeente_code`` of the areas of every edition."""
    rows = conn.execute(
        select(areas.c.code, areas.c.level, areas.c.parent_code, areas.c.gemeente_code).distinct()
    ).all()
    return pd.DataFrame(rows, columns=["code", "level", "parent_code", "gemeente_code"])
