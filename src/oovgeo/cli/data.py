"""The data commands: boundaries, population, police data in; quarantined rows out.

Each prints a Dutch summary, or with ``--json`` the report with Dutch keys.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oovgeo.access import cli_identity
from oovgeo.cli.common import add_json, print_json
from oovgeo.exports import to_csv_bytes, to_xlsx_bytes
from oovgeo.services import operations as ops
from oovgeo.store import records

_PLURAL = {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten"}


def cmd_boundaries(args, settings) -> int:
    """Load boundary files, take names from a code list, or fetch the boundaries of a year."""
    engine = ops.open_store(settings)
    if args.action == "names":
        return _names(ops.rename_from_code_list(engine, settings, Path(args.file)), args.json)
    if args.action == "load":
        paths = [Path(p) for p in args.files]
        result = ops.load_boundary_files(engine, settings, paths, edition=args.editie)
    else:
        result = ops.fetch_boundaries(engine, settings, args.jaar or date.today().year)
    if args.json:
        print_json(result)
        return 0
    levels = ", ".join(
        f"{n} {level if n == 1 else plural}"
        for level, plural in _PLURAL.items()
        if (n := result["gebieden"].get(level))
    )
    line = f"Gebiedsindeling {result['editie']} geladen: {levels}"
    if result["actief"]:
        moved = {
            kind: sum(counts.values()) for kind, counts in result["herplaatst"].items() if counts
        }
        again = ", ".join(f"{n} {kind}" for kind, n in moved.items()) or "nog geen records"
        line += f"; in gebruik, opnieuw geplaatst: {again}"
    else:
        line += "; niet in gebruik (een nieuwere of ingestelde editie is actief)"
    print(line)
    for note in result["notities"]:
        print(f"  {note}")
    for warning in result["waarschuwingen"]:
        print(f"  let op: {warning}")
    return 0


def _names(result: dict, as_json: bool) -> int:
    if as_json:
        print_json(result)
        return 0
    print(
        f"Namen uit {result['bestand']} ({result['codes']} codes) in gebiedsindeling "
        f"{result['editie']}: {result['hernoemd']} hernoemd, {result['ongewijzigd']} al zo, "
        f"{result['niet_gevonden']} niet gevonden in de indeling, {result['andere_gemeente']} "
        f"van andere gemeenten, {result['ander_jaar']} van een ander jaar."
    )
    if result["niet_gevonden_codes"]:
        shown = result["niet_gevonden_codes"][:10]
        rest = len(result["niet_gevonden_codes"]) - len(shown)
        print("  niet gevonden: " + ", ".join(shown) + (f" en nog {rest}" if rest > 0 else ""))
    return 0


def cmd_population(args, settings) -> int:
    """Load population figures from a file."""
    engine = ops.open_store(settings)
    result = ops.load_population(engine, Path(args.file), year=args.jaar)
    if args.json:
        print_json(result)
        return 0
    jaren = ", ".join(str(y) for y in result["jaren"])
    print(
        f"Inwoners geladen: {result['rijen']} gebieden (jaar {jaren}), waarvan "
        f"{result['onbekend']} zonder inwonertal (geheim of onbekend); "
        f"{result['overgeslagen']} rijen zonder gemeente, wijk of buurt (zoals Nederland) "
        f"overgeslagen; {result['opgeteld']} wijken en gemeenten opgeteld uit hun buurten, "
        f"waarvan {result['som_onbekend']} onbekend (een buurt zonder inwonertal of geheim); "
        f"{result['gebieden_bijgewerkt']} gebieden van de gebiedsindeling van dat jaar bijgewerkt."
    )
    return 0


def cmd_police(args, settings) -> int:
    """Import a police data file."""
    path = Path(args.file)
    result = ops.import_police(
        ops.open_store(settings),
        settings,
        data=path.read_bytes(),
        filename=path.name,
        table=args.tabel,
    )
    if args.json:
        print_json(result)
        return 0
    print(result["melding"])
    for warning in result["waarschuwingen"]:
        print(f"  let op: {warning}")
    return 0


def cmd_quarantine(args, settings) -> int:
    """Write the rejected (quarantined) rows to a CSV or XLSX file."""
    engine = ops.open_store(settings)
    with engine.connect() as conn:
        frame = records.quarantine_frame(conn, cli_identity(), kind=args.soort, batch_id=args.batch)
    data = to_xlsx_bytes(frame) if args.out.endswith(".xlsx") else to_csv_bytes(frame)
    Path(args.out).write_bytes(data)
    if args.json:
        print_json({"rijen": len(frame), "bestand": args.out})
        return 0
    print(f"{len(frame)} afgewezen rijen geschreven naar {args.out}")
    return 0


def add_commands(sub) -> None:
    """Add ``boundaries``, ``population``, ``police`` and ``quarantine`` to the parser."""
    s = sub.add_parser("boundaries", help="gebiedsgrenzen laden, downloaden of namen bijwerken")
    bsub = s.add_subparsers(dest="action", required=True, metavar="ACTIE")
    b = bsub.add_parser(
        "load",
        help="laad GeoJSON/GeoPackage/Shapefile (of zip) met buurten en/of wijken, eventueel "
        "met gemeenten",
    )
    b.add_argument(
        "files",
        nargs="+",
        metavar="BESTAND",
        help="een of meer grensbestanden van dezelfde editie; een code die in meer bestanden "
        "staat, komt uit het laatste",
    )
    b.add_argument(
        "--editie", type=int, help="jaar van de gebiedsindeling als het bestand het niet zegt"
    )
    add_json(b)
    b = bsub.add_parser("fetch", help="download van PDOK (internet nodig)")
    b.add_argument("--jaar", type=int, help="jaar van de gebiedsindeling (standaard dit jaar)")
    add_json(b)
    b = bsub.add_parser(
        "names",
        help="neem de namen over uit een codelijst zonder geometrie (zoals gebiedscodes_2025.csv)",
    )
    b.add_argument(
        "file",
        metavar="BESTAND",
        help="CSV met code en naam (statcode/statnaam, buurtcode/buurtnaam, ...) en eventueel jaar",
    )
    add_json(b)
    s.set_defaults(func=cmd_boundaries)

    s = sub.add_parser("population", help="inwonertallen laden")
    psub = s.add_subparsers(dest="action", required=True, metavar="ACTIE")
    b = psub.add_parser(
        "load", help="CBS Kerncijfers wijken en buurten (CSV van StatLine) of code,jaar,inwoners"
    )
    b.add_argument(
        "file", metavar="BESTAND", help="de CBS-tabel zoals gedownload, of code;jaar;inwoners"
    )
    b.add_argument(
        "--jaar",
        type=int,
        help="jaar van de cijfers, voor een CBS-tabel zonder kolom Perioden en zonder tabelnummer "
        "(zoals 85984NED) of jaartal in de bestandsnaam",
    )
    add_json(b)
    s.set_defaults(func=cmd_population)

    s = sub.add_parser("police", help="open data van politie/CBS als context")
    psub = s.add_subparsers(dest="action", required=True, metavar="ACTIE")
    b = psub.add_parser("import", help="CSV van 47022NED (misdrijven) of 47024NED (overlast)")
    b.add_argument("file", metavar="BESTAND", help="de CSV met codes (TypedDataSet)")
    b.add_argument(
        "--tabel",
        required=True,
        choices=["47022NED", "47024NED"],
        help="47022NED geregistreerde misdrijven of 47024NED geregistreerde overlast",
    )
    add_json(b)
    s.set_defaults(func=cmd_police)

    s = sub.add_parser("quarantine", help="afgewezen rijen")
    qsub = s.add_subparsers(dest="action", required=True, metavar="ACTIE")
    b = qsub.add_parser("export", help="schrijf de afgewezen rijen met rijnummer en reden weg")
    b.add_argument("--out", required=True, help="bestand .csv of .xlsx")
    b.add_argument(
        "--soort", choices=["signals", "interventions"], help="alleen signalen of interventies"
    )
    b.add_argument("--batch", type=int, help="alleen de rijen van deze import (batchnummer)")
    add_json(b)
    s.set_defaults(func=cmd_quarantine)
