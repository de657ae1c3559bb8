"""Loading, listing and removing context layers: one transaction each, with an audit record.

What ``oovgeo context`` does (and a page could do the same). Loading a soort again replaces
its layer in the same transaction, so a failed load leaves the old layer whole.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from oovgeo.context import ContextError, read_context_file
from oovgeo.store import audit
from oovgeo.store.context_repo import layer_list, remove_layer, replace_layer
from oovgeo.store.db import Engine, writing
from oovgeo.vocab import CONTEXT_KINDS

__all__ = ["ContextError", "layers", "load", "remove"]


def load(
    engine: Engine,
    path: Path,
    soort: str,
    naam: str | None = None,
    *,
    actor: str,
    origin: str = "cli",
    today: date | None = None,
) -> dict[str, Any]:
    """Read ``path`` as the layer of ``soort`` and store it in place of the old one.

    Returns what happened, with Dutch keys: ``soort``, ``naam``, ``bestand``, ``gelezen``,
    ``geladen``, ``punten``, ``vlakken``, ``overgeslagen`` (reason -> number),
    ``opmerkingen`` and ``vervangen`` (the layer it replaced, or None).
    """
    layer = read_context_file(path, soort, naam, today=today or date.today())
    shapes = layer.features["shape"].value_counts().to_dict()
    with writing(engine) as conn:
        previous = replace_layer(conn, layer, actor=actor, at=datetime.now(UTC))
        audit.record(
            conn,
            actor=actor,
            action="context_load",
            obj=f"contextlaag {soort}",
            origin=origin,
            detail={
                "bestand": layer.filename,
                "geladen": layer.loaded,
                "overgeslagen": sum(layer.skipped.values()),
                "vervangen": previous is not None,
            },
        )
    return {
        "soort": soort,
        "label": CONTEXT_KINDS[soort],
        "naam": layer.naam,
        "bestand": layer.filename,
        "gelezen": layer.read,
        "geladen": layer.loaded,
        "punten": int(shapes.get("punt", 0)),
        "vlakken": int(shapes.get("vlak", 0)),
        "overgeslagen": layer.skipped,
        "opmerkingen": layer.notes,
        "vervangen": previous,
    }


def layers(engine: Engine) -> list[dict[str, Any]]:
    """Every stored context layer with its counts (``context_repo.layer_list``)."""
    with engine.connect() as conn:
        return [
            {**layer, "label": CONTEXT_KINDS.get(layer["soort"], layer["soort"])}
            for layer in layer_list(conn)
        ]


def remove(engine: Engine, soort: str, *, actor: str, origin: str = "cli") -> int:
    """Delete the layer of ``soort``; return how many features it had.

    Raises :class:`ContextError` when no layer of ``soort`` is stored.
    """
    if soort not in CONTEXT_KINDS:
        raise ContextError(f"onbekende soort '{soort}'; kies uit {', '.join(CONTEXT_KINDS)}")
    with writing(engine) as conn:
        if not any(layer["soort"] == soort for layer in layer_list(conn)):
            raise ContextError(f"er is geen contextlaag van soort '{soort}' geladen")
        removed = remove_layer(conn, soort)
        audit.record(
            conn,
            actor=actor,
            action="context_remove",
            obj=f"contextlaag {soort}",
            origin=origin,
            detail={"objecten": removed},
        )
    return removed
