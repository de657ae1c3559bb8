"""Read a Signalen export (JSON) into the same ``RawTable`` the CSV and XLSX readers produce.

Signalen (github.com/Amsterdam/signals) is the open-source reporting system (MOR) that many
municipalities run. Two of its outputs are read:

- the public-map GeoJSON (``/signals/v1/public/signals/geography``): a FeatureCollection of
  Point features in WGS84 whose properties hold ``category`` (``name``, ``slug``, ``parent``)
  and ``created_at``, usually without an id;
- the private API list (``/signals/v1/private/signals/``): ``{"count": …, "results": […]}``,
  or a bare JSON list of such signals, each with ``id``/``id_display``, ``created_at``,
  ``updated_at``, ``source``, ``category`` (``main``, ``main_slug``, ``sub``, ``sub_slug``)
  and ``location`` (``geometrie``, ``address``, ``buurt_code``).

Only the columns in ``COLUMNS`` leave this module (P1): the narrative text, the reporter, the
notes and the extra answers of a signal (``NOT_STORED``) are not even columns of the table, so
no later step (validation, quarantine, report) can keep them. A row number is the position of
the signal in the file (1 = the first). Pure: bytes in, table out.
"""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from oovgeo.dutch import LOCAL_TIMEZONE
from oovgeo.ingest.parse import normalise_header
from oovgeo.ingest.readers import RawTable, ReadError, _check_size, _too_many_rows
from oovgeo.ingest.rules import ImportError_

SYSTEM = "signalen"  # the profiles' system key: a Signalen id is unique within Signalen
PROFILE = "signalen"  # the shipped profile whose headers are COLUMNS
COLUMNS = (
    "id",
    "datum",
    "gewijzigd",
    "thema",
    "bron",
    "lat",
    "lon",
    "adres",
    "postcode",
    "huisnummer",
    "buurtcode",
)
# Fields of a signal that never leave this module (P1); the report names those it met.
NOT_STORED = ("text", "text_extra", "reporter", "notes", "extra_properties")
JSON_EXTENSIONS = frozenset({".json", ".geojson"})
_TABLE_EXTENSIONS = frozenset({".csv", ".txt", ".tsv", ".xlsx"})
_CBS_BUURT = re.compile(r"BU\d{4}[0-9A-Z]{4}")  # BU + gemeente digits + wijk and buurt parts

NOT_SIGNALEN = (
    "Dit JSON-bestand is geen Signalen-export. Verwacht wordt de GeoJSON van de openbare kaart "
    "(een FeatureCollection met punten en de eigenschappen category en created_at) of de "
    'meldingenlijst van de API ({"count": …, "results": [meldingen]} of een lijst meldingen).'
)


class CrosswalkError(ImportError_):
    """The Signalen crosswalk file is malformed (message in Dutch)."""


@dataclass(frozen=True)
class Crosswalk:
    """Signalen category slugs and source labels translated to oovgeo codes."""

    themes: dict[str, str]  # lower-case slug -> theme code
    sources: dict[str, str]  # normalised source label -> source code
    default_source: str

    def theme(self, sub_slug: str, main_slug: str) -> str | None:
        """Return the theme of a category: its sub slug first, then its main slug."""
        for slug in (sub_slug, main_slug):
            code = self.themes.get(slug.strip().lower()) if slug else None
            if code:
                return code
        return None

    def source(self, label: str) -> str:
        """Return the source code of a Signalen ``source``; an unmapped label unchanged."""
        if not label.strip():
            return self.default_source
        return self.sources.get(normalise_header(label), label.strip())

    def extended(self, other: Crosswalk, *, default_given: bool) -> Crosswalk:
        """Return this crosswalk with the lines of ``other`` added (``other`` wins)."""
        return Crosswalk(
            themes={**self.themes, **other.themes},
            sources={**self.sources, **other.sources},
            default_source=other.default_source if default_given else self.default_source,
        )


def _codes(data: dict[str, Any], key: str, source: str) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise CrosswalkError(f"vertaaltabel {source}: [{key}] moet een tabel zijn")
    bad = [k for k, v in table.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise CrosswalkError(f"vertaaltabel {source}: [{key}] '{bad[0]}' heeft geen code")
    return {str(k): str(v).strip() for k, v in table.items()}


def parse_crosswalk(text: str, source: str = "signalen_crosswalk.toml") -> tuple[Crosswalk, bool]:
    """Parse a crosswalk file; return it and whether it sets ``default_source``.

    Raises ``CrosswalkError`` (Dutch) when the file is malformed.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CrosswalkError(f"vertaaltabel {source} is geen geldige TOML: {exc}") from None
    unknown = sorted(set(data) - {"default_source", "themes", "sources"})
    if unknown:
        raise CrosswalkError(
            f"vertaaltabel {source}: onbekende sleutel '{unknown[0]}' "
            "(toegestaan: default_source, [themes], [sources])"
        )
    default = data.get("default_source", "")
    if not isinstance(default, str):
        raise CrosswalkError(f"vertaaltabel {source}: default_source moet tekst zijn")
    crosswalk = Crosswalk(
        themes={k.strip().lower(): v for k, v in _codes(data, "themes", source).items()},
        sources={normalise_header(k): v for k, v in _codes(data, "sources", source).items()},
        default_source=default.strip(),
    )
    return crosswalk, "default_source" in data


def load_crosswalk(extra_file: Path | None = None, *, required: bool = False) -> Crosswalk:
    """Return the shipped crosswalk, extended with ``extra_file`` when it exists.

    ``required`` makes a missing ``extra_file`` an error (a file named in the settings).
    """
    shipped = resources.files("oovgeo.ingest").joinpath("signalen_crosswalk.toml")
    crosswalk, _ = parse_crosswalk(shipped.read_text("utf-8"))
    if extra_file is None:
        return crosswalk
    if not extra_file.is_file():
        if required:
            raise CrosswalkError(f"vertaaltabel voor Signalen {extra_file} bestaat niet")
        return crosswalk
    own, default_given = parse_crosswalk(extra_file.read_text("utf-8"), str(extra_file))
    return crosswalk.extended(own, default_given=default_given)


@dataclass(frozen=True)
class SignalenFile:
    """A Signalen export read as a table."""

    table: RawTable
    form: str  # 'geojson' (public map) or 'api' (private API list)
    not_stored: list[str]  # the NOT_STORED fields the file holds; none of them was read


def looks_like_json(data: bytes, filename: str) -> bool:
    """Return True for a ``.json``/``.geojson`` file or JSON content without a table extension."""
    extension = PurePath(filename).suffix.lower()
    if extension in JSON_EXTENSIONS:
        return True
    if extension in _TABLE_EXTENSIONS:
        return False
    head = data[:256].removeprefix(codecs.BOM_UTF8).lstrip()
    return head[:1] in (b"{", b"[")


def read_signalen(
    data: bytes, filename: str, *, crosswalk: Crosswalk, max_bytes: int, max_rows: int
) -> SignalenFile:
    """Read a Signalen GeoJSON or API export; raise ``ReadError`` (Dutch) when impossible."""
    _check_size(data, max_bytes)
    document = _parse_json(data)
    form, items, count = _signals(document)
    if not items:
        raise ReadError("Het bestand bevat geen meldingen.")
    if len(items) > max_rows:
        raise _too_many_rows(max_rows)
    if form == "geojson":
        rows = [_feature_row(_feature(item, n), crosswalk) for n, item in _numbered(items)]
    else:
        rows = [_signal_row(_signal(item, n), crosswalk) for n, item in _numbered(items)]
    warnings = []
    if isinstance(count, int) and count > len(items):
        warnings.append(
            f"Het bestand bevat {len(items)} van de {count} meldingen (één pagina van de API); "
            "haal alle pagina's op om niets te missen."
        )
    fields = {key for item in items if isinstance(item, dict) for key in item}
    table = RawTable(
        columns=list(COLUMNS),
        rows=rows,
        row_numbers=list(range(1, len(rows) + 1)),
        encoding="utf-8",
        delimiter=None,
        sheet=None,
        warnings=warnings,
    )
    return SignalenFile(table, form, [name for name in NOT_STORED if name in fields])


# --- the document ---------------------------------------------------------------------------


def _parse_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError("Het JSON-bestand is geen geldige UTF-8-tekst.") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(
            f"Het bestand is geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}). "
            "Het profiel Signalen leest alleen de JSON of GeoJSON van Signalen."
        ) from None
    except RecursionError:
        raise ReadError("Het JSON-bestand is te diep genest en wordt niet gelezen.") from None


def _signals(document: Any) -> tuple[str, list[Any], Any]:
    """Return (form, the signals, the count the API reported) or raise NOT_SIGNALEN."""
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise ReadError("De FeatureCollection heeft geen lijst 'features'.")
        _check_features(features)
        return "geojson", features, None
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        items, count = document["results"], document.get("count")
    elif isinstance(document, list):
        items, count = document, None
    else:
        raise ReadError(NOT_SIGNALEN)
    if items and not _any_signal(items):
        raise ReadError(NOT_SIGNALEN)
    if items and all(isinstance(i, dict) and i.get("type") == "Feature" for i in items):
        _check_features(items)  # a bare list of features: the public map without its wrapper
        return "geojson", items, None
    return "api", items, count


def _any_signal(items: list[Any]) -> bool:
    """Return True when one of the objects has a category or a creation time."""
    return any(
        isinstance(i, dict)
        and any(k in i or k in _obj(i.get("properties")) for k in ("category", "created_at"))
        for i in items
    )


def _check_features(features: list[Any]) -> None:
    """Refuse a collection with anything but points: a signal has one place."""
    for number, feature in _numbered(features):
        kind = _obj(_obj(feature).get("geometry")).get("type")
        if kind is not None and kind != "Point":
            raise ReadError(
                f"Melding {number} heeft als locatie een {_shown(kind)}, geen punt. Een "
                "Signalen-import heeft per melding een punt (Point) nodig; gebiedsgrenzen "
                "laad je als gebiedsindeling, niet hier."
            )
    if features and not _any_signal(features):
        raise ReadError(NOT_SIGNALEN)


def _numbered(items: list[Any]) -> list[tuple[int, Any]]:
    return list(enumerate(items, start=1))


def _feature(item: Any, number: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ReadError(f"Melding {number} is geen GeoJSON-feature (geen object).")
    return item


def _signal(item: Any, number: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ReadError(f"Melding {number} is geen melding (geen object).")
    return item


# --- one signal -----------------------------------------------------------------------------


def _feature_row(feature: dict[str, Any], crosswalk: Crosswalk) -> list[str]:
    """Return the row of a public-map feature (category, created_at, a point)."""
    props = _obj(feature.get("properties"))
    category = _obj(props.get("category"))
    parent = _obj(category.get("parent"))
    lon, lat = _point(feature.get("geometry"))
    ident = _text(feature.get("id")) or _text(props.get("id_display")) or _text(props.get("id"))
    theme = crosswalk.theme(_text(category.get("slug")), _text(parent.get("slug")))
    label = _text(category.get("name")) or _text(parent.get("name"))
    return _row(
        ident=ident,
        created=props.get("created_at"),
        updated=props.get("updated_at"),
        theme=theme or label,
        source=crosswalk.source(_text(props.get("source"))),
        lat=lat,
        lon=lon,
        location={},
    )


def _signal_row(signal: dict[str, Any], crosswalk: Crosswalk) -> list[str]:
    """Return the row of an API signal; its text, reporter, notes and answers are not read."""
    category = _obj(signal.get("category"))
    location = _obj(signal.get("location"))
    lon, lat = _point(location.get("geometrie"))
    theme = crosswalk.theme(_text(category.get("sub_slug")), _text(category.get("main_slug")))
    label = _text(category.get("sub")) or _text(category.get("main"))
    return _row(
        ident=_text(signal.get("id_display")) or _text(signal.get("id")),
        created=signal.get("created_at"),
        updated=signal.get("updated_at"),
        theme=theme or label,
        source=crosswalk.source(_text(signal.get("source"))),
        lat=lat,
        lon=lon,
        location=location,
    )


def _row(
    *,
    ident: str,
    created: Any,
    updated: Any,
    theme: str,
    source: str,
    lat: str,
    lon: str,
    location: dict[str, Any],
) -> list[str]:
    address = _obj(location.get("address"))
    number = _house_number(address)
    street = _text(address.get("openbare_ruimte"))
    buurt = _text(location.get("buurt_code")).upper()
    values = {
        "id": ident,
        "datum": local_date(created),
        "gewijzigd": local_date(updated),
        "thema": theme,
        "bron": source,
        "lat": lat,
        "lon": lon,
        "adres": f"{street} {number}".strip() if street else "",
        "postcode": _text(address.get("postcode")) or _text(location.get("postcode")),
        "huisnummer": number,
        # only a CBS code; Amsterdam's own buurt codes ("A00a") would be unknown area codes
        "buurtcode": buurt if _CBS_BUURT.fullmatch(buurt) else "",
    }
    return [values[column] for column in COLUMNS]


def local_date(value: Any) -> str:
    """ISO 8601 time with a zone -> the date in the Netherlands ('2025-01-01').

    A time without a zone is taken as Dutch time; text that is no ISO time is passed on
    unchanged, so validation rejects it with its own rule.
    """
    text = _text(value)
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TIMEZONE)
    return moment.date().isoformat()


def _point(geometry: Any) -> tuple[str, str]:
    """(lon, lat) texts of a GeoJSON point; empty without one (the row then has no place)."""
    coordinates = _obj(geometry).get("coordinates")
    if coordinates is None:
        return "", ""
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        return _number(coordinates[0]), _number(coordinates[1])
    # malformed: keep it in one of the two fields, so the row is rejected as half a coordinate
    return _number(coordinates), ""


def _house_number(address: dict[str, Any]) -> str:
    """'12', 'A', '2' -> '12A-2' (house number, letter and addition as one designation)."""
    number = _text(address.get("huisnummer"))
    if not number:
        return ""
    addition = _text(address.get("huisnummer_toevoeging"))
    return number + _text(address.get("huisletter")) + (f"-{addition}" if addition else "")


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | str):
        return str(value)
    return json.dumps(value)


def _text(value: Any) -> str:
    """Return a scalar as text; None and objects as ''."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _shown(kind: Any) -> str:
    text = _text(kind)
    return text[:30] if text else "onbekende vorm"
