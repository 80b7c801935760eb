"""The dashboard in a real browser: one Streamlit server and one headless chromium per test session.

The server runs on a free loopback port with the MSFT price feed failing at once (see
streamlit_harness.offline_env), so the pages use the price snapshot shipped in data/ and no test
reaches the internet. Screenshots and downloads go to test-artifacts/, named in the summary.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import dashboard_ui
import pytest
import streamlit_harness as harness
from playwright.sync_api import sync_playwright

# ui/ is not an installed package: the helpers import it (and model/) from this checkout.
sys.path.insert(0, str(harness.ROOT))

BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = harness.ROOT / "test-artifacts"
SCREENSHOTS_DIR = ARTIFACTS_DIR / "screenshots"
DOWNLOADS_DIR = ARTIFACTS_DIR / "downloads"
VIEWPORT = {"width": 1600, "height": 1000}
_session_used_browser = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    global _session_used_browser
    _session_used_browser = True
    for folder in (SCREENSHOTS_DIR, DOWNLOADS_DIR):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def dashboard(artifacts_dir: Path) -> Iterator[harness.StreamlitServer]:
    with harness.streamlit_server(harness.ROOT / "dashboard.py", log_dir=artifacts_dir) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator:
    with sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def tab(browser, dashboard, request) -> Iterator[harness.Tab]:
    """A fresh browser context (own session, own cookies) on the dashboard's server."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    harness.install_page_clock(context)
    tab = harness.Tab(context.new_page(), dashboard.url)
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        # What the page showed when the test failed, next to the other screenshots.
        try:
            tab.page.screenshot(path=str(SCREENSHOTS_DIR / f"FAILED-{request.node.name}.png"))
        except Exception:  # noqa: BLE001 - the failure itself is what matters
            pass
    context.close()


@pytest.fixture
def phone(browser, dashboard) -> Iterator[harness.Tab]:
    """A fresh context the size of a phone (390 px), touch and mobile layout."""
    context = browser.new_context(viewport=dashboard_ui.PHONE, is_mobile=True, has_touch=True)
    harness.install_page_clock(context)
    yield harness.Tab(context.new_page(), dashboard.url)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _session_used_browser or not SCREENSHOTS_DIR.is_dir():
        return
    shots = sorted(SCREENSHOTS_DIR.glob("*.png"))
    if not shots:
        return
    terminalreporter.section("browser screenshots")
    terminalreporter.write_line(f"{len(shots)} screenshots in {SCREENSHOTS_DIR}")
    for shot in shots:
        terminalreporter.write_line(f"  {shot.name}")
    log = ARTIFACTS_DIR / "dashboard-server.log"
    if log.exists():
        terminalreporter.write_line(f"server log: {log}")
