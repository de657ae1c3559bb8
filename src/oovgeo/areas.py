"""CBS areas (gemeenten, wijken, buurten): read boundary files of any schema and CRS.

Every reader here returns one normalised model, a GeoDataFrame in RD New (EPSG:28992) with
the columns of ``AREA_COLUMNS``:

==============  =========  ==========================================================
column          dtype      meaning
==============  =========  ==========================================================
level           str        "gemeente", "wijk" or "buurt"
code            str        CBS code: GM0622, WK062201, BU06220101
name            str        area name (the code when the source has no name)
parent_code     object     wijk -> its GM code, buurt -> its WK code, gemeente -> None
gemeente_code   str        the GM code the area belongs to (its own code for a gemeente)
edition         int64      year of the CBS indeling (reference date 1 January)
inhabitants     Int64      inhabitants, <NA> when missing or secret (-99997)
land_ha         Float64    land area in hectares, <NA> when missing or secret
geometry        geometry   Polygon or MultiPolygon, EPSG:28992
==============  =========  ==========================================================

Accepted schemas (column names matched case-insensitively, ignoring ``_``):

* CBS wijk- en buurtkaart up to 2021: ``BU_CODE, BU_NAAM, WK_CODE, WK_NAAM, GM_CODE, GM_NAAM,
  AANT_INW, WATER, OPP_LAND``;
* CBS from 2022 and PDOK OGC API features: ``buurtcode, buurtnaam, wijkcode, wijknaam,
  gemeentecode, gemeentenaam, aantal_inwoners`` (or ``aantalInwoners``), ``water``,
  ``oppervlakte_land_in_ha``;
* simplified copies with ``statcode, statnaam, wk_code, wk_naam, gm_code, gm_naam, jaar``.

Notes about what was left out while reading (water polygons, empty geometries) are logged and
kept as a list of Dutch sentences in ``areas.attrs["notes"]``.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from oovgeo.crs import RD, RD_BOUNDS, WGS84, WGS84_BOUNDS

logger = logging.getLogger(__name__)

LEVELS = ("gemeente", "wijk", "buurt")
AREA_COLUMNS = (
    "level",
    "code",
    "name",
    "parent_code",
    "gemeente_code",
    "edition",
    "inhabitants",
    "land_ha",
    "geometry",
)

PREFIX_LEVEL = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
CODE_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}
CODE_EXAMPLES = {"gemeente": "GM0622", "wijk": "WK062201", "buurt": "BU06220101"}

# CBS writes -99997 (secret), -99998, -99999 ... for "not available": never a number.
SECRET_CODE_MAX = -99990

# Column names are compared in "canonical" form: lower case, only letters and digits, so
# BU_CODE -> bucode, buurtcode -> buurtcode, aantalInwoners -> aantalinwoners.
# Own code and name, most specific first: a buurt row of a CBS file also has WK_CODE/GM_CODE.
_CODE_SOURCES = (
    (("statcode",), ("statnaam",)),
    (("bucode", "buurtcode"), ("bunaam", "buurtnaam")),
    (("wkcode", "wijkcode"), ("wknaam", "wijknaam")),
    (("gmcode", "gemeentecode"), ("gmnaam", "gemeentenaam")),
)
_WIJK_CODE = ("wkcode", "wijkcode")
_WIJK_NAME = ("wknaam", "wijknaam")
_GEMEENTE_CODE = ("gmcode", "gemeentecode")
_GEMEENTE_NAME = ("gmnaam", "gemeentenaam")
_INHABITANTS = ("aantinw", "aantalinwoners", "inwoners")
_LAND_HA = ("oppland", "oppervlaktelandinha", "oppervlaktelandha")
_WATER = ("water",)
_YEAR = ("jaar", "jaarcode")
_CODE_COLUMN_HINT = "statcode, BU_CODE, buurtcode, WK_CODE, wijkcode, GM_CODE, gemeentecode"

_POPULATION_CODE = ("code", "gebiedscode", "statcode", "wijkenenbuurten")
_POPULATION_YEAR = ("year", "jaar")
_POPULATION_INHABITANTS = ("inhabitants", "inwoners", "aantalinwoners", "aantinw")

_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_MAX_LISTED = 10


class BoundaryError(ValueError):
    """A boundary or population file cannot be used; the message is Dutch and user-facing.

    ``problems`` holds the individual problems when there are several.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()):
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def from_problems(cls, title: str, problems: Sequence[str]) -> BoundaryError:
        """Build one error listing at most ten problems and the count of the rest.

        Examples
        --------
        >>> str(BoundaryError.from_problems("grenzen afgekeurd", ["a", "b"]))
        'grenzen afgekeurd (2 problemen):\\n- a\\n- b'
        """
        lines = [f"- {problem}" for problem in problems[:_MAX_LISTED]]
        rest = len(problems) - _MAX_LISTED
        if rest > 0:
            lines.append(f"... en nog {rest} andere problemen")
        count = "1 probleem" if len(problems) == 1 else f"{len(problems)} problemen"
        return cls(f"{title} ({count}):\n" + "\n".join(lines), problems)


# ---------------------------------------------------------------------------------------------
# Small helpers for codes and columns


def parse_gemeente_code(value: str | int) -> str:
    """Return a gemeente code in CBS form from ``GM0622``, ``gm0622``, ``0622``, ``622`` or 622.

    Examples
    --------
    >>> parse_gemeente_code("622")
    'GM0622'
    """
    text = str(value).strip().upper()
    digits = text[2:] if text.startswith("GM") else text
    if not digits.isdigit() or len(digits) > 4:
        raise BoundaryError(f"onbekende gemeentecode '{value}' (verwacht bijv. GM0622)")
    return "GM" + digits.zfill(4)


def level_of(code: str) -> str | None:
    """Return the level of a CBS code from its prefix, or None when it has no known prefix.

    Examples
    --------
    >>> level_of("WK0363AD")
    'wijk'
    """
    return PREFIX_LEVEL.get(str(code)[:2].upper())


def parent_of(code: str) -> str | None:
    """Return the parent code that follows from a code's prefix (None for a gemeente).

    Examples
    --------
    >>> parent_of("BU06220101"), parent_of("WK062201"), parent_of("GM0622")
    ('WK062201', 'GM0622', None)
    """
    level = level_of(code)
    if level == "buurt":
        return "WK" + code[2:8]
    if level == "wijk":
        return "GM" + code[2:6]
    return None


def _canonical(column: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(column).lower())


def _column_map(table: pd.DataFrame) -> dict[str, str]:
    """Map canonical column names to the real ones (the first wins on a clash)."""
    columns: dict[str, str] = {}
    for column in table.columns:
        if column != "geometry":
            columns.setdefault(_canonical(column), column)
    return columns


def _find(columns: dict[str, str], keys: Iterable[str]) -> str | None:
    for key in keys:
        if key in columns:
            return columns[key]
    return None


def _text(series: pd.Series, *, upper: bool = False) -> pd.Series:
    """Stripped text as an object Series, None where empty or missing."""

    def clean(value: object) -> str | None:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        text = str(value).strip()
        if upper:
            text = text.upper()
        return text or None

    return pd.Series([clean(v) for v in series], index=series.index, dtype=object)


def _number(series: pd.Series) -> pd.Series:
    """Numbers as Float64; CBS secrecy codes (-99997 and friends) and garbage become <NA>."""
    values = pd.to_numeric(_text(series), errors="coerce").astype("Float64")
    return values.mask(values <= SECRET_CODE_MAX)


def _year_in(value: object) -> int | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    match = _YEAR_IN_TEXT.search(str(value))
    return int(match.group(1)) if match else None


def _source_name(source: str | Path | None) -> str:
    return Path(source).name if source else "het bestand"


# ---------------------------------------------------------------------------------------------
# Normalisation of one table (shared by the file readers and the PDOK client)


def normalise(
    table: gpd.GeoDataFrame,
    *,
    edition: int | None = None,
    gemeenten: Sequence[str] | None = None,
    level: str | None = None,
    source: str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Turn a CBS boundary table of any supported schema and CRS into the area model.

    Parameters
    ----------
    table
        Features as read by geopandas (from a file, or from PDOK features).
    edition
        Year of the indeling. When None it comes from a ``jaar``/``jaarcode`` column, else
        from a year (19xx/20xx) in the name of ``source``.
    gemeenten
        Keep only areas of these gemeenten (``GM0622``, ``0622`` and ``622`` all work).
    level
        Keep only this level ("gemeente", "wijk" or "buurt").
    source
        File name or description, used for the edition fallback and in messages.

    Rows marked ``water == "JA"`` (CBS files up to 2021 carry separate water-only polygons)
    are dropped. Empty geometries are dropped and counted in ``attrs["notes"]``; invalid
    ones are repaired with ``make_valid``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> table = gpd.GeoDataFrame(
    ...     {"statcode": ["WK062201"], "statnaam": ["Centrum"]},
    ...     geometry=[box(82500, 436000, 83100, 437000)], crs=RD)
    >>> areas = normalise(table, edition=2025)
    >>> areas.loc[0, ["level", "code", "parent_code"]].tolist()
    ['wijk', 'WK062201', 'GM0622']
    """
    areas, _names = _normalise(
        table, edition=edition, gemeenten=gemeenten, level=level, source=source
    )
    if areas.empty:
        raise BoundaryError(_nothing_left(source))
    return areas


def _nothing_left(source: str | Path | None) -> str:
    return f"{_source_name(source)}: na filteren op gemeente/niveau blijven geen gebieden over"


def _normalise(
    table: gpd.GeoDataFrame,
    *,
    edition: int | None,
    gemeenten: Sequence[str] | None,
    level: str | None,
    source: str | Path | None,
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Normalise, and also return names of parent areas (from wk_naam/gm_naam columns).

    Returns an empty model when the gemeente/level filter leaves nothing: in a GeoPackage
    that is normal for some layers, so the caller decides whether it is an error.
    """
    name = _source_name(source)
    if level is not None and level not in LEVELS:
        raise BoundaryError(f"onbekend niveau '{level}' (kies uit {', '.join(LEVELS)})")
    if len(table) == 0:
        raise BoundaryError(f"{name} bevat geen gebieden")
    columns = _column_map(table)
    notes: list[str] = []

    codes, names = _own_codes_and_names(table, columns, name)
    table = table.assign(_code=codes, _name=names)
    table = _select_edition(table, columns, edition, source)
    table = _drop_water(table, columns, notes, name)
    _check_prefixes(table)
    table = table.assign(_level=table["_code"].map(level_of).astype(object))
    table = table.assign(
        _parent=_parents(table, columns), _gemeente=_gemeente_codes(table, columns)
    )

    keep = pd.Series(True, index=table.index)
    if gemeenten:
        wanted = {parse_gemeente_code(code) for code in gemeenten}
        keep &= table["_gemeente"].isin(wanted)
    if level is not None:
        keep &= table["_level"] == level
    if not keep.any():
        return _empty_areas(), {}

    table = table[keep]
    areas = gpd.GeoDataFrame(
        {
            "level": table["_level"],
            "code": table["_code"],
            "name": table["_name"].where(table["_name"].notna(), table["_code"]),
            "parent_code": table["_parent"],
            "gemeente_code": table["_gemeente"],
            "edition": table["_edition"],
            "inhabitants": _column_number(table, columns, _INHABITANTS),
            "land_ha": _column_number(table, columns, _LAND_HA),
        },
        geometry=_area_geometry(table, notes, name),
        crs=RD,
    )
    areas = _finalise(areas[areas.geometry.notna()])
    if areas.empty:
        raise BoundaryError(f"{name} bevat geen gebieden met een vlakgeometrie")
    for note in notes:
        logger.info(note)
    areas.attrs["notes"] = notes
    return areas, _parent_names(table, columns)


def _own_codes_and_names(
    table: pd.DataFrame, columns: dict[str, str], name: str
) -> tuple[pd.Series, pd.Series]:
    """Per row the most specific code present (a buurt row also carries its wijk code)."""
    codes = pd.Series(None, index=table.index, dtype=object)
    names = pd.Series(None, index=table.index, dtype=object)
    found = False
    for code_keys, name_keys in _CODE_SOURCES:
        code_column = _find(columns, code_keys)
        if code_column is None:
            continue
        found = True
        values = _text(table[code_column], upper=True)
        take = codes.isna() & values.notna()
        codes[take] = values[take]
        name_column = _find(columns, name_keys)
        if name_column is not None:
            names[take] = _text(table[name_column])[take]
    if not found:
        present = ", ".join(str(c) for c in table.columns if c != "geometry") or "geen"
        raise BoundaryError(
            f"{name}: geen CBS-gebiedscode gevonden; verwacht een van: {_CODE_COLUMN_HINT} "
            f"(gevonden kolommen: {present})"
        )
    return codes, names


def _select_edition(
    table: pd.DataFrame, columns: dict[str, str], edition: int | None, source: str | Path | None
) -> pd.DataFrame:
    """Return the rows of one edition, with that edition in column ``_edition``."""
    name = _source_name(source)
    year_column = _find(columns, _YEAR)
    years = table[year_column].map(_year_in) if year_column else None
    distinct = sorted({int(y) for y in years.dropna()}) if years is not None else []

    if edition is not None:
        edition = int(edition)
        if len(distinct) > 1:
            table = table[years == edition]
            if table.empty:
                found = ", ".join(map(str, distinct))
                raise BoundaryError(
                    f"{name} bevat geen gebieden van editie {edition} (wel: {found})"
                )
        return table.assign(_edition=edition)
    if len(distinct) > 1:
        found = ", ".join(map(str, distinct))
        raise BoundaryError(
            f"{name} bevat meerdere edities ({found}); kies er een met --editie, "
            f"bijvoorbeeld --editie {distinct[-1]}"
        )
    if len(distinct) == 1:
        return table.assign(_edition=distinct[0])
    in_name = sorted({int(y) for y in _YEAR_IN_NAME.findall(Path(source).name)}) if source else []
    if len(in_name) == 1:
        return table.assign(_edition=in_name[0])
    raise BoundaryError(
        f"kan de editie (het jaar van de gebiedsindeling) van {name} niet bepalen: geen kolom "
        "jaar/jaarcode en geen jaartal in de bestandsnaam. Geef het jaar op met --editie, "
        "bijvoorbeeld --editie 2025."
    )


def _drop_water(
    table: pd.DataFrame, columns: dict[str, str], notes: list[str], name: str
) -> pd.DataFrame:
    water_column = _find(columns, _WATER)
    if water_column is None:
        return table
    is_water = _text(table[water_column], upper=True) == "JA"
    if is_water.any():
        notes.append(f"{name}: {int(is_water.sum())} watervlak(ken) (WATER = JA) weggelaten")
    return table[~is_water]


def _check_prefixes(table: pd.DataFrame) -> None:
    """Every row needs a code that starts with GM, WK or BU; anything else is refused."""
    bad = [
        f"'{code}' (object {number + 1})" if code else f"object {number + 1} heeft geen code"
        for number, code in zip(table.index, table["_code"], strict=True)
        if not code or level_of(code) is None
    ]
    if bad:
        raise BoundaryError.from_problems("onbekende gebiedscodes (verwacht GM…, WK… of BU…)", bad)


def _parents(table: pd.DataFrame, columns: dict[str, str]) -> pd.Series:
    """Parent from a wijk/gemeente column when present, else from the code prefix."""
    parents = table["_code"].map(parent_of).astype(object)
    for child_level, keys in (("buurt", _WIJK_CODE), ("wijk", _GEMEENTE_CODE)):
        column = _find(columns, keys)
        if column is None:
            continue
        given = _text(table[column], upper=True)
        take = (table["_level"] == child_level) & given.notna()
        parents[take] = given[take]
    return parents


def _gemeente_codes(table: pd.DataFrame, columns: dict[str, str]) -> pd.Series:
    codes = pd.Series(
        ["GM" + code[2:6] for code in table["_code"]], index=table.index, dtype=object
    )
    column = _find(columns, _GEMEENTE_CODE)
    if column is not None:
        given = _text(table[column], upper=True)
        take = (table["_level"] != "gemeente") & given.notna()
        codes[take] = given[take]
    return codes


def _column_number(table: pd.DataFrame, columns: dict[str, str], keys: Iterable[str]) -> pd.Series:
    column = _find(columns, keys)
    if column is None:
        return pd.Series(pd.NA, index=table.index, dtype="Float64")
    return _number(table[column])


def _parent_names(table: pd.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    """Names of wijken and gemeenten as mentioned on buurt/wijk rows (wk_naam, gm_naam)."""
    names: dict[str, str] = {}
    wijk_name = _find(columns, _WIJK_NAME)
    wijk_code = _find(columns, _WIJK_CODE)
    if wijk_name and wijk_code:
        is_buurt = table["_level"] == "buurt"
        for code, name in zip(
            _text(table[wijk_code], upper=True)[is_buurt],
            _text(table[wijk_name])[is_buurt],
            strict=True,
        ):
            if code and name:
                names[code] = name
    gemeente_name = _find(columns, _GEMEENTE_NAME)
    if gemeente_name:
        for code, name in zip(table["_gemeente"], _text(table[gemeente_name]), strict=True):
            if code and name:
                names[code] = name
    return names


def _area_geometry(table: gpd.GeoDataFrame, notes: list[str], name: str) -> gpd.GeoSeries:
    """Geometry in RD, repaired, polygonal; None where nothing usable is left."""
    geometry = table.geometry
    missing = geometry.isna() | geometry.is_empty
    if missing.all():
        raise BoundaryError(f"{name}: alle gebieden hebben een lege geometrie")
    geometry = _to_rd(geometry[~missing], name)
    repaired = geometry.map(_polygonal)
    unusable = int(missing.sum()) + int(repaired.isna().sum())
    if unusable:
        notes.append(f"{name}: {unusable} gebied(en) zonder (vlak)geometrie overgeslagen")
    return gpd.GeoSeries(repaired, crs=RD).reindex(table.index)


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """Valid 2D Polygon/MultiPolygon made from ``geometry``; None when it has no area."""
    geometry = shapely.force_2d(geometry)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    polygons = [
        part
        for part in shapely.get_parts(shapely.get_parts(geometry))
        if part.geom_type == "Polygon" and not part.is_empty
    ]
    if not polygons:
        return None
    if len(polygons) == 1:
        return polygons[0]
    return shapely.MultiPolygon(polygons)


def _within(bounds: Sequence[float], box: Sequence[float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


def _to_rd(geometry: gpd.GeoSeries, name: str) -> gpd.GeoSeries:
    """Reproject to RD; a missing CRS is inferred from where the coordinates lie.

    GeoJSON without a ``crs`` member is reported as WGS84 by GDAL (RFC 7946), but many
    municipal exports are RD without saying so: coordinates that cannot be lon/lat and do
    fit RD are taken as RD.
    """
    bounds = geometry.total_bounds
    looks_rd = _within(bounds, RD_BOUNDS)
    looks_lonlat = _within(bounds, WGS84_BOUNDS)
    crs = geometry.crs
    if crs is None or (crs.is_geographic and looks_rd and not looks_lonlat):
        if looks_rd:
            return geometry.set_crs(RD, allow_override=True)
        if looks_lonlat:
            return geometry.set_crs(WGS84, allow_override=True).to_crs(RD)
        raise BoundaryError(
            f"{name}: onbekend coördinatenstelsel; het bestand noemt er geen en de coördinaten "
            f"(x {bounds[0]:.0f}..{bounds[2]:.0f}, y {bounds[1]:.0f}..{bounds[3]:.0f}) zijn geen "
            "RD (EPSG:28992) of lengte/breedte (EPSG:4326) in Nederland"
        )
    result = geometry.to_crs(RD)
    if not _within(result.total_bounds, RD_BOUNDS):
        raise BoundaryError(
            f"{name}: de coördinaten liggen niet in Nederland (coördinatenstelsel volgens het "
            f"bestand: {crs.to_string()}); klopt het coördinatenstelsel van het bestand?"
        )
    return result


def _finalise(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fix column order, dtypes and index of the area model."""
    parents = [None if pd.isna(value) else str(value) for value in frame["parent_code"]]
    inhabitants = frame["inhabitants"].astype("Float64").round().astype("Int64")
    columns = {
        "level": pd.Series(frame["level"].to_numpy(), dtype="str"),
        "code": pd.Series(frame["code"].to_numpy(), dtype="str"),
        "name": pd.Series(frame["name"].to_numpy(), dtype="str"),
        "parent_code": pd.Series(parents, dtype=object),
        "gemeente_code": pd.Series(frame["gemeente_code"].to_numpy(), dtype="str"),
        "edition": pd.Series(frame["edition"].to_numpy(), dtype="int64"),
        "inhabitants": pd.Series(inhabitants.array, dtype="Int64"),
        "land_ha": pd.Series(frame["land_ha"].astype("Float64").array, dtype="Float64"),
    }
    return gpd.GeoDataFrame(columns, geometry=frame.geometry.to_numpy(), crs=RD)


def _empty_areas() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "level": [],
            "code": [],
            "name": [],
            "parent_code": [],
            "gemeente_code": [],
            "edition": [],
            "inhabitants": pd.array([], dtype="Int64"),
            "land_ha": pd.array([], dtype="Float64"),
        },
        geometry=[],
        crs=RD,
    )
    return _finalise(frame)


# ---------------------------------------------------------------------------------------------
# Reading files


def read_boundaries(
    path: str | Path,
    *,
    edition: int | None = None,
    gemeenten: Sequence[str] | None = None,
    level: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one CBS boundary file into the area model (see the module docstring).

    Reads GeoJSON (also a FeatureCollection saved from the PDOK OGC API), GeoPackage (every
    layer with a CBS code column; other layers are skipped), Shapefile, and a ``.zip`` holding
    one or more shapefiles (the CBS wijk- en buurtkaart download). Any CRS is reprojected to
    RD; a file without CRS is taken as RD or WGS84 depending on where its coordinates lie.

    Parameters
    ----------
    path
        The file.
    edition
        Year of the indeling; when None, from a ``jaar``/``jaarcode`` column or a year in
        the file name. A file holding several editions needs this argument; only rows of
        that edition are then kept.
    gemeenten
        Keep only these gemeenten, e.g. ``["GM0622"]``.
    level
        Keep only "gemeente", "wijk" or "buurt".

    Rows with ``WATER == "JA"`` are dropped: CBS files up to 2021 include separate
    water-only polygons. Secrecy codes such as -99997 become <NA>. The result is not
    validated; use :func:`load_boundaries` for checked, complete boundaries.

    Raises
    ------
    BoundaryError
        Unreadable file, no CBS code column, unknown CRS, unknown edition, mixed editions,
        or nothing left.

    Examples
    --------
    >>> areas = read_boundaries("buurten_2025.geojson", gemeenten=["GM0622"])  # doctest: +SKIP
    >>> areas.loc[0, ["level", "code", "parent_code", "edition"]].tolist()  # doctest: +SKIP
    ['buurt', 'BU06220101', 'WK062201', 2025]
    """
    areas, _names = _read_file(path, edition=edition, gemeenten=gemeenten, level=level)
    return areas


def _read_file(
    path: str | Path,
    *,
    edition: int | None,
    gemeenten: Sequence[str] | None,
    level: str | None,
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    path = Path(path)
    layers = _read_layers(path)
    frames: list[gpd.GeoDataFrame] = []
    names: dict[str, str] = {}
    notes: list[str] = []
    skipped: list[str] = []
    for layer_name, table in layers:
        if len(layers) > 1 and (table.empty or not _has_code_column(table)):
            skipped.append(layer_name)
            continue
        areas, layer_names = _normalise(
            table, edition=edition, gemeenten=gemeenten, level=level, source=path
        )
        frames.append(areas)
        names.update(layer_names)
        notes.extend(areas.attrs.get("notes", []))
    if not frames:
        found = ", ".join(skipped) or "geen"
        raise BoundaryError(
            f"{path.name}: geen laag met een CBS-gebiedscode gevonden; verwacht een van: "
            f"{_CODE_COLUMN_HINT} (gevonden lagen: {found})"
        )
    result = _concat(frames)
    if result.empty:
        raise BoundaryError(_nothing_left(path))
    result.attrs["notes"] = notes
    return result, names


def _has_code_column(table: pd.DataFrame) -> bool:
    columns = _column_map(table)
    return any(_find(columns, keys) for keys, _ in _CODE_SOURCES)


def _read_layers(path: Path) -> list[tuple[str, gpd.GeoDataFrame]]:
    """Every layer of a file (a GeoPackage or a zip can hold several) as (name, table)."""
    if not path.is_file():
        raise BoundaryError(f"kan bestand niet lezen: {path} bestaat niet")
    try:
        sources = _zip_members(path) if path.suffix.lower() == ".zip" else [str(path)]
        layers = []
        for source in sources:
            for layer_name in pyogrio.list_layers(source)[:, 0]:
                layers.append((str(layer_name), gpd.read_file(source, layer=layer_name)))
    except (RuntimeError, OSError, zipfile.BadZipFile) as error:
        # pyogrio's errors (DataSourceError, ...) are RuntimeErrors.
        raise BoundaryError(f"kan bestand niet lezen: {path.name} ({error})") from error
    return layers


def _zip_members(path: Path) -> list[str]:
    """GDAL paths of the geodata files inside a zip (the CBS download nests them in folders)."""
    with zipfile.ZipFile(path) as archive:
        members = [
            member
            for member in archive.namelist()
            if member.lower().endswith((".shp", ".gpkg", ".geojson", ".json"))
            and not member.startswith("__MACOSX")
        ]
    if not members:
        raise BoundaryError(
            f"kan bestand niet lezen: {path.name} bevat geen .shp, .gpkg of .geojson"
        )
    return [f"/vsizip/{path}/{member}" for member in members]


def _concat(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return _empty_areas()
    return _finalise(pd.concat(frames, ignore_index=True))


# ---------------------------------------------------------------------------------------------
# Loading several files: de-duplicate, derive missing levels, validate


def load_boundaries(
    paths: Sequence[str | Path],
    *,
    edition: int | None = None,
    gemeenten: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read several boundary files (e.g. gemeenten, wijken, buurten) into one checked model.

    A code that occurs in more than one file is taken from the last file. When buurten are
    present but no wijken (for an edition), wijken are derived by dissolving the buurten per
    wijk code (named after a ``wk_naam``-like column, else the code); likewise gemeenten from
    wijken. Official wijk and gemeente geometry is kept whenever that level was loaded.
    A derived area's inhabitants/land area is the sum of its parts, <NA> when any part is.

    Raises
    ------
    BoundaryError
        When a file cannot be read, or when :func:`validate` finds problems (all listed).

    Examples
    --------
    >>> areas = load_boundaries(["buurten_2025.geojson"], gemeenten=["GM0622"])  # doctest: +SKIP
    >>> areas["level"].value_counts().to_dict()  # doctest: +SKIP
    {'buurt': 40, 'wijk': 8, 'gemeente': 1}
    """
    if not paths:
        raise BoundaryError("geen grensbestanden opgegeven")
    frames: list[gpd.GeoDataFrame] = []
    names: dict[str, str] = {}
    notes: list[str] = []
    for path in paths:
        areas, file_names = _read_file(path, edition=edition, gemeenten=gemeenten, level=None)
        frames = [_without_codes_of(frame, areas) for frame in frames]
        frames.append(areas)
        names.update(file_names)
        notes.extend(areas.attrs.get("notes", []))

    combined = _derive_missing_levels(_concat(frames), names, notes)
    combined = _sorted(combined)
    problems = validate(combined)
    if problems:
        raise BoundaryError.from_problems("grenzen afgekeurd", problems)
    combined.attrs["notes"] = notes
    return combined


def _without_codes_of(frame: gpd.GeoDataFrame, later: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop rows whose (edition, code) a later file provides: the last file wins."""
    later_keys = set(zip(later["edition"], later["code"], strict=True))
    keys = zip(frame["edition"], frame["code"], strict=True)
    return frame[[key not in later_keys for key in keys]]


def _derive_missing_levels(
    areas: gpd.GeoDataFrame, names: dict[str, str], notes: list[str]
) -> gpd.GeoDataFrame:
    """Add wijken dissolved from buurten and gemeenten from wijken, per edition, when absent."""
    frames = [areas]
    for edition, group in areas.groupby("edition", sort=True):
        wijken = group[group["level"] == "wijk"]
        buurten = group[group["level"] == "buurt"]
        if wijken.empty and not buurten.empty:
            wijken = _dissolve(buurten, "wijk", names)
            frames.append(wijken)
            notes.append(f"editie {edition}: {len(wijken)} wijk(en) samengesteld uit de buurten")
        if not (group["level"] == "gemeente").any() and not wijken.empty:
            gemeenten = _dissolve(wijken, "gemeente", names)
            frames.append(gemeenten)
            notes.append(
                f"editie {edition}: {len(gemeenten)} gemeente(n) samengesteld uit de wijken"
            )
    return _concat(frames)


def _dissolve(children: gpd.GeoDataFrame, level: str, names: dict[str, str]) -> gpd.GeoDataFrame:
    """One area per parent code of ``children``, its geometry the union of theirs."""
    rows = []
    for code, group in children.groupby("parent_code", sort=True):
        rows.append(
            {
                "level": level,
                "code": code,
                "name": names.get(code, code),
                "parent_code": parent_of(code),
                "gemeente_code": group["gemeente_code"].iloc[0],
                "edition": int(group["edition"].iloc[0]),
                "inhabitants": _sum_or_na(group["inhabitants"]),
                "land_ha": _sum_or_na(group["land_ha"]),
                "geometry": _polygonal(shapely.union_all(group.geometry.to_numpy())),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=RD)
    return _finalise(frame)


def _sum_or_na(values: pd.Series) -> object:
    return pd.NA if values.isna().any() else values.sum()


def _sorted(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    order = areas["level"].map({level: rank for rank, level in enumerate(LEVELS)})
    keys = pd.DataFrame({"edition": areas["edition"], "order": order, "code": areas["code"]})
    return areas.loc[keys.sort_values(["edition", "order", "code"]).index].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Validation


def validate(areas: gpd.GeoDataFrame) -> list[str]:
    """Return the problems of an area model as Dutch sentences; an empty list means fine.

    Checks: columns and CRS; code format per level (``GM0622``, ``WK062201``, ``WK0363AD``,
    ``BU06220101``); duplicate codes within an edition; a parent (or gemeente) that
    disagrees with the code prefix; a buurt whose wijk, or a wijk whose gemeente, is missing
    while that level is present for the edition; empty or invalid geometry.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> square = box(83000, 436000, 83100, 436100)
    >>> table = gpd.GeoDataFrame({"statcode": ["BU123"]}, geometry=[square], crs=RD)
    >>> validate(normalise(table, edition=2025))
    ["ongeldige buurtcode 'BU123' (verwacht zoals BU06220101)"]
    """
    missing = [column for column in AREA_COLUMNS if column not in areas.columns]
    if missing:
        return [f"kolommen ontbreken: {', '.join(missing)}"]
    problems: list[str] = []
    if areas.crs is None or not areas.crs.equals(RD):
        problems.append(f"coördinatenstelsel is {areas.crs}, verwacht {RD}")
    problems += _code_problems(areas)
    problems += _duplicate_problems(areas)
    problems += _hierarchy_problems(areas)
    problems += _missing_parent_problems(areas)
    problems += _geometry_problems(areas)
    return problems


def _code_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for level, code in zip(areas["level"], areas["code"], strict=True):
        if level not in CODE_PATTERNS:
            problems.append(f"{code}: onbekend niveau '{level}'")
        elif not CODE_PATTERNS[level].match(code):
            problems.append(
                f"ongeldige {level}code '{code}' (verwacht zoals {CODE_EXAMPLES[level]})"
            )
    return problems


def _duplicate_problems(areas: gpd.GeoDataFrame) -> list[str]:
    counts = areas.groupby(["edition", "code"]).size()
    return [
        f"code {code} komt {count} keer voor in editie {edition}"
        for (edition, code), count in counts[counts > 1].items()
    ]


def _hierarchy_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for level, code, parent, gemeente in zip(
        areas["level"], areas["code"], areas["parent_code"], areas["gemeente_code"], strict=True
    ):
        expected = parent_of(code)
        if level in ("buurt", "wijk") and parent != expected:
            parent_level = "wijk" if level == "buurt" else "gemeente"
            problems.append(
                f"{level} {code} hoort volgens zijn code bij {parent_level} {expected}, "
                f"maar het bestand noemt {parent}"
            )
        if level in LEVELS and gemeente != "GM" + code[2:6]:
            problems.append(
                f"{level} {code} hoort volgens zijn code bij gemeente GM{code[2:6]}, "
                f"maar het bestand noemt {gemeente}"
            )
    return problems


def _missing_parent_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for edition, group in areas.groupby("edition", sort=True):
        for child_level, parent_level in (("buurt", "wijk"), ("wijk", "gemeente")):
            parents = set(group.loc[group["level"] == parent_level, "code"])
            if not parents:
                continue
            children = group[group["level"] == child_level]
            for code, parent in zip(children["code"], children["parent_code"], strict=True):
                if parent not in parents:
                    problems.append(
                        f"{child_level} {code}: {parent_level} {parent} ontbreekt in de "
                        f"{parent_level}laag van editie {edition}"
                    )
    return problems


def _geometry_problems(areas: gpd.GeoDataFrame) -> list[str]:
    problems = []
    for code, geometry in zip(areas["code"], areas.geometry, strict=True):
        if geometry is None or geometry.is_empty:
            problems.append(f"{code}: lege geometrie")
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(f"{code}: geometrie is een {geometry.geom_type}, geen vlak")
        elif not geometry.is_valid:
            problems.append(f"{code}: ongeldige geometrie ({shapely.is_valid_reason(geometry)})")
    return problems


# ---------------------------------------------------------------------------------------------
# Population


def read_population(path: str | Path) -> pd.DataFrame:
    """Read inhabitants per area and year from a CSV with columns code, year, inhabitants.

    Dutch headers work too (``gebiedscode``/``statcode``, ``jaar``,
    ``inwoners``/``aantal_inwoners``); the delimiter may be ``;`` or ``,``; the encoding
    UTF-8 (with or without BOM) or cp1252. ``-99997`` (and other CBS secrecy codes), an
    empty cell and ``.`` mean unknown and become <NA>. Every other problem is an error: a
    population file is small and must be exact.

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (str), ``year`` (int64), ``inhabitants`` (Int64).

    Raises
    ------
    BoundaryError
        Listing the row numbers (1 = header) of bad rows.

    Examples
    --------
    >>> population = read_population("inwoners.csv")  # doctest: +SKIP
    >>> population.iloc[0].tolist()  # doctest: +SKIP
    ['BU06220101', 2025, 1235]
    """
    path = Path(path)
    text = _decode(path)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise BoundaryError(f"{path.name} is leeg")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header_at = next(index for index, row in enumerate(rows) if any(cell.strip() for cell in row))
    positions = _population_columns(rows[header_at], path.name)

    records, problems = [], []
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if not any(cell.strip() for cell in row):
            continue
        record = _population_record(row, positions, index + 1, problems)
        if record is not None:
            records.append(record)
    problems += _population_duplicates(records)
    if problems:
        raise BoundaryError.from_problems(f"bevolkingsbestand {path.name} afgekeurd", problems)
    if not records:
        raise BoundaryError(f"{path.name} bevat geen rijen met inwonertallen")
    frame = pd.DataFrame(records, columns=["code", "year", "inhabitants", "_row"])
    return pd.DataFrame(
        {
            "code": frame["code"].astype("str"),
            "year": frame["year"].astype("int64"),
            "inhabitants": pd.array(list(frame["inhabitants"]), dtype="Int64"),
        }
    )


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BoundaryError(f"kan bestand niet lezen: {path.name} ({error})") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise BoundaryError(
            f"kan bestand niet lezen: {path.name} is geen UTF-8- of Windows-1252-tekst"
        ) from error


def _population_columns(header: list[str], name: str) -> dict[str, int]:
    canonical = [_canonical(cell) for cell in header]
    positions = {}
    for field, keys in (
        ("code", _POPULATION_CODE),
        ("year", _POPULATION_YEAR),
        ("inhabitants", _POPULATION_INHABITANTS),
    ):
        found = [index for index, column in enumerate(canonical) if column in keys]
        if not found:
            raise BoundaryError(
                f"{name}: kolom voor {field} ontbreekt; verwacht een van: {', '.join(keys)} "
                f"(gevonden: {', '.join(header)})"
            )
        positions[field] = found[0]
    return positions


def _population_record(
    row: list[str], positions: dict[str, int], number: int, problems: list[str]
) -> tuple[str, int, int | None, int] | None:
    if len(row) <= max(positions.values()):
        problems.append(f"rij {number}: te weinig kolommen")
        return None
    code = row[positions["code"]].strip().upper()
    year_text = row[positions["year"]].strip()
    count_text = row[positions["inhabitants"]].strip()
    before = len(problems)

    level = level_of(code)
    if level is None or not CODE_PATTERNS[level].match(code):
        problems.append(f"rij {number}: ongeldige gebiedscode '{code}'")
    if not re.fullmatch(r"(19|20)\d{2}", year_text):
        problems.append(f"rij {number}: ongeldig jaar '{year_text}'")
    count: int | None = None
    if count_text not in ("", "."):
        if not re.fullmatch(r"-?\d+", count_text):
            problems.append(f"rij {number}: ongeldig aantal inwoners '{count_text}'")
        elif int(count_text) <= SECRET_CODE_MAX:
            count = None
        elif int(count_text) < 0:
            problems.append(f"rij {number}: negatief aantal inwoners '{count_text}'")
        else:
            count = int(count_text)
    if len(problems) > before:
        return None
    return code, int(year_text), count, number


def _population_duplicates(records: list[tuple[str, int, int | None, int]]) -> list[str]:
    first_row: dict[tuple[str, int], int] = {}
    problems = []
    for code, year, _count, number in records:
        key = (code, year)
        if key in first_row:
            problems.append(f"rij {number}: {code} {year} staat ook al op rij {first_row[key]}")
        else:
            first_row[key] = number
    return problems


def with_population(areas: gpd.GeoDataFrame, population: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``areas`` with inhabitants taken from ``population``.

    Only rows whose code and year equal an area's code and edition are used (boundaries
    and statistics of different years have different codes); for those areas the population
    value replaces the old one, also when it is <NA>. Other areas keep their value. The
    input is not changed.

    Examples
    --------
    >>> population = pd.DataFrame(
    ...     {"code": ["BU06220101"], "year": [2025], "inhabitants": [1235]})
    >>> areas = with_population(areas, population)  # doctest: +SKIP
    """
    result = areas.copy()
    lookup = (
        population.drop_duplicates(["code", "year"], keep="last")
        .set_index(["code", "year"])["inhabitants"]
        .astype("Int64")
    )
    keys = pd.MultiIndex.from_arrays([result["code"], result["edition"]])
    matched = keys.isin(lookup.index)
    values = result["inhabitants"].astype("Int64").copy()
    values[matched] = lookup.reindex(keys[matched]).to_numpy()
    result["inhabitants"] = values.astype("Int64")
    return result
