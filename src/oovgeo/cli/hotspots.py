"""``oovgeo hotspots``: the Kaart page's hotspot layer and the accuracy of every layer.

The figures come from ``services.hotspots``, the functions the Kaart page caches, so a scheduled
report and the screen cannot disagree. Only aggregates per unit (grid cell or buurt) are
printed, never a point. ``--json`` prints every unit, significant or not, so a script can map
them; the text output summarises.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from oovgeo.analysis import accuracy
from oovgeo.analysis.hotspots import NOT_SIGNIFICANT
from oovgeo.cli.analyses import AnalysisInputError, _common, _day, _number
from oovgeo.services import hotspots as service
from oovgeo.services import operations as ops

# CLI names of the units -> the service's
UNITS = {"raster": "grid", "buurt": "buurt"}
UNIT_NAMES = {v: k for k, v in UNITS.items()}
# JSON keys of the layers' PAI
PAI_KEYS = {
    "heat": "warmtekaart",
    "grid": "raster",
    "buurt": "buurt",
    "counts_grid": "tellingen_raster",
    "counts_buurt": "tellingen_buurt",
}


def _unit(text: str | None) -> str | None:
    if text is None:
        return None
    if text not in UNITS:
        raise AnalysisInputError(f"--eenheid: '{text}' bestaat niet; kies raster of buurt")
    return UNITS[text]


def _period(args) -> tuple[date | None, date | None]:
    start = _day(args.van, "--van") if args.van else None
    end = _day(args.tot, "--tot") if args.tot else None
    if start and end and end < start:
        raise AnalysisInputError("--tot ligt voor --van: de einddatum ligt voor de begindatum")
    return start, end


def hotspot_json(result: service.HotspotAnalysis) -> dict[str, Any]:
    """Return the analysis as ``hotspots --json`` prints it (Dutch keys, NaN -> null)."""
    units = [
        {
            "code": row["code"],
            "aantal": int(row["aantal"]),
            "z": _number(row["gi_z"]),
            "p": _number(row["gi_p"]),
            "p_bh": _number(row["gi_p_fdr"]),
            "klasse": row["hotspot"],
        }
        for row in result.units.drop(columns="geometry").to_dict("records")
    ]
    pai = {PAI_KEYS[k]: _number(v) for k, v in result.pais.items()}
    pai["gewone_tellingen"] = _number(result.pais.get(f"counts_{result.unit}"))
    w = result.windows
    return {
        "eenheid": UNIT_NAMES[result.unit],
        "periode": [result.filters.start.isoformat(), result.filters.end.isoformat()],
        "compleet_tot": result.until.isoformat(),
        "gebieden": units,
        "pai": pai,
        "pai_weken": [w.test_start.isoformat(), w.test_end.isoformat()],
        "pai_zinnen": {
            PAI_KEYS[layer]: accuracy.sentence(result.pais, layer, w)
            for layer in ("heat", result.unit)
        },
        "methode": result.method,
    }


def cmd_hotspots(args, settings) -> int:
    """Print the hotspots of a period per grid cell or buurt and every layer's PAI."""
    start, end = _period(args)
    unit = _unit(args.eenheid)
    try:
        result = service.analyse(
            ops.open_store(settings),
            settings,
            kind=args.gegevens,
            start=start,
            end=end,
            themes=args.thema,
            sources=args.bron,
            unit=unit,
            today=date.today(),
        )
    except service.HotspotError as exc:
        raise AnalysisInputError(str(exc)) from None
    out = hotspot_json(result)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    classes = [u["klasse"] for u in out["gebieden"]]
    hot = sum(c.startswith("hotspot") for c in classes)
    cold = sum(c.startswith("coldspot") for c in classes)
    what = "rastercellen van 250 m" if result.unit == "grid" else "buurten"
    print(
        f"Hotspots over {what}, {result.filters.start:%d-%m-%Y} t/m {result.filters.end:%d-%m-%Y};"
        f" gegevens compleet t/m {result.until:%d-%m-%Y}."
    )
    print(
        f"{hot} hotspots en {cold} coldspots van {len(classes)} gebieden"
        f" ({len(classes) - classes.count(NOT_SIGNIFICANT)} significant)."
    )
    for code, klasse in ((u["code"], u["klasse"]) for u in out["gebieden"]):
        if klasse != NOT_SIGNIFICANT:
            print(f"  {code}: {klasse}")
    for sentence in out["pai_zinnen"].values():
        print(sentence)
    print(result.method)
    return 0


def add_command(sub) -> None:
    """Add ``oovgeo hotspots`` to the ``oovgeo`` parser."""
    s: argparse.ArgumentParser = sub.add_parser(
        "hotspots", help="hotspots per rastercel of buurt (Gi*) en de voorspelkracht van de lagen"
    )
    s.add_argument(
        "--eenheid",
        metavar="raster|buurt",
        help="raster (250 m) of buurt (standaard: wat in deze periode het best voorspelde)",
    )
    s.add_argument("--van", metavar="JJJJ-MM-DD", help="eerste dag (standaard: 4 weken terug)")
    s.add_argument(
        "--tot", metavar="JJJJ-MM-DD", help="laatste dag (standaard: gegevens compleet t/m)"
    )
    s.add_argument(
        "--gegevens",
        choices=["signals", "interventions"],
        default="signals",
        help="signalen of interventies (standaard signals)",
    )
    _common(s)
    s.set_defaults(func=cmd_hotspots)
