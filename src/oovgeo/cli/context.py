"""``oovgeo context load|list|remove``: the context layers of the maps.

Camera surveillance areas, business parks, BRP address checks and other layers.

Loading a soort again replaces its layer, in one transaction. A file that cannot be a layer is
refused with a Dutch message and exit code 2 (with ``--json`` also ``{"fout": ...}`` on stdout),
as the other commands do.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oovgeo import dutch
from oovgeo.access import cli_identity
from oovgeo.cli.common import add_json
from oovgeo.services import context as service
from oovgeo.services import operations as ops
from oovgeo.vocab import CONTEXT_KINDS, CONTEXT_PERSONAL

WHO_SEES = (
    "Vlakken staan op de kaarten van iedereen die de kaart mag zien; punten alleen bij rollen "
    "die punten mogen zien (beheerder, coördinator), nooit bij manager of presentatie."
)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _refuse(args, message: str) -> int:
    print(f"Fout: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        _print_json({"fout": message})
    return 2


def _when(value: datetime | None) -> str:
    """Local time of a stored moment (SQLite gives it back without zone: UTC)."""
    if not isinstance(value, datetime):
        return "onbekend"
    utc = value if value.tzinfo else value.replace(tzinfo=UTC)
    return dutch.minute(utc.astimezone(dutch.LOCAL_TIMEZONE))


def _skipped_text(skipped: dict[str, int]) -> str:
    total = sum(skipped.values())
    if not total:
        return "niets overgeslagen"
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(skipped.items(), key=lambda i: -i[1]))
    return f"{total} overgeslagen ({reasons})"


def cmd_load(args, settings) -> int:
    """Load a file as the context layer of a soort, replacing the stored one."""
    try:
        result = service.load(
            ops.open_store(settings),
            Path(args.file),
            args.soort,
            args.naam,
            actor=cli_identity().name,
        )
    except service.ContextError as exc:
        return _refuse(args, str(exc))
    if args.json:
        _print_json(result)
        return 0
    shapes = ", ".join(
        f"{n} {word}"
        for n, word in ((result["punten"], "punten"), (result["vlakken"], "vlakken"))
        if n
    )
    print(
        f"Contextlaag {result['label']} '{result['naam']}' geladen uit {result['bestand']}: "
        f"{result['geladen']} van {result['gelezen']} objecten ({shapes}); "
        f"{_skipped_text(result['overgeslagen'])}."
    )
    previous = result["vervangen"]
    if previous:
        print(
            f"Deze laag vervangt de vorige laag van soort {args.soort} '{previous['naam']}' "
            f"({previous['punten'] + previous['vlakken']} objecten, geladen "
            f"{_when(previous['geladen_op'])} door {previous['geladen_door']})."
        )
    else:
        print(f"Nieuwe laag; een volgende load van soort {args.soort} vervangt deze laag.")
    for note in result["opmerkingen"]:
        print(f"  let op: {note}")
    if args.soort in CONTEXT_PERSONAL:
        print("BRP-adrescontroles zijn adressen van personen: alleen plaats, datum en referentie.")
    print(WHO_SEES)
    return 0


def cmd_list(args, settings) -> int:
    """List the stored context layers."""
    found = service.layers(ops.open_store(settings))
    if args.json:
        _print_json({"lagen": found})
        return 0
    if not found:
        print("Geen contextlagen geladen. Laad er een met `oovgeo context load BESTAND --soort S`.")
        return 0
    for layer in found:
        print(
            f"{layer['soort']:<17} {layer['label']} '{layer['naam']}': {layer['vlakken']} vlakken, "
            f"{layer['punten']} punten, {layer['overgeslagen']} overgeslagen; uit "
            f"{layer['bestand']}, geladen {_when(layer['geladen_op'])} door {layer['geladen_door']}"
        )
    return 0


def cmd_remove(args, settings) -> int:
    """Delete the context layer of a soort."""
    try:
        removed = service.remove(ops.open_store(settings), args.soort, actor=cli_identity().name)
    except service.ContextError as exc:
        return _refuse(args, str(exc))
    if args.json:
        _print_json({"soort": args.soort, "verwijderd": removed})
        return 0
    print(f"Contextlaag {CONTEXT_KINDS[args.soort]} verwijderd ({removed} objecten).")
    return 0


def add_command(sub) -> None:
    """Add ``oovgeo context`` to the ``oovgeo`` parser."""
    s: argparse.ArgumentParser = sub.add_parser(
        "context",
        help="contextlagen voor de kaarten: cameratoezicht, bedrijventerreinen, "
        "BRP-adrescontroles, overig",
    )
    csub = s.add_subparsers(dest="action", required=True)
    soorten = list(CONTEXT_KINDS)
    b = csub.add_parser(
        "load",
        help="laad GeoJSON, GeoPackage of CSV (x/y in RD of lat/lon); vervangt de laag van "
        "die soort",
    )
    b.add_argument("file", metavar="BESTAND", help="GeoJSON, GeoPackage of CSV met de laag")
    b.add_argument("--soort", required=True, choices=soorten, help="soort contextlaag")
    b.add_argument("--naam", help="naam van de laag op de kaart (standaard: de soort)")
    add_json(b)
    b.set_defaults(func=cmd_load)
    b = csub.add_parser("list", help="welke contextlagen zijn geladen")
    add_json(b)
    b.set_defaults(func=cmd_list)
    b = csub.add_parser("remove", help="verwijder de contextlaag van een soort")
    b.add_argument("--soort", required=True, choices=soorten, help="soort contextlaag")
    add_json(b)
    b.set_defaults(func=cmd_remove)
