"""Hardening seen in a real browser: inert share-link notices, Back/Forward, hostile data on the
map and in cards, no table CSV export, security headers, nothing fetched from another origin.

(The `page` fixture fails any test whose page requested another origin or broke the Content
Security Policy, so every test here also checks those.)"""

from __future__ import annotations

import re
import shutil
import time
import urllib.request
from urllib.parse import quote, urlsplit

import pytest

from conflict_timeline.data.paths import REPO_ROOT
from tests.browser.conftest import Server, _browser_or_skip, shot, wait_for_app
from tests.browser.test_browser import distinct_colours
from tests.conftest import ACTORS, EVENTS, PLACES, eid, make_dataset

pytestmark = pytest.mark.browser
PHISH = "x` **Security notice** [Log in](https://evil.example/login) `"
RLO = "\u202e"


def test_security_headers_on_every_response(shipped_server):
    page = urllib.request.urlopen(shipped_server.url + "/map").read().decode()
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', page)
    assert script, "no script in the page"
    for path in ("/", "/map", "/_stcore/health", "/" + script[1]):
        with urllib.request.urlopen(shipped_server.url + path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"] or ""
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp, (path, csp)
        assert "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval';" in csp  # no eval, no other host
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path


def test_favicon_is_not_fetched_from_another_origin(page, shipped_server):
    page.goto(shipped_server.url + "/")
    wait_for_app(page)
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icons and all(i.startswith(("data:", shipped_server.url)) for i in icons), icons
    # and the fixture asserts that no request left the origin (the Google font host included)


def test_link_notices_show_values_as_text(page, shipped_server):
    link = (
        f"/?v={quote(PHISH)}&actor={quote('![p](https://evil.example/pixel.png)')}"
        f"&type={quote(':material/lock: # Heading $x^2$')}&actor={'a' * 5000}"
        + "".join(f"&p{i}=x" for i in range(12))
    )
    page.goto(shipped_server.url + link)
    wait_for_app(page)
    notices = page.locator(".st-key-url-notices")
    text = notices.inner_text()
    assert "**Security notice** [Log in](https://evil.example/login)" in text  # literally
    assert "![p](https://evil.example/pixel.png)" in text
    assert "5,006 characters" in text and "a" * 100 not in text
    assert notices.locator("a, strong, img, h1, h2, .katex").count() == 0
    assert "material/lock" in text and notices.locator("[role=img]").count() == 0  # no icon from the value
    assert notices.locator(".stAlert").count() == 6  # bounded
    assert "more values in this link were ignored" in text
    notices.scroll_into_view_if_needed()
    shot(page, "hardening-notices")


def test_opening_a_valid_link_adds_no_history_entry(page, shipped_server):
    link = f"{shipped_server.url}/events?verification=claimed&actor=russia"  # no `v`, not in the app's order
    page.goto(link, wait_until="commit")
    entries = page.evaluate("history.length")
    wait_for_app(page)
    page.wait_for_timeout(1000)
    assert page.url == link
    assert page.evaluate("history.length") == entries


def _count(page) -> tuple[int, int]:
    match = re.search(r"([\d,]+) of ([\d,]+) events", page.locator(".st-key-event-count").inner_text())
    assert match
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def _view(page) -> tuple[str, str, str, int]:
    """(page path, search text, actor chips, events shown)."""
    return (
        urlsplit(page.url).path,
        page.locator(".st-key-f_q input").input_value(),
        page.locator(".st-key-f_actor").inner_text(),
        _count(page)[0],
    )


def _stable_view(page, timeout_s: float = 20.0) -> tuple[str, str, str, int]:
    """``_view`` once two reads 0.5 s apart agree: under load, the status widget can vanish before
    a Back/Forward rerun has redrawn the sidebar and the count."""
    deadline = time.monotonic() + timeout_s
    view = _view(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        again = _view(page)
        if again == view:
            return view
        view = again
    return view


@pytest.fixture(scope="module")
def frozen_server(tmp_path_factory):
    """The shipped data, copied: counts cannot change under the test while data/ is being edited."""
    _browser_or_skip()
    directory = tmp_path_factory.mktemp("frozen") / "data"
    shutil.copytree(REPO_ROOT / "data", directory)
    server = Server(directory)
    yield server
    server.stop()


def test_back_and_forward_restore_the_earlier_view(page, frozen_server):
    page.goto(f"{frozen_server.url}/?actor=russia")
    wait_for_app(page)
    first = _stable_view(page)
    assert "Russia" in first[2]
    search = page.locator(".st-key-f_q input")
    search.fill("Ganja")
    search.press("Enter")
    page.wait_for_function("() => location.search.includes('q=Ganja')", timeout=20_000)
    wait_for_app(page)
    searched = _stable_view(page)
    assert searched[3] < first[3]
    page.locator("[data-testid='stSidebarNav'] a", has_text="Map").click()
    page.wait_for_url(re.compile(r"/map"), timeout=20_000)
    page.wait_for_function("() => location.search.includes('q=Ganja')", timeout=20_000)
    wait_for_app(page)
    seen = []
    for _ in range(3):  # Back until the timeline page shows again (a page switch is two entries)
        page.go_back()
        wait_for_app(page)
        seen.append(_stable_view(page))
        if seen[-1][0] == "/":
            break
    assert seen[-1] == searched, seen  # the earlier page, with its search and actor
    assert page.get_by_role("heading", name="Timeline").count() == 1
    page.go_back()
    wait_for_app(page)
    assert _stable_view(page) == first  # the search is gone again, the actor stays
    shot(page, "hardening-back")
    page.go_forward()
    wait_for_app(page)
    assert _stable_view(page) == searched


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """Titles, names and summaries that attack the map, the cards and the tables without script."""
    _browser_or_skip()
    events = [list(e) for e in EVENTS]
    events[2][4] = "@@=Cathedral hit"  # e3, in Shusha: inside the map's region
    events[2][5] = ":material/verified: Verified by :material/lock: the ministry :smile:"
    events[0][4] = f"@@#Fighting {RLO}ekirts elissim"  # e1, in Stepanakert
    events[3][4] = '=HYPERLINK("https://evil.example","click")'  # e4: a spreadsheet formula
    actors = [list(a) for a in ACTORS]
    actors[3][1] = actors[3][2] = "@@type Ministry"
    places = [list(p) for p in PLACES]
    places[1][1] = "@@=Shusha: old town"  # a labelled town: its label is in both map views
    directory = make_dataset(tmp_path_factory.mktemp("hostile") / "data", events=events, actors=actors, places=places)
    server = Server(directory)
    yield server
    server.stop()


@pytest.mark.parametrize("mode", ["points", "density"])
def test_map_survives_titles_that_look_like_deck_expressions(page, hostile_server, mode):
    page.goto(f"{hostile_server.url}/map?view={mode}")
    wait_for_app(page)
    chart = page.locator("[data-testid='stDeckGlJsonChart']")
    canvas = chart.locator("canvas").first
    canvas.wait_for(timeout=20_000)
    page.wait_for_timeout(2000)
    assert "Error" not in chart.inner_text(), chart.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    assert distinct_colours(canvas.screenshot()) > 20  # borders, water, events, labels: a map
    shot(page, f"hardening-map-{mode}")


def test_card_shows_shortcodes_and_overrides_as_text(page, hostile_server):
    page.goto(f"{hostile_server.url}/?event={eid('e3')}")
    wait_for_app(page)
    card = page.locator(".st-key-event-card")
    card.wait_for(timeout=20_000)
    assert card.locator("[role=img]").count() == 0  # Streamlit's markdown icons are role=img spans
    text = card.inner_text()
    assert "material/verified" in text and "material/lock" in text and "smile" in text
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.search.includes('event=')", timeout=20_000)
    page.goto(f"{hostile_server.url}/?event={eid('e1')}")
    wait_for_app(page)
    page.locator(".st-key-event-card").wait_for(timeout=20_000)
    dialog = page.get_by_role("dialog").inner_text()  # the title is in the dialog's header
    assert "ekirts elissim" in dialog and RLO not in dialog
    shot(page, "hardening-card")


def test_tables_offer_no_csv_export_of_their_own(page, hostile_server):
    page.goto(f"{hostile_server.url}/events")
    wait_for_app(page)
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=20_000)
    table.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.wait_for(timeout=10_000)
    labels = toolbar.locator("button").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert "Search" in labels  # the toolbar is there…
    assert "Download as CSV" not in labels  # …without the grid's formula-unsafe export
    # the app's own download is still offered (and formula-safe: see the export tests)
    assert page.get_by_role("button", name=re.compile(r"Download CSV")).count() == 1
    assert _count(page)[1] == len(EVENTS)
