"""The analysis commands (``compare``, ``trends``, ``hotspots``, ``effect``), for scheduled reports.

Each command takes the page's choices as options and prints the figures the page shows, from
the same service functions, so a scheduled report and the screen cannot disagree. Dates in
and out are ``JJJJ-MM-DD``; ``--json`` prints one object with Dutch keys.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from typing import Any

from oovgeo.analysis.periods import PRESETS, PeriodPair, before_after
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops
from oovgeo.services.comparison import ComparisonError, compare_periods

# CLI names of the comparison presets of the Vergelijken page
PRESET_NAMES = {
    "dit-jaar": "Dit jaar tegenover dezelfde periode vorig jaar",
    "vorig-jaar": "Vorig jaar tegenover het jaar daarvoor",
    "laatste-6-weken": "Laatste 6 weken tegenover de 6 weken daarvoor",
    "laatste-4-weken": "Laatste 4 weken tegenover de 4 weken daarvoor",
}


class AnalysisInputError(ValueError):
    """An option has a wrong value (message in Dutch)."""


def _number(value: Any) -> float | None:
    """JSON has no NaN: a missing figure is null."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _count(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AnalysisInputError(f"{what}: '{text}' is geen datum (JJJJ-MM-DD)") from None


def _span(text: str, what: str) -> tuple[date, date]:
    """``VAN:TOT`` -> two dates, inclusive."""
    start, sep, end = text.partition(":")
    if not sep:
        raise AnalysisInputError(f"{what}: schrijf de periode als VAN:TOT (JJJJ-MM-DD:JJJJ-MM-DD)")
    first, last = _day(start, what), _day(end, what)
    if last < first:
        raise AnalysisInputError(f"{what}: de einddatum ligt voor de begindatum")
    return first, last


def _pair(args, until: date) -> PeriodPair:
    """Return the periods of --a/--b, --voor-na DATUM or --preset (ending at ``until``)."""
    if args.a or args.b:
        if not (args.a and args.b):
            raise AnalysisInputError("geef zowel --a als --b")
        (a0, a1), (b0, b1) = _span(args.a, "--a"), _span(args.b, "--b")
        if a0 <= b1 and b0 <= a1:
            raise AnalysisInputError("de periodes --a en --b mogen elkaar niet overlappen")
        return PeriodPair(a0, a1, b0, b1)
    if args.voor_na:
        return before_after(_day(args.voor_na, "--voor-na"), until)
    return PRESETS[PRESET_NAMES[args.preset]](until)


def comparison_rows(
    result, theme_labels: dict[str, str], min_inhabitants: int
) -> list[dict[str, Any]]:
    """Return the rows of a comparison as ``compare --json`` prints them.

    Rates and inhabitants of areas below ``min_inhabitants`` are null, as on every page: a
    rate would give the inhabitants away.
    """
    table = result.table
    code = next(c for c in table.columns if c.endswith("_code"))
    rows = []
    for row in table.to_dict("records"):
        people = _count(row.get("inwoners"))
        rated = people is not None and people >= min_inhabitants
        rows.append(
            {
                "code": row[code],
                "naam": row.get("gebied"),
                "thema": row.get("thema"),
                "thema_naam": theme_labels.get(row["thema"], row["thema"])
                if "thema" in row
                else None,
                "a": int(row["a"]),
                "b": int(row["b"]),
                "dagen_a": result.days_a,
                "dagen_b": result.days_b,
                "compleet_tot": result.until.isoformat(),
                "per_1000_inwoners_per_jaar_a": _number(row["rate_a"]) if rated else None,
                "per_1000_inwoners_per_jaar_b": _number(row["rate_b"]) if rated else None,
                "inwoners": people if rated else None,
                "spreiding": _number(row.get("spreiding", 1.0)),
                "p": _number(row["p"]),
                "p_bh": _number(row["p_fdr"]),
                "oordeel": row["oordeel"],
            }
        )
    return rows


def cmd_compare(args, settings) -> int:
    """Compare two periods per wijk or buurt (and theme), as the Vergelijken page does."""
    engine = ops.open_store(settings)
    today = date.today()
    kind = args.gegevens
    until = complete.until(engine, settings, kind, args.bron, today)
    pair = _pair(args, until)
    try:
        result = compare_periods(
            engine,
            settings,
            pair,
            kind=kind,
            level=args.niveau,
            themes=args.thema,
            sources=args.bron,
            per_theme=args.per_thema,
            today=today,
            until=until,
            count_share=0.0,  # the command line is the core team's: exact figures
        )
    except ComparisonError as exc:
        raise AnalysisInputError(str(exc)) from None
    rows = comparison_rows(result, settings.labels("themes"), settings.min_inhabitants)
    if args.json:
        out = {
            "periode_a": [result.pair.a_start.isoformat(), result.pair.a_end.isoformat()],
            "periode_b": [result.pair.b_start.isoformat(), result.pair.b_end.isoformat()],
            "compleet_tot": result.until.isoformat(),
            "spreiding_tekst": result.table.attrs.get("spreiding_tekst", ""),
            "rijen": rows,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{result.pair.text()}; gegevens compleet t/m {result.until:%d-%m-%Y}.")
    for r in rows:
        theme = f" {r['thema_naam']}" if r["thema"] else ""
        p = "" if r["p_bh"] is None else f" (p na BH {r['p_bh']:.3f})"
        print(f"{r['code']} {r['naam'] or ''}{theme}: {r['a']} tegen {r['b']}: {r['oordeel']}{p}")
    return 0


def _common(s: argparse.ArgumentParser, sources: bool = True) -> None:
    s.add_argument("--thema", nargs="*", default=[], metavar="T", help="themacodes (leeg = alle)")
    if sources:
        s.add_argument("--bron", nargs="*", default=[], metavar="B", help="broncodes (leeg = alle)")
    s.add_argument("--json", action="store_true", help="uitvoer als JSON")


def add_period_options(s: argparse.ArgumentParser) -> None:
    """Add the two periods of a comparison: --a/--b, --voor-na or --preset (see ``_pair``)."""
    s.add_argument("--a", metavar="VAN:TOT", help="periode A, bijvoorbeeld 2026-10-01:2026-10-31")
    s.add_argument("--b", metavar="VAN:TOT", help="periode B (de referentie)")
    s.add_argument("--voor-na", metavar="DATUM", help="na DATUM tegenover evenveel dagen ervoor")
    s.add_argument(
        "--preset",
        choices=list(PRESET_NAMES),
        default="laatste-6-weken",
        help="vaste vergelijking (eindigt op de datum waarop de gegevens compleet zijn)",
    )


def add_commands(sub) -> None:
    """Add the analysis commands to the ``oovgeo`` parser."""
    s = sub.add_parser("compare", help="twee periodes vergelijken per wijk of buurt (toets)")
    add_period_options(s)
    s.add_argument(
        "--niveau", choices=["wijk", "buurt"], default="wijk", help="per wijk of per buurt"
    )
    s.add_argument(
        "--gegevens",
        choices=["signals", "interventions", "police"],
        default="signals",
        help="signalen, interventies of politiecijfers (standaard signals)",
    )
    s.add_argument("--per-thema", action="store_true", help="een rij per gebied en thema")
    _common(s)
    s.set_defaults(func=cmd_compare)
