"""Read one context layer file into features in RD, with the reason for every skipped feature.

Formats: GeoJSON (WGS84 as RFC 7946 says, or RD with or without a ``crs`` member), GeoPackage
(every layer), and CSV with ``x``/``y`` (RD) or ``lat``/``lon`` (WGS84) columns, ``;`` or
``,`` separated, decimal comma allowed (read like an import: ``ingest.readers``,
``ingest.parse``). A feature is a point or a polygon; multipoints are split into points.

Refused with a Dutch :class:`ContextError` (the CLI exits 2): a missing or unreadable file,
a file without geometry, a file with nothing usable left (all outside the Netherlands, say),
and a file that mixes points and polygons. Single unusable features are skipped and counted
per reason, so loaded + skipped = read.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from oovgeo.areas.clean import polygonal
from oovgeo.crs import RD, RD_BOUNDS, WGS84, WGS84_BOUNDS
from oovgeo.ingest import parse
from oovgeo.ingest.readers import ReadError, read_table
from oovgeo.vocab import CONTEXT_KINDS, CONTEXT_PERSONAL

FEATURE_COLUMNS = ["shape", "naam", "datum", "referentie", "geometry"]
POINT, POLYGON = "punt", "vlak"

VECTOR_SUFFIXES = frozenset({".geojson", ".json", ".gpkg"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})

# Columns read, by normalised header (ingest.parse.normalise_header), first match wins.
NAME_COLUMNS = ("naam", "name", "label", "omschrijving", "titel", "gebiedsnaam")
DATE_COLUMNS = ("datum", "controledatum", "datum_controle", "date")
REFERENCE_COLUMNS = ("referentie", "kenmerk", "zaaknummer", "dossiernummer", "ref")
X_COLUMNS = ("x", "x_rd", "rd_x", "x_coordinaat")
Y_COLUMNS = ("y", "y_rd", "rd_y", "y_coordinaat")
LAT_COLUMNS = ("lat", "latitude", "breedtegraad")
LON_COLUMNS = ("lon", "lng", "long", "longitude", "lengtegraad")
NAME_MAX, REFERENCE_MAX = 200, 60

# Why a feature was skipped (Dutch, as the report shows it).
EMPTY = "geen geometrie"
OUTSIDE = "buiten Nederland"
NOT_A_POINT = "geen punt (BRP-adrescontroles zijn adressen)"
OTHER_TYPE = "geen punt of vlak (bijvoorbeeld een lijn)"
NOT_A_NUMBER = "coördinaat is geen getal"
ZERO = "coördinaat is 0"
_RULE_REASONS = {
    parse.LEEG: EMPTY,
    parse.GEEN_GETAL: NOT_A_NUMBER,
    parse.NULCOORDINAAT: ZERO,
    parse.BUITEN_NEDERLAND: OUTSIDE,
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class ContextError(ValueError):
    """The file cannot become a context layer; the message is Dutch and safe to show."""


@dataclass(frozen=True)
class ContextFile:
    """One read context layer: its features in RD and what happened to the others."""

    soort: str
    naam: str
    filename: str
    sha256: str
    features: gpd.GeoDataFrame  # FEATURE_COLUMNS, RD
    read: int
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> number of features
    notes: list[str] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        """Number of features kept."""
        return len(self.features)


def read_context_file(
    path: str | Path, soort: str, naam: str | None = None, *, today: date
) -> ContextFile:
    """Read ``path`` as the context layer of ``soort`` (a key of ``vocab.CONTEXT_KINDS``).

    ``naam`` is the layer's name on the map (default: the soort's label). Dates of points
    later than ``today`` are not dates. Raises :class:`ContextError` (Dutch) when the file
    cannot be a layer; see the module docstring.
    """
    if soort not in CONTEXT_KINDS:
        raise ContextError(f"onbekende soort '{soort}'; kies uit {', '.join(CONTEXT_KINDS)}")
    path = Path(path)
    if not path.is_file():
        raise ContextError(f"kan bestand niet lezen: {path} bestaat niet")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        table, notes = _read_csv(data, path.name)
    elif suffix in VECTOR_SUFFIXES:
        table, notes = _read_vector(path), []
    else:
        raise ContextError(
            f"bestandstype '{suffix or 'zonder extensie'}' wordt niet ondersteund; "
            "gebruik GeoJSON, GeoPackage of CSV met x/y of lat/lon"
        )
    table = _split_multipoints(table)
    features, reasons, more = _features(table, soort, path.name, today)
    label = (naam or "").strip() or CONTEXT_KINDS[soort]
    return ContextFile(
        soort=soort,
        naam=_text(label, NAME_MAX) or CONTEXT_KINDS[soort],
        filename=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        features=features,
        read=len(table),
        skipped=dict(reasons),
        notes=notes + more,
    )


# --- reading ----------------------------------------------------------------------------------


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    """Every layer of a GeoJSON or GeoPackage with its own CRS inferred, in RD; reasons kept."""
    try:
        names = [str(n) for n in pyogrio.list_layers(str(path))[:, 0]]
        layers = [gpd.read_file(path, layer=name) for name in names]
    except (RuntimeError, OSError, ValueError) as error:  # pyogrio's errors are RuntimeErrors
        raise ContextError(f"kan bestand niet lezen: {path.name} ({error})") from None
    frames = [_in_rd(layer, path.name) for layer in layers if len(layer)]
    if not frames:
        raise ContextError(f"{path.name}: het bestand bevat geen geometrie")
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=RD)


def _read_csv(data: bytes, filename: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Points from x/y (RD) or lat/lon (WGS84) columns; the coordinate rule of each row kept."""
    try:
        raw = read_table(data, filename)
    except ReadError as error:
        raise ContextError(f"kan bestand niet lezen: {filename} ({error})") from None
    frame = pd.DataFrame(raw.rows, columns=raw.columns, dtype=object)
    found = {parse.normalise_header(c): c for c in frame.columns}
    xy = _column(found, X_COLUMNS), _column(found, Y_COLUMNS)
    latlon = _column(found, LAT_COLUMNS), _column(found, LON_COLUMNS)
    classify: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, ...]]
    if xy[0] and xy[1]:
        a, b, classify = frame[xy[0]], frame[xy[1]], parse.classify_xy_arrays
    elif latlon[0] and latlon[1]:
        a, b = frame[latlon[0]], frame[latlon[1]]
        classify = parse.classify_latlon_arrays  # (lat, lon)
    else:
        raise ContextError(
            f"{filename}: het bestand bevat geen geometrie; verwacht kolommen x en y (RD) of "
            f"lat en lon (WGS84), gevonden: {', '.join(map(str, frame.columns))}"
        )
    first, first_rule = parse.parse_number_array(a)
    second, second_rule = parse.parse_number_array(b)
    x, y, note, rule = classify(first, second)
    number_rule = np.where(first_rule != "", first_rule, second_rule)
    rule = np.where((number_rule != "") & (number_rule != parse.LEEG), number_rule, rule)
    ok = rule == ""
    geometry = np.full(len(frame), None, dtype=object)
    geometry[ok] = shapely.points(x[ok], y[ok])
    notes = [
        f"{n} {'rij' if n == 1 else 'rijen'}: {parse.NOTE_MESSAGES[code]}"
        for code, n in sorted(Counter(note[ok & (note != "")]).items())
    ]
    table = gpd.GeoDataFrame(
        frame.drop(columns=[c for c in (*xy, *latlon) if c]),
        geometry=gpd.GeoSeries(geometry, crs=RD),
    )
    table["_reason"] = [_RULE_REASONS.get(r, OUTSIDE) if r else None for r in rule]
    return table, notes


def _column(found: dict[str, str], candidates: tuple[str, ...]) -> str | None:
    return next((found[c] for c in candidates if c in found), None)


def _within(bounds: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Per row of (minx, miny, maxx, maxy): inside ``box`` (NaN and inf are not)."""
    minx, miny, maxx, maxy = bounds.T
    with np.errstate(invalid="ignore"):
        return (box[0] <= minx) & (maxx <= box[2]) & (box[1] <= miny) & (maxy <= box[3])


def _in_rd(layer: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Return the layer in RD, with ``_reason`` set for empty features and those outside NL.

    GDAL reports GeoJSON without a ``crs`` member as WGS84 (RFC 7946), but municipal exports
    are often RD without saying so: when most features cannot be lon/lat and do fit RD, the
    layer is RD.
    """
    geometry = layer.geometry.reset_index(drop=True)
    empty = (geometry.isna() | geometry.is_empty).to_numpy()
    bounds = np.full((len(geometry), 4), np.nan)
    bounds[~empty] = shapely.bounds(geometry[~empty].to_numpy())
    looks_rd = _within(bounds, RD_BOUNDS) & ~_within(bounds, WGS84_BOUNDS)
    looks_lonlat = _within(bounds, WGS84_BOUNDS)
    crs = layer.crs
    if crs is None or crs.is_geographic:
        if looks_rd.sum() > looks_lonlat.sum():
            geometry = geometry.set_crs(RD, allow_override=True)
        else:
            geometry = geometry.set_crs(crs or WGS84, allow_override=True)
    rd = geometry.to_numpy().copy()
    if (~empty).any():
        rd[~empty] = geometry[~empty].to_crs(RD).to_numpy()
    inside = np.zeros(len(rd), dtype=bool)
    inside[~empty] = _within(shapely.bounds(rd[~empty]), RD_BOUNDS)
    out = gpd.GeoDataFrame(
        layer.drop(columns=layer.geometry.name).reset_index(drop=True),
        geometry=gpd.GeoSeries(rd, crs=RD),
    )
    reason = np.full(len(rd), None, dtype=object)
    reason[~inside] = OUTSIDE
    reason[empty] = EMPTY
    out["_reason"] = reason
    return out


# --- features ---------------------------------------------------------------------------------


def _features(
    table: gpd.GeoDataFrame, soort: str, filename: str, today: date
) -> tuple[gpd.GeoDataFrame, Counter[str], list[str]]:
    """Points and polygons with their kept properties; skipped ones counted per reason."""
    reasons = [r if isinstance(r, str) else None for r in table["_reason"]]
    shapes: list[str | None] = []
    geometries: list[shapely.Geometry | None] = []
    personal = soort in CONTEXT_PERSONAL
    for i, geometry in enumerate(table.geometry):
        shape, kept = _shape(geometry) if reasons[i] is None else (None, None)
        if reasons[i] is None and shape is None:
            reasons[i] = OTHER_TYPE
        elif shape == POLYGON and personal:
            reasons[i], shape, kept = NOT_A_POINT, None, None
        shapes.append(shape)
        geometries.append(kept)
    keep = np.array([r is None for r in reasons], dtype=bool)
    counted = Counter(r for r in reasons if r is not None)
    if not keep.any():
        why = ", ".join(f"{n} {reason}" for reason, n in counted.most_common())
        raise ContextError(f"{filename}: geen bruikbare objecten ({why or 'het bestand is leeg'})")
    kinds = Counter(s for s in shapes if s is not None)
    if len(kinds) > 1:
        raise ContextError(
            f"{filename}: het bestand mengt punten ({kinds[POINT]}) en vlakken "
            f"({kinds[POLYGON]}); laad ze als aparte lagen"
        )
    columns = {parse.normalise_header(c): c for c in table.columns if c not in ("_reason",)}
    rows = table[keep].reset_index(drop=True)
    notes: list[str] = []
    names = _texts(rows, _column(columns, NAME_COLUMNS), NAME_MAX)
    refs = _texts(rows, _column(columns, REFERENCE_COLUMNS), REFERENCE_MAX)
    days = pd.Series([None] * len(rows), dtype=object)
    if POINT in kinds:
        days = _dates(rows, _column(columns, DATE_COLUMNS), today, notes)
    if personal:
        # P1: a BRP check keeps its place, day and reference; a name or an address never
        used = {_column(columns, c) for c in (DATE_COLUMNS, REFERENCE_COLUMNS)}
        dropped = sorted(str(c) for c in columns.values() if c not in used and c != "geometry")
        names = pd.Series([None] * len(rows), dtype=object)
        if dropped:
            notes.append(f"niet bewaard (alleen plaats, datum en referentie): {', '.join(dropped)}")
    elif POLYGON in kinds:
        refs = pd.Series([None] * len(rows), dtype=object)
    features = gpd.GeoDataFrame(
        {
            "shape": [s for s, k in zip(shapes, keep, strict=True) if k],
            "naam": names,
            "datum": days,
            "referentie": refs,
        },
        geometry=[g for g, k in zip(geometries, keep, strict=True) if k],
        crs=RD,
    )
    return features[FEATURE_COLUMNS], counted, notes


def _split_multipoints(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every part of a multipoint as its own row (the other rows as they are)."""
    multi = table.geometry.geom_type.eq("MultiPoint").to_numpy()
    if not multi.any():
        return table.reset_index(drop=True)
    return table.explode(index_parts=False).reset_index(drop=True)


def _shape(geometry: shapely.Geometry) -> tuple[str | None, shapely.Geometry | None]:
    """(``punt``, point) or (``vlak``, valid 2D polygon); (None, None) for anything else."""
    geometry = shapely.force_2d(geometry)
    if geometry.geom_type == "Point":
        return POINT, geometry
    if geometry.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        found = polygonal(geometry)
        if found is not None:
            return POLYGON, found
    return None, None


def _text(value: object, limit: int) -> str | None:
    """Plain one-line text of at most ``limit`` characters; None when blank.

    Not escaped here: the store keeps what the file says, and every map escapes it (O1).
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = _CONTROL.sub(" ", str(value)).strip()
    return text[:limit] or None


def _texts(rows: pd.DataFrame, column: str | None, limit: int) -> pd.Series:
    if column is None:
        return pd.Series([None] * len(rows), dtype=object)
    return pd.Series([_text(v, limit) for v in rows[column]], dtype=object)


def _dates(rows: pd.DataFrame, column: str | None, today: date, notes: list[str]) -> pd.Series:
    """Return the day of each point (None when absent or unreadable; unreadable ones noted)."""
    if column is None:
        return pd.Series([None] * len(rows), dtype=object)
    values = rows[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
    text = pd.Series([_text(v, 40) or "" for v in values], dtype=object)
    parsed, rules = parse.parse_date_array(text, today=today)
    bad = int(((rules != "") & (rules != parse.LEEG)).sum())
    if bad:
        notes.append(f"{bad} {'datum' if bad == 1 else 'datums'} onleesbaar: zonder datum bewaard")
    days = pd.Series(pd.to_datetime(parsed)).dt.date
    return days.astype(object).where(pd.notna(parsed), None)
