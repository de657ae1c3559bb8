"""Reading and setting the "compleet t/m" date of each source (see analysis.completeness)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from oovgeo.analysis import completeness
from oovgeo.analysis.completeness import SourceCompleteness
from oovgeo.config import Settings
from oovgeo.store import audit, completeness_repo
from oovgeo.store.db import Engine, writing

POLICE = "police"


def table(engine: Engine, settings: Settings, kind: str) -> dict[str, SourceCompleteness]:
    """Return the completeness of every source of ``kind`` (signals or interventions)."""
    with engine.connect() as conn:
        return completeness.per_source(conn, kind, settings.get("data.complete_until"))


def until(
    engine: Engine, settings: Settings, kind: str, sources: Sequence[str], today: date
) -> date:
    """Return the completeness date of the sources ``kind`` counts (police: ``today``).

    Police months carry their own completeness (only whole, final months are counted).
    """
    if kind == POLICE:
        return today
    counted = sources if kind == "signals" else ()
    return completeness.complete_until(table(engine, settings, kind), counted, today=today)


def set_until(
    engine: Engine,
    source: str,
    value: date | None,
    *,
    actor: str,
    origin: str,
    today: date,
) -> None:
    """Set by hand (``None``: remove) the completeness date of ``source``, audited.

    A date after ``today`` is refused: nobody can know that the future is complete.
    """
    if value is not None and value > today:
        raise ValueError("een datum in de toekomst kan niet compleet zijn")
    with writing(engine) as conn:
        completeness_repo.set_override(conn, source, value)
        audit.record(
            conn,
            actor=actor,
            action="compleet_tot",
            obj=source,
            origin=origin,
            detail={"datum": value.isoformat() if value else None},
        )
