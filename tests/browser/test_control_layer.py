"""The control-of-territory layer in a real browser: the table beside the map follows the date."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, wait_for_app

ROWS = """(name) => {
    const rows = [...document.querySelectorAll('.st-key-control-table-box [role=row]')];
    const cells = rows.map(r => [...r.querySelectorAll('[role=gridcell]')].map(c => c.innerText));
    const hit = cells.find(c => c.length > 1 && c[0].startsWith(name + ' ('));
    return hit ? hit[1] : null;
}"""


def holder(page, place: str) -> str:
    """Type the place into the finder and read its row ('held by') from the control table's grid."""
    finder = page.locator(".st-key-control-find input")
    finder.scroll_into_view_if_needed()
    finder.fill(place)
    finder.press("Enter")
    page.wait_for_function(ROWS, arg=place, timeout=30_000)
    return page.evaluate(ROWS, place)


@pytest.mark.parametrize(
    "before, after, place, sides",
    [
        ("2020-11-07", "2020-11-10", "Shusha", ("Armenian side", "Azerbaijani side")),
        ("2020-11-19", "2020-11-21", "Aghdam", ("Armenian side", "Azerbaijani side")),
        ("1992-01-15", "1994-05-12", "Shusha", ("Azerbaijani side", "Armenian side")),
    ],
)
def test_the_holder_in_the_control_table_follows_the_date(page, shipped_server, before, after, place, sides):
    found = []
    for to in (before, after):
        page.goto(f"{shipped_server.url}/map?to={to}")
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        found.append(holder(page, place))
    assert tuple(found) == sides


def test_the_layer_at_the_end_of_the_44_day_war(page, shipped_server):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{shipped_server.url}/map?from=2020-09-27&to=2020-11-10")
    wait_for_app(page)
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(timeout=20_000)
    page.wait_for_timeout(2000)
    caption = page.get_by_text("Control of territory as of 10 November 2020").first
    assert caption.is_visible()
    shot(page, "control-layer")
