"""Headless Chromium against `streamlit run`: the Doelen page end to end.

A coordinator clicks the top candidate on the map, puts it on the shortlist, reloads the app
and finds it there; a second coordinator's stale edit of the same item gets the conflict
message and does not overwrite the first one's change; a place inside a marker cluster can be
clicked too once zoomed in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, login, running_app

from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store import shortlist_repo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

USERS = {"anna": "coordinator", "bert": "coordinator"}
MAP = "iframe[title='streamlit_folium.st_folium']"
WAIT = 60_000


@pytest.fixture
def app(tmp_path, shared_data):
    with running_app(tmp_path, shared_data, USERS) as running:
        yield running


def open_doelen(page, url: str, name: str):
    """Log in as ``name``, open the Doelen page and wait for its candidate markers."""
    login(page, url, name)
    page.get_by_role("link", name="Doelen").click()
    page.get_by_text("Doelen voor interventies").wait_for(timeout=WAIT)
    markers = page.frame_locator(MAP).locator("path.leaflet-interactive")
    markers.first.wait_for(timeout=WAIT)
    return markers


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_map_click_to_shortlist_survives_reload_and_a_stale_edit_conflicts(app, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium missing: scripts/test installs Debian's chromium")
    engine = ops.open_store(load_settings(env={"OOVGEO_HOME": str(app.home)}, config_file=None))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        anna = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
        markers = open_doelen(anna, app.url, "anna")
        # the best 25 always as circles, the others in clusters (with their count)
        assert 25 <= markers.count() < 5_000
        assert anna.frame_locator(MAP).locator(".marker-cluster").count() > 0
        assert "Locatie: " not in main_text(anna)  # nothing selected yet

        # The page draws the markers from the last rank to the first, so the last path is
        # rank 1 and lies on top of any marker overlapping it: the click reaches it.
        top = markers.last
        top.hover()
        tooltip = anna.frame_locator(MAP).locator(".leaflet-tooltip")
        tooltip.wait_for(timeout=WAIT)
        assert re.fullmatch(r"Rang\s*1", tooltip.inner_text().strip())
        heading = anna.get_by_text(re.compile(r"^Locatie: "))
        for attempt in range(2):  # the map may be redrawn once while the page settles
            top.click()
            try:
                heading.wait_for(timeout=20_000 if attempt == 0 else WAIT)
                break
            except PlaywrightTimeout:
                if attempt:
                    raise
        # the details panel shows the clicked candidate: rank 1 with its reasons
        anna.get_by_text(re.compile(r"^Rang 1 · score \d")).wait_for(timeout=WAIT)
        body = main_text(anna)
        assert re.search(r"\d+ signa(?:al|len) uit \d+ bron", body)
        address = heading.inner_text().removeprefix("Locatie: ").strip()
        assert address
        shot = tmp_path / "doelenkaart.png"
        anna.locator(MAP).screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000

        # on the shortlist with a reason and a meeting
        anna.get_by_label("Reden voor de shortlist").fill("Vier bronnen binnen twee weken")
        anna.get_by_label("Overleg", exact=True).fill("GIO Vlaardingen-Oost")
        anna.get_by_role("button", name="Op de shortlist").click()
        anna.get_by_text("Toegevoegd aan de shortlist.").wait_for(timeout=WAIT)
        items = shortlist_repo.list_items(engine)
        assert list(items["title"]) == [address]
        item_id = int(items["id"].iloc[0])
        stored = shortlist_repo.get_item(engine, item_id)
        assert stored["reason"] == "Vier bronnen binnen twee weken"
        assert stored["meeting"] == "GIO Vlaardingen-Oost"

        # a reload starts a new session: log in again and find the item in the shortlist
        anna.reload(wait_until="domcontentloaded")
        open_doelen(anna, app.url, "anna")
        # the shortlist's table is drawn on a canvas; its item chooser lists the same rows
        expect(anna.get_by_role("combobox", name="Item")).to_have_value(
            f"{item_id}: {address}", timeout=WAIT
        )
        assert "Locatie: " not in main_text(anna)  # the selection did not survive; the item did

        # a second session opens the same item's form before anna saves her change
        bert = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
        open_doelen(bert, app.url, "bert")
        expect(bert.get_by_role("combobox", name="Item")).to_have_value(
            f"{item_id}: {address}", timeout=WAIT
        )
        for page, owner in ((anna, "Anna"), (bert, "Bert")):
            page.get_by_label("Eigenaar").fill(owner)
            page.get_by_role("button", name="Wijziging opslaan").click()
        anna.get_by_text("Opgeslagen.").wait_for(timeout=WAIT)
        conflict = bert.get_by_text(re.compile("intussen gewijzigd door anna"))
        conflict.wait_for(timeout=WAIT)
        assert "Opgeslagen." not in main_text(bert)
        stored = shortlist_repo.get_item(engine, item_id)
        assert stored["owner"] == "Anna"  # bert's stale edit did not overwrite it
        assert stored["version"] == 2

        # a place inside a cluster: zoomed in until it stands alone, a mouse click selects it
        rank = click_a_clustered_place(bert)
        assert rank > 25
        bert.get_by_text(re.compile(rf"^Rang {rank} · score \d")).wait_for(timeout=WAIT)
        browser.close()


def click_a_clustered_place(page) -> int:
    """Zoom the map onto a place of the clustered layer, click it with the mouse; its rank."""
    page.locator(MAP).scroll_into_view_if_needed()  # the form below may have been scrolled to
    frame = next(
        f
        for f in page.frames
        if f.evaluate("() => Object.keys(window).some(k => k.startsWith('map_'))")
    )
    spot = frame.evaluate(
        """() => {
            const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
            const clusters = [];
            map.eachLayer(l => { if (l._featureGroup && l.getLayers) clusters.push(l); });
            const places = clusters[0].getLayers();
            const place = places[Math.floor(places.length / 2)];
            map.setView(place.getLatLng(), 18, {animate: false});
            const point = map.latLngToContainerPoint(place.getLatLng());
            return {x: point.x, y: point.y, rank: place.feature.properties.rang};
        }"""
    )
    page.wait_for_timeout(1_000)  # let the cluster layer draw the single places
    box = page.locator(MAP).bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    return int(spot["rank"])
