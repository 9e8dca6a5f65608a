"""Opening a file in the browser: an ACLED-layout export from another continent (Kenya) is
uploaded, explored on the timeline and the map (its own countries drawn), and its share link
tells a recipient that the upload did not travel with it."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import REPO_ROOT
from tests.browser.conftest import shot, wait_for_app
from tests.browser.test_browser import count_text

pytestmark = pytest.mark.browser
KENYA = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled-export-kenya.csv"
WATER = (207, 224, 238)  # figures/deck.py WATER_RGBA: the Indian Ocean off Kenya's coast


def colours(png: bytes) -> set[tuple[int, int, int]]:
    from PIL import Image

    return set(Image.open(io.BytesIO(png)).convert("RGB").get_flattened_data())


def upload(page, server) -> None:
    page.goto(server.url + "/open")
    wait_for_app(page)
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(KENYA))
    page.get_by_text("rows in: 6 = imported 6 + rejected 0").wait_for(timeout=60_000)
    page.get_by_role("button", name="Explore it").click()
    page.wait_for_function("() => location.search.includes('data=upload')", timeout=30_000)
    wait_for_app(page)


def test_upload_is_explored_on_the_timeline_and_the_map(page, shipped_server):
    upload(page, shipped_server)
    assert count_text(page) == (6, 6)
    assert parse_qs(urlsplit(page.url).query)["data"] == ["upload"]
    page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=20_000)
    assert page.locator(".js-plotly-plot").first.locator(".scatterlayer .point").count() >= 6
    for lane in ("State forces", "Rebel groups", "Protesters"):  # ACLED's actor categories as lanes
        assert page.locator(".js-plotly-plot .ytick text", has_text=lane).count() == 1
    shot(page, "upload-timeline")

    page.get_by_role("link", name="Map").first.click()
    wait_for_app(page)
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(timeout=20_000)
    page.wait_for_timeout(1500)
    seen = colours(canvas.screenshot())
    assert len(seen) > 20 and WATER in seen  # Kenya's coast and neighbours drawn, not the Caucasus
    assert count_text(page) == (6, 6)
    assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "upload-map")

    page.get_by_role("button", name="Back to the curated record").click()  # one click away
    page.wait_for_function("() => !location.search.includes('data=upload')", timeout=30_000)
    wait_for_app(page)
    total = load_dataset(REPO_ROOT / "data").n_events
    assert count_text(page) == (total, total)


def test_a_link_made_on_an_upload_says_so_to_its_recipient(page, shipped_server, playwright_browser):
    upload(page, shipped_server)
    link = page.url
    other = playwright_browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    try:
        other.goto(link)
        wait_for_app(other)
        total = load_dataset(REPO_ROOT / "data").n_events
        assert count_text(other) == (total, total)  # the curated record, not the sender's file
        assert other.get_by_text("An upload is seen only by the person who opened it").count() == 1
    finally:
        other.context.close()
