"""The import engine: one file in, every row accounted for, one transaction.

Used by the CLI, the Data page and the demo alike. For each row the outcome is exactly one of:
accepted (inserted or updated by its source id), rejected (with row number, field, rule and a
masked value; the row goes to quarantine) or duplicate. ``rows_in == accepted + rejected +
duplicates`` always holds, and the report says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.engine import Connection

from oovgeo.config import Settings
from oovgeo.ingest import parse
from oovgeo.ingest.placement import AreaIndex
from oovgeo.ingest.profiles import FIELDS, ID_FIELD, KindProfile, Profile, is_sensitive_header
from oovgeo.ingest.readers import RawTable, read_table
from oovgeo.store import audit, schema
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.db import writing

Progress = Callable[[str, int, int], None]
Geocoder = Callable[[str], "dict | None"]

CHUNK = 5_000
MAX_REJECTIONS_IN_REPORT = 1_000

# Dutch explanation per rule code, for the report and the quarantine export.
RULE_TEXT = {
    "leeg": "verplicht veld is leeg",
    "geen_getal": "geen getal",
    "geen_datum": "geen geldige datum (verwacht dd-mm-jjjj)",
    "datum_in_toekomst": "datum ligt in de toekomst",
    "datum_te_oud": "datum ligt voor 1990",
    "geen_janee": "geen ja/nee-waarde",
    "onbekend_thema": "onbekend thema",
    "onbekende_bron": "onbekende bron",
    "onbekende_partner": "onbekende partner",
    "onbekende_uitkomst": "onbekende uitkomst",
    "onbekende_gebiedscode": "gebiedscode bestaat niet in de gebiedsindeling",
    "nulcoordinaat": "coördinaat is 0",
    "coordinaat_buiten_nederland": "coördinaat ligt buiten Nederland",
    "onvolledige_coordinaat": "alleen x of alleen y (of lat/lon) ingevuld",
    "buiten_gemeente": "ligt buiten de gemeente (verder dan de tolerantie)",
    "geen_locatie": "geen coördinaten, gebiedscode of te geocoderen adres",
    "adres_niet_gevonden": "adres niet gevonden door de geocoder",
    "geocoder_onbereikbaar": "geocoder niet bereikbaar",
    "te_lang": "waarde is te lang",
    "postcode_ongeldig": "geen geldige postcode (1234AB)",
    "aantal_kolommen": "aantal kolommen in deze rij klopt niet met de kop",
    "dubbel_in_bestand": "zelfde id komt eerder in dit bestand voor met andere gegevens",
    "onbekend_shortlist_item": "dit nummer staat niet op de shortlist",
}
WARNING_TEXT = {
    "assen_verwisseld": "x en y (of lat en lon) verwisseld; gecorrigeerd",
    "wgs84_in_xy": "graden (WGS84) in de x/y-kolommen; omgerekend",
    "rd_in_latlon": "RD-meters in de lat/lon-kolommen; overgenomen",
    "nabij": "net buiten de grenzen; aan het dichtstbijzijnde gebied toegekend",
    "id_afgeleid": "geen id in het bestand; id afgeleid uit de inhoud",
}

MAX_LEN = {"id": 100, "adres": 200, "dossiernummer": 60, "huisnummer": 12, "maatregel": 100}


class ImportError_(ValueError):
    """The file as a whole cannot be imported (message in Dutch); nothing was written."""


@dataclass
class Rejection:
    row: int
    field: str
    rule: str
    message: str
    value: str


@dataclass
class ImportReport:
    kind: str
    filename: str
    profile: str
    status: str  # 'geimporteerd' | 'al_geimporteerd'
    batch_id: int | None
    rows_in: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    duplicates: int = 0
    edition: int | None = None
    encoding: str = ""
    delimiter: str | None = None
    sheet: str | None = None
    placement: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)  # "field:rule" -> rows
    warnings: dict[str, int] = field(default_factory=dict)
    dropped_columns: list[str] = field(default_factory=list)
    sensitive_columns: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)  # first ones only
    previous_batch: int | None = None

    @property
    def accepted(self) -> int:
        return self.inserted + self.updated

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.accepted + self.rejected + self.duplicates

    def to_dict(self) -> dict:
        data = asdict(self)
        data["accepted"] = self.accepted
        data["reconciles"] = self.reconciles
        return data

    def summary(self) -> list[str]:
        """The report as short Dutch lines for the screen and the terminal."""
        if self.status == "al_geimporteerd":
            return [
                f"{self.filename}: dit bestand is al geïmporteerd (batch {self.previous_batch}); "
                "er is niets gewijzigd."
            ]
        lines = [
            f"{self.filename}: {self.rows_in} rijen gelezen, {self.accepted} geaccepteerd "
            f"({self.inserted} nieuw, {self.updated} bijgewerkt), {self.rejected} afgewezen, "
            f"{self.duplicates} dubbel."
        ]
        for key, n in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            fname, rule = key.split(":", 1)
            lines.append(f"  afgewezen {n}x: {fname}: {RULE_TEXT.get(rule, rule)}")
        for code, n in sorted(self.warnings.items()):
            lines.append(f"  let op {n}x: {WARNING_TEXT.get(code, code)}")
        if self.sensitive_columns:
            lines.append(
                "  niet opgeslagen (persoonsgegevens/vrije tekst): "
                + ", ".join(self.sensitive_columns)
            )
        other = [c for c in self.dropped_columns if c not in self.sensitive_columns]
        if other:
            lines.append("  niet opgeslagen (geen oovgeo-veld): " + ", ".join(other))
        return lines


# --------------------------------------------------------------------------- columns


def match_columns(columns: list[str], kp: KindProfile) -> dict[str, int]:
    """Field -> column index, by the profile's accepted headers (first match wins)."""
    normalised = [parse.normalise_header(c) for c in columns]
    found: dict[str, int] = {}
    for fname, headers in kp.columns.items():
        for header in headers:
            if header in normalised:
                found[fname] = normalised.index(header)
                break
    return found


def _check_required(kind: str, found: dict[str, int], kp: KindProfile, columns: list[str]) -> None:
    missing = [f for f in ("datum", "thema") if f not in found and f not in kp.defaults]
    if kind == "signals" and "bron" not in found and "bron" not in kp.defaults:
        missing.append("bron")
    location = {"x", "y", "lat", "lon", "buurtcode", "adres", "postcode"}
    if not location & set(found):
        missing.append("locatie (x/y, lat/lon, buurtcode of adres)")
    if missing:
        raise ImportError_(
            "verplichte kolom(men) ontbreken: "
            + ", ".join(missing)
            + f". Kolommen in het bestand: {', '.join(columns)}. Kies een ander profiel of "
            "pas het profiel aan."
        )


# --------------------------------------------------------------------------- validation


class _Collector:
    """Collects every problem of every row, so the report lists all of them at once."""

    def __init__(self, row_numbers: np.ndarray):
        self.row_numbers = row_numbers
        self.bad = np.zeros(len(row_numbers), dtype=bool)
        self.items: list[tuple[int, str, str, str]] = []  # (position, field, rule, raw value)

    def add(self, mask: np.ndarray, fname: str, rule: str | np.ndarray, raw: pd.Series) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.bad[idx] = True
        rules = np.broadcast_to(np.asarray(rule, dtype=object), mask.shape)
        values = raw.to_numpy(dtype=object)
        for i in idx:
            self.items.append((int(i), fname, str(rules[i]), str(values[i])))

    def rejections(self) -> list[Rejection]:
        return [
            Rejection(
                row=int(self.row_numbers[i]),
                field=fname,
                rule=rule,
                message=RULE_TEXT.get(rule, rule),
                value=parse.mask_value(value),
            )
            for i, fname, rule, value in sorted(self.items)
        ]


def _code_lookup(codes: list, kp_values: dict[str, str]) -> dict[str, str]:
    """Normalised export value -> configured code, from codes, labels and profile values."""
    lookup = {}
    for c in codes:
        lookup[parse.normalise_header(c.code)] = c.code
        lookup[parse.normalise_header(c.label)] = c.code
    lookup.update(kp_values)
    return lookup


def _per_value(raw: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` once per distinct value: exports repeat the same few values a lot."""
    return raw.map({v: fn(v) for v in raw.unique()})


def _map_codes(raw: pd.Series, lookup: dict[str, str], known: set[str]) -> pd.Series:
    mapped = _per_value(raw, lambda v: lookup.get(parse.normalise_header(v)) if v else None)
    return mapped.where(mapped.isin(known), None)


def _too_long(values: pd.Series, limit: int) -> np.ndarray:
    return (values.str.len() > limit).to_numpy()


@dataclass
class _Valid:
    frame: pd.DataFrame  # canonical typed columns, index = position in the file
    rejections: list[Rejection]
    bad: np.ndarray
    warnings: Counter


def _text(frame: pd.DataFrame, fname: str) -> pd.Series:
    if fname in frame:
        return frame[fname]
    return pd.Series([""] * len(frame), index=frame.index, dtype=object)


def validate(
    raw: pd.DataFrame,
    row_numbers: np.ndarray,
    *,
    kind: str,
    kp: KindProfile,
    settings: Settings,
    index: AreaIndex,
    today: date,
    geocoder: Geocoder | None = None,
    ragged: set[int] | frozenset = frozenset(),
    shortlist_ids: set[int] | frozenset = frozenset(),
) -> _Valid:
    """Check and convert every field of every row; place the rows. Pure except ``geocoder``.

    ``shortlist_ids`` are the shortlist items an intervention may be linked to.
    """
    n = len(raw)
    out = pd.DataFrame(index=raw.index)
    col = _Collector(row_numbers)
    warnings: dict[str, np.ndarray] = {}  # warning code -> rows it applies to

    ragged_mask = np.isin(row_numbers, list(ragged))
    col.add(ragged_mask, "rij", "aantal_kolommen", pd.Series([""] * n))

    # id: the source system's own id; without one, a content hash keeps re-imports idempotent
    ident = _text(raw, ID_FIELD[kind])
    col.add(_too_long(ident, MAX_LEN["id"]), ID_FIELD[kind], "te_lang", ident)
    no_id = (ident == "").to_numpy()
    if no_id.any():
        derived = pd.util.hash_pandas_object(raw, index=False).map(lambda h: f"h{h:016x}")
        ident = ident.where(~no_id, derived)
        warnings["id_afgeleid"] = no_id
    out["source_id"] = ident

    # datum
    when = _text(raw, "datum")
    parsed, rule = parse.parse_date_array(when, today=today)
    col.add(np.asarray(rule != "", dtype=bool), "datum", rule, when)
    out["datum"] = pd.to_datetime(parsed).date if len(parsed) else []

    # thema, bron
    out["thema"] = _coded(raw, "thema", kp, settings.codes("themes"), "onbekend_thema", col)
    if kind == "signals":
        out["bron"] = _coded(raw, "bron", kp, settings.codes("sources"), "onbekende_bron", col)

    # optional short texts
    for fname in ("adres", "dossiernummer", "huisnummer", "maatregel"):
        if fname in FIELDS[kind]:
            values = _text(raw, fname).str.strip()
            col.add(_too_long(values, MAX_LEN[fname]), fname, "te_lang", values)
            out[fname] = values.where(values != "", None)

    if kind == "signals":
        postcode = _text(raw, "postcode").str.replace(r"\s+", "", regex=True).str.upper()
        bad_pc = (postcode != "") & ~postcode.str.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}")
        col.add(bad_pc.to_numpy(), "postcode", "postcode_ongeldig", postcode)
        out["postcode"] = postcode.where(postcode != "", None)
        anon_raw = _text(raw, "anoniem")
        anon, bad_anon = _bools(anon_raw)
        col.add(bad_anon, "anoniem", "geen_janee", anon_raw)
        out["anoniem"] = anon
    else:
        out["partners"] = _partners(raw, kp, settings, col)
        out["uitkomst"] = _coded(
            raw,
            "uitkomst",
            kp,
            settings.codes("outcomes"),
            "onbekende_uitkomst",
            col,
            required=False,
        )

    if kind == "interventions" and "shortlist_id" in raw:
        out["shortlist_id"] = _shortlist_link(raw, col, shortlist_ids)

    _locate(raw, out, settings, index, col, warnings, geocoder)
    return _Valid(
        frame=out,
        rejections=col.rejections(),
        bad=col.bad,
        # warnings are reported for rows that were not rejected
        warnings=Counter({k: int((m & ~col.bad).sum()) for k, m in warnings.items()}),
    )


def _shortlist_link(raw: pd.DataFrame, col: _Collector, known: set[int] | frozenset) -> pd.Series:
    """The shortlist item an intervention came from; only a column that is present is
    written, so a file without it leaves existing links alone (an empty cell unlinks)."""
    given = _text(raw, "shortlist_id")
    number = pd.to_numeric(given.where(given != ""), errors="coerce")
    not_whole = ((given != "") & (number.isna() | (number % 1 != 0))).to_numpy()
    col.add(not_whole, "shortlist_id", "geen_getal", given)
    unknown = (number.notna() & ~not_whole & ~number.isin(list(known))).to_numpy()
    col.add(unknown, "shortlist_id", "onbekend_shortlist_item", given)
    return number.where(~not_whole).astype("Int64")


def _coded(raw, fname, kp, codes, unknown_rule, col, *, required=True) -> pd.Series:
    values = _text(raw, fname).str.strip()
    if fname in kp.defaults:
        values = values.where(values != "", kp.defaults[fname])
    mapped = _map_codes(
        values, _code_lookup(codes, kp.values.get(fname, {})), {c.code for c in codes}
    )
    empty = (values == "").to_numpy()
    if required:
        col.add(empty, fname, "leeg", values)
    col.add(~empty & mapped.isna().to_numpy(), fname, unknown_rule, values)
    return mapped


_INVALID = object()


def _bools(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    def one(v):
        try:
            return parse.parse_bool(v)
        except parse.ParseError:
            return _INVALID

    values = _per_value(raw, one).astype(object)
    bad = values.map(lambda v: v is _INVALID).to_numpy(dtype=bool)
    return values.where(~bad, None), bad


def _partners(raw, kp, settings, col) -> pd.Series:
    codes = settings.codes("partners")
    lookup = _code_lookup(codes, kp.values.get("partners", {}))
    values = _text(raw, "partners")

    def one(v: str) -> tuple[str | None, bool]:
        parts = [p.strip() for p in re.split(r"[;,/|+]", v) if p.strip()]
        mapped = [lookup.get(parse.normalise_header(p)) for p in parts]
        return ";".join(sorted({m for m in mapped if m})) or None, None in mapped

    pairs = _per_value(values, one)
    col.add(pairs.str[1].astype(bool).to_numpy(), "partners", "onbekende_partner", values)
    return pairs.str[0]


def _locate(raw, out, settings, index, col, warnings, geocoder) -> None:
    """Fill x, y and area codes; reject what cannot be placed, each with its own rule."""
    n = len(raw)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    how = np.full(n, "", dtype=object)
    codes = {k: np.full(n, None, dtype=object) for k in ("buurt", "wijk", "gemeente")}

    def has(fname):
        return (_text(raw, fname).str.strip() != "").to_numpy()

    has_xy, has_ll = has("x") | has("y"), has("lat") | has("lon")
    half_xy = has("x") ^ has("y")
    half_ll = (has("lat") ^ has("lon")) & ~has_xy
    col.add(half_xy, "x/y", "onvolledige_coordinaat", _text(raw, "x") + " " + _text(raw, "y"))
    col.add(
        half_ll, "lat/lon", "onvolledige_coordinaat", _text(raw, "lat") + " " + _text(raw, "lon")
    )

    def from_numbers(mask, a_name, b_name, classify):
        a, a_rule = parse.parse_number_array(_text(raw, a_name))
        b, b_rule = parse.parse_number_array(_text(raw, b_name))
        num_bad = mask & ((a_rule != "") | (b_rule != ""))
        col.add(num_bad & (a_rule != ""), a_name, a_rule, _text(raw, a_name))
        col.add(num_bad & (b_rule != ""), b_name, b_rule, _text(raw, b_name))
        ok = mask & ~num_bad
        if ok.any():
            rx, ry, note, rule = classify(a[ok], b[ok])
            pos = np.flatnonzero(ok)
            failed = rule != ""
            pair = _text(raw, a_name) + " " + _text(raw, b_name)
            fail_mask = np.zeros(n, dtype=bool)
            fail_mask[pos[failed]] = True
            rules = np.full(n, "", dtype=object)
            rules[pos[failed]] = rule[failed]
            col.add(fail_mask, f"{a_name}/{b_name}", rules, pair)
            good = pos[~failed]
            x[good], y[good] = rx[~failed], ry[~failed]
            for code in set(note[~failed]) - {""}:
                mask = warnings.setdefault(code, np.zeros(n, dtype=bool))
                mask[good[note[~failed] == code]] = True

    from_numbers(has_xy & ~half_xy, "x", "y", parse.classify_xy_arrays)
    from_numbers(has_ll & ~has_xy & ~half_ll, "lat", "lon", parse.classify_latlon_arrays)

    # addresses, only where nothing else locates the row and a geocoder is on
    area_code = _text(raw, "buurtcode").str.strip().str.upper()
    address = _address(raw)
    need_geo = ~has_xy & ~has_ll & (area_code == "").to_numpy() & (address != "").to_numpy()
    if need_geo.any():
        if geocoder is None:
            col.add(need_geo, "adres", "geen_locatie", address)
        else:
            for i in np.flatnonzero(need_geo):
                try:
                    hit = geocoder(address.iat[i])
                except ConnectionError:
                    col.add(_one(n, i), "adres", "geocoder_onbereikbaar", address)
                    continue
                if hit is None:
                    col.add(_one(n, i), "adres", "adres_niet_gevonden", address)
                else:
                    x[i], y[i] = hit["x"], hit["y"]
                    how[i] = "geocode"

    points = ~np.isnan(x)
    if points.any():
        placed = index.place(x[points], y[points], settings.get("boundaries.tolerance_m"))
        pos = np.flatnonzero(points)
        outside = placed.how == ""
        mask = np.zeros(n, dtype=bool)
        mask[pos[outside]] = True
        xy_text = pd.Series([f"{a:.0f} {b:.0f}" for a, b in zip(x, y, strict=True)])
        col.add(mask, "locatie", "buiten_gemeente", xy_text)
        for key, arr in (
            ("buurt", placed.buurt_code),
            ("wijk", placed.wijk_code),
            ("gemeente", placed.gemeente_code),
        ):
            codes[key][pos] = arr
        how[pos] = np.where(how[pos] == "geocode", "geocode", placed.how)
        warnings["nabij"] = how == "nabij"

    by_code = ~points & ~has_xy & ~has_ll & (area_code != "").to_numpy()
    for i in np.flatnonzero(by_code):
        found = index.by_code(area_code.iat[i])
        if found is None:
            col.add(_one(n, i), "buurtcode", "onbekende_gebiedscode", area_code)
        else:
            codes["buurt"][i], codes["wijk"][i], codes["gemeente"][i] = found
            how[i] = "gebied"

    nothing = ~has_xy & ~has_ll & (area_code == "").to_numpy() & (address == "").to_numpy()
    col.add(nothing, "locatie", "geen_locatie", pd.Series([""] * n))

    out["x"] = np.round(x, 2)
    out["y"] = np.round(y, 2)
    out["placement"] = how
    out["source_area_code"] = area_code.where(area_code != "", None)
    out["buurt_code"], out["wijk_code"] = codes["buurt"], codes["wijk"]
    out["gemeente_code"] = codes["gemeente"]


def _address(raw: pd.DataFrame) -> pd.Series:
    adres = _text(raw, "adres").str.strip()
    pc = _text(raw, "postcode").str.replace(r"\s+", "", regex=True)
    nr = _text(raw, "huisnummer").str.strip()
    pc_nr = (pc + " " + nr).where((pc != "") & (nr != ""), "")
    return adres.where(adres != "", pc_nr)


def _one(n: int, i: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask


# --------------------------------------------------------------------------- storing

_HASHED = {
    "signals": [
        "source_id",
        "datum",
        "thema",
        "bron",
        "x",
        "y",
        "source_area_code",
        "adres",
        "postcode",
        "huisnummer",
        "dossiernummer",
        "anoniem",
    ],
    "interventions": [
        "source_id",
        "datum",
        "thema",
        "x",
        "y",
        "source_area_code",
        "adres",
        "partners",
        "uitkomst",
        "maatregel",
    ],
}


def _row_hashes(frame: pd.DataFrame, kind: str) -> pd.Series:
    # the shortlist link counts only where the file has it, so older hashes stay valid
    columns = _HASHED[kind] + [c for c in ("shortlist_id",) if c in frame]
    text = frame[columns].astype(str)
    return pd.util.hash_pandas_object(text, index=False).map(lambda h: f"{h:016x}")


def _table(kind: str):
    return schema.signals if kind == "signals" else schema.interventions


def previous_import(conn: Connection, kind: str, sha: str, profile: str) -> int | None:
    b = schema.import_batches
    return conn.execute(
        select(b.c.id).where(b.c.kind == kind, b.c.file_sha256 == sha, b.c.profile == profile)
    ).scalar()


def import_file(
    engine: Engine,
    settings: Settings,
    profile: Profile,
    *,
    kind: str,
    data: bytes,
    filename: str,
    actor: str = "cli",
    origin: str = "cli",
    today: date | None = None,
    geocoder: Geocoder | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV/XLSX file of ``kind`` ('signals' or 'interventions').

    Raises ``ImportError_`` (or a ``ReadError``) when the file as a whole cannot be used; then
    nothing is written. Otherwise returns the report; everything was written in one
    transaction.
    """
    if kind not in FIELDS:
        raise ImportError_(f"onbekende soort import '{kind}'")
    today = today or date.today()
    progress = progress or (lambda stage, done, total: None)
    kp = profile.kind(kind)
    table = read_table(
        data,
        filename,
        max_bytes=settings.get("import.max_file_mb") * 1024 * 1024,
        max_rows=settings.get("import.max_rows"),
    )
    found = match_columns(table.columns, kp)
    _check_required(kind, found, kp, table.columns)
    sha = hashlib.sha256(data).hexdigest()
    report = ImportReport(
        kind=kind,
        filename=filename,
        profile=profile.name,
        status="geimporteerd",
        batch_id=None,
        rows_in=len(table.rows),
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
    )
    used = set(found.values())
    report.dropped_columns = [c for i, c in enumerate(table.columns) if i not in used]
    report.sensitive_columns = [c for c in report.dropped_columns if is_sensitive_header(c)]

    with engine.connect() as conn:
        earlier = previous_import(conn, kind, sha, profile.name)
        edition = active_edition(conn, settings.get("boundaries.edition"))
    if earlier is not None:
        return _noop(engine, report, earlier, actor, origin)
    if edition is None:
        raise ImportError_(
            "er zijn nog geen gebiedsgrenzen geladen; laad ze eerst "
            "(oovgeo boundaries load BESTAND) of maak de demo (oovgeo demo)"
        )
    report.edition = edition
    index = AreaIndex(load_areas(engine, edition))

    raw = _canonical_frame(table, found)
    shortlist_ids: set[int] = set()
    if "shortlist_id" in found:
        with engine.connect() as conn:
            shortlist_ids = set(conn.execute(select(schema.shortlist.c.id)).scalars())
    progress("controleren", 0, len(raw))
    valid = validate(
        raw,
        np.asarray(table.row_numbers),
        kind=kind,
        kp=kp,
        settings=settings,
        index=index,
        today=today,
        geocoder=geocoder,
        ragged=set(table.ragged_rows),
        shortlist_ids=shortlist_ids,
    )
    progress("controleren", len(raw), len(raw))
    report.warnings = {k: v for k, v in valid.warnings.items() if v}
    _write(
        engine,
        settings,
        report,
        table,
        found,
        valid,
        kind,
        profile,
        sha,
        edition,
        actor,
        origin,
        today,
        progress,
    )
    return report


def _canonical_frame(table: RawTable, found: dict[str, int]) -> pd.DataFrame:
    data = {
        fname: pd.Series([row[i] if i < len(row) else "" for row in table.rows], dtype=object)
        for fname, i in found.items()
    }
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(table.rows)))
    return frame.fillna("").astype(object).apply(lambda s: s.str.strip())


def _noop(engine, report: ImportReport, earlier: int, actor: str, origin: str) -> ImportReport:
    report.status = "al_geimporteerd"
    report.previous_batch = earlier
    b = schema.import_batches
    with writing(engine) as conn:
        row = conn.execute(select(b).where(b.c.id == earlier)).mappings().one()
        for name in ("inserted", "updated", "rejected", "duplicates"):
            setattr(report, name, 0)
        # Nothing changes: every row is reported as already present (accepted earlier,
        # or in quarantine from that earlier batch).
        report.duplicates = report.rows_in
        audit.record(
            conn,
            actor=actor,
            action="import",
            obj=f"{report.kind}:{report.filename}",
            result="al_geimporteerd",
            origin=origin,
            detail={"vorige_batch": earlier, "rijen": row["rows_in"]},
        )
    return report


@dataclass
class _Plan:
    """What to do with the valid rows of one file."""

    inserts: pd.DataFrame
    updates: pd.DataFrame  # with column _id, the stored record to update
    duplicates: int
    conflicts: pd.DataFrame  # same id as an earlier row of this file, other content


def _plan(good: pd.DataFrame, existing: pd.DataFrame) -> _Plan:
    """Classify valid rows against each other and against the stored records of the system."""
    same_as_earlier = good.duplicated(["source_id", "row_hash"])
    repeated_id = good.duplicated("source_id")
    conflicts = good[repeated_id & ~same_as_earlier]
    firsts = good[~repeated_id]
    merged = firsts.merge(existing, on="source_id", how="left", suffixes=("", "_stored"))
    merged.index = firsts.index
    new = merged["_id"].isna()
    unchanged = ~new & (merged["row_hash"] == merged["row_hash_stored"])
    return _Plan(
        inserts=firsts[new.to_numpy()],
        updates=merged[(~new & ~unchanged).to_numpy()].drop(columns="row_hash_stored"),
        duplicates=int(same_as_earlier.sum() + unchanged.sum()),
        conflicts=conflicts,
    )


def _records(frame: pd.DataFrame, common: dict) -> list[dict]:
    """Rows as plain Python dicts for the database driver (NaN -> None)."""
    plain = frame.astype(object).where(frame.notna(), None)
    for key, value in common.items():
        plain[key] = value
    return plain.to_dict("records")


def _write(
    engine,
    settings,
    report,
    table,
    found,
    valid,
    kind,
    profile,
    sha,
    edition,
    actor,
    origin,
    today,
    progress,
) -> None:
    tbl = _table(kind)
    good = valid.frame[~valid.bad].copy()
    good["row_hash"] = _row_hashes(good, kind) if len(good) else pd.Series(dtype=object)
    months = settings.get(f"retention.{kind}_months")
    # keep-until (P2): the record's date plus the retention term of its kind
    good["keep_until"] = (pd.to_datetime(good["datum"]) + pd.DateOffset(months=months)).dt.date
    rejections = list(valid.rejections)

    with writing(engine) as conn:
        batch_id = conn.execute(
            schema.import_batches.insert().values(
                kind=kind,
                filename=report.filename[:255],
                file_sha256=sha,
                profile=profile.name,
                imported_at=datetime.now(UTC),
                imported_by=actor,
                rows_in=report.rows_in,
                inserted=0,
                updated=0,
                rejected=0,
                duplicates=0,
                report="{}",
            )
        ).inserted_primary_key[0]
        report.batch_id = batch_id

        existing = pd.DataFrame(
            conn.execute(
                select(tbl.c.id, tbl.c.source_id, tbl.c.row_hash).where(
                    tbl.c.source_system == profile.system
                )
            ).all(),
            columns=["_id", "source_id", "row_hash_stored"],
        )
        plan = _plan(good, existing)
        row_numbers = np.asarray(table.row_numbers)
        for pos, sid in plan.conflicts["source_id"].items():
            rejections.append(
                Rejection(
                    row=int(row_numbers[pos]),
                    field=ID_FIELD[kind],
                    rule="dubbel_in_bestand",
                    message=RULE_TEXT["dubbel_in_bestand"],
                    value=parse.mask_value(str(sid)),
                )
            )

        common = {"batch_id": batch_id, "edition": edition, "source_system": profile.system}
        total, done = len(plan.inserts) + len(plan.updates), 0
        update = tbl.update().where(tbl.c.id == bindparam("_id")).values(version=tbl.c.version + 1)
        for stmt, frame in ((tbl.insert(), plan.inserts), (update, plan.updates)):
            for start in range(0, len(frame), CHUNK):
                chunk = frame.iloc[start : start + CHUNK]
                conn.execute(stmt, _records(chunk, common))
                done += len(chunk)
                progress("schrijven", done, total)
        report.inserted, report.updated = len(plan.inserts), len(plan.updates)
        report.duplicates = plan.duplicates
        report.placement = dict(
            Counter(plan.inserts["placement"]) + Counter(plan.updates["placement"])
        )

        report.rejected = _quarantine(
            conn, table, found, rejections, batch_id, kind, settings, today
        )
        report.reasons = dict(Counter(f"{r.field}:{r.rule}" for r in rejections))
        report.rejections = sorted(rejections, key=lambda r: r.row)[:MAX_REJECTIONS_IN_REPORT]
        if not report.reconciles:  # a bug, never a data problem: refuse to commit
            raise RuntimeError(f"import does not reconcile: {report.to_dict()}")
        conn.execute(
            schema.import_batches.update()
            .where(schema.import_batches.c.id == batch_id)
            .values(
                inserted=report.inserted,
                updated=report.updated,
                rejected=report.rejected,
                duplicates=report.duplicates,
                report=json.dumps(report.to_dict(), ensure_ascii=False, default=str),
            )
        )
        audit.record(
            conn,
            actor=actor,
            action="import",
            obj=f"{kind}:{report.filename}",
            origin=origin,
            detail={
                "batch": batch_id,
                "rijen": report.rows_in,
                "nieuw": report.inserted,
                "bijgewerkt": report.updated,
                "afgewezen": report.rejected,
                "dubbel": report.duplicates,
            },
        )


def _quarantine(conn, table, found, rejections, batch_id, kind, settings, today) -> int:
    """Store each rejected row once, with all its reasons; return the number of rows."""
    by_row: dict[int, list[Rejection]] = {}
    for r in rejections:
        by_row.setdefault(r.row, []).append(r)
    position = {n: i for i, n in enumerate(table.row_numbers)}
    keep = today + timedelta(days=settings.get("retention.quarantine_days"))
    allowed = sorted(set(found.values()))  # only allow-listed columns are ever kept (P1)
    rows = []
    for row_number, reasons in by_row.items():
        cells = table.rows[position[row_number]]
        row_data = {table.columns[i]: (cells[i] if i < len(cells) else "") for i in allowed}
        rows.append(
            {
                "batch_id": batch_id,
                "kind": kind,
                "row_number": row_number,
                "reasons": json.dumps([asdict(r) for r in reasons], ensure_ascii=False),
                "row_data": json.dumps(row_data, ensure_ascii=False),
                "keep_until": keep,
            }
        )
    for start in range(0, len(rows), CHUNK):
        conn.execute(schema.quarantine.insert(), rows[start : start + CHUNK])
    return len(rows)
