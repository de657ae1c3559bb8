"""PDOK client: paging, normalisation, offline behaviour and the geocoder, with fake openers."""

import socket
import urllib.error
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import box

from oovgeo.areas import AREA_COLUMNS, BoundaryError, pdok
from oovgeo.crs import RD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "areas"
BASE = "https://api.pdok.nl/cbs/wijken-en-buurten-2025/ogc/v1/collections"
FIRST_PAGE = "?gemeentecode=GM0622&f=json&limit=1000"
PAGES = {
    f"{BASE}/gemeenten/items{FIRST_PAGE}": "pdok_gemeenten.json",
    f"{BASE}/wijken/items{FIRST_PAGE}": "pdok_wijken.json",
    f"{BASE}/buurten/items{FIRST_PAGE}": "pdok_buurten_1.json",
    f"{BASE}/buurten/items{FIRST_PAGE}&cursor=Ag~~": "pdok_buurten_2.json",
}
# The RD rectangles the WGS84 fixtures were made from (rounded to 7 decimals, ~1 cm).
RD_BOXES = {
    "GM0622": box(82500, 436000, 83700, 437000),
    "WK062201": box(82500, 436000, 83100, 437000),
    "WK062202": box(83100, 436000, 83700, 437000),
    "BU06220101": box(82500, 436000, 83100, 436500),
    "BU06220102": box(82500, 436500, 83100, 437000),
    "BU06220201": box(83100, 436000, 83700, 437000),
}


class FakePdok:
    """An opener serving fixture files by URL and recording the URLs asked for."""

    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def __call__(self, url):
        self.calls.append(url)
        if url not in self.pages:
            raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)
        return (FIXTURES / self.pages[url]).read_bytes()


def test_boundaries_url_follows_the_documented_form():
    assert pdok.boundaries_url(2025, "buurten", "622") == (
        "https://api.pdok.nl/cbs/wijken-en-buurten-2025/ogc/v1/collections/buurten/items"
        "?gemeentecode=GM0622&f=json&limit=1000"
    )
    mirror = "http://mirror.local/{year}/{collection}?gm={gemeente}"
    assert pdok.boundaries_url(2024, "wijken", "GM0556", base_url=mirror) == (
        "http://mirror.local/2024/wijken?gm=GM0556"
    )
    # The setting boundaries.pdok_url holds only the API root; the items path is added.
    root = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1/"
    assert pdok.boundaries_url(2025, "buurten", "GM0622", base_url=root) == (
        pdok.boundaries_url(2025, "buurten", "GM0622")
    )
    assert pdok.boundaries_url(2025, "buurten", "GM0622", base_url=None) == (
        pdok.boundaries_url(2025, "buurten", "GM0622")
    )
    with pytest.raises(ValueError, match="onbekende collectie"):
        pdok.boundaries_url(2025, "straten", "GM0622")


def test_fetch_follows_next_links_and_normalises():
    opener = FakePdok(PAGES)
    areas = pdok.fetch_boundaries("GM0622", 2025, opener=opener)

    assert opener.calls == list(PAGES)  # gemeenten, wijken, buurten page 1, page 2
    assert tuple(areas.columns) == AREA_COLUMNS
    assert areas.crs.equals(RD)
    assert areas["level"].value_counts().to_dict() == {"buurt": 3, "wijk": 2, "gemeente": 1}
    by_code = areas.set_index("code")
    assert by_code.loc["BU06220201", "name"] == "Hoogkamer"  # from the second page
    assert by_code.loc["BU06220201", "parent_code"] == "WK062202"
    assert by_code.loc["WK062201", "parent_code"] == "GM0622"
    assert by_code.loc["GM0622", "parent_code"] is None
    assert (areas["edition"] == 2025).all()
    assert by_code.loc["BU06220101", "inhabitants"] == 4215
    assert pd.isna(by_code.loc["BU06220102", "inhabitants"])  # -99997 is secret, not a number
    for code, expected in RD_BOXES.items():
        assert by_code.loc[code, "geometry"].hausdorff_distance(expected) < 1.0


def test_fetch_uses_an_overridden_base_url():
    mirror = "https://mirror.example/{year}/{collection}?gemeentecode={gemeente}"
    pages = {
        "https://mirror.example/2025/gemeenten?gemeentecode=GM0622": "pdok_gemeenten.json",
        "https://mirror.example/2025/wijken?gemeentecode=GM0622": "pdok_wijken.json",
        "https://mirror.example/2025/buurten?gemeentecode=GM0622": "pdok_buurten_2.json",
    }
    opener = FakePdok(pages)
    areas = pdok.fetch_boundaries("0622", 2025, base_url=mirror, opener=opener)
    assert opener.calls == list(pages)
    assert sorted(areas["code"]) == ["BU06220201", "GM0622", "WK062201", "WK062202"]


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution")),
        TimeoutError("timed out"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
def test_offline_raises_pdok_unavailable_with_advice(failure):
    def opener(url):
        raise failure

    with pytest.raises(pdok.PdokUnavailable, match="niet bereikbaar") as caught:
        pdok.fetch_boundaries("GM0622", 2025, opener=opener)
    assert "oovgeo boundaries load" in str(caught.value)
    with pytest.raises(pdok.PdokUnavailable):
        pdok.geocode("Markt 11, Vlaardingen", opener=opener)


def test_http_error_is_not_reported_as_offline():
    opener = FakePdok({})  # every URL gives 404, e.g. an edition PDOK does not have
    with pytest.raises(pdok.PdokError, match="404") as caught:
        pdok.fetch_boundaries("GM0622", 2031, opener=opener)
    assert not isinstance(caught.value, pdok.PdokUnavailable)


def test_malformed_answer_is_refused():
    with pytest.raises(pdok.PdokError, match="geen geldige JSON"):
        pdok.fetch_boundaries("GM0622", 2025, opener=lambda url: b"<html>onderhoud</html>")
    with pytest.raises(pdok.PdokError, match="FeatureCollection"):
        pdok.fetch_boundaries("GM0622", 2025, opener=lambda url: b'{"type": "Feature"}')


def test_a_next_link_to_itself_does_not_loop_forever():
    page = (FIXTURES / "pdok_buurten_1.json").read_text()
    looping = page.replace("&amp;cursor=Ag~~", "").replace("&cursor=Ag~~", "")
    with pytest.raises(pdok.PdokError, match="volgende pagina"):
        pdok.fetch_boundaries("GM0622", 2025, opener=lambda url: looping.encode())


def test_downloaded_boundaries_are_validated():
    # A buurt that claims the wrong wijk must not slip in through the online route.
    wrong = (FIXTURES / "pdok_buurten_2.json").read_text().replace('"WK062202"', '"WK062201"')
    pages = dict(PAGES)
    opener = FakePdok(pages)

    def serve(url):
        if url.endswith("cursor=Ag~~"):
            opener.calls.append(url)
            return wrong.encode()
        return opener(url)

    with pytest.raises(BoundaryError, match="BU06220201"):
        pdok.fetch_boundaries("GM0622", 2025, opener=serve)


def test_default_opener_refuses_non_http_urls(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text("{}")
    with pytest.raises(pdok.PdokError, match="alleen http"):
        pdok.fetch_boundaries("GM0622", 2025, base_url=f"file://{secret}?{{year}}{{collection}}")


def test_geocode_parses_rd_point_and_sends_only_the_address():
    calls = []

    def opener(url):
        calls.append(url)
        return (FIXTURES / "locatieserver_adres.json").read_bytes()

    result = pdok.geocode("  Markt 11, Vlaardingen ", opener=opener)

    assert result == {
        "x": 83065.2,
        "y": 436518.1,
        "buurtcode": "BU06220103",
        "wijkcode": "WK062201",
        "weergavenaam": "Markt 11, 3131CR Vlaardingen",
    }
    url = urllib.parse.urlsplit(calls[0])
    assert f"{url.scheme}://{url.netloc}{url.path}" == pdok.LOCATIESERVER_URL
    assert urllib.parse.parse_qs(url.query) == {
        "q": ["Markt 11, Vlaardingen"],
        "fq": ["type:adres"],
        "fl": ["weergavenaam,centroide_rd,buurtcode,wijkcode"],
        "rows": ["1"],
    }


def test_geocode_without_match_or_query_gives_none():
    def opener(url):
        return (FIXTURES / "locatieserver_leeg.json").read_bytes()

    assert pdok.geocode("Nergensstraat 999, Vlaardingen", opener=opener) is None

    def must_not_be_called(url):
        raise AssertionError("a blank query must not reach PDOK")

    assert pdok.geocode("   ", opener=must_not_be_called) is None


def test_geocode_refuses_a_garbled_point():
    answer = (FIXTURES / "locatieserver_adres.json").read_text().replace("POINT(", "PUNT(")
    with pytest.raises(pdok.PdokError, match="centroide_rd"):
        pdok.geocode("Markt 11, Vlaardingen", opener=lambda url: answer.encode())
