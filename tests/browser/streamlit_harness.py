"""Running a Streamlit app on loopback and driving it in Debian's chromium.

Shared by the end-to-end tests (tests/browser) and the latency benchmark (benchmarks/latency.py),
so both measure the same app started the same way.

The price feed is switched off (MSFT_PRICE_OFFLINE=1, checked in model.market.prices.fetch_live), so the
server never asks the network and the page falls back to the snapshot shipped in data/, through the
same fallback path as a real outage. The cache directory is a fresh empty folder, so no saved
download from an earlier run can be picked up instead. In chromium only loopback resolves.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Nothing but loopback resolves: the app must not need the internet (Streamlit's material-icon
    # favicon, for one, would be fetched from fonts.gstatic.com).
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SERVER_START_TIMEOUT_SECONDS = 60.0
APP_RUN_TIMEOUT_MS = 30_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline_env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["MSFT_PRICE_OFFLINE"] = "1"  # the price feed is not asked; the shipped snapshot is shown
    env["MSFT_PRICE_CACHE_DIR"] = str(cache_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class StreamlitServer:
    script: Path
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


def _wait_until_healthy(server: StreamlitServer, timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    health = f"{server.url}_stcore/health"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {server.process.returncode} before answering:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"streamlit did not answer {health} within {timeout_seconds:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and anything it started (it runs in its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def streamlit_server(script: Path, *, log_dir: Path | None = None):
    """Run ``streamlit run script`` on a free loopback port until the block ends."""
    work_dir = Path(tempfile.mkdtemp(prefix="streamlit-run-"))
    cache_dir = work_dir / "price-cache"
    cache_dir.mkdir()
    log_path = (log_dir or work_dir) / f"{script.stem}-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # The dashboard starts as ./dev start starts it (ui.serve: its code loaded before the first
    # visitor); any other app, such as the benchmark's floor, as a plain `streamlit run`.
    plain = ["-m", "streamlit", "run", str(script)]
    launcher = ["-m", "ui.serve"] if script.resolve() == ROOT / "dashboard.py" else plain
    command = [
        sys.executable, *launcher,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # The file watcher would rerun the app when a file in the tree changes during a run.
        "--server.fileWatcherType", "none",
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=offline_env(cache_dir), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = StreamlitServer(script=script, port=port, process=process, log_path=log_path)
    try:
        _wait_until_healthy(server, SERVER_START_TIMEOUT_SECONDS)
        yield server
    finally:
        _stop(process)
        shutil.rmtree(cache_dir, ignore_errors=True)


def launch_chromium(playwright: Any):
    """Debian's chromium, headless. Missing chromium is an error, never a skip: CI must run these."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium. "
            "Run ./dev test (it installs it), or: sudo apt-get install chromium"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


# -- waiting on Streamlit's own signals ------------------------------------------------------------

# The app root carries the script's run state and the connection state; Streamlit's own end-to-end
# tests wait on the same attributes.
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"


def wait_for_app_idle(page: Any, timeout_ms: int = APP_RUN_TIMEOUT_MS) -> None:
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stStatusWidget'] [data-testid='stStatusWidgetRunningIcon']",
                           state="detached", timeout=timeout_ms)


# -- measuring in the page's own clock ---------------------------------------------------------------

# Installed in every page before Streamlit's own code (context.add_init_script). Streamlit's server
# ends each script run with a ForwardMsg whose field 6 (script_finished) holds the run's status; the
# frontend shows the run state only through React, which may merge "running" and "not running" into
# one render on a busy machine, so the socket is the dependable signal. The message is read with a
# minimal protobuf walk over its top-level fields. Also records the last DOM change outside the
# toolbar (and outside any canvas) and the last file loaded, so a measurement can end when the page
# is drawn: the frontend renders after the run's last message, loading element code on first use, and
# charts draw later still.
PAGE_CLOCK_JS = r"""
(() => {
    window.__runsFinished = 0;
    window.__fragmentRunsFinished = 0;  // of which reruns of a fragment alone
    window.__lastFinishedAt = null;
    window.__lastMutationAt = null;
    const scriptFinished = (buffer) => {
        const bytes = new Uint8Array(buffer);
        let i = 0;
        const varint = () => {
            let value = 0, scale = 1, byte;
            do {
                byte = bytes[i++];
                value += (byte & 0x7f) * scale;
                scale *= 128;
            } while (byte & 0x80 && i < bytes.length);
            return value;
        };
        while (i < bytes.length) {
            const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
            if (wire === 0) { const value = varint(); if (field === 6) return value; }
            else if (wire === 2) { const length = varint(); i += length; }
            else if (wire === 1) { i += 8; }
            else if (wire === 5) { i += 4; }
            else { return null; }
        }
        return null;
    };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', (event) => {
                if (!(event.data instanceof ArrayBuffer)) return;
                const status = scriptFinished(event.data);
                // 0: finished, 3: fragment finished; 2 (stopped early for a rerun) is not an end.
                if (status === 0 || status === 3) {
                    window.__runsFinished += 1;
                    if (status === 3) window.__fragmentRunsFinished += 1;
                    window.__lastFinishedAt = performance.now();
                }
            });
        }
    };
    const watchMutations = () => {
        new MutationObserver((records) => {
            for (const record of records) {
                const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
                // A canvas's content is its fallback, never drawn: the tables' grid keeps a copy of
                // its cells there for screen readers and refreshes it on its own 200 ms debounce.
                if (node && !node.closest("[data-testid='stHeader'], canvas")) {
                    window.__lastMutationAt = performance.now();
                    return;
                }
            }
        }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    };
    if (document.body) watchMutations(); else document.addEventListener('DOMContentLoaded', watchMutations);
    // Streamlit loads each element's code on first use (charts, tables): a page is not drawn until
    // those files have arrived.
    // Parsing that code and drawing charts keeps the main thread busy without changing the DOM.
    window.__lastResourceAt = 0;
    window.__lastBusyAt = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            window.__lastResourceAt = Math.max(window.__lastResourceAt, entry.responseEnd);
        }
    }).observe({type: 'resource', buffered: true});
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            window.__lastBusyAt = Math.max(window.__lastBusyAt, entry.startTime + entry.duration);
        }
    }).observe({type: 'longtask', buffered: true});
})();
"""

# A metric's shown value, found by its label ("NPV").
METRIC_VALUE_JS = """
(label) => {
    for (const metric of document.querySelectorAll("[data-testid='stMetric']")) {
        const name = metric.querySelector("[data-testid='stMetricLabel']");
        if (name && name.innerText.trim() === label) {
            const value = metric.querySelector("[data-testid='stMetricValue']");
            return value ? value.innerText.trim() : null;
        }
    }
    return null;
}
"""

# Arms two clocks before a key press or a click, both in performance.now():
#   window.__inputAt  the keydown or pointerdown reaching the document (capture phase, before the
#                     control sees it);
#   window.__changed  the frame after the watched metric first shows a new value.
ARM_CHANGE_JS = """
([label, before]) => {
    const metricValue = __METRIC_VALUE__;
    window.__inputAt = null;
    const started = () => { if (window.__inputAt === null) window.__inputAt = performance.now(); };
    document.addEventListener('keydown', started, {capture: true, once: true});
    document.addEventListener('pointerdown', started, {capture: true, once: true});
    window.__changed = label === null ? Promise.resolve(null) : new Promise((resolve) => {
        const check = () => {
            const now = metricValue(label);
            if (now !== null && now !== before) {
                observer.disconnect();
                requestAnimationFrame(() => resolve({text: now, at: performance.now()}));
            }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    });
}
""".replace("__METRIC_VALUE__", METRIC_VALUE_JS.strip())

QUIET_MS = 250
POLL_SECONDS = 0.02
# Pending, among visible elements: code still loading (Streamlit shows a skeleton meanwhile), elements
# of the previous run not yet replaced, charts not yet drawn.
CLOCKS_JS = """
() => [
    window.__runsFinished,
    Math.max(window.__lastFinishedAt || 0, window.__lastMutationAt || 0, window.__lastResourceAt || 0,
             window.__lastBusyAt || 0),
    Array.from(document.querySelectorAll(
        "[data-testid='stSkeleton'], [data-stale='true'], [data-testid='stVegaLiteChart']"))
        // Hidden ones (a closed expander, another tab) are not drawn until shown.
        .filter((element) => element.offsetParent !== null)
        .filter((element) => element.dataset.testid !== 'stVegaLiteChart' || !element.querySelector('canvas, svg'))
        .length,
    performance.now(),
]
"""

AWAIT_WITH_TIMEOUT_JS = """
([name, ms]) => Promise.race([window[name], new Promise((_, fail) =>
    setTimeout(() => fail(new Error(name + ' did not resolve within ' + ms + ' ms')), ms))])
"""


def install_page_clock(context: Any) -> None:
    """Every page of ``context`` counts finished script runs and notes its last change (PAGE_CLOCK_JS)."""
    context.add_init_script(PAGE_CLOCK_JS)


class Tab:
    """A page of a context with install_page_clock, plus the requests it has in flight."""

    def __init__(self, page: Any, base_url: str = "") -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []  # uncaught errors in the page's JavaScript
        page.on("pageerror", lambda error: self.errors.append(f"{error.message} ({page.url})"))
        self._in_flight: set[Any] = set()
        page.on("request", lambda request: self._in_flight.add(request))
        page.on("requestfinished", lambda request: self._in_flight.discard(request))
        page.on("requestfailed", lambda request: self._in_flight.discard(request))

    def runs_finished(self) -> int:
        return self.page.evaluate("window.__runsFinished")

    def fragment_runs_finished(self) -> int:
        """Of the runs finished, those that reran a fragment alone (the rest of the page untouched)."""
        return self.page.evaluate("window.__fragmentRunsFinished")

    def settle(self, runs: int, timeout_ms: int = APP_RUN_TIMEOUT_MS) -> float:
        """Wait until ``runs`` script runs have finished in this page, no request is in flight and the
        page has been still for QUIET_MS with nothing pending (CLOCKS_JS). Returns when it was last
        busy, in performance.now() (milliseconds since the navigation started): the latest of the
        run's end, the last DOM change, the last file loaded and the last long task."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            finished, last, pending, now = self.page.evaluate(CLOCKS_JS)
            if self.errors:
                # An element whose drawing failed stays pending: say why instead of waiting it out.
                raise PageError(f"error in the page: {self.errors[0]}\n{page_state(self.page)}")
            if finished >= runs and not pending and not self._in_flight:
                if now - last >= QUIET_MS:
                    wait_for_app_idle(self.page, timeout_ms)
                    return last
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the page did not settle within {timeout_ms} ms ({finished} of {runs} runs finished, "
                    f"{pending} elements pending, {len(self._in_flight)} requests in flight)\n{page_state(self.page)}"
                )
            time.sleep(POLL_SECONDS)

    def metric_value(self, label: str) -> str | None:
        return metric_value(self.page, label)

    def timed_key_change(self, slider: Any, key: str, metric_label: str | None) -> Change:
        """Press ``key`` on a slider's thumb and time the page's answer (see ``timed_change``)."""
        return self.timed_change(lambda: slider.press(key), metric_label)

    def timed_change(self, act: Any, metric_label: str | None) -> Change:
        """Do ``act`` (a key press or a click that changes a control) and time the page's answer
        from the input reaching the page (ARM_CHANGE_JS) to the metric shown and the page settled."""
        before = self.metric_value(metric_label) if metric_label else None
        runs = self.runs_finished()
        self.page.evaluate(ARM_CHANGE_JS, [metric_label, before])
        act()
        changed = self.page.evaluate(AWAIT_WITH_TIMEOUT_JS, ["__changed", APP_RUN_TIMEOUT_MS])
        settled_at = self.settle(runs + 1)
        pressed_at = self.page.evaluate("window.__inputAt")
        return Change(
            shown_ms=None if changed is None else changed["at"] - pressed_at,
            redrawn_ms=settled_at - pressed_at,
            text=None if changed is None else changed["text"],
        )


class PageError(AssertionError):
    """The page's own JavaScript failed (an uncaught error)."""


def metric_value(page: Any, label: str) -> str | None:
    return page.evaluate(METRIC_VALUE_JS, label)


@dataclass(frozen=True)
class Change:
    shown_ms: float | None  # input to the watched metric showing its new value
    redrawn_ms: float  # input to the page's last change after the run (see Tab.settle)
    text: str | None  # the watched metric's new value


def slider(page: Any, label: str) -> Any:
    """A sidebar slider's thumb (an input of type range named by the control's label)."""
    return page.locator(f'[data-testid="stSlider"] input[type="range"][aria-label="{label}"]')


def choice_option(page: Any, label: str, option: str) -> Any:
    """The option ``option`` of the segmented control or select box named ``label``, ready to be
    clicked: a select box is opened first, so that timing the click times the pick alone."""
    group = page.get_by_role("radiogroup", name=label)
    if group.count():
        return group.get_by_role("radio", name=option, exact=True)
    box = page.get_by_role("combobox", name=label, exact=True)
    box.scroll_into_view_if_needed()  # a list below the window's edge would not open
    listed = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        box.press("ArrowDown")  # opens its list; a box still settling after a run may miss the first
        try:
            listed.wait_for(timeout=1000)
            break
        except Exception:  # noqa: BLE001 - Playwright's timeout: press again
            continue
    return listed


def open_expander_holding(page: Any, control: Any) -> None:
    """Open the sidebar expander around a control, if it is closed (a closed one hides its controls)."""
    if control.is_visible():
        return
    expander = page.locator("[data-testid='stExpander']").filter(has=control)
    expander.locator("summary").first.click()
    control.wait_for(state="visible")


def page_state(page: Any, chars: int = 1500) -> str:
    """What the page shows, for a failure message: the run state and the start of the main area."""
    try:
        state = page.evaluate(
            "() => { const app = document.querySelector(\"[data-testid='stApp']\");"
            " return app ? app.getAttribute('data-test-script-state') + ' / '"
            " + app.getAttribute('data-test-connection-state') : 'no app root'; }"
        )
        main = page.locator("[data-testid='stMain']").first.inner_text(timeout=2000)
    except Exception as error:  # noqa: BLE001 - a diagnostic must not hide the original failure
        return f"(page state unreadable: {error})"
    return f"script/connection: {state}\nURL: {page.url}\n{main[:chars]}"
