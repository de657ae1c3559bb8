"""``oovgeo labels``: the labels of exports that map to no code yet, and mapping one.

``oovgeo labels lijst`` prints the theme labels whose rows wait in quarantine (with row
counts); ``oovgeo labels koppel thema Drugs ondermijning`` maps one and releases its rows, as
the "Labels koppelen" section of the Gegevens page does (``services.labels``).
"""

from __future__ import annotations

import json

from oovgeo.access import cli_identity
from oovgeo.cli.common import add_json
from oovgeo.services import labels
from oovgeo.services import operations as ops


def cmd_labels(args, settings) -> int:
    """List unmapped theme labels, or map a label to a code."""
    engine = ops.open_store(settings)
    if args.action == "lijst":
        held = labels.unmapped_theme_labels(engine, settings)
        if args.json:
            print(json.dumps({"thema_labels_in_quarantaine": held}, ensure_ascii=False, indent=2))
        elif not held:
            print("Er wachten geen rijen op een themalabel.")
        for label, n in held.items():
            if not args.json:
                print(f"{label}: {n} rijen in quarantaine")
        return 0
    release = ops.map_label(
        engine,
        settings,
        fname=args.veld,
        label=args.label,
        code=args.code,
        actor=cli_identity().name,
        origin="cli",
    )
    text = release.message(settings.labels(labels.CODE_LISTS[args.veld])[args.code])
    if args.json:
        result = {
            "veld": release.fname,
            "label": release.label,
            "code": release.code,
            "geaccepteerd": release.accepted,
            "nog_afgewezen": release.rejected,
            "dubbel_of_ouder": release.other,
            "batches": [r.batch_id for r in release.reports],
            "melding": text,
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(text)
    return 0


def add_command(sub) -> None:
    """Register ``oovgeo labels``."""
    s = sub.add_parser("labels", help="labels uit exports koppelen aan thema's, bronnen, ...")
    lsub = s.add_subparsers(dest="action", required=True)
    b = lsub.add_parser("lijst", help="themalabels waarvan rijen in quarantaine wachten")
    add_json(b)
    b = lsub.add_parser(
        "koppel", help="koppel een label aan een code; rijen in quarantaine worden verwerkt"
    )
    b.add_argument("veld", choices=list(labels.CODE_LISTS), help="het veld van het label")
    b.add_argument("label", help="het label zoals het in de export staat, bv. 'Drugs'")
    b.add_argument("code", help="de code in de instellingen, bv. ondermijning")
    add_json(b)
    s.set_defaults(func=cmd_labels)
