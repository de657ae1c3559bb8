"""``oovgeo effect``: the effect of interventions on nearby signals, as on the Interventies page.

The figures come from ``services.effect.measure_effect``, the function the page calls, with
the page's defaults (the last three years, 250 m, 6 months before and after, all themes and
outcomes). ``--json`` prints one object with Dutch keys; dates are ``JJJJ-MM-DD``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pandas as pd

from oovgeo.access import cli_identity
from oovgeo.analysis import completeness
from oovgeo.analysis.effect_table import CONTROL_GROUP, headline_text
from oovgeo.cli.analyses import AnalysisInputError, _count, _day, _number
from oovgeo.dutch import number
from oovgeo.services import operations as ops
from oovgeo.services.effect import Effect, EffectError, measure_effect

# the page's choices: its sliders and the default period
RADIUS = (100, 500, 250)  # metres: lowest, highest, default
MONTHS = (3, 12, 6)
DEFAULT_YEARS_DAYS = 3 * 365


def _interval(row: pd.Series | dict) -> dict[str, Any]:
    return {
        "effect": _number(row["effect"]),
        "ci_laag": _number(row["ci_low"]),
        "ci_hoog": _number(row["ci_high"]),
    }


def _rows(table: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    """Return the rows per theme or outcome, as ``effect --json`` prints them."""
    return [
        {
            key: row[key],
            "n_interventies": _count(row["n_interventions"]),
            **_interval(row),
            "p": _number(row["p"]),
            "p_bh": _number(row["p_bh"]),
            "oordeel": row["oordeel"],
        }
        for row in table.to_dict("records")
    ]


def effect_json(result: Effect, start: date, end: date, radius: int, months: int) -> dict:
    """Return the measurement as ``oovgeo effect --json`` prints it."""
    tables = result.tables
    head = tables.headline
    summary = tables.summary_figures
    control = summary[summary["groep"] == CONTROL_GROUP].iloc[0]
    return {
        "periode": [start.isoformat(), end.isoformat()],
        "straal_m": radius,
        "maanden": months,
        "kop": {
            **_interval(head),
            "n_interventies": _count(head["n_interventions"]),
            "p": _number(head["p"]),
            "oordeel": head["oordeel"],
            "zin": headline_text(head),
        },
        "per_thema": _rows(tables.theme_figures, "thema"),
        "per_uitkomst": _rows(tables.outcome_figures, "uitkomst"),
        "controle": {
            "groep": control["groep"],
            "n_interventies": _count(control["n_interventions"]),
            **_interval(control),
            "p": _number(control["p"]),
            "oordeel": control["oordeel"],
        },
        "n_interventies_periode": result.n_held,
        "niet_compleet": result.n_incomplete,
        "compleet_tot": result.until.isoformat(),
    }


def _choice(text: str, bounds: tuple[int, int, int], what: str) -> int:
    """Return a whole number within the page's slider range, else raise a Dutch error."""
    low, high, _ = bounds
    try:
        value = int(text)
    except ValueError:
        raise AnalysisInputError(f"{what}: '{text}' is geen geheel getal") from None
    if not low <= value <= high:
        raise AnalysisInputError(f"{what}: kies een waarde van {low} tot en met {high}")
    return value


def _known(codes: list[str], labels: dict[str, str], what: str) -> list[str]:
    unknown = [c for c in codes if c not in labels]
    if unknown:
        raise AnalysisInputError(
            f"{what}: onbekend: {', '.join(unknown)} (bekend: {', '.join(labels)})"
        )
    return codes


def cmd_effect(args, settings) -> int:
    """Measure the effect of the interventions of a period, as the Interventies page does."""
    today = date.today()
    end = _day(args.tot, "--tot") if args.tot else today
    start = _day(args.van, "--van") if args.van else today - timedelta(days=DEFAULT_YEARS_DAYS)
    if end < start:
        raise AnalysisInputError("--tot ligt voor --van")
    if end > today:
        raise AnalysisInputError("--tot ligt in de toekomst")
    radius = _choice(args.straal, RADIUS, "--straal")
    months = _choice(args.maanden, MONTHS, "--maanden")
    themes = _known(args.thema, settings.labels("themes"), "--thema")
    outcomes = _known(args.uitkomst, settings.labels("outcomes"), "--uitkomst")
    engine = ops.open_store(settings)
    try:
        result = measure_effect(
            engine,
            settings,
            start,
            end,
            radius,
            months,
            themes,
            outcomes,
            today,
            identity=cli_identity(),
        )
    except EffectError as exc:
        raise AnalysisInputError(str(exc)) from None
    out = effect_json(result, start, end, radius, months)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(
        f"Interventies {start:%d-%m-%Y} t/m {end:%d-%m-%Y}, {radius} m, {months} maanden "
        f"ervoor en erna; {completeness.sentence(result.until)}."
    )
    print(out["kop"]["zin"])
    if result.incomplete_text:
        print(result.incomplete_text)
    labels = {"thema": "Per thema", "uitkomst": "Per uitkomst"}
    for key, rows in (("thema", out["per_thema"]), ("uitkomst", out["per_uitkomst"])):
        print(f"{labels[key]} (p gecorrigeerd):")
        for r in rows:
            print(f"  {r[key]}: {_ratio(r)}: {r['oordeel']}")
    print(f"Controle, {CONTROL_GROUP}: {_ratio(out['controle'])}")
    return 0


def _ratio(row: dict) -> str:
    """Return 'verhouding 0,72 (0,55-0,91)' for a row of the JSON, in Dutch numbers."""
    if row["effect"] is None:
        return "geen meting"
    text = f"verhouding {number(row['effect'], 2)}"
    if row["ci_laag"] is not None:
        text += f" ({number(row['ci_laag'], 2)}-{number(row['ci_hoog'], 2)})"
    return text


def add_command(sub) -> None:
    """Add ``effect`` to the ``oovgeo`` parser."""
    s = sub.add_parser(
        "effect", help="effect van interventies op signalen in de buurt (gematchte vergelijking)"
    )
    s.add_argument(
        "--van", metavar="DATUM", help="eerste interventiedatum (standaard: 3 jaar terug)"
    )
    s.add_argument("--tot", metavar="DATUM", help="laatste interventiedatum (standaard vandaag)")
    s.add_argument(
        "--straal", default=str(RADIUS[2]), metavar="M", help="straal in meters (100-500)"
    )
    s.add_argument(
        "--maanden",
        default=str(MONTHS[2]),
        metavar="N",
        help="venster voor en na in maanden (3-12)",
    )
    s.add_argument("--thema", nargs="*", default=[], metavar="T", help="themacodes (leeg = alle)")
    s.add_argument(
        "--uitkomst", nargs="*", default=[], metavar="U", help="uitkomstcodes (leeg = alle)"
    )
    s.add_argument("--json", action="store_true", help="uitvoer als JSON")
    s.set_defaults(func=cmd_effect)
