"""Police open data (CBS/Politie) as context: registered crime and nuisance per wijk/buurt/month.

Tables
------
- 47022NED "Geregistreerde misdrijven; wijk en buurt, per maand": category column
  ``SoortMisdrijf`` (police classification, ``0.0.0`` is the total), measure
  ``GeregistreerdeMisdrijven_1``.
- 47024NED "Geregistreerde overlast; wijk en buurt, per maand": category column ``Overlast``
  (also accepted: ``SoortOverlast``), measure ``GeregistreerdeOverlast_1`` (also accepted: any
  column starting with ``Registraties``).

Both share ``WijkenEnBuurten`` (``GM0622``, ``WK062201``, ``BU06220101``; other region types
such as ``NL00`` are skipped) and ``Perioden`` (``2024MM03`` a month, ``2024JJ00`` a year).
Other columns (``ID``, ``Gemeentenaam_2``, ``SoortRegio_3``, ...) are ignored. Column names are
matched without case, spaces or punctuation, so "Wijken en buurten" matches too; the measure
is the first column (left to right) whose name starts with one of the table's prefixes, and
both the category column and the measure prefix can be given explicitly.

Only the *typed* export (codes, as in the OData ``TypedDataSet``) is read. A labelled export
("Vlaardingen Centrum", "2024 maart") is refused with a Dutch message: labels cannot be tied
to area codes safely.

Traps handled (each is tested)
------------------------------
- Keys are space-padded (``"1.1.1  "``, ``"WK062201  "``): every cell is stripped.
- Monthly and yearly periods share one column: only ``MM`` rows are kept (never a ``JJ00`` row
  spread over or added to its months); yearly and quarterly rows are counted in the report.
- The total category (``0.0.0``; for 47024NED the ``total_keys`` of the crosswalk file) is kept
  as its own category ``"totaal"``: `sum_categories` and `crosswalk` never add it to its parts.
  A category whose count equals the sum of all other categories in every (area, month) where
  all are known is also recognised as the total (with a warning), because the 47024NED total
  key is not verified.
- The latest month in the file is incomplete (registration lags): ``incomplete=True`` on every
  row of the last month present, and on months whose period code carries CBS's provisional
  mark ``*`` (``"2024MM02*"``). No other "voorlopig" metadata is present in a typed CSV.
- An empty cell, ``.`` (CBS: "gegevens ontbreken"), ``x`` (geheim) or ``?`` is unknown: NA,
  never 0. ``-`` is CBS's sign for "nihil" and reads as 0.
- Levels: ``GM`` gemeente, ``WK`` wijk, ``BU`` buurt. The levels overlap (a gemeente's count
  contains its wijken), so sums must stay within one level: `sum_categories` groups by level.
- Only the configured gemeenten are kept (by the four digits after the code's prefix).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from oovgeo.ingest.readers import ReadError, read_table

TOTAL = "totaal"  # the category under which a table's total is kept
LEVEL_BY_PREFIX = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
COLUMNS = ["table", "category", "area_code", "level", "month", "count", "incomplete"]

# CBS "verklaring van tekens": these mean the figure is unknown or secret, never zero.
UNKNOWN_VALUES = frozenset({"", ".", "x", "X", "?"})
NIHIL = "-"

AREA_CODE = re.compile(r"^(GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$")
OTHER_REGION = re.compile(r"^[A-Z]{2}(?=[0-9A-Z]*[0-9])[0-9A-Z]{2,8}$")  # NL00, LD01, PV28
PERIOD = re.compile(
    r"^(?P<year>[0-9]{4})(?P<kind>MM|JJ|KW|HJ|X0)(?P<num>[0-9]{2})\s*(?P<mark>\*{0,2})$"
)
COUNT = re.compile(r"^[0-9]+(?:[.,]0+)?$")

# Why a row of the file was not used, checked in this order (one reason per row), with the
# words of the report.
SKIP_REASONS = {
    "landelijk_of_regio": "landelijk of regio (zoals NL00)",
    "andere_gemeente": "andere gemeente",
    "jaartotaal": "jaartotaal (JJ00)",
    "andere_periode": "andere periode (kwartaal, half jaar)",
}


class PoliceImportError(ValueError):
    """A police open-data file cannot be imported; the message is Dutch and user-facing."""


@dataclass(frozen=True)
class TableSpec:
    """Description of one police table and its columns."""

    code: str
    label: str
    category_columns: tuple[str, ...]
    measure_prefixes: tuple[str, ...]


TABLES: dict[str, TableSpec] = {
    "47022NED": TableSpec(
        "47022NED",
        "Geregistreerde misdrijven; wijk en buurt, per maand",
        category_columns=("SoortMisdrijf",),
        measure_prefixes=("GeregistreerdeMisdrijven",),
    ),
    # ASSUMED (from public code using the OData feed, not from the table metadata): the
    # category column is "Overlast" and the measure "GeregistreerdeOverlast_1".
    "47024NED": TableSpec(
        "47024NED",
        "Geregistreerde overlast; wijk en buurt, per maand",
        category_columns=("Overlast", "SoortOverlast"),
        measure_prefixes=("GeregistreerdeOverlast", "Registraties"),
    ),
}

AREA_COLUMN = "WijkenEnBuurten"
PERIOD_COLUMN = "Perioden"


# --- crosswalk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableCrosswalk:
    """Totals, theme mapping and ignored categories for one table."""

    total_keys: frozenset[str] = frozenset()
    themes: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Crosswalk:
    """Police category -> theme per table, with each table's total keys (see the TOML file)."""

    tables: dict[str, TableCrosswalk]
    source: str = "police_crosswalk.toml"

    def table(self, code: str) -> TableCrosswalk:
        """Return the crosswalk for table ``code``, or an empty one."""
        return self.tables.get(code, TableCrosswalk())

    def theme_codes(self) -> set[str]:
        """Return all theme codes the crosswalk maps to."""
        return {theme for t in self.tables.values() for theme in t.themes.values()}


def parse_crosswalk(text: str, source: str = "police_crosswalk.toml") -> Crosswalk:
    """Parse a crosswalk file; raise PoliceImportError (Dutch) when it is malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PoliceImportError(f"Koppeltabel {source} is geen geldige TOML: {exc}") from exc
    tables: dict[str, TableCrosswalk] = {}
    raw_tables = data.get("tables", {})
    if not isinstance(raw_tables, dict):
        raise PoliceImportError(f"Koppeltabel {source}: [tables] ontbreekt of is ongeldig.")
    for code, body in raw_tables.items():
        if not isinstance(body, dict):
            raise PoliceImportError(f"Koppeltabel {source}: tabel {code} is ongeldig.")
        totals = body.get("total_keys", [])
        themes = body.get("themes", {})
        ignore = body.get("ignore", {}).get("keys", [])
        if not (
            isinstance(totals, list)
            and isinstance(themes, dict)
            and isinstance(ignore, list)
            and all(isinstance(v, str) for v in [*totals, *ignore, *themes.values()])
        ):
            raise PoliceImportError(
                f"Koppeltabel {source}, tabel {code}: total_keys en ignore.keys moeten lijsten "
                'van teksten zijn en themes een tabel van code = "thema".'
            )
        overlap = sorted(set(themes) & {k.strip() for k in totals})
        if overlap:
            raise PoliceImportError(
                f"Koppeltabel {source}, tabel {code}: totaalcategorie {', '.join(overlap)} "
                "mag geen thema krijgen (dan telt het totaal dubbel)."
            )
        tables[str(code)] = TableCrosswalk(
            total_keys=frozenset(k.strip() for k in totals),
            themes={str(k).strip(): v.strip() for k, v in themes.items()},
            ignore=frozenset(k.strip() for k in ignore),
        )
    return Crosswalk(tables=tables, source=source)


def load_crosswalk(path: Path | None = None) -> Crosswalk:
    """Load the shipped crosswalk, or the file at ``path`` instead when given."""
    if path is not None:
        return parse_crosswalk(Path(path).read_text("utf-8"), str(path))
    text = resources.files("oovgeo").joinpath("police_crosswalk.toml").read_text("utf-8")
    return parse_crosswalk(text)


def check_crosswalk(mapping: Crosswalk, theme_codes: Iterable[str]) -> list[str]:
    """Dutch problems: themes in the crosswalk that are not configured (empty when fine)."""
    known = set(theme_codes)
    return [
        f"Koppeltabel {mapping.source}: tabel {table}, categorie {key} verwijst naar "
        f"onbekend thema '{theme}'."
        for table, body in sorted(mapping.tables.items())
        for key, theme in sorted(body.themes.items())
        if theme not in known
    ]


def crosswalk(frame: pd.DataFrame, mapping: Crosswalk | None = None) -> pd.DataFrame:
    """Return a copy of ``frame`` with a column ``theme`` (NA for total and unmapped)."""
    mapping = mapping or load_crosswalk()
    themes = [
        pd.NA if category == TOTAL else mapping.table(table).themes.get(category, pd.NA)
        for table, category in zip(frame["table"], frame["category"], strict=True)
    ]
    return frame.assign(theme=pd.array(themes, dtype="string"))


def unmapped_categories(
    frame: pd.DataFrame, mapping: Crosswalk | None = None
) -> list[tuple[str, str]]:
    """(table, category) pairs in ``frame`` that the crosswalk neither maps nor ignores.

    The total is never listed. Show these to the beheerder: each needs a theme or an
    ``ignore`` entry in the crosswalk file.
    """
    mapping = mapping or load_crosswalk()
    pairs = set(zip(frame["table"], frame["category"], strict=True))
    return sorted(
        (table, category)
        for table, category in pairs
        if category != TOTAL
        and category not in mapping.table(table).themes
        and category not in mapping.table(table).ignore
    )


def sum_categories(
    frame: pd.DataFrame, by: Sequence[str] = ("table", "level", "area_code", "month")
) -> pd.DataFrame:
    """Sum the parts per group, never the total: ``count`` is NA when any part is unknown.

    ``by`` must keep ``level`` (or filter on one level first): a gemeente's count already
    contains its wijken and buurten. Group by ``theme`` after `crosswalk` for theme sums.
    ``incomplete`` is True when any summed row is.
    """
    by = list(by)
    parts = frame[frame["category"] != TOTAL]
    if parts.empty:
        empty = parts[by].copy()
        return empty.assign(count=pd.array([], dtype="Int64"), incomplete=pd.array([], dtype=bool))
    grouped = parts.groupby(by, dropna=False, sort=True)
    counts = grouped["count"].agg(lambda s: pd.NA if s.isna().any() else int(s.sum()))
    result = pd.DataFrame(
        {"count": counts.astype("Int64"), "incomplete": grouped["incomplete"].any()}
    ).reset_index()
    return result


# --- reading --------------------------------------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).casefold())


def _gemeente_digits(gemeenten: Iterable[str]) -> set[str]:
    digits = set()
    for value in gemeenten:
        text = str(value).strip().upper()
        number = text[2:] if text.startswith("GM") else text
        if not number.isdigit() or len(number) > 4:
            raise PoliceImportError(
                f"Onbekende gemeentecode '{value}' in de instellingen (verwacht bijv. GM0622)."
            )
        digits.add(number.zfill(4))
    if not digits:
        raise PoliceImportError("Er is geen gemeente ingesteld (instelling 'gemeenten').")
    return digits


def _find_columns(
    columns: list[str], spec: TableSpec, category_column: str | None, measure_prefix: str | None
) -> dict[str, int]:
    canon = [_canonical(c) for c in columns]

    def first(names: Iterable[str]) -> int | None:
        for name in names:
            if _canonical(name) in canon:
                return canon.index(_canonical(name))
        return None

    found: dict[str, int | None] = {
        "category": first([category_column] if category_column else spec.category_columns),
        "area": first([AREA_COLUMN]),
        "period": first([PERIOD_COLUMN]),
        "count": None,
    }
    prefixes = [measure_prefix] if measure_prefix else list(spec.measure_prefixes)
    for prefix in prefixes:
        hits = [i for i, c in enumerate(canon) if c.startswith(_canonical(prefix))]
        if hits:
            found["count"] = hits[0]
            break
    wanted = {
        "category": category_column or " of ".join(spec.category_columns),
        "area": AREA_COLUMN,
        "period": PERIOD_COLUMN,
        "count": (measure_prefix or " of ".join(spec.measure_prefixes)) + "…",
    }
    missing = [wanted[k] for k, v in found.items() if v is None]
    if missing:
        hint = ""
        for other in TABLES.values():
            if other.code != spec.code and first(other.category_columns) is not None:
                hint = f" Het bestand lijkt op tabel {other.code} ({other.label})."
        shown = ", ".join(columns)
        raise PoliceImportError(
            f"Kolom(men) {', '.join(missing)} ontbreken voor tabel {spec.code}.{hint} "
            f"Gevonden kolommen: {shown}."
        )
    return {k: v for k, v in found.items() if v is not None}


def _rows_text(numbers: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (" …" if len(numbers) > limit else "")


def _parse_count(text: str) -> int | None | str:
    """Return the count, None for unknown, or the string "bad" when it is not a count."""
    if text in UNKNOWN_VALUES:
        return None
    if text == NIHIL:
        return 0
    if COUNT.fullmatch(text):
        return int(re.split(r"[.,]", text)[0])
    return "bad"


LABELLED_MESSAGE = (
    "Dit bestand bevat omschrijvingen in plaats van codes (bijv. '{example}' in rij {row}). "
    "Download de CSV met codes: de onbewerkte dataset (TypedDataSet) met kolommen als "
    "WijkenEnBuurten = WK062201 en Perioden = 2024MM03."
)


def read_police_csv(
    data: bytes,
    filename: str,
    *,
    table: str,
    gemeenten: list[str],
    category_column: str | None = None,
    measure_prefix: str | None = None,
    mapping: Crosswalk | None = None,
) -> pd.DataFrame:
    """Read a typed CSV (or .xlsx) export of 47022NED/47024NED into monthly counts.

    Returns columns ``table, category, area_code, level, month`` (Timestamp, first day),
    ``count`` (Int64, NA = unknown) and ``incomplete`` (bool), one row per
    (category, area, month), sorted. ``frame.attrs["report"]`` accounts for every row of
    the file, with Dutch keys: ``rijen`` (data rows in the file) = ``gebruikt`` + the sum of
    ``overgeslagen`` (per reason of ``SKIP_REASONS``); also ``onbekend_aantal`` (used rows
    whose count is unknown), ``onvolledige_maanden`` (``JJJJ-MM``) and ``waarschuwingen``.
    :func:`describe_reading` says it in a sentence.

    ``category_column`` and ``measure_prefix`` override the table's expected column names;
    ``mapping`` supplies the total keys (default: the shipped crosswalk).
    Raises PoliceImportError with a Dutch message.
    """
    spec = TABLES.get(str(table).strip().upper())
    if spec is None:
        raise PoliceImportError(
            f"Onbekende politietabel '{table}'; kies 47022NED (misdrijven) of 47024NED (overlast)."
        )
    wanted = _gemeente_digits(gemeenten)
    total_keys = (mapping or load_crosswalk()).table(spec.code).total_keys
    try:
        raw = read_table(data, filename)
    except ReadError as exc:
        raise PoliceImportError(str(exc)) from exc
    cols = _find_columns(raw.columns, spec, category_column, measure_prefix)

    skipped = dict.fromkeys(SKIP_REASONS, 0)
    report: dict[str, Any] = {
        "rijen": len(raw.rows),
        "gebruikt": 0,
        "overgeslagen": skipped,
        "onbekend_aantal": 0,
        "waarschuwingen": list(raw.warnings),
    }
    labelled: list[tuple[int, str]] = []
    bad_codes: list[tuple[int, str]] = []
    bad_counts: list[tuple[int, str]] = []
    empty_category: list[int] = []
    months_in_file: set[pd.Timestamp] = set()
    provisional: set[pd.Timestamp] = set()
    records: list[tuple[str, str, str, pd.Timestamp, int | None, int]] = []

    for number, cells in zip(raw.row_numbers, raw.rows, strict=True):
        category = cells[cols["category"]].strip()
        area = cells[cols["area"]].strip()
        period = cells[cols["period"]].strip()
        value = cells[cols["count"]].strip()

        match = PERIOD.fullmatch(period)
        if match is None or not (AREA_CODE.fullmatch(area) or OTHER_REGION.fullmatch(area)):
            example = period if match is None else area
            # Codes are upper case; a label such as "2024 maart" or "Vlaardingen" is not.
            (labelled if re.search(r"[a-z]", example) else bad_codes).append((number, example))
            continue
        kind = match["kind"]
        is_month = kind == "MM" and 1 <= int(match["num"]) <= 12
        if is_month:
            month = pd.Timestamp(year=int(match["year"]), month=int(match["num"]), day=1)
            months_in_file.add(month)
            if match["mark"]:
                provisional.add(month)
        # One reason per skipped row, so that rows = used + the sum of the skipped.
        if not AREA_CODE.fullmatch(area):
            skipped["landelijk_of_regio"] += 1
            continue
        if area[2:6] not in wanted:
            skipped["andere_gemeente"] += 1
            continue
        if not is_month:
            skipped["jaartotaal" if kind == "JJ" else "andere_periode"] += 1
            continue
        if not category:
            empty_category.append(number)
            continue
        count = _parse_count(value)
        if isinstance(count, str):  # "bad"
            bad_counts.append((number, value))
            continue
        if count is None:
            report["onbekend_aantal"] += 1
        category = TOTAL if category in total_keys else category
        records.append((category, area, LEVEL_BY_PREFIX[area[:2]], month, count, number))

    rows_total = len(raw.rows)
    if labelled and len(labelled) * 2 >= rows_total:
        row, example = labelled[0]
        raise PoliceImportError(LABELLED_MESSAGE.format(example=example, row=row))
    problems = []
    if labelled or bad_codes:
        wrong = sorted(labelled + bad_codes)
        problems.append(
            f"rij {_rows_text([n for n, _ in wrong])}: geen geldige periode- of gebiedscode "
            f"(bijv. '{wrong[0][1]}'; verwacht 2024MM03 en GM0622/WK062201/BU06220101)"
        )
    if bad_counts:
        problems.append(
            f"rij {_rows_text([n for n, _ in bad_counts])}: aantal is geen geheel getal "
            f"(bijv. '{bad_counts[0][1]}')"
        )
    if empty_category:
        problems.append(f"rij {_rows_text(empty_category)}: categorie ontbreekt")
    if problems:
        raise PoliceImportError(
            "Het bestand kan niet ingelezen worden: " + "; ".join(problems) + "."
        )

    if not records:
        shown = ", ".join(f"GM{d}" for d in sorted(wanted))
        raise PoliceImportError(
            f"Het bestand bevat geen maandcijfers voor de ingestelde gemeente(n) {shown}."
        )

    frame = pd.DataFrame(
        records, columns=["category", "area_code", "level", "month", "count", "row"]
    )
    duplicated = frame[frame.duplicated(["category", "area_code", "month"], keep=False)]
    if not duplicated.empty:
        raise PoliceImportError(
            "Het bestand bevat dezelfde categorie, hetzelfde gebied en dezelfde maand meer dan "
            f"eens (rij {_rows_text(sorted(duplicated['row'].tolist()))})."
        )

    frame["count"] = pd.array(frame["count"].tolist(), dtype="Int64")
    if TOTAL not in set(frame["category"]):
        detected = _detect_total(frame)
        if detected is not None:
            frame.loc[frame["category"] == detected, "category"] = TOTAL
            report["waarschuwingen"].append(
                f"Categorie '{detected}' is steeds de som van de andere categorieën en wordt "
                "als totaal bewaard (niet opgeteld bij de delen)."
            )

    latest = max(months_in_file)
    incomplete_months = sorted({latest, *provisional})
    frame["incomplete"] = frame["month"].isin(incomplete_months).astype(bool)
    frame.insert(0, "table", spec.code)
    frame = (
        frame.drop(columns="row")
        .sort_values(["category", "area_code", "month"], kind="stable")
        .reset_index(drop=True)[COLUMNS]
    )
    report["gebruikt"] = len(frame)
    report["onvolledige_maanden"] = [m.strftime("%Y-%m") for m in incomplete_months]
    frame.attrs["report"] = report
    return frame


def describe_reading(report: dict[str, Any]) -> str:
    """Return a Dutch sentence accounting for every row of the file (see `read_police_csv`).

    >>> text = describe_reading({"rijen": 10, "gebruikt": 7, "onbekend_aantal": 0,
    ...     "overgeslagen": {"landelijk_of_regio": 1, "andere_gemeente": 0, "jaartotaal": 2}})
    >>> text.split(": ", 1)[1]
    '7 gebruikt, 3 overgeslagen: 1 landelijk of regio (zoals NL00), 2 jaartotaal (JJ00).'
    """
    skipped = {reason: n for reason, n in report["overgeslagen"].items() if n}
    text = f"Het bestand heeft {report['rijen']} rijen: {report['gebruikt']} gebruikt"
    if skipped:
        parts = ", ".join(f"{n} {SKIP_REASONS[reason]}" for reason, n in skipped.items())
        text += f", {sum(skipped.values())} overgeslagen: {parts}"
    else:
        text += ", niets overgeslagen"
    if report["onbekend_aantal"]:
        text += f"; {report['onbekend_aantal']} gebruikte rijen hebben een onbekend aantal"
    return text + "."


def _detect_total(frame: pd.DataFrame) -> str | None:
    """Find the one category whose count equals the sum of all others in every cell.

    A cell is one (area, month) where every category is known. The candidate must be above
    zero in at least three cells and there must be three categories or more, so that a
    coincidence (or a run of zeros) cannot make a part the total.
    """
    if frame["category"].nunique() < 3:
        return None
    wide = frame.pivot(index=["area_code", "month"], columns="category", values="count")
    wide = wide.dropna(how="any").astype("int64")
    if wide.empty:
        return None
    total = wide.sum(axis=1)
    found = []
    for category in wide.columns:
        own = wide[category]
        if int((own > 0).sum()) >= 3 and bool((total - own == own).all()):
            found.append(category)
    return found[0] if len(found) == 1 else None
