"""Real-browser fixtures: `streamlit run` on a free port, driven by Playwright in Debian's chromium.

The server runs the hardened entry (dashboard/serve.py: dashboard/app.py behind security headers).
Every request that does not go to localhost is aborted and fails the test, as does any Content
Security Policy violation: the app works offline and tells no third party. Without chromium the
tests skip with a reason, unless CONFLICT_TIMELINE_REQUIRE_BROWSER is set (CI sets it), which
turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT

CHROMIUM = os.environ.get("CONFLICT_TIMELINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("CONFLICT_TIMELINE_SCREENSHOTS", REPO_ROOT / "tests" / "browser" / "screenshots"))
ENTRY = "serve.py"  # the hardened entry, as `make run` and Docker use it
LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:", "blob:")


def _browser_or_skip():
    reason = None
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        reason = f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[test]')"
        sync_playwright = None
    if reason:
        if os.environ.get("CONFLICT_TIMELINE_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, ENV_VAR: str(data_dir)}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO_ROOT / "dashboard" / ENTRY),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def playwright_browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def shipped_server():
    _browser_or_skip()
    server = Server(REPO_ROOT / "data")
    yield server
    server.stop()


@pytest.fixture
def page(playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    blocked: list[str] = []

    def route(route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.blocked = blocked
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(CSP_LISTENER)
    yield page
    violations = csp_violations(page)
    context.close()
    assert blocked == [], f"the page requested other origins: {blocked}"
    assert violations == [], f"Content Security Policy violations: {violations}"


# Records every CSP violation in the page (and in its same-origin frames) in window.__csp.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def csp_violations(page) -> list[str]:
    found: list[str] = []
    for frame in page.frames:
        try:
            found += frame.evaluate("() => window.__csp || []")
        except Exception:  # noqa: BLE001 - a frame that is gone or cross-origin has nothing to report
            continue
    return found


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script and drawn the count."""
    page.wait_for_selector(".st-key-event-count", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(500)


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
