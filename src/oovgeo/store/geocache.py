"""Cache of geocoder answers: an address is sent to the geocoder at most once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from oovgeo.store.db import writing
from oovgeo.store.schema import geocode_cache


def cached(engine: Engine, lookup: Callable[[str], dict | None]) -> Callable[[str], dict | None]:
    """Wrap ``lookup(address) -> {"x", "y", ...} | None`` with the database cache.

    An unreachable geocoder raises ``ConnectionError`` (nothing is cached then).
    """

    def geocode(address: str) -> dict | None:
        key = " ".join(address.lower().split())[:250]
        with engine.connect() as conn:
            row = conn.execute(select(geocode_cache).where(geocode_cache.c.query == key)).first()
        if row is not None:
            return {"x": row.x, "y": row.y} if row.found else None
        hit = lookup(address)  # ConnectionError passes through: nothing is cached then
        with writing(engine) as conn:
            conn.execute(
                geocode_cache.insert().values(
                    query=key,
                    x=hit["x"] if hit else None,
                    y=hit["y"] if hit else None,
                    found=hit is not None,
                    fetched_at=datetime.now(UTC),
                )
            )
        return hit

    return geocode
