"""Running a Streamlit app on loopback and driving it in Debian's chromium.

Shared by the end-to-end tests (tests/browser) and the latency benchmark (benchmarks/latency.py),
so both measure the same app started the same way.

The price feed is kept offline by pointing every proxy variable at a closed loopback port: the live
request fails at once (curl: "Failed to connect ... over proxy 127.0.0.1") and the page falls back to
the snapshot shipped in data/, through the same code path as a real outage. The cache directory is a
fresh empty folder, so no saved download from an earlier run can be picked up instead.
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
]
SERVER_START_TIMEOUT_SECONDS = 60.0
APP_RUN_TIMEOUT_MS = 30_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released; races are harmless: any answer
    from it would still be loopback, never the internet)."""
    return free_port()


def offline_env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    dead_proxy = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = dead_proxy
        env[name.lower()] = dead_proxy
    # The proxy must catch every host, loopback aside (nothing in the app calls loopback).
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
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
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
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


# Stores in window.__changed a promise of the text of `selector` once it first differs from `before`,
# with performance.now() at the next animation frame (the frame that paints it). Armed before the
# key press, so nothing between the press and the change is missed.
WATCH_TEXT_JS = """
([selector, before]) => {
    window.__changed = new Promise((resolve) => {
        const read = () => { const el = document.querySelector(selector); return el ? el.innerText : null; };
        const check = () => {
            const now = read();
            if (now !== null && now !== before) {
                observer.disconnect();
                requestAnimationFrame(() => resolve({text: now, at: performance.now()}));
            }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
        check();
    });
}
"""

# Records when the next keydown reaches the document (capture phase: before the slider handles it).
ARM_KEYDOWN_JS = """
() => { window.__keydownAt = null;
        document.addEventListener('keydown', () => { window.__keydownAt = performance.now(); },
                                  {capture: true, once: true}); }
"""


def timed_key_change(page: Any, thumb: Any, key: str, watched_selector: str) -> tuple[float, str]:
    """Press ``key`` on a slider thumb; milliseconds from the keydown to the frame that shows the
    watched element's new text, and that text. Both times come from the page's own clock."""
    before = page.locator(watched_selector).first.inner_text()
    page.evaluate(ARM_KEYDOWN_JS)
    page.evaluate(WATCH_TEXT_JS, [watched_selector, before])
    thumb.press(key)
    result = page.evaluate(
        "(ms) => Promise.race([window.__changed, new Promise((_, fail) => "
        "setTimeout(() => fail(new Error('the watched text did not change within ' + ms + ' ms')), ms))])",
        APP_RUN_TIMEOUT_MS,
    )
    pressed_at = page.evaluate("window.__keydownAt")
    return result["at"] - pressed_at, result["text"]
