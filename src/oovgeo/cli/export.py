"""``oovgeo export``: every table a protected audience sees, as that audience sees it (P3).

``oovgeo export kaart|trends|vergelijking|profiel ... [--beschermd] --json`` prints, per cell,
the text the audience reads and the interval of true counts that text allows under the
published rule (``privacy.true_range``): the figures come from the service functions the pages
call, so the export and the screen cannot disagree. An auditor or a disclosure test can put
every export side by side and check that nothing more can be derived than the rule says.

Every cell names what it counts (``gegevens``, ``van``/``tot``, ``code`` at ``niveau``, ``thema``
and for signals ``bron``), so anyone with the records can check its interval independently.
The JSON format is documented in the README ("oovgeo export").
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from oovgeo.analysis.aggregate import Filters, area_table, counts_by_area
from oovgeo.analysis.compare import protect_comparison
from oovgeo.analysis.mapdata import measure_view
from oovgeo.analysis.periods import four_week_blocks
from oovgeo.analysis.profile import area_profile, level_of, protect_profile
from oovgeo.analysis.rates import period_days, with_period_population
from oovgeo.analysis.trends import FREQUENCIES, SPLITS
from oovgeo.cli.analyses import AnalysisInputError, _day, _pair, add_period_options
from oovgeo.cli.trends import PER, SPLIT, _choice, _known
from oovgeo.config import Settings
from oovgeo.privacy import Disclosure, format_count, true_range
from oovgeo.services import completeness as complete
from oovgeo.services import operations as ops
from oovgeo.services.comparison import ComparisonError, compare_periods
from oovgeo.services.trends import TrendError, trend_series
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.population_repo import load_population
from oovgeo.vocab import protection_note

KINDS = {"signals": "signalen", "interventions": "interventies"}
# CLI names of the Kaart page's measures (``aggregate.MEASURES`` columns)
MAAT = {
    "aantal": "count",
    "per-1000": "per_1000",
    "per-100ha": "per_100ha",
    "verandering": "change",
}
PROFILE_COUNTS = ("Signalen", "Signalen vorige periode", "Interventies")
TREND_SPLIT_FIELD = {"thema": "thema", "bron": "bron", "wijk_code": "code"}


def cell(figure: Any, disclosure: Disclosure, **what: Any) -> dict[str, Any]:
    """One published figure: what it counts, its text and the true counts that text allows.

    ``figure`` is the count as the audience's query returned it (protected when
    ``disclosure`` is). Missing (no data) gives empty text and ``min``/``max`` null.

    >>> cell(3, Disclosure(protected=True), code="WK1")
    {'code': 'WK1', 'tekst': '<5', 'min': 1, 'max': None}
    >>> cell(41, Disclosure.exact(), code="WK1")
    {'code': 'WK1', 'tekst': '41', 'min': 41, 'max': 41}
    """
    missing = figure is None or pd.isna(figure)
    k = disclosure.threshold
    small = not missing and disclosure.protected and 0 < float(figure) < k
    low, high = true_range(figure, disclosure)
    return {**what, "tekst": format_count(figure, small, k), "min": low, "max": high}


def _rule(disclosure: Disclosure) -> str:
    if disclosure.protected:
        return protection_note(disclosure.threshold, disclosure.perturbation)
    return "Exacte aantallen (het OOV-team)."


def _header(table: str, disclosure: Disclosure, **more: Any) -> dict[str, Any]:
    return {"tabel": table, "beschermd": disclosure.protected, "regel": _rule(disclosure), **more}


def _filters(args, settings: Settings, kind: str, until: date, disclosure: Disclosure) -> Filters:
    """Return the sidebar's choices: the period, themes and sources.

    The default period is the sidebar's: the last 4 weeks up to the completeness date, for a
    protected audience the last whole four-week block (the only periods it can choose).
    """
    if args.van or args.tot:
        end = min(_day(args.tot, "--tot"), until) if args.tot else until
        start = _day(args.van, "--van") if args.van else end - timedelta(days=27)
    elif disclosure.protected:
        start, end = four_week_blocks(until + timedelta(days=1))[0]
    else:
        start, end = until - timedelta(days=27), until
    if end < start:
        raise AnalysisInputError(
            "--tot ligt voor --van (of na de datum waarop de gegevens compleet zijn)"
        )
    return Filters(
        start,
        end,
        kind,
        tuple(args.thema),
        tuple(args.bron) if kind == "signals" else (),
        settings.get("counting.same_address_days"),
    ).counted_as(disclosure.count_share)


def _what(filters: Filters, level: str | None, code: str | None, theme: str | None) -> dict:
    """Return the fields that say which records a cell counts."""
    return {
        "gegevens": filters.kind,
        "van": filters.start.isoformat(),
        "tot": filters.end.isoformat(),
        "niveau": level,
        "code": code,
        "thema": theme,
        "bron": list(filters.sources) or None,
    }


def _theme_field(themes: tuple[str, ...]) -> str | None:
    """``thema`` of a cell: null for all themes, else the codes counted together."""
    return ",".join(themes) if themes else None


def _setup(args, settings: Settings):
    kind = _choice(args.gegevens, list(KINDS), "--gegevens")
    _known(args.thema, settings.labels("themes"), "thema's")
    _known(args.bron, settings.labels("sources"), "bronnen")
    disclosure = Disclosure.from_settings(settings, protected=args.beschermd)
    engine = ops.open_store(settings)
    sources = args.bron if kind == "signals" else []
    until = complete.until(engine, settings, kind, sources, date.today())
    return kind, disclosure, engine, until


def _areas(engine, settings: Settings, filters: Filters):
    with engine.connect() as conn:
        edition = active_edition(conn, settings.get("boundaries.edition"))
        if edition is None:
            raise AnalysisInputError("er zijn nog geen gebiedsgrenzen geladen")
        population = load_population(conn)
    return with_period_population(
        load_areas(engine, edition), population, filters.start, filters.end
    )


# --- kaart ------------------------------------------------------------------------------------


def kaart_export(args, settings: Settings) -> dict[str, Any]:
    """Return the Kaart table (one measure per area) and its total; per theme with --per-thema."""
    kind, disclosure, engine, until = _setup(args, settings)
    measure = MAAT[_choice(args.maat, list(MAAT), "--maat")]
    level = _choice(args.niveau, ["wijk", "buurt"], "--niveau")
    filters = _filters(args, settings, kind, until, disclosure)
    all_areas = _areas(engine, settings, filters)
    areas = all_areas[all_areas["level"] == level].reset_index(drop=True)
    groups = [filters.themes] + (
        [(t,) for t in filters.themes or settings.labels("themes")] if args.per_thema else []
    )
    cells, total = [], None
    for themes in groups:
        chosen = replace(filters, themes=themes)
        with engine.connect() as conn:
            counts = counts_by_area(conn, chosen, level)
        table = area_table(areas, counts, days=period_days(chosen.start, chosen.end))
        view = measure_view(table, measure, disclosure)
        for row, shown in zip(table.to_dict("records"), view.to_dict("records"), strict=True):
            what = _what(chosen, level, row["code"], _theme_field(themes))
            counted = cell(row["count"], disclosure, naam=row["name"], **what)
            if measure != "count":
                counted = _measure_cell(counted, shown["weergave"], measure)
            cells.append(counted)
        if themes == filters.themes:
            total = cell(
                int(table["count"].sum()),
                disclosure,
                **_what(chosen, level, None, _theme_field(themes)),
            )
    return _header(
        "kaart",
        disclosure,
        maat=args.maat,
        compleet_tot=until.isoformat(),
        cellen=cells,
        totaal=total,
    )


def _measure_cell(counted: dict, text: str, measure: str) -> dict:
    """Return a rate or change cell: its text, and what that text alone says about the count.

    A shown rate gives its count back (inhabitants are public): the count's interval. A
    hidden rate ("–") and a change say nothing about the count of the period on their own.
    """
    implied = measure in ("per_1000", "per_100ha") and text != "–"
    low, high = (counted["min"], counted["max"]) if implied else (0, None)
    maat = next(name for name, column in MAAT.items() if column == measure)
    return {**counted, "maat": maat, "tekst": text, "min": low, "max": high}


# --- trends -----------------------------------------------------------------------------------


def trends_export(args, settings: Settings) -> dict[str, Any]:
    """Return the Trends table: a cell per period (and group), mean and last year as text."""
    kind, disclosure, engine, until = _setup(args, settings)
    _choice(args.per, list(PER), "--per")
    _choice(args.uitsplitsen, list(SPLIT), "--uitsplitsen")
    split = SPLITS[SPLIT[args.uitsplitsen]]
    if kind == "interventions" and split == "bron":
        raise AnalysisInputError("interventies hebben geen bron; kies --uitsplitsen thema of wijk")
    filters = _filters(args, settings, kind, until, disclosure)
    try:
        trend = trend_series(
            engine,
            settings,
            kind=kind,
            freq=FREQUENCIES[PER[args.per]],
            split=split,
            start=filters.start,
            end=filters.end,
            themes=filters.themes,
            sources=filters.sources,
            disclosure=disclosure,
            today=date.today(),
            until=until,
        )
    except TrendError as exc:
        raise AnalysisInputError(str(exc)) from None
    freq = FREQUENCIES[PER[args.per]]
    level = "wijk" if split == "wijk_code" else None
    cells = []
    for row in trend.table.to_dict("records"):
        period = pd.Period(row["periode"], freq)
        span = replace(
            filters, start=period.start_time.date(), end=min(period.end_time.date(), trend.end)
        )
        what = _what(span, level, None, _theme_field(filters.themes))
        if split:
            field = TREND_SPLIT_FIELD[split]
            what[field] = [row["groep"]] if field == "bron" else row["groep"]
        # the series has a count for every period: a blank one is a figure below k
        hidden = disclosure.protected and pd.isna(row["aantal"])
        counted = cell(1 if hidden else row["aantal"], disclosure, **what)
        counted["gemiddelde_12m"] = _mean_text(row["gemiddelde_12m"])
        counted["vorig_jaar"] = (
            "" if pd.isna(row["vorig_jaar"]) else _count_text(row["vorig_jaar"], disclosure)
        )
        counted["volledig"] = bool(row["volledig"])
        cells.append(counted)
    return _header(
        "trends",
        disclosure,
        per=args.per,
        uitsplitsen=args.uitsplitsen,
        compleet_tot=trend.until.isoformat(),
        cellen=cells,
        totaal=None,  # the page shows no total of a series
    )


def _mean_text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.1f}".replace(".", ",")


def _count_text(value: Any, disclosure: Disclosure) -> str:
    return cell(value, disclosure)["tekst"]


# --- vergelijking -----------------------------------------------------------------------------


def vergelijking_export(args, settings: Settings) -> dict[str, Any]:
    """Return the Vergelijken table: per area (and theme) a cell for period A and one for B."""
    kind, disclosure, engine, until = _setup(args, settings)
    level = _choice(args.niveau, ["wijk", "buurt"], "--niveau")
    pair = _pair(args, until)
    try:
        result = compare_periods(
            engine,
            settings,
            pair,
            kind=kind,
            level=level,
            themes=args.thema,
            sources=args.bron,
            per_theme=args.per_thema,
            today=date.today(),
            until=until,
            count_share=disclosure.count_share,
        )
    except ComparisonError as exc:
        raise AnalysisInputError(str(exc)) from None
    table, shown = result.table, protect_comparison(result.table, disclosure)
    base = Filters(
        pair.a_start,
        pair.a_end,
        kind,
        tuple(args.thema),
        tuple(args.bron) if kind == "signals" else (),
    )
    periods = {
        "a": replace(base, start=result.pair.a_start, end=result.pair.a_end),
        "b": replace(base, start=result.pair.b_start, end=result.pair.b_end),
    }
    code = f"{level}_code"
    cells = []
    totals = {"a": 0, "b": 0}
    for row, text in zip(table.to_dict("records"), shown.to_dict("records"), strict=True):
        theme = row["thema"] if args.per_thema else _theme_field(tuple(args.thema))
        for side, filters in periods.items():
            what = _what(filters, level, row[code], theme)
            cells.append(
                cell(
                    row[side],
                    disclosure,
                    periode=side,
                    naam=row.get("gebied"),
                    oordeel=text["oordeel"],
                    **what,
                )
            )
            totals[side] += int(row[side])
    return _header(
        "vergelijking",
        disclosure,
        periode_a=[result.pair.a_start.isoformat(), result.pair.a_end.isoformat()],
        periode_b=[result.pair.b_start.isoformat(), result.pair.b_end.isoformat()],
        compleet_tot=result.until.isoformat(),
        cellen=cells,
        totaal=None,  # the page shows no total; the sums of the cells are protected figures
    )


# --- profiel ----------------------------------------------------------------------------------


def profiel_export(args, settings: Settings) -> dict[str, Any]:
    """Return the Kaart page's area profile: key figures, themes, months, buurten, outcomes."""
    if not args.code:
        raise AnalysisInputError("geef met --code de wijk- of buurtcode van het profiel")
    _, disclosure, engine, until = _setup(args, settings)
    filters = _filters(args, settings, "signals", until, disclosure)
    areas = _areas(engine, settings, filters)
    if args.code not in set(areas["code"]):
        raise AnalysisInputError(f"onbekend gebied '{args.code}' (geef een wijk- of buurtcode)")
    level = level_of(args.code)
    with engine.connect() as conn:
        found = area_profile(conn, areas, args.code, filters, {}, {})
    signals = replace(filters, kind="signals")
    held = replace(filters, kind="interventions", sources=())
    figures = found.figures.set_index("kengetal")["gebied"]
    cells = [
        cell(
            figures["Signalen"],
            disclosure,
            kengetal="Signalen",
            **_what(signals, level, args.code, _theme_field(filters.themes)),
        ),
        cell(
            figures["Signalen vorige periode"],
            disclosure,
            kengetal="Signalen vorige periode",
            **_what(signals.previous(), level, args.code, _theme_field(filters.themes)),
        ),
        cell(
            figures["Interventies"],
            disclosure,
            kengetal="Interventies",
            **_what(held, level, args.code, _theme_field(filters.themes)),
        ),
    ]
    for theme, n in zip(found.themes["thema"], found.themes["aantal"], strict=True):
        cells.append(
            cell(n, disclosure, kengetal="Thema", **_what(signals, level, args.code, theme))
        )
    for month, n in zip(found.trend["maand"], found.trend["aantal"], strict=True):
        period = pd.Period(month, "M")
        span = replace(
            signals, start=period.start_time.date(), end=min(period.end_time.date(), filters.end)
        )
        cells.append(
            cell(
                n,
                disclosure,
                kengetal="Maand",
                **_what(span, level, args.code, _theme_field(filters.themes)),
            )
        )
    names = areas[(areas["level"] == "buurt") & (areas["parent_code"] == args.code)]
    buurt_code = dict(zip(names["name"], names["code"], strict=True))
    for name, n in zip(found.top_buurten["buurt"], found.top_buurten["aantal"], strict=True):
        what = _what(signals, "buurt", buurt_code[name], _theme_field(filters.themes))
        cells.append(cell(n, disclosure, kengetal="Top buurt", naam=name, **what))
    for outcome, n in zip(found.outcomes["uitkomst"], found.outcomes["aantal"], strict=True):
        what = _what(held, level, args.code, _theme_field(filters.themes))
        cells.append(cell(n, disclosure, kengetal="Uitkomst", uitkomst=outcome, **what))
    view = protect_profile(found, disclosure).figures
    derived = [
        {"kengetal": k, "tekst": t or "–", "gemiddelde": g or "–"}
        for k, t, g in view[~view["kengetal"].isin(PROFILE_COUNTS)].itertuples(index=False)
    ]
    return _header(
        "profiel",
        disclosure,
        code=args.code,
        naam=found.name,
        compleet_tot=until.isoformat(),
        cellen=cells,
        afgeleid=derived,
        totaal=None,
    )


EXPORTS = {
    "kaart": kaart_export,
    "trends": trends_export,
    "vergelijking": vergelijking_export,
    "profiel": profiel_export,
}


def cmd_export(args, settings: Settings) -> int:
    """Print one table as the chosen audience sees it (JSON, or one line per cell)."""
    out = EXPORTS[args.tabel](args, settings)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(out["regel"])
    for c in out["cellen"]:
        label = " ".join(str(c[f]) for f in ("code", "naam", "thema", "kengetal") if c.get(f))
        high = "onbegrensd" if c["max"] is None else c["max"]
        print(f"{c['van']} t/m {c['tot']} {label}: {c['tekst']} (waar: {c['min']} tot {high})")
    return 0


def add_command(sub) -> None:
    """Add ``oovgeo export`` to the ``oovgeo`` parser."""
    s = sub.add_parser(
        "export", help="een tabel zoals een doelgroep hem ziet, met de intervallen van de regel"
    )
    s.add_argument("tabel", choices=list(EXPORTS), help="kaart, trends, vergelijking of profiel")
    s.add_argument(
        "--beschermd", action="store_true", help="als managers en overleggen (afgeschermd)"
    )
    s.add_argument(
        "--gegevens", default="signals", help="signals|interventions (standaard signals)"
    )
    s.add_argument("--van", metavar="JJJJ-MM-DD", help="eerste dag (standaard: 4 weken terug)")
    s.add_argument(
        "--tot", metavar="JJJJ-MM-DD", help="laatste dag (standaard: compleet-tot-datum)"
    )
    s.add_argument("--niveau", default="wijk", help="wijk|buurt (kaart, vergelijking)")
    s.add_argument("--maat", default="aantal", help="|".join(MAAT) + " (kaart)")
    s.add_argument(
        "--per-thema", action="store_true", help="ook een cel per thema (kaart, vergelijking)"
    )
    s.add_argument("--per", default="maand", help="|".join(PER) + " (trends)")
    s.add_argument("--uitsplitsen", default="geen", help="|".join(SPLIT) + " (trends)")
    s.add_argument("--code", help="wijk- of buurtcode (profiel)")
    add_period_options(s)
    s.add_argument("--thema", nargs="*", default=[], metavar="T", help="themacodes (leeg = alle)")
    s.add_argument("--bron", nargs="*", default=[], metavar="B", help="broncodes (leeg = alle)")
    s.add_argument("--json", action="store_true", help="uitvoer als JSON")
    s.set_defaults(func=cmd_export)
