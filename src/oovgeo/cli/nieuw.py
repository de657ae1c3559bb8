"""``oovgeo nieuw``: the Doorstuurlijst of the signals new since a date, per partner (issue 14).

``oovgeo nieuw [--sinds D] [--meeting M] [--partner P] --out FILE.xlsx|.csv [--json]`` writes
what the Doelen page offers as "Doorstuurlijst", from the same service function
(``services.new_since.new_since``), so the file and the screen cannot disagree. Without
``--sinds`` the list starts on the last meeting of ``--meeting`` (default ``opvolging``)
before today. Every file written is audited like the page's download. Exact figures and
addresses: shell access to the server is the core team's (``access.cli_identity``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from oovgeo import dutch
from oovgeo.access import cli_identity
from oovgeo.cli.analyses import AnalysisInputError, _day
from oovgeo.meetings import meeting_type, previous_meeting
from oovgeo.privacy import Disclosure
from oovgeo.services import auth
from oovgeo.services import new_since as service
from oovgeo.services import operations as ops

DEFAULT_MEETING = "opvolging"
FORMATS = (".xlsx", ".csv")


def cmd_nieuw(args, settings) -> int:
    """Write the Doorstuurlijst to ``--out`` and print what it holds."""
    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        raise AnalysisInputError(f"--out {out.name}: kies een bestand .xlsx of .csv")
    today = date.today()
    meeting = args.meeting
    if args.sinds:
        since = _day(args.sinds, "--sinds")
        if meeting:
            meeting_type(settings, meeting)  # an unknown meeting is an error, also here
    else:
        meeting = meeting or DEFAULT_MEETING
        since = previous_meeting(meeting_type(settings, meeting), today)
    if since > today:
        raise AnalysisInputError(f"--sinds {dutch.day(since)} ligt in de toekomst")
    identity = cli_identity()
    engine = ops.open_store(settings)
    try:
        result = service.new_since(
            engine,
            settings,
            identity,
            since=since,
            partner=args.partner,
            disclosure=Disclosure.exact(settings),
        )
    except service.NewSinceError as exc:
        raise AnalysisInputError(str(exc)) from None
    data = service.workbook(result) if out.suffix.lower() == ".xlsx" else service.csv(result)
    out.write_bytes(data)
    auth.record_event(
        engine,
        identity,
        "export",
        "nieuw_sinds",
        origin="cli",
        detail=service.audit_detail(
            result, overleg=meeting, partner=args.partner, bestand=out.name
        ),
    )
    summary = {**result.summary(), "overleg": meeting, "bestand": str(out)}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    print(result.rule)
    parts = ", ".join(f"{p['naam']} {p['signalen']}" for p in summary["partners"])
    print(f"Doorstuurlijst met {summary['signalen']} signalen geschreven naar {out}: {parts}.")
    return 0


def add_command(sub) -> None:
    """Add ``oovgeo nieuw`` to the ``oovgeo`` parser."""
    s = sub.add_parser(
        "nieuw", help="doorstuurlijst: de signalen sinds een datum per partner (XLSX of CSV)"
    )
    s.add_argument(
        "--sinds",
        metavar="JJJJ-MM-DD",
        help="eerste meldingsdatum die meetelt (standaard: het vorige overleg van --meeting)",
    )
    s.add_argument(
        "--meeting",
        help=f"code van het overleg voor de standaarddatum (standaard {DEFAULT_MEETING})",
    )
    s.add_argument("--partner", help="alleen deze partner (code uit forwarding, of niet_doorgezet)")
    s.add_argument("--out", required=True, help="bestand .xlsx (blad per partner) of .csv")
    s.add_argument("--json", action="store_true", help="samenvatting als JSON")
    s.set_defaults(func=cmd_nieuw)
