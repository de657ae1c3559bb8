"""``oovgeo trends``: the series of the Trends page, for scheduled reports and for checking.

The figures come from ``services.trends.trend_series``, the function the page calls, so the
command and the screen cannot disagree. The command runs with server access: exact figures.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from oovgeo import dutch
from oovgeo.analysis.tables import label_groups
from oovgeo.analysis.trends import FREQUENCIES, SPLITS
from oovgeo.cli.analyses import AnalysisInputError, _common, _count, _day, _number
from oovgeo.privacy import Disclosure
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops
from oovgeo.services.trends import Trend, TrendError, trend_series
from oovgeo.vocab import KINDS

# CLI names of the page's select boxes; the first of each is the page's default
PER = {"maand": "Maand", "week": "Week", "kwartaal": "Kwartaal"}
SPLIT = {"geen": "Geen", "thema": "Thema", "bron": "Bron", "wijk": "Wijk"}


def trend_rows(trend: Trend, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Return the rows of a trend as ``trends --json`` prints them (NaN as null)."""
    named = label_groups(trend.table, labels)["groep"]
    return [
        {
            "periode": row["periode"].date().isoformat(),
            "groep": row["groep"],
            "groep_naam": name,
            "aantal": _count(row["aantal"]),
            "gemiddelde_12m": _number(row["gemiddelde_12m"]),
            "vorig_jaar": _count(row["vorig_jaar"]),
            "volledig": bool(row["volledig"]),
        }
        for row, name in zip(trend.table.to_dict("records"), named, strict=True)
    ]


def _period(args, until: date) -> tuple[date, date]:
    """Return --van/--tot, cut off at ``until``; by default the series ends at ``until``.

    The trend window widens any start to at least two years back (as on the page, whose
    default period, the last 4 weeks, ends at the completeness date).
    """
    end = _day(args.tot, "--tot") if args.tot else until
    start = _day(args.van, "--van") if args.van else min(end, until)
    if end < start:
        raise AnalysisInputError("--tot ligt voor --van")
    return start, min(end, until)


def _known(codes: list[str], labels: dict[str, str], what: str) -> None:
    unknown = [c for c in codes if c not in labels]
    if unknown:
        raise AnalysisInputError(
            f"onbekende {what} {', '.join(unknown)}; kies uit: {', '.join(sorted(labels))}"
        )


def _choice(value: str, options, option: str) -> str:
    """Check a choice here, not in argparse, so the message is Dutch."""
    if value not in options:
        raise AnalysisInputError(f"{option}: '{value}' kan niet; kies uit {', '.join(options)}")
    return value


def cmd_trends(args, settings) -> int:
    """Print the trend series per period (and group), as the Trends page shows it."""
    kind = _choice(args.gegevens, list(KINDS), "--gegevens")
    _choice(args.per, list(PER), "--per")
    _choice(args.uitsplitsen, list(SPLIT), "--uitsplitsen")
    if kind == "interventions" and args.uitsplitsen == "bron":
        raise AnalysisInputError("interventies hebben geen bron; kies --uitsplitsen thema of wijk")
    _known(args.thema, settings.labels("themes"), "thema's")
    _known(args.bron, settings.labels("sources"), "bronnen")
    engine = ops.open_store(settings)
    today = date.today()
    sources = args.bron if kind == "signals" else []
    until = complete.until(engine, settings, kind, sources, today)
    start, end = _period(args, until)
    try:
        trend = trend_series(
            engine,
            settings,
            kind=kind,
            freq=FREQUENCIES[PER[args.per]],
            split=SPLITS[SPLIT[args.uitsplitsen]],
            start=start,
            end=end,
            themes=args.thema,
            sources=sources,
            disclosure=Disclosure.exact(settings),
            today=today,
            until=until,
        )
    except TrendError as exc:
        raise AnalysisInputError(str(exc)) from None
    labels = {**settings.labels("themes"), **settings.labels("sources")}
    rows = trend_rows(trend, labels)
    if args.json:
        out = {
            "van": trend.start.isoformat(),
            "tot": trend.end.isoformat(),
            "compleet_tot": trend.until.isoformat(),
            "toelichting": trend.note,
            "reeks": rows,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{KINDS[kind]} per {args.per}, {dutch.period(trend.start, trend.end)}; "
        f"gegevens compleet t/m {dutch.day(trend.until)}."
    )
    for r in rows:
        mean = r["gemiddelde_12m"]
        extra = [] if mean is None else [f"gemiddelde 12 maanden {dutch.number(mean)}"]
        if r["vorig_jaar"] is not None:
            extra.append(f"vorig jaar {dutch.integer(r['vorig_jaar'])}")
        if not r["volledig"]:
            extra.append("onvolledig")
        tail = f" ({'; '.join(extra)})" if extra else ""
        print(
            f"{dutch.day(date.fromisoformat(r['periode']))} {r['groep_naam']}: {r['aantal']}{tail}"
        )
    if trend.note:
        print(trend.note)
    return 0


def add_command(sub) -> None:
    """Add ``oovgeo trends`` to the ``oovgeo`` parser."""
    s = sub.add_parser("trends", help="reeks per maand, week of kwartaal (als de pagina Trends)")
    s.add_argument(
        "--van", metavar="JJJJ-MM-DD", help="eerste dag (de reeks gaat minstens 2 jaar terug)"
    )
    s.add_argument(
        "--tot",
        metavar="JJJJ-MM-DD",
        help="laatste dag (standaard en hoogstens: de datum waarop de gegevens compleet zijn)",
    )
    s.add_argument("--per", default="maand", help="|".join(PER) + " (standaard maand)")
    s.add_argument("--uitsplitsen", default="geen", help="|".join(SPLIT) + " (standaard geen)")
    s.add_argument("--gegevens", default="signals", help="|".join(KINDS) + " (standaard signals)")
    _common(s)
    s.set_defaults(func=cmd_trends)
