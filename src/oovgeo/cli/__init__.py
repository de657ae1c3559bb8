"""The ``oovgeo`` command. Messages in Dutch; exit code 2 on bad input, 1 on other errors.

The data commands (boundaries, population, police, quarantine) are in ``cli/data``, the
analysis commands in their own modules; the Dutch parser and error output in ``cli/common``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tqdm import tqdm

import oovgeo.cli.context as context_cli
from oovgeo import dutch
from oovgeo.access import ROLES, check_role_map, cli_identity
from oovgeo.cli import analyses, data, effect, export, hotspots, labels, nieuw, trends
from oovgeo.cli.common import DutchParser, UsageError, add_json, fail, print_json
from oovgeo.config import ConfigError, load_settings
from oovgeo.exports import to_csv_bytes, to_xlsx_bytes
from oovgeo.meetings import MeetingError, meeting_type, pack_period
from oovgeo.services import auth
from oovgeo.services import operations as ops
from oovgeo.services.auth import AccountError
from oovgeo.static_assets import ensure_static
from oovgeo.store import records
from oovgeo.store.areas_repo import active_edition, count_areas
from oovgeo.store.audit import verify_report
from oovgeo.store.backup import BackupError, backup, restore
from oovgeo.store.retention import purge
from oovgeo.vocab import file_problem

USER_ERRORS = (
    *ops.USER_ERRORS,
    AccountError,
    ConfigError,
    BackupError,
    MeetingError,
    analyses.AnalysisInputError,
)
# Table and kind names as keys of a Dutch report.
DUTCH_KEYS = {**ops.KIND_KEYS, "quarantine": "quarantaine"}

_print_json = print_json  # the name cmd_import uses


class _Bar:
    """tqdm progress per stage on stderr, so --json output on stdout stays clean."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(
                total=total, desc=stage, unit="rij", file=sys.stderr, mininterval=0.2
            )
        bar.update(done - bar.n)
        if done >= total:
            bar.close()


def cmd_demo(args, settings) -> int:
    """Create the demo database, unless the store already holds data."""
    engine = ops.open_store(settings)
    if ops.has_data(engine) and not args.boundaries:
        with engine.connect() as conn:
            st = records.status(conn)
        if st["signals"]["totaal"]:
            print(
                "De database bevat al gegevens; de demo wordt niet opnieuw gemaakt. "
                "Gebruik een leeg OOVGEO_HOME voor een nieuwe demo.",
                file=sys.stderr,
            )
            return 2
    end = date.fromisoformat(args.tot) if args.tot else None
    result = ops.build_demo(
        engine,
        settings,
        boundary_files=[Path(p) for p in args.boundaries],
        end=end,
        progress=_Bar(),
    )
    for kind in ("signals", "interventions"):
        for line in result[kind].summary():
            print(line)
    print(f"Demo klaar in gebiedsindeling {result['editie']}.")
    return 0


def cmd_serve(args, settings) -> int:
    """Start the web app (Streamlit) on the store."""
    root = Path(__file__).resolve().parents[2]
    app = root / "app.py"
    if not app.exists():
        print(f"app.py niet gevonden in {root}", file=sys.stderr)
        return 2
    ensure_static(root / "static")
    engine = ops.open_store(settings)
    if ops.ensure_demo(engine, settings):
        print("Lege database: de demodataset (fictieve stad) is aangemaakt.")
    if settings.auth_mode == "local" and auth.user_count(engine) == 0:
        _first_admin(engine)
    env = dict(os.environ)
    env.setdefault("OOVGEO_HOME", str(settings.home))
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        args.adres,
        "--server.port",
        str(args.poort),
    ]
    return subprocess.call(cmd, env=env, cwd=root)


def _first_admin(engine) -> None:
    """First start without accounts: ask for the first beheerder (no default password)."""
    if not sys.stdin.isatty():
        print(
            "Er zijn nog geen gebruikers. Maak een beheerder aan met "
            "`oovgeo users add NAAM --rol beheerder`.",
            file=sys.stderr,
        )
        return
    print("Er zijn nog geen gebruikers. Maak nu het eerste beheerdersaccount aan.")
    while True:
        name = input("Gebruikersnaam: ").strip()
        password = _ask_password()
        try:
            auth.add_user(engine, name, password, "beheerder", actor=cli_identity().name)
            print(f"Beheerder '{name}' aangemaakt.")
            return
        except AccountError as exc:
            print(f"Fout: {exc}", file=sys.stderr)


def _ask_password(from_stdin: bool = False) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Herhaal wachtwoord: ") != first:
        raise AccountError("de wachtwoorden zijn niet gelijk")
    return first


def cmd_status(args, settings) -> int:
    """Print the status of the store: database, edition, areas and records."""
    engine = ops.open_store(settings)
    with engine.connect() as conn:
        edition = active_edition(conn, settings.get("boundaries.edition"))
        data = {
            "database": engine.url.render_as_string(hide_password=True),
            "editie": edition,
            "gebieden": count_areas(conn, edition) if edition else {},
            **records.status(conn),
        }
    if args.json:
        print_json({DUTCH_KEYS.get(key, key): value for key, value in data.items()})
        return 0
    print(f"Database: {data['database']}")
    print(f"Gebiedsindeling: {edition or 'geen geladen'} {data['gebieden']}")
    for kind, label in (("signals", "Signalen"), ("interventions", "Interventies")):
        st = data[kind]
        print(
            f"{label}: {st['totaal']} ({st['van']} t/m {st['tot']}), "
            f"buiten indeling: {st['buiten_indeling']}"
        )
        for key in ("per_bron", "per_thema", "per_plaatsing"):
            if st.get(key):
                print(
                    f"  {key.replace('_', ' ')}: "
                    + ", ".join(f"{k} {v}" for k, v in sorted(st[key].items()))
                )
    print(f"Quarantaine: {data['quarantaine']} rijen")
    last = data["laatste_import"]
    print(
        "Laatste import: "
        + (
            "geen"
            if not last
            else f"{last['bestand']} ({last['soort']}) op {last['op']} door {last['door']}"
        )
    )
    return 0


def cmd_import(args, settings) -> int:
    """Import a file of records."""
    engine = ops.open_store(settings)
    path = Path(args.file)
    report = ops.run_import(
        engine,
        settings,
        kind=args.kind,
        data=path.read_bytes(),
        filename=path.name,
        profile_name=args.profile,
        progress=_Bar(),
        export_day=_day(args.exportdatum, "--exportdatum") if args.exportdatum else None,
    )
    if args.json:
        _print_json(report.to_dict())
    else:
        print("\n".join(report.summary()))
        if report.rejected:
            print("Afgewezen rijen staan in quarantaine: `oovgeo quarantine export --out FILE`.")
        if any(key.endswith(":onbekend_thema") for key in report.reasons):
            print(
                "Rijen met een onbekend themalabel worden verwerkt zodra het label gekoppeld "
                "is: `oovgeo labels koppel thema LABEL CODE` of de pagina Gegevens."
            )
    return 0


def cmd_users(args, settings) -> int:
    """Manage users: add, disable, enable, change role, or write the access review."""
    engine = ops.open_store(settings)
    actor = cli_identity().name
    if args.action == "add":
        password = _ask_password(from_stdin=args.wachtwoord_stdin)
        auth.add_user(engine, args.naam, password, args.rol, actor=actor)
        print(f"Gebruiker '{args.naam.strip().lower()}' aangemaakt met rol {args.rol}.")
    elif args.action == "disable":
        auth.set_active(engine, args.naam, False, actor=actor)
        print(f"Gebruiker '{args.naam}' geblokkeerd.")
    elif args.action == "enable":
        auth.set_active(engine, args.naam, True, actor=actor)
        print(f"Gebruiker '{args.naam}' weer actief.")
    elif args.action == "role":
        auth.set_role(engine, args.naam, args.rol, actor=actor)
        print(f"Gebruiker '{args.naam}' heeft nu rol {args.rol}.")
    elif args.action == "review":
        frame = auth.access_review(engine)
        data = to_xlsx_bytes(frame) if args.out.endswith(".xlsx") else to_csv_bytes(frame)
        Path(args.out).write_bytes(data)
        auth.record_event(engine, cli_identity(), "export", Path(args.out).name, origin="cli")
        print(f"Toegangsoverzicht ({len(frame)} gebruikers) geschreven naar {args.out}")
    else:
        for u in auth.list_users(engine):
            last = dutch.minute(u["last_login"]) if u["last_login"] else "nooit"
            state = "actief" if u["active"] else "geblokkeerd"
            print(f"{u['username']:<24} {u['role']:<12} {state:<11} laatste login {last}")
    return 0


def cmd_audit(args, settings) -> int:
    """Verify the audit log's hash chain."""
    with ops.open_store(settings).connect() as conn:
        result = verify_report(conn)
    if args.json:
        print_json(
            {
                "intact": result["intact"],
                "regels": result["rows"],
                "eerste_gebroken_regel": result.get("first_broken_id"),
            }
        )
        return 0 if result["intact"] else 1
    if result["intact"]:
        print(f"Auditlog intact: {result['rows']} regels, de hashketen klopt.")
        return 0
    print(
        f"Auditlog GEWIJZIGD: de hashketen breekt bij regel {result['first_broken_id']} "
        f"(van {result['rows']}).",
        file=sys.stderr,
    )
    return 1


def cmd_purge(args, settings) -> int:
    """Delete expired data."""
    today = date.fromisoformat(args.datum) if args.datum else date.today()
    counts = purge(ops.open_store(settings), today, actor=cli_identity().name)
    if args.json:
        print_json(
            {
                "peildatum": today.isoformat(),
                "verwijderd": {DUTCH_KEYS.get(t, t): n for t, n in counts.items()},
            }
        )
        return 0
    print(
        "Verlopen gegevens verwijderd: " + ", ".join(f"{table} {n}" for table, n in counts.items())
    )
    return 0


def cmd_backup(args, settings) -> int:
    """Write a backup of the store to a file."""
    counts = backup(ops.open_store(settings), Path(args.file))
    if args.json:
        print_json(_backup_report(args.file, counts))
        return 0
    print(
        f"Back-up geschreven naar {args.file}: {counts['signals']} signalen, "
        f"{counts['interventions']} interventies."
    )
    return 0


def cmd_restore(args, settings) -> int:
    """Restore the store from a backup file."""
    counts = restore(ops.open_store(settings), Path(args.file))
    if args.json:
        print_json(_backup_report(args.file, counts))
        return 0
    print(
        f"Teruggezet uit {args.file}: {counts['signals']} signalen, "
        f"{counts['interventions']} interventies."
    )
    return 0


def _backup_report(path: str, counts: dict[str, int]) -> dict:
    return {"bestand": path, "signalen": counts["signals"], "interventies": counts["interventions"]}


def _day(text: str, what: str) -> date:
    """Parse a date as typed on the command line: jjjj-mm-dd or dd-mm-jjjj."""
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise MeetingError(f"{what} '{text}' is geen datum (gebruik jjjj-mm-dd)")


def cmd_pack(args, settings) -> int:
    """Build the meeting pack for a meeting type and date."""
    on = _day(args.datum, "--date") if args.datum else date.today()
    start = _day(args.van, "--van") if args.van else None
    pack_period(meeting_type(settings, args.meeting), on, start)  # checks before the heavy part
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise MeetingError(f"--out {out} is geen map")

    # late on purpose: matplotlib and python-pptx are slow to load and only `pack` needs them
    from oovgeo.report.pack import PackError, build_pack, write_atomic
    from oovgeo.report.pack.pdf import to_pdf
    from oovgeo.report.pack.pptx import to_pptx

    engine = ops.open_store(settings)
    try:
        pack = build_pack(engine, settings, args.meeting, on, start=start)
    except PackError as exc:
        raise MeetingError(str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    paths = {"pptx": out / f"{pack.stem}.pptx", "pdf": out / f"{pack.stem}.pdf"}
    # each file appears whole or not at all: a killed run leaves no half-written pack
    write_atomic(paths["pptx"], to_pptx(pack))
    write_atomic(paths["pdf"], to_pdf(pack))
    for path in paths.values():
        auth.record_event(
            engine,
            cli_identity(),
            "export",
            path.name,
            origin="cli",
            detail={
                "overleg": pack.meeting.code,
                "publiek": pack.audience,
                "van": pack.period[0].isoformat(),
                "tot": pack.period[1].isoformat(),
                "dia's": len(pack.slides),
            },
        )
    result = {
        "overleg": pack.meeting.code,
        "datum": on.isoformat(),
        "periode": [pack.period[0].isoformat(), pack.period[1].isoformat()],
        "publiek": pack.audience,
        "dia's": [s.title for s in pack.slides],
        "pptx": str(paths["pptx"]),
        "pdf": str(paths["pdf"]),
    }
    if args.json:
        _print_json(result)
        return 0
    print(
        f"Overlegpakket {pack.meeting.label} {dutch.day(on)} "
        f"(periode {dutch.period(*pack.period)}, "
        f"{len(pack.slides)} dia's, publiek {pack.audience}):"
    )
    print(paths["pptx"])
    print(paths["pdf"])
    return 0


def _version() -> str:
    try:
        return version("oovgeo")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "onbekend"


def build_parser() -> argparse.ArgumentParser:
    """Build the command-line argument parser (Dutch help for every command and option)."""
    p = DutchParser(
        prog="oovgeo",
        description="oovgeo: signalen, interventies en CBS-gebieden voor het OOV-team.",
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"oovgeo {_version()}",
        help="toon het versienummer en stop",
    )
    p.add_argument(
        "--config", help="configuratiebestand (TOML); standaard $OOVGEO_HOME/oovgeo.toml"
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="OPDRACHT")

    s = sub.add_parser("demo", help="maak de synthetische demodataset")
    s.add_argument(
        "--boundaries",
        nargs="*",
        default=[],
        metavar="BESTAND",
        help="gebiedsgrenzen voor de demo (standaard: geladen grenzen of fictieve stad)",
    )
    s.add_argument("--tot", help="laatste datum van de demo (jjjj-mm-dd, standaard vandaag)")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve", help="start de app")
    s.add_argument("--adres", default="127.0.0.1", help="netwerkadres (standaard 127.0.0.1)")
    s.add_argument("--poort", type=int, default=8501, help="poort (standaard 8501)")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("status", help="wat staat er in de database")
    add_json(s)
    s.set_defaults(func=cmd_status)

    data.add_commands(sub)

    s = sub.add_parser(
        "import",
        help="signalen of interventies importeren (CSV/XLSX, of JSON/GeoJSON uit Signalen)",
    )
    s.add_argument(
        "kind", choices=["signals", "interventions"], help="signals (meldingen) of interventions"
    )
    s.add_argument("file", metavar="BESTAND", help="CSV, Excel .xlsx of Signalen .json/.geojson")
    s.add_argument(
        "--profile",
        default="generiek",
        help="kolomprofiel (standaard generiek); een JSON-bestand krijgt het profiel signalen",
    )
    s.add_argument(
        "--exportdatum",
        help="datum van de export (jjjj-mm-dd; standaard uit de bestandsnaam, anders vandaag): "
        "een record wordt alleen bijgewerkt door een export die minstens zo nieuw is",
    )
    add_json(s)
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("users", help="lokale accounts beheren")
    usub = s.add_subparsers(dest="action", required=True, metavar="ACTIE")
    b = usub.add_parser("add", help="account aanmaken (vraagt het wachtwoord)")
    b.add_argument("naam", help="gebruikersnaam")
    b.add_argument("--rol", required=True, choices=ROLES, help="rol: " + ", ".join(ROLES))
    b.add_argument(
        "--wachtwoord-stdin",
        action="store_true",
        help="lees het wachtwoord van standaardinvoer (voor scripts)",
    )
    for name, text in (("disable", "account blokkeren"), ("enable", "account weer toelaten")):
        usub.add_parser(name, help=text).add_argument("naam", help="gebruikersnaam")
    b = usub.add_parser("role", help="rol wijzigen")
    b.add_argument("naam", help="gebruikersnaam")
    b.add_argument("rol", choices=ROLES, help="nieuwe rol: " + ", ".join(ROLES))
    usub.add_parser("list", help="toon alle accounts met rol en laatste login")
    b = usub.add_parser("review", help="toegangsoverzicht voor de jaarlijkse controle")
    b.add_argument("--out", required=True, help="bestand .csv of .xlsx")
    s.set_defaults(func=cmd_users)

    s = sub.add_parser("audit", help="auditlog")
    asub = s.add_subparsers(dest="action", required=True, metavar="ACTIE")
    add_json(asub.add_parser("verify", help="controleer de hashketen"))
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("purge", help="verwijder gegevens waarvan de bewaartermijn voorbij is")
    s.add_argument("--datum", help="peildatum jjjj-mm-dd (standaard vandaag)")
    add_json(s)
    s.set_defaults(func=cmd_purge)

    s = sub.add_parser("pack", help="overlegpakket (PPTX en PDF) voor een partneroverleg")
    s.add_argument("--meeting", required=True, help="code van het overleg, bv. integraal")
    s.add_argument(
        "--date", dest="datum", help="datum van het overleg (jjjj-mm-dd, standaard vandaag)"
    )
    s.add_argument(
        "--van", help="eerste dag van de periode (standaard: het vorige overleg van dit type)"
    )
    s.add_argument("--out", default=".", help="map voor de bestanden (standaard: hier)")
    add_json(s)
    s.set_defaults(func=cmd_pack)

    s = sub.add_parser("backup", help="online back-up naar een SQLite-bestand")
    s.add_argument("file", metavar="BESTAND", help="het back-upbestand dat geschreven wordt")
    add_json(s)
    s.set_defaults(func=cmd_backup)
    s = sub.add_parser("restore", help="zet een back-up terug (vervangt alle gegevens)")
    s.add_argument("file", metavar="BESTAND", help="een back-up van oovgeo backup")
    add_json(s)
    s.set_defaults(func=cmd_restore)
    analyses.add_commands(sub)
    hotspots.add_command(sub)
    trends.add_command(sub)
    effect.add_command(sub)
    export.add_command(sub)
    labels.add_command(sub)
    nieuw.add_command(sub)
    context_cli.add_command(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Input errors (a wrong call, a bad file, a missing file) print ``Fout: ...`` in Dutch and
    return 2, with ``{"fout": ...}`` on stdout for ``--json``; a bug still raises (exit 1).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(exc.usage, end="", file=sys.stderr)
        return fail(str(exc), as_json)
    try:
        settings = load_settings(config_file=args.config or True)
        check_role_map(settings.get("auth.oidc_role_map"))
        return args.func(args, settings)
    except USER_ERRORS as exc:
        return fail(str(exc), as_json)
    except OSError as exc:  # a missing or unreadable file: Dutch, never the English OS text
        return fail(file_problem(exc), as_json)
    except Exception:
        if as_json:  # a script must not wait for a report that never comes
            print_json({"fout": "interne fout in oovgeo; zie de foutmelding hieronder"})
        raise
