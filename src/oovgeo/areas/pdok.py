"""Optional online services of PDOK: CBS boundaries (OGC API Features) and the geocoder.

Nothing in oovgeo depends on these: without network every function raises
:class:`PdokUnavailable` with a Dutch message that says how to load a file instead.
All requests use ``urllib.request``; tests inject an ``opener`` (a callable ``url -> bytes``).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from functools import partial

import geopandas as gpd

from oovgeo.areas.cbs import normalise
from oovgeo.areas.model import BoundaryError, parse_gemeente_code
from oovgeo.areas.validation import validate
from oovgeo.crs import WGS84

Opener = Callable[[str], bytes]

BOUNDARIES_API = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1"
ITEMS_PATH = "/collections/{collection}/items?gemeentecode={gemeente}&f=json&limit=1000"
BOUNDARIES_URL = BOUNDARIES_API + ITEMS_PATH
COLLECTIONS = ("gemeenten", "wijken", "buurten")
LOCATIESERVER_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
GEOCODE_FIELDS = "weergavenaam,centroide_rd,buurtcode,wijkcode"
MAX_PAGES = 100

_OFFLINE_MESSAGE = (
    "PDOK is niet bereikbaar (geen netwerk?). Download de grenzen elders en laad ze met "
    "`oovgeo boundaries load BESTAND`."
)
_NUMBER = r"([-+]?\d+(?:\.\d+)?)"
_POINT = re.compile(rf"POINT\s*\(\s*{_NUMBER}\s+{_NUMBER}\s*\)", re.IGNORECASE)


class PdokError(RuntimeError):
    """PDOK answered, but not with something usable (HTTP error, malformed JSON)."""


class PdokUnavailable(PdokError):
    """PDOK cannot be reached: no network, DNS failure, time-out."""


def boundaries_url(
    year: int, collection: str, gemeente: str, *, base_url: str | None = BOUNDARIES_URL
) -> str:
    """URL of the first page of one boundary collection for one gemeente.

    Parameters
    ----------
    year
        Edition of the wijk- en buurtkaart.
    collection
        "gemeenten", "wijken" or "buurten".
    gemeente
        Gemeente code, e.g. "GM0622" (also "0622" or "622").
    base_url
        Template with ``{year}``, ``{collection}`` and ``{gemeente}``, e.g. for a mirror; or
        just the API root (``BOUNDARIES_API``, as in the setting ``boundaries.pdok_url``),
        to which ``ITEMS_PATH`` is appended. None means the default.

    Examples
    --------
    >>> boundaries_url(2025, "buurten", "GM0622")
    'https://api.pdok.nl/cbs/wijken-en-buurten-2025/ogc/v1/collections/buurten/items?gemeentecode=GM0622&f=json&limit=1000'
    """
    if collection not in COLLECTIONS:
        raise ValueError(f"onbekende collectie '{collection}' (kies uit {', '.join(COLLECTIONS)})")
    base_url = base_url or BOUNDARIES_URL
    if "{collection}" not in base_url:
        base_url = base_url.rstrip("/") + ITEMS_PATH
    return base_url.format(
        year=int(year), collection=collection, gemeente=parse_gemeente_code(gemeente)
    )


def fetch_boundaries(
    gemeente: str,
    year: int,
    *,
    base_url: str | None = BOUNDARIES_URL,
    opener: Opener | None = None,
    timeout: float = 20,
) -> gpd.GeoDataFrame:
    """Download gemeente, wijken and buurten of one gemeente from PDOK as the area model.

    Follows the ``next`` links of every collection until the last page, then normalises
    all features (WGS84, RFC 7946) with :func:`oovgeo.areas.normalise` and validates them.

    Parameters
    ----------
    gemeente
        Gemeente code, e.g. "GM0622".
    year
        Edition; also the year in the PDOK dataset name (``wijken-en-buurten-2025``).
    base_url
        URL template, see :func:`boundaries_url`.
    opener
        Callable ``url -> bytes``; default ``urllib.request`` with ``timeout`` seconds
        per request.

    Raises
    ------
    PdokUnavailable
        No network, DNS failure or time-out.
    PdokError
        HTTP error or malformed answer.
    BoundaryError
        The downloaded boundaries do not pass :func:`oovgeo.areas.validate`.

    Examples
    --------
    >>> areas = fetch_boundaries("GM0622", 2025)  # doctest: +SKIP
    >>> areas["level"].value_counts().to_dict()  # doctest: +SKIP
    {'buurt': 40, 'wijk': 8, 'gemeente': 1}
    """
    code = parse_gemeente_code(gemeente)
    read = opener or partial(_download, timeout=timeout)
    features: list[dict] = []
    for collection in COLLECTIONS:
        url = boundaries_url(year, collection, code, base_url=base_url)
        features.extend(_all_features(url, read))
    if not features:
        raise PdokError(f"PDOK gaf geen gebieden voor {code} in editie {year}")
    table = gpd.GeoDataFrame.from_features(
        {"type": "FeatureCollection", "features": features}, crs=WGS84
    )
    areas = normalise(table, edition=year, gemeenten=[code], source=f"PDOK {year}")
    problems = validate(areas)
    if problems:
        raise BoundaryError.from_problems(f"grenzen van PDOK ({code}, {year}) afgekeurd", problems)
    return areas


def _all_features(url: str, read: Opener) -> list[dict]:
    """Features of every page, following ``links`` with ``rel == "next"``."""
    features: list[dict] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url:
        if next_url in seen or len(seen) >= MAX_PAGES:
            raise PdokError(f"PDOK blijft naar volgende pagina's verwijzen ({next_url})")
        seen.add(next_url)
        page = _json(_read_url(next_url, read))
        if page.get("type") != "FeatureCollection" or not isinstance(page.get("features"), list):
            raise PdokError(f"onverwacht antwoord van PDOK (geen FeatureCollection): {next_url}")
        features.extend(page["features"])
        next_url = _next_link(page)
    return features


def _next_link(page: dict) -> str | None:
    for link in page.get("links") or []:
        if link.get("rel") == "next" and link.get("href"):
            return str(link["href"])
    return None


def _read_url(url: str, read: Opener) -> bytes:
    """Call ``read(url)``, turning network failures into :class:`PdokUnavailable`."""
    try:
        return read(url)
    except urllib.error.HTTPError as error:
        raise PdokError(f"PDOK gaf HTTP-fout {error.code} voor {url}") from error
    except OSError as error:
        # URLError (DNS failure, refused connection) and TimeoutError are OSErrors.
        raise PdokUnavailable(_OFFLINE_MESSAGE) from error


def _download(url: str, *, timeout: float) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise PdokError(f"alleen http(s)-adressen worden opgevraagd, niet {url}")
    # The scheme is checked above, so S310 (file: URLs) does not apply.
    headers = {"Accept": "application/geo+json, application/json", "User-Agent": "oovgeo"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.read()


def _json(data: bytes) -> dict:
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise PdokError(f"PDOK gaf geen geldige JSON ({error})") from error
    if not isinstance(value, dict):
        raise PdokError("PDOK gaf een onverwacht JSON-antwoord")
    return value


def geocode_url(query: str, *, base_url: str | None = LOCATIESERVER_URL) -> str:
    """URL of a Locatieserver address search; only ``query`` is sent, with fixed options.

    Examples
    --------
    >>> geocode_url("Markt 11, Vlaardingen")
    'https://api.pdok.nl/bzk/locatieserver/search/v3_1/free?q=Markt+11%2C+Vlaardingen&fq=type%3Aadres&fl=weergavenaam%2Ccentroide_rd%2Cbuurtcode%2Cwijkcode&rows=1'
    """
    params = {"q": query, "fq": "type:adres", "fl": GEOCODE_FIELDS, "rows": "1"}
    return f"{base_url or LOCATIESERVER_URL}?{urllib.parse.urlencode(params)}"


def geocode(
    query: str,
    *,
    opener: Opener | None = None,
    base_url: str | None = LOCATIESERVER_URL,
    timeout: float = 10,
) -> dict | None:
    """Look up one address with the PDOK Locatieserver (free search, type adres).

    Only the address string is sent to PDOK: no names, case numbers or other fields of a
    signal. Cache results on the caller's side; PDOK is a shared public service.

    Returns
    -------
    dict or None
        ``{"x": float, "y": float, "buurtcode": str | None, "wijkcode": str | None,
        "weergavenaam": str}`` with x/y in RD (EPSG:28992) metres; None when nothing matched
        or the query is blank.

    Raises
    ------
    PdokUnavailable
        No network.
    PdokError
        HTTP error or malformed answer.

    Examples
    --------
    >>> geocode("Markt 11, Vlaardingen")  # doctest: +SKIP
    {'x': 83065.2, 'y': 436518.1, 'buurtcode': 'BU06220103', 'wijkcode': 'WK062201', ...}
    """
    if not query or not query.strip():
        return None
    read = opener or partial(_download, timeout=timeout)
    answer = _json(_read_url(geocode_url(query.strip(), base_url=base_url), read))
    docs = (answer.get("response") or {}).get("docs")
    if not isinstance(docs, list):
        raise PdokError("onverwacht antwoord van de PDOK Locatieserver (geen response.docs)")
    if not docs:
        return None
    doc = docs[0]
    x, y = _parse_point(doc.get("centroide_rd"))
    return {
        "x": x,
        "y": y,
        "buurtcode": doc.get("buurtcode"),
        "wijkcode": doc.get("wijkcode"),
        "weergavenaam": doc.get("weergavenaam"),
    }


def _parse_point(text: object) -> tuple[float, float]:
    """'POINT(83065.2 436518.1)' -> (83065.2, 436518.1)."""
    match = _POINT.fullmatch(str(text or "").strip())
    if match is None:
        raise PdokError(f"onverwachte centroide_rd van de Locatieserver: {text!r}")
    return float(match.group(1)), float(match.group(2))
