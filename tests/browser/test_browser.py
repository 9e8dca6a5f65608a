"""What only a real browser shows: the map canvas, the timeline, clicks, deep links, inert XSS."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.data.query import FilterSpec, apply_filters
from tests.browser.conftest import Server, shot, wait_for_app
from tests.conftest import EVENTS, make_dataset

pytestmark = pytest.mark.browser
COUNT = re.compile(r"([\d,]+) of ([\d,]+) events")


def count_text(page) -> tuple[int, int]:
    text = page.locator(".st-key-event-count").inner_text()
    match = COUNT.search(text)
    assert match, text
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((160, 120))
    return len(set(image.get_flattened_data()))


@pytest.mark.parametrize(
    "path, name",
    [("/", "timeline"), ("/map", "map"), ("/actors", "actors"), ("/events", "events"), ("/about", "about")],
)
def test_every_page_renders(page, shipped_server, path, name):
    page.goto(shipped_server.url + path)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    total = load_dataset(REPO_ROOT / "data").n_events
    assert count_text(page) == (total, total)
    if name == "timeline":
        page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=20_000)
        assert page.locator(".js-plotly-plot").first.locator(".scatterlayer .point").count() >= total // 2
        assert page.locator(".js-plotly-plot .rangeslider-container").count() == 1
    if name == "map":
        canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
        canvas.wait_for(timeout=20_000)
        page.wait_for_timeout(1500)
        assert distinct_colours(canvas.screenshot()) > 20  # borders, water, events, labels: not blank
    if name in ("events", "actors"):  # the table draws after the script ends: wait for it, not a skeleton
        page.wait_for_function(
            "() => { const t = document.querySelector(\"[data-testid='stDataFrame']\");"
            " return t && t.getBoundingClientRect().width > 300 }",
            timeout=20_000,
        )
        page.wait_for_timeout(800)
    shot(page, name)
    assert not page.dialogs


def test_map_is_offline(page, shipped_server):
    page.goto(shipped_server.url + "/map")
    wait_for_app(page)
    page.wait_for_timeout(1500)
    tile_requests = [u for u in page.blocked if "carto" in u or "mapbox" in u or "maplibre" in u]
    assert tile_requests == []  # the offline base map needs no tile server


def test_deep_link_restores_filters_and_count(page, shipped_server):
    data = load_dataset(REPO_ROOT / "data")
    expected = len(apply_filters(data, FilterSpec(dt.date(2020, 9, 27), dt.date(2020, 11, 10), ("az-mod",))))
    page.goto(f"{shipped_server.url}/?from=2020-09-27&to=2020-11-10&actor=az-mod")
    wait_for_app(page)
    assert count_text(page) == (expected, data.n_events)
    actors = page.locator(".st-key-f_actor")
    actors.scroll_into_view_if_needed()
    # the chip carries the actor's label (ids stay in the URL); wait for it to be drawn
    page.wait_for_function(
        "() => document.querySelector('.st-key-f_actor').innerHTML"
        ".includes('aria-label=\"Azerbaijani side · Azerbaijani MoD (ministry)\"')",
        timeout=15_000,
    )
    params = query(page)
    assert params["actor"] == ["az-mod"] and params["from"] == ["2020-09-27"]
    assert "v" not in params  # a valid link stays as it was opened: no rewrite, no extra history entry
    shot(page, "deep-link")


def test_bad_link_shows_notices_and_keeps_the_rest(page, shipped_server):
    page.goto(f"{shipped_server.url}/?from=2021-13-45&actor=atlantis&q=Ganja")
    wait_for_app(page)
    notices = page.locator(".st-key-url-notices").inner_text()
    assert "from=2021-13-45" in notices and "actor=atlantis" in notices
    data = load_dataset(REPO_ROOT / "data")
    assert count_text(page)[0] == len(apply_filters(data, FilterSpec(text="Ganja")))


def test_clicking_an_event_opens_its_card(page, shipped_server):
    page.goto(f"{shipped_server.url}/?from=2020-10-01&to=2020-10-05&type=missile_strike&type=shelling")
    wait_for_app(page)
    point = page.locator(".js-plotly-plot").first.locator(".scatterlayer .point").first
    point.wait_for(timeout=20_000)
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card = page.locator(".st-key-event-card")
    card.wait_for(timeout=20_000)
    page.wait_for_function("() => location.search.includes('event=')", timeout=20_000)
    event_id = query(page)["event"][0]
    data = load_dataset(REPO_ROOT / "data")
    from conflict_timeline.data.query import event_by_id

    title = event_by_id(data, event_id)["title"]
    assert title[:30] in page.locator("[role=dialog]").first.inner_text()  # the dialog's header
    shot(page, "event-card")


def test_changing_a_filter_updates_the_url(page, shipped_server):
    page.goto(shipped_server.url + "/events")
    wait_for_app(page)
    search = page.locator(".st-key-f_q input")
    search.fill("Khankendi")
    search.press("Enter")
    page.wait_for_function("() => location.search.includes('q=Khankendi')", timeout=20_000)
    wait_for_app(page)
    data = load_dataset(REPO_ROOT / "data")
    assert count_text(page)[0] == len(apply_filters(data, FilterSpec(text="Khankendi"))) > 0
    assert urlsplit(page.url).path.endswith("/events")


def test_filters_survive_a_page_switch(page, shipped_server):
    page.goto(f"{shipped_server.url}/?actor=russia&q=Lavrov")
    wait_for_app(page)
    before = count_text(page)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Map").click()
    page.wait_for_url(re.compile(r"/map"), timeout=20_000)
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('actor=russia')", timeout=20_000)
    assert count_text(page) == before
    assert query(page)["q"] == ["Lavrov"]


def test_closing_the_card_clears_the_event(page, shipped_server):
    page.goto(f"{shipped_server.url}/map?event=2020-09-30-lavrov-calls-bayramov-mnatsakanyan")
    wait_for_app(page)
    card = page.locator(".st-key-event-card")
    card.wait_for(timeout=20_000)
    assert "Lavrov" in card.inner_text()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.search.includes('event=')", timeout=20_000)
    assert page.locator(".st-key-event-card").count() == 0


XSS = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory):
    from tests.browser.conftest import _browser_or_skip

    _browser_or_skip()
    from tests.conftest import ACTORS

    events = [list(e) for e in EVENTS]
    events[2][4] = XSS + " title"
    events[2][5] = XSS + " summary [click](javascript:window.__xss=2)"
    actors = [list(a) for a in ACTORS]
    actors[3][1] = XSS + " actor"
    actors[3][2] = XSS
    sources = [(e[0], f"https://example.org/{e[0]}", "Example", "") for e in EVENTS]
    sources.append((EVENTS[2][0], "javascript:window.__xss=3", XSS, ""))
    directory = make_dataset(tmp_path_factory.mktemp("xss") / "data", events=events, sources=sources, actors=actors)
    server = Server(directory)
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["/", "/map", "/actors", "/events"])
def test_untrusted_text_stays_inert(page, xss_server, path):
    page.goto(f"{xss_server.url}{path}?event={EVENTS[2][0]}")
    wait_for_app(page)
    card = page.locator(".st-key-event-card")
    card.wait_for(timeout=20_000)
    assert "<img" in card.inner_text()  # shown as text, not markup
    if path == "/":
        page.keyboard.press("Escape")  # close the card's dialog to reach the chart
        page.wait_for_function("() => !location.search.includes('event=')", timeout=20_000)
        wait_for_app(page)
        # hover each marker until Plotly shows the XSS event's label: text, not an element
        points = page.locator(".js-plotly-plot").first.locator(".scatterlayer .point")
        points.first.scroll_into_view_if_needed()
        shown = ""
        for i in range(points.count()):
            box = points.nth(i).bounding_box()
            page.mouse.move(box["x"] - 25, box["y"] - 25)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
            page.wait_for_timeout(400)
            shown = page.locator(".js-plotly-plot .hoverlayer").first.evaluate("node => node.textContent")
            if "onerror" in shown:
                break
        assert 'onerror="window.__xss=1"' in shown
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert not page.dialogs


def _mercator(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator world pixels at a zoom level, as deck.gl's MapView uses (512-pixel tiles)."""
    import math

    world = 512 * 2**zoom
    x = (lon + 180) / 360 * world
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * world
    return x, y


def test_clicking_a_map_point_opens_its_card(page, shipped_server):
    from conflict_timeline.data.load import load_dataset
    from conflict_timeline.data.query import map_extent
    from conflict_timeline.figures.deck import initial_view

    view = initial_view(map_extent(load_dataset(REPO_ROOT / "data")))  # the view the page opens with

    page.goto(f"{shipped_server.url}/map?from=2020-10-11&to=2020-10-11&q=Ganja&type=missile_strike")
    wait_for_app(page)
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(timeout=20_000)
    page.wait_for_timeout(1500)
    box = canvas.bounding_box()
    zoom = view["zoom"]
    cx, cy = _mercator(view["longitude"], view["latitude"], zoom)
    gx, gy = _mercator(46.3613, 40.6816, zoom)  # Ganja, from places.csv
    target = (box["x"] + box["width"] / 2 + gx - cx, box["y"] + box["height"] / 2 + gy - cy)
    for _ in range(5):  # deck.gl may still be loading its layers: click again until the pick lands
        page.mouse.click(*target)
        try:
            page.wait_for_function("() => location.search.includes('event=')", timeout=4_000)
            break
        except Exception:  # noqa: BLE001 - retried below; the final assertion reports the failure
            page.wait_for_timeout(1000)
    assert query(page)["event"] == ["2020-10-11-ganja-missile-strike"]
    page.locator(".st-key-event-card").wait_for(timeout=20_000)
    shot(page, "map-click")


def test_reopening_the_same_event_takes_one_click(page, shipped_server):
    page.goto(f"{shipped_server.url}/events?from=2020-10-11&to=2020-10-11&q=Ganja&type=missile_strike")
    wait_for_app(page)
    cell = page.locator("[data-testid='stDataFrame'] canvas").first
    cell.wait_for(timeout=20_000)
    for attempt in range(2):  # open, close, open again: one click each time
        box = page.locator("[data-testid='stDataFrame']").first.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 54)  # the first row's selection box
        page.locator(".st-key-event-card").wait_for(timeout=20_000)
        page.keyboard.press("Escape")
        page.wait_for_function("() => !location.search.includes('event=')", timeout=20_000)
        wait_for_app(page)
        assert page.locator(".st-key-event-card").count() == 0, attempt


def test_selecting_an_actor_row_inspects_it(page, shipped_server):
    page.goto(f"{shipped_server.url}/actors")
    wait_for_app(page)
    page.get_by_role("tab", name="Azerbaijani side").click()
    table = page.locator(".st-key-actors-azerbaijani [data-testid='stDataFrame']")
    table.wait_for(timeout=20_000)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 54)  # the first row's selection box
    # the inspector opens for the first (busiest) Azerbaijani-side actor
    page.get_by_role("button", name=re.compile("the actor filter")).wait_for(timeout=20_000)
    assert "Azerbaijani side ·" in page.locator(".st-key-actor-focus").inner_html()
