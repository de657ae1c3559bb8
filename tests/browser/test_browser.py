"""Headless Chromium against `streamlit run`: the start page draws the wijk map offline."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, login, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

USERS = {"beheer": "beheerder", "manager": "manager"}


@pytest.fixture
def app_server(tmp_path, shared_data):
    """The app on demo data over the real Vlaardingen buurten, served on loopback."""
    with running_app(tmp_path, shared_data, USERS) as app:
        yield app.url


def test_start_page_draws_the_wijk_map(app_server, tmp_path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium missing: scripts/test installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        login(page, app_server, "beheer")
        page.get_by_text("Wijken (8)").wait_for(timeout=60_000)
        frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
        paths = frame.locator("path.leaflet-interactive")
        paths.first.wait_for(timeout=60_000)
        assert paths.count() == 8  # one outline per wijk of Vlaardingen, drawn without tiles
        frame.locator(".leaflet-container").wait_for()
        assert page.get_by_text("oovgeo · Vlaardingen").count() >= 1
        page.screenshot(path=str(tmp_path / "startpagina.png"), full_page=True)
        if os.environ.get("OOVGEO_SCREENSHOT"):
            page.screenshot(path=os.environ["OOVGEO_SCREENSHOT"], full_page=True)
        browser.close()


def test_data_page_upload_shows_the_report(app_server, tmp_path):
    from playwright.sync_api import sync_playwright

    export = tmp_path / "export_week12.csv"
    export.write_bytes(
        "melding_id;datum;thema;bron;x;y;naam_melder\n"
        "W1;03-02-2025;woonoverlast;boa;83065,0;436518,0;Jan Jansen\n"
        "W2;04-02-2025;Fietsendiefstal;boa;83065,0;436518,0;\n"
        "W1;03-02-2025;woonoverlast;boa;83065,0;436518,0;Jan Jansen\n".encode("cp1252")
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        login(page, app_server, "beheer")
        page.get_by_role("link", name="Gegevens").click()
        page.get_by_text("Gegevens importeren").wait_for(timeout=30_000)
        page.locator("input[type='file']").set_input_files(str(export))
        page.get_by_text("export_week12.csv").first.wait_for()
        page.get_by_role("button", name="Importeren").click()
        page.get_by_text("3 rijen gelezen, 1 geaccepteerd").wait_for(timeout=30_000)
        # the report's detail lines render just after its first line
        for text in ("onbekend thema", "naam_melder"):
            page.get_by_text(re.compile(text)).first.wait_for(timeout=30_000)
        body = page.locator("body").inner_text()
        assert "1 afgewezen, 1 dubbel" in body
        assert "onbekend thema" in body
        assert "naam_melder" in body and "Jan Jansen" not in body
        browser.close()


def test_login_shows_only_the_roles_pages_and_logout_ends_it(app_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_server, wait_until="domcontentloaded")
        page.get_by_text("oovgeo · inloggen").wait_for(timeout=30_000)
        assert page.get_by_text("Wijken (8)").count() == 0
        login(page, app_server, "manager")
        page.get_by_text("Wijken (8)").wait_for(timeout=60_000)
        sidebar = page.locator("[data-testid='stSidebar']")
        # the navigation may draw after the page content on a loaded machine: wait for it
        sidebar.locator("a", has_text="Presentatie").wait_for(timeout=30_000)
        links = sidebar.locator("a").all_inner_texts()
        # icon name and label: no Gegevens and no Audit for a manager
        assert [t.split()[-1] for t in links] == [
            "Start",
            "Kaart",
            "Trends",
            "Vergelijken",
            "Presentatie",
        ]
        body = page.locator("body").inner_text()
        assert "In quarantaine" not in body and "Laatste import" not in body
        page.get_by_role("button", name="Uitloggen").click()
        page.get_by_text("oovgeo · inloggen").wait_for(timeout=30_000)
        page.reload(wait_until="domcontentloaded")
        page.get_by_text("oovgeo · inloggen").wait_for(timeout=30_000)
        assert page.get_by_text("Wijken (8)").count() == 0
        browser.close()


def test_clicking_a_wijk_on_the_map_opens_its_profile(app_server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        login(page, app_server, "beheer")
        page.get_by_role("link", name="Kaart").click()
        page.get_by_text("Klik op een gebied op de kaart voor het profiel.").wait_for(
            timeout=60_000
        )
        frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
        areas = frame.locator("path.leaflet-interactive")
        areas.first.wait_for(timeout=60_000)
        assert areas.count() == 8  # the wijken of Vlaardingen
        areas.nth(3).click()
        heading = page.get_by_text(re.compile(r"^Profiel wijk "))
        heading.wait_for(timeout=60_000)
        page.get_by_text("Kengetallen").first.wait_for(timeout=30_000)
        page.get_by_text("Signalen per maand (24 maanden)").first.wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "profiel.png"), full_page=True)
        if os.environ.get("OOVGEO_SCREENSHOT_DIR"):
            page.screenshot(path=os.environ["OOVGEO_SCREENSHOT_DIR"] + "/kaart.png", full_page=True)
        browser.close()
