"""Headless Chromium: context layers loaded with the CLI appear on a coordinator's Kaart."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, login, running_app
from context_support import CENTRE, square, write_brp_csv_rd, write_geojson_wgs84, write_gpkg

from oovgeo.context_map import PANE, STYLES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTES = Path("/work/notes")
X, Y = CENTRE
FRAME = "iframe[title='streamlit_folium.st_folium']"


@pytest.fixture
def app(tmp_path, shared_data):
    with running_app(tmp_path, shared_data, {"coord": "coordinator"}) as app:
        files = {
            "camera": write_geojson_wgs84(
                tmp_path / "camera.geojson",
                [square(X - 300, Y + 200, 250), square(X + 700, Y - 300, 200)],
                ["Markt", "Station"],
            ),
            "bedrijventerrein": write_gpkg(
                tmp_path / "bt.gpkg", [square(X + 1200, Y + 900, 450)], ["Industriehaven"]
            ),
            "brp_controle": write_brp_csv_rd(tmp_path / "brp.csv", [(X, Y), (X + 50, Y + 80)]),
        }
        names = {"camera": "Camera's centrum", "bedrijventerrein": "Haven"}
        for soort, path in files.items():
            load = [sys.executable, "-m", "oovgeo.cli", "context", "load", str(path)]
            load += ["--soort", soort] + (["--naam", names[soort]] if soort in names else [])
            subprocess.run(load, env=app.env, check=True, capture_output=True, timeout=120)
        yield app


def test_coordinator_sees_the_camera_and_business_park_outlines(app, tmp_path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium missing: scripts/test installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1300})
        login(page, app.url, "coord")
        page.get_by_role("link", name="Kaart").click()
        page.get_by_text("Klik op een gebied op de kaart voor het profiel.").wait_for(
            timeout=60_000
        )
        frame = page.frame_locator(FRAME)
        overlays = frame.locator(".leaflet-control-layers-overlays")
        overlays.get_by_text("Cameratoezicht: Camera's centrum").wait_for(timeout=60_000)
        labels = overlays.locator("label")
        texts = [t.strip() for t in labels.all_inner_texts()]
        for name in (
            "Cameratoezicht: Camera's centrum",
            "Bedrijventerreinen: Haven",
            "BRP-adrescontroles",
        ):
            assert name in texts
        # the outlines are drawn in their own pane: two camera areas and one business park
        outlines = frame.locator(f".leaflet-{PANE}-pane path.leaflet-interactive")
        outlines.nth(2).wait_for(timeout=30_000)
        assert outlines.count() == 3  # the BRP points are off until asked for
        dashes = sorted(outlines.nth(i).get_attribute("stroke-dasharray") for i in range(3))
        assert dashes == sorted([STYLES["bedrijventerrein"].dash] + [STYLES["camera"].dash] * 2)
        assert {outlines.nth(i).get_attribute("fill") for i in range(3)} == {"none"}
        brp = labels.filter(has_text="BRP-adrescontroles").locator("input")
        assert not brp.is_checked()
        brp.check()
        outlines.nth(4).wait_for(timeout=30_000)  # two small markers join the outlines
        assert outlines.count() == 5
        brp.uncheck()
        assert page.locator("[data-testid='stException']").count() == 0
        page.locator(FRAME).scroll_into_view_if_needed()
        page.locator(FRAME).screenshot(path=str(tmp_path / "context_kaart.png"))
        page.screenshot(path=str(tmp_path / "context_pagina.png"), full_page=True)
        browser.close()
    if NOTES.is_dir():
        shutil.copyfile(tmp_path / "context_kaart.png", NOTES / "context_kaart.png")
