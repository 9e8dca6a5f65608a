"""A link made with the previous shipped version says how many events changed since, and which."""

from __future__ import annotations

from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.data.versions import changes_since, history
from tests.browser.conftest import shot, wait_for_app


def test_a_link_with_the_previous_version_says_what_changed(page, shipped_server):
    rows = history(REPO_ROOT / "data")
    assert len(rows) >= 2, "data/versions.csv records the previous and the current version"
    previous = rows[-2]["version"]
    since = changes_since(REPO_ROOT / "data", previous)
    page.goto(f"{shipped_server.url}/?v={previous}&q=Shusha")
    wait_for_app(page)
    notices = page.locator(".st-key-url-notices").inner_text()
    assert f"{len(since['added'])} events were added, {len(since['changed'])} changed" in notices
    page.get_by_text("Which events changed since this link was made").click()
    page.wait_for_timeout(800)
    assert page.locator(".st-key-changes-since-link").count() == 1 or "Added" in page.inner_text("body")
    shot(page, "versions-link")
