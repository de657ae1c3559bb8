"""Headless Chromium steps through presentation mode and takes a screenshot of every slide."""

from __future__ import annotations

import re

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, login, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLIDE = re.compile(r"Dia (\d+) van (\d+)")


def test_presentation_mode_shows_every_slide_full_width(tmp_path, shared_data):
    from playwright.sync_api import sync_playwright

    with (
        running_app(tmp_path, shared_data, {"scherm": "presentatie"}) as app,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        login(page, app.url, "scherm")
        page.get_by_role("link", name="Presentatie").click()
        page.get_by_role("button", name="Presentatie starten").click()

        counter = page.get_by_text(SLIDE)
        counter.wait_for(timeout=120_000)
        total = int(SLIDE.search(counter.inner_text()).group(2))
        assert total >= 5
        titles = []
        for number in range(1, total + 1):
            page.get_by_text(f"Dia {number} van {total}").wait_for(timeout=60_000)
            page.wait_for_timeout(500)  # let the image finish drawing
            assert not page.locator('section[data-testid="stSidebar"]').is_visible()
            # nothing leads elsewhere (Streamlit's "skip to content" stays on the page)
            assert page.locator('a[href]:not([href^="#"])').count() == 0
            titles.append(page.locator("h1").first.inner_text())
            shot = tmp_path / f"dia_{number:02d}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            if number < total:
                page.get_by_role("button", name="Volgende ▶").click()
        assert len(set(titles)) == total  # a different slide each step
        assert page.get_by_role("button", name="Volgende ▶").is_disabled()

        # leaving the presentation asks for a login before anything else is shown
        page.get_by_role("button", name="Presentatie beëindigen (opnieuw inloggen)").click()
        page.get_by_text("oovgeo · inloggen").wait_for(timeout=30_000)
        assert page.get_by_label("Wachtwoord").is_visible()
        browser.close()
