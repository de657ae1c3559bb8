"""Headless Chromium: a coordinator turns the Gi* grid layer on and sees hotspot outlines."""

from __future__ import annotations

import re

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, login, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def app_server(tmp_path, shared_data):
    with running_app(tmp_path, shared_data, {"coord": "coordinator"}) as app:
        yield app.url


def test_grid_hotspot_layer_renders_with_outlines_and_its_accuracy(app_server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        login(page, app_server, "coord")
        page.get_by_role("link", name="Kaart").click()
        page.get_by_text("Klik op een gebied op de kaart voor het profiel.").wait_for(
            timeout=60_000
        )
        frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        before = frame.locator("path.leaflet-interactive").count()
        # a year of signals, so that the planted streets are significant cells
        page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name="Laatste 12 maanden").click()
        page.get_by_text("Hotspots (Getis-Ord Gi*)").click()
        page.get_by_text("Raster van 250 m").click()
        page.get_by_text(re.compile(r"^\d+ significante gebieden")).wait_for(timeout=120_000)
        page.get_by_text(re.compile("Gi\\*-raster voorspelde de afgelopen 8 weken")).wait_for(
            timeout=60_000
        )
        found = int(
            page.get_by_text(re.compile(r"^\d+ significante gebieden")).inner_text().split()[0]
        )
        assert found > 0
        outlines = frame.locator("path.leaflet-interactive")
        page.wait_for_function(
            "n => document.querySelector(\"iframe[title='streamlit_folium.st_folium']\")"
            ".contentDocument.querySelectorAll('path.leaflet-interactive').length > n",
            arg=before,
            timeout=60_000,
        )
        assert outlines.count() >= before + found
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.get_by_text("KeyError").count() == 0
        assert page.get_by_text("Traceback").count() == 0
        page.screenshot(path=str(tmp_path / "hotspots_raster.png"), full_page=True)
        browser.close()
