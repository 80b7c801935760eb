"""A shared link opened by several viewers, served by two dashboard processes behind HAProxy
(deploy/cluster.py, as ``./dev serve`` starts it), in headless chromium through the proxy.

Each viewer (a fresh browser context: its own cookies, its own session) opens the link, moves a
slider (the address follows), downloads a CSV and opens a scenario file. Streamlit keeps a session,
its downloads and its uploads in one process's memory, so this works only because the proxy pins a
viewer to one process: the same viewers without that affinity lose downloads or uploads (the
counter-example below proves the test can fail). Killing the process a viewer is on leaves the
viewer working on the other process with its scenario, which the address carries.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
import streamlit_harness as harness
from dashboard_ui import HEADLINES, PAGE, control, expected, msft_price, open_page, press, query_values

from deploy.cluster import AFFINITY_COOKIE, Cluster
from model.scenario import Scenario

VIEWERS = 3
LINK_VALUES = {"discount_rate": 0.12, "msft_stake": 0.3}
FILE_SCENARIO = {"discount_rate": 0.07, "msft_stake": 0.25}
DOWNLOAD_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def offline_env() -> Iterator[dict[str, str]]:
    cache_dir = Path(tempfile.mkdtemp(prefix="cluster-price-cache-"))
    yield harness.offline_env(cache_dir)
    shutil.rmtree(cache_dir, ignore_errors=True)


def start_cluster(env: dict[str, str], artifacts_dir: Path, *, affinity: bool) -> Cluster:
    name = "cluster" if affinity else "cluster-no-affinity"
    work_dir = artifacts_dir / name
    shutil.rmtree(work_dir, ignore_errors=True)
    return Cluster(processes=2, affinity=affinity, env=env, work_dir=work_dir).start()


def new_viewer(browser, base_url: str) -> harness.Tab:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    harness.install_page_clock(context)
    return harness.Tab(context.new_page(), base_url)


def process_of(tab: harness.Tab) -> str | None:
    """The process the proxy pinned this viewer to (its affinity cookie)."""
    cookies = {cookie["name"]: cookie["value"] for cookie in tab.page.context.cookies()}
    return cookies.get(AFFINITY_COOKIE)


def shown_headlines(tab: harness.Tab) -> dict[str, str | None]:
    return {label: tab.metric_value(label) for label in HEADLINES}


def expected_headlines(scenario: Scenario, price: float) -> dict[str, str]:
    metrics = expected(scenario, price).metrics
    return {label: figure(metrics) for label, figure in HEADLINES.items()}


class Refusals:
    """Answers of 400 and above to the requests that only the session's own process can serve."""

    def __init__(self, page) -> None:
        self.seen: list[str] = []
        page.on("response", self._note)

    def _note(self, response) -> None:
        path = urlsplit(response.url).path
        if response.status >= 400 and path.startswith(("/media/", "/_stcore/upload_file")):
            self.seen.append(f"{response.status} {response.request.method} {path}")


def wait_for(page, done, timeout_ms: int) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while not done() and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def download_summary(tab: harness.Tab, save_to: Path) -> str | None:
    """Download the Overview's summary.csv; what went wrong, or None."""
    page, refusals = tab.page, Refusals(tab.page)
    downloads = []

    def started(download) -> None:
        downloads.append(download)

    page.on("download", started)
    page.get_by_role("button", name="Download summary.csv").click()
    wait_for(page, lambda: downloads or refusals.seen, DOWNLOAD_TIMEOUT_MS)
    page.remove_listener("download", started)
    if refusals.seen:
        return f"download refused: {refusals.seen[0]}"
    if not downloads:
        return f"no download within {DOWNLOAD_TIMEOUT_MS} ms"
    failure = downloads[0].failure()
    if failure:
        return f"download failed: {failure}"
    downloads[0].save_as(save_to)
    table = pd.read_csv(save_to)
    if "npv_usd_bn" not in set(table["metric"]):
        return f"download has no NPV row: {list(table.columns)}"
    return None


def open_scenario_file(tab: harness.Tab, folder: Path) -> str | None:
    """Open FILE_SCENARIO through the sidebar's scenario-file upload; what went wrong, or None."""
    path = folder / "shared.json"
    path.write_text(json.dumps(FILE_SCENARIO))
    page = tab.page
    sidebar = page.locator("[data-testid='stSidebar']")
    uploader = sidebar.locator("[data-testid='stFileUploaderDropzoneInput']")
    if not uploader.count():
        runs = tab.runs_finished()
        sidebar.get_by_text("Downloads and scenario files").click()
        tab.settle(runs + 1)
    runs, refusals = tab.runs_finished(), Refusals(page)
    uploader.first.set_input_files(str(path))
    wait_for(page, lambda: refusals.seen or tab.runs_finished() > runs, harness.APP_RUN_TIMEOUT_MS)
    if refusals.seen:
        return f"upload refused: {refusals.seen[0]}"
    tab.settle(runs + 1)
    values = query_values(tab)
    if {name: float(values.get(name, "nan")) for name in FILE_SCENARIO} != FILE_SCENARIO:
        return f"the scenario file was not applied: the address holds {values}"
    return None


def use_the_link(tab: harness.Tab, folder: Path) -> list[str]:
    """What one viewer does with a shared link; the problems met (none when all went well)."""
    open_page(tab, PAGE["Overview"], LINK_VALUES)
    price, _ = msft_price(tab)
    problems = []
    if shown_headlines(tab) != expected_headlines(Scenario(**LINK_VALUES), price):
        problems.append("the link did not open its scenario")
    before = float(control(tab, "msft_stake").input_value())
    press(tab, "msft_stake", "ArrowRight")
    moved = float(control(tab, "msft_stake").input_value())
    if moved == before or float(query_values(tab).get("msft_stake", "nan")) != pytest.approx(moved):
        problems.append(f"the address did not follow the slider: {query_values(tab)}, slider at {moved}")
    for attempt in (1, 2):  # two downloads: without affinity, consecutive requests alternate processes
        problem = download_summary(tab, folder / f"summary-{attempt}.csv")
        if problem:
            problems.append(problem)
    problem = open_scenario_file(tab, folder)
    if problem:
        problems.append(problem)
    return problems


def test_viewers_of_a_shared_link_are_served_by_both_processes_and_survive_one_dying(
        browser, artifacts_dir, offline_env, tmp_path):
    cluster = start_cluster(offline_env, artifacts_dir, affinity=True)
    viewers = []
    try:
        viewers = [new_viewer(browser, cluster.url) for _ in range(VIEWERS)]
        for number, tab in enumerate(viewers):
            folder = tmp_path / f"viewer-{number}"
            folder.mkdir()
            assert use_the_link(tab, folder) == [], f"viewer {number} on {process_of(tab)}"

        assert {process_of(tab) for tab in viewers} == {"p1", "p2"}
        streams = {r.server for r in cluster.requests() if r.path.startswith("/_stcore/stream")}
        failed = [r for r in cluster.requests() if r.status >= 400]
        assert failed == []
        # Every viewer's downloads and uploads reached the process holding its session.
        served = {r.server for r in cluster.requests() if r.path.startswith(("/media/", "/_stcore/upload_file"))}
        assert served == {"p1", "p2"}, (served, streams)

        # The first viewer's process dies. The page reconnects through the proxy, which sends it to
        # the other process; the page's next change runs there in a new session, from the address
        # and the controls the page holds: the same scenario, one step further.
        survivor = viewers[0]
        dead = process_of(survivor)
        address_before = query_values(survivor)
        cluster.kill(dead)
        survivor.page.wait_for_selector("[data-testid='stApp']:not([data-test-connection-state='CONNECTED'])",
                                        state="attached", timeout=30_000)
        harness.wait_for_app_idle(survivor.page, timeout_ms=60_000)
        assert query_values(survivor) == address_before
        press(survivor, "discount_rate", "ArrowRight")
        assert process_of(survivor) not in (None, dead)
        after = query_values(survivor)
        assert {name: value for name, value in after.items() if name != "discount_rate"} == {
            name: value for name, value in address_before.items() if name != "discount_rate"}
        assert float(after["discount_rate"]) > float(address_before["discount_rate"])
        price, _ = msft_price(survivor)
        now = {name: float(value) for name, value in after.items()}
        assert shown_headlines(survivor) == expected_headlines(Scenario(**now), price)
        assert download_summary(survivor, tmp_path / "after-failover.csv") is None
        # The proxy retried the dead process's connections on the live one: still no error answered.
        assert [r for r in cluster.requests() if r.status >= 400] == []
        assert download_summary(survivor, tmp_path / "after-failover.csv") is None
    finally:
        for tab in viewers:
            tab.page.context.close()
        cluster.stop()


def test_without_affinity_the_same_viewers_lose_downloads_or_uploads(browser, artifacts_dir, offline_env, tmp_path):
    cluster = start_cluster(offline_env, artifacts_dir, affinity=False)
    tab = new_viewer(browser, cluster.url)
    try:
        problems = use_the_link(tab, tmp_path)
        refused = [r for r in cluster.requests()
                   if r.status >= 400 and r.path.startswith(("/media/", "/_stcore/upload_file"))]
        assert problems and refused, (problems, cluster.requests())
    finally:
        tab.page.context.close()
        cluster.stop()
