"""Pure parsers for the values in Dutch case-system exports.

Each scalar parser returns a value or raises ``ParseError(rule, message)``: ``rule`` is one of
the stable codes below (used in import reports and quarantine), ``message`` is Dutch. The
``*_array`` variants are vectorised for imports of a million rows; they return an error-rule
array holding ``""`` where the value is fine.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache

import numpy as np
import pandas as pd
from pyproj import Transformer

from oovgeo.crs import RD, RD_BOUNDS, WGS84, WGS84_BOUNDS
from oovgeo.dutch import LOCAL_TIMEZONE, MONTH_NUMBERS

# --- rule codes (a value is rejected) ----------------------------------------------------------
LEEG = "leeg"
GEEN_GETAL = "geen_getal"
GEEN_DATUM = "geen_datum"
DATUM_IN_TOEKOMST = "datum_in_toekomst"
DATUM_TE_OUD = "datum_te_oud"
GEEN_JANEE = "geen_janee"
NULCOORDINAAT = "nulcoordinaat"
BUITEN_NEDERLAND = "coordinaat_buiten_nederland"

RULE_MESSAGES = {
    LEEG: "De waarde is leeg.",
    GEEN_GETAL: "De waarde is geen getal.",
    GEEN_DATUM: "De waarde is geen datum (verwacht bijvoorbeeld 31-12-2024).",
    DATUM_IN_TOEKOMST: "De datum ligt in de toekomst.",
    DATUM_TE_OUD: "De datum ligt vóór 1990.",
    GEEN_JANEE: "De waarde is geen ja/nee.",
    NULCOORDINAAT: "De coördinaat is 0: er is geen locatie ingevuld.",
    BUITEN_NEDERLAND: "De coördinaat ligt niet in Nederland.",
}
RULES = tuple(RULE_MESSAGES)

# --- note codes (a coordinate is accepted after a correction) --------------------------------
ASSEN_VERWISSELD = "assen_verwisseld"
WGS84_IN_XY = "wgs84_in_xy"
RD_IN_LATLON = "rd_in_latlon"

NOTE_MESSAGES = {
    ASSEN_VERWISSELD: "De assen waren verwisseld en zijn omgedraaid.",
    WGS84_IN_XY: "De x/y-kolommen bevatten lengte- en breedtegraden; omgerekend naar RD.",
    RD_IN_LATLON: "De lat/lon-kolommen bevatten RD-meters; als RD gebruikt.",
}
NOTES = tuple(NOTE_MESSAGES)

EARLIEST_DATE = date(1990, 1, 1)
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 is 1900-01-01, counting Excel's 1900-02-29
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 20_000, 80_000


class ParseError(ValueError):
    """A value that cannot be used; ``rule`` is a stable code, ``message`` Dutch."""

    def __init__(self, rule: str, message: str | None = None) -> None:
        self.rule = rule
        self.message = message or RULE_MESSAGES[rule]
        super().__init__(self.message)


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip().replace("\u2212", "-")  # Unicode minus sign


def _clean_series(values: object) -> pd.Series:
    series = pd.Series(values, copy=False).reset_index(drop=True).astype(object)
    text = series.where(series.notna(), "").astype(str)
    return text.str.strip().str.replace("\u2212", "-", regex=False)


# --- numbers ---------------------------------------------------------------------------------

# (pattern, thousands separator or None). One separator alone is always the decimal one, so
# '4,3456' and '83.065' are 4.3456 and 83.065; with both, the last one is the decimal one.
_NUMBER_FORMS = (
    (re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?"), None),
    (re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"), "."),
    (re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"), ","),
)


def parse_number(s: str) -> float:
    """'83065,5', '83.065,5', '83,065.5', '-1,5', '1,5e3' -> float."""
    text = _clean(s)
    if not text:
        raise ParseError(LEEG)
    for pattern, thousands in _NUMBER_FORMS:
        if pattern.fullmatch(text):
            if thousands:
                text = text.replace(thousands, "")
            value = float(text.replace(",", "."))
            if math.isfinite(value):
                return value
            break
    raise ParseError(GEEN_GETAL)


def parse_number_array(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``parse_number``: (float array with NaN for errors, error-rule array)."""
    text = _clean_series(series)
    values = np.full(len(text), np.nan)
    rules = np.full(len(text), GEEN_GETAL, dtype=object)
    empty = (text == "").to_numpy(bool)
    rules[empty] = LEEG
    todo = ~empty
    for pattern, thousands in _NUMBER_FORMS:
        match = todo & text.str.fullmatch(pattern.pattern).to_numpy(bool)
        if match.any():
            chosen = text[match]
            if thousands:
                chosen = chosen.str.replace(thousands, "", regex=False)
            values[match] = chosen.str.replace(",", ".", regex=False).astype(float).to_numpy()
        todo &= ~match
    ok = np.isfinite(values)
    rules[ok] = ""
    values[~ok] = np.nan
    return values, rules


# --- yes/no ----------------------------------------------------------------------------------

_TRUE = frozenset({"ja", "j", "true", "waar", "yes", "1", "x"})
_FALSE = frozenset({"nee", "n", "false", "onwaar", "no", "0"})


def parse_bool(s: str) -> bool | None:
    """ja/nee, j/n, true/false, waar/onwaar, yes/no, 1/0 and x (ticked) -> bool; '' -> None."""
    text = _clean(s).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParseError(GEEN_JANEE)


# --- dates -----------------------------------------------------------------------------------

_TIME = r"(?:(?:T| +)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,6}))?)?)?"
_DATE_FORMS = (
    # day first, never month first: 12-31-2024 is not a date
    re.compile(r"(?P<d>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})" + _TIME),
    # ISO, optionally with a time zone
    re.compile(
        r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
        + _TIME
        + r"(?P<tz>Z|[+-]\d{2}:?\d{2})?"
    ),
    # Dutch month names: 3 januari 2024, 3 jan. 2024, 3-mrt-2024
    re.compile(
        r"(?P<d>\d{1,2})[ -]+(?P<mon>[a-z]+)\.?[ -]+(?P<y>\d{4}|\d{2})" + _TIME, re.IGNORECASE
    ),
)
_EXCEL_SERIAL = re.compile(r"\d{5}")


def parse_datetime(s: str, *, today: date) -> datetime:
    """Parse a Dutch or ISO date with optional time into a naive local datetime.

    Time zones are converted to Europe/Amsterdam. Two-digit years are 20jj up to this year,
    else 19jj. A plain integer 20000-80000 is read as an Excel serial day number.
    """
    text = _clean(s)
    if not text:
        raise ParseError(LEEG)
    value = _match_datetime(text, today)
    if value is None:
        raise ParseError(GEEN_DATUM)
    if value.date() < EARLIEST_DATE:
        raise ParseError(DATUM_TE_OUD)
    if value.date() > today:
        raise ParseError(DATUM_IN_TOEKOMST)
    return value


def parse_date(s: str, *, today: date) -> date:
    """Like ``parse_datetime`` but drops the time."""
    return parse_datetime(s, today=today).date()


def _match_datetime(text: str, today: date) -> datetime | None:
    if _EXCEL_SERIAL.fullmatch(text):
        serial = int(text)
        if EXCEL_SERIAL_MIN <= serial <= EXCEL_SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=serial)
        return None
    for pattern in _DATE_FORMS:
        match = pattern.fullmatch(text)
        if match:
            return _build_datetime(match.groupdict(), today)
    return None


def _build_datetime(parts: dict[str, str | None], today: date) -> datetime | None:
    month_name = parts.get("mon")
    month = MONTH_NUMBERS.get(month_name.lower()) if month_name else int(parts["m"] or 0)
    year_text = parts["y"] or ""
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    try:
        value = datetime(
            year,
            month or 0,
            int(parts["d"] or 0),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int((parts["f"] or "0").ljust(6, "0")),
        )
    except ValueError:  # month 13, 31 February, 25:00 ...
        return None
    zone = parts.get("tz")
    return _to_local(value, zone) if zone else value


def _to_local(value: datetime, zone: str) -> datetime:
    if zone == "Z":
        offset = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = timezone(sign * delta)
    return value.replace(tzinfo=offset).astimezone(LOCAL_TIMEZONE).replace(tzinfo=None)


# Shapes pandas parses exactly like the scalar parser does; everything else goes the slow way.
_FAST_DATE_FORMS = (
    (r"\d{2}-\d{2}-\d{4}", "%d-%m-%Y"),
    (r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", "%d-%m-%Y %H:%M"),
    (r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}", "%d-%m-%Y %H:%M:%S"),
    (r"\d{2}/\d{2}/\d{4}", "%d/%m/%Y"),
    (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "%Y-%m-%d %H:%M:%S"),
    (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", "%Y-%m-%dT%H:%M:%S"),
)


def parse_date_array(series: pd.Series, *, today: date) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``parse_datetime``: (datetime64[ns] array, NaT on errors; error-rule array)."""
    text = _clean_series(series)
    n = len(text)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    rules = np.full(n, "", dtype=object)
    empty = (text == "").to_numpy(bool)
    rules[empty] = LEEG
    todo = ~empty
    for shape, fmt in _FAST_DATE_FORMS:
        match = todo & text.str.fullmatch(shape).to_numpy(bool)
        if match.any():
            parsed = pd.to_datetime(text[match], format=fmt, errors="coerce")
            parsed = parsed.to_numpy(dtype="datetime64[us]")
            done = ~np.isnat(parsed)
            positions = np.flatnonzero(match)[done]
            values[positions] = parsed[done]
            todo[positions] = False
    _parse_leftovers(text, todo, values, rules, today)
    days = values.astype("datetime64[D]")
    checked = rules == ""
    rules[checked & (days < np.datetime64(EARLIEST_DATE))] = DATUM_TE_OUD
    rules[checked & (days > np.datetime64(today))] = DATUM_IN_TOEKOMST
    values[rules != ""] = np.datetime64("NaT")
    return values.astype("datetime64[ns]"), rules


def _parse_leftovers(
    text: pd.Series, todo: np.ndarray, values: np.ndarray, rules: np.ndarray, today: date
) -> None:
    """Scalar parsing once per distinct leftover value."""
    positions = np.flatnonzero(todo)
    if not len(positions):
        return
    results: dict[str, tuple[datetime | None, str]] = {}
    for value in pd.unique(text.iloc[positions]):
        try:
            results[value] = (parse_datetime(value, today=today), "")
        except ParseError as error:
            results[value] = (None, error.rule)
    for position, value in zip(positions, text.iloc[positions], strict=True):
        parsed, rule = results[value]
        rules[position] = rule
        if parsed is not None:
            values[position] = np.datetime64(parsed, "us")


# --- coordinates -----------------------------------------------------------------------------


@cache
def _wgs84_to_rd() -> Transformer:
    # pyproj >= 3.1 transformers are thread-safe (one PROJ context per thread).
    return Transformer.from_crs(WGS84, RD, always_xy=True)


def _inside(a: np.ndarray, b: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    amin, bmin, amax, bmax = bounds
    return (a >= amin) & (a <= amax) & (b >= bmin) & (b <= bmax)


def _looks_rd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """RD New on Dutch land: inside the bounds and x < y."""
    return _inside(x, y, RD_BOUNDS) & (x < y)


def _looks_lonlat(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return _inside(lon, lat, WGS84_BOUNDS)


# A reading of a coordinate pair (a, b): condition, x and y sources, "rd" or "wgs84", note code.
_Reading = tuple[np.ndarray, np.ndarray, np.ndarray, str, str]


def _resolve(a: np.ndarray, b: np.ndarray, readings: list[_Reading]) -> tuple[np.ndarray, ...]:
    """Apply the first reading that fits each pair; error rules for pairs none fits."""
    x_rd = np.full(a.shape, np.nan)
    y_rd = np.full(a.shape, np.nan)
    note = np.full(a.shape, "", dtype=object)
    rule = np.full(a.shape, BUITEN_NEDERLAND, dtype=object)
    empty = np.isnan(a) | np.isnan(b)
    zero = ~empty & ((a == 0) | (b == 0))
    rule[empty] = LEEG
    rule[zero] = NULCOORDINAAT
    taken = empty | zero
    for fits, source_x, source_y, crs, code in readings:
        mask = fits & ~taken
        if not mask.any():
            continue
        taken |= mask
        xs, ys = source_x[mask], source_y[mask]
        if crs == "wgs84":
            xs, ys = _wgs84_to_rd().transform(xs, ys)
        x_rd[mask], y_rd[mask], note[mask] = xs, ys, code
        rule[mask] = np.where(_inside(np.asarray(xs), np.asarray(ys), RD_BOUNDS), "", rule[mask])
    failed = rule != ""
    x_rd[failed] = y_rd[failed] = np.nan
    note[failed] = ""
    return x_rd, y_rd, note, rule


def _as_floats(values: object) -> np.ndarray:
    return np.atleast_1d(np.asarray(values, dtype=float))


def classify_xy_arrays(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """x/y columns -> (x_rd, y_rd, note, error_rule); see ``classify_xy``."""
    x, y = _as_floats(x), _as_floats(y)
    return _resolve(
        x,
        y,
        [
            (_looks_rd(x, y), x, y, "rd", ""),
            (_looks_rd(y, x), y, x, "rd", ASSEN_VERWISSELD),
            (_looks_lonlat(x, y), x, y, "wgs84", WGS84_IN_XY),
            (_looks_lonlat(y, x), y, x, "wgs84", WGS84_IN_XY),
        ],
    )


def classify_latlon_arrays(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, ...]:
    """lat/lon columns -> (x_rd, y_rd, note, error_rule); see ``classify_latlon``."""
    lat, lon = _as_floats(lat), _as_floats(lon)
    return _resolve(
        lat,
        lon,
        [
            (_looks_lonlat(lon, lat), lon, lat, "wgs84", ""),
            (_looks_lonlat(lat, lon), lat, lon, "wgs84", ASSEN_VERWISSELD),
            (_looks_rd(lon, lat), lon, lat, "rd", RD_IN_LATLON),
            (_looks_rd(lat, lon), lat, lon, "rd", RD_IN_LATLON),
        ],
    )


def _single(result: tuple[np.ndarray, ...]) -> tuple[float, float, str]:
    x_rd, y_rd, note, rule = result
    if rule[0]:
        raise ParseError(rule[0])
    return float(x_rd[0]), float(y_rd[0]), note[0]


def classify_xy(x: float, y: float) -> tuple[float, float, str]:
    """Values from x/y columns -> RD (x, y) and a note code.

    Notes: "" (RD as given), ``assen_verwisseld`` (x and y swapped), ``wgs84_in_xy`` (degrees
    in the x/y columns, either order; converted). Raises ParseError ``leeg``,
    ``nulcoordinaat`` or ``coordinaat_buiten_nederland``.
    """
    return _single(classify_xy_arrays(np.array([x]), np.array([y])))


def classify_latlon(lat: float, lon: float) -> tuple[float, float, str]:
    """Values from lat/lon columns -> RD (x, y) and a note code.

    Notes: "" (WGS84 as given), ``assen_verwisseld`` (lat and lon swapped), ``rd_in_latlon``
    (RD metres in the lat/lon columns, either order). Same errors as ``classify_xy``.
    """
    return _single(classify_latlon_arrays(np.array([lat]), np.array([lon])))


# --- text helpers ----------------------------------------------------------------------------

MASK_CHAR = "•"
MASK_MAX = 12


def mask_value(s: str) -> str:
    """Show a rejected value without leaking it: at most 2 leading characters, then '•'s.

    Short values keep at most half their characters, so 'AB' becomes 'A•'.
    """
    if not s:
        return ""
    keep = min(2, len(s) // 2)
    return s[:keep] + MASK_CHAR * min(len(s) - keep, MASK_MAX)


def normalise_header(name: str) -> str:
    """'X-coördinaat' -> 'x_coordinaat', 'Melding ID' -> 'melding_id'."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")
