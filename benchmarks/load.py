"""Many viewers of one shared link, through Streamlit's own protocol, against 1, 2 and N processes.

Each simulated viewer does what a browser does with a shared link, minus drawing it: a GET of the page
through the proxy (which sets the affinity cookie), then Streamlit's websocket (``/_stcore/stream``)
with that cookie, the ``rerun_script`` BackMsg that starts the first run (the link's query string),
and then slider changes, each a ``rerun_script`` with every widget's state and the address changed,
about one a second (0.5 to 1.5 s of thinking after each answer). The messages are the ones Chromium
itself sends: the benchmark opens the link once in Debian's chromium first and records the frames
its page sends (``capture``), so the widget ids and states are the real page's. A viewer's first page
ends at the run's ``script_finished``; a change ends at the ``script_finished`` of its last run (the
dashboard reruns only what shows the scenario, a fragment, after the sidebar's own run).

For each setup (the one-slider floor ``benchmarks/minimal_app.py`` in one process; the dashboard in 1,
2 and N processes, all behind HAProxy as ``./dev serve`` runs them, price feed offline) it prints,
at ``--viewers`` viewers: first page and change p50/p95, errors (timeouts, refused connections, script
errors, a change the address did not follow), CPU-seconds per first load and per change (the server
processes' /proc/<pid>/stat, user + system), memory per session (resident memory added by the
sessions) and bytes sent per first load. Then, per setup, it raises the number of viewers in steps
until the change p95 passes 500 ms (a step that fails is tried once more: the machine may be shared)
and prints the viewers per process held below it. Last, the servers' CPU for a first visit in chromium
with an empty browser cache (static files included), with HAProxy's cache of Streamlit's static files
(deploy/haproxy.cfg) and without it.

The simulated viewers fetch no static files (Streamlit's JavaScript and fonts: a returning browser
has them cached, and a new one gets them from the proxy's cache; see the last figures). The clients
run on the same machine as the servers and take some of its CPU. Bounded: ``--max-seconds`` for the
whole run (default 600), every wait has a timeout, loopback only.

    .venv/bin/python benchmarks/load.py [--viewers 24] [--changes 5] [--processes 1,2,4] [--max-seconds 600]
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookies
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import websockets
from playwright.sync_api import sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import streamlit_harness as harness  # noqa: E402 - after the path it lives on

from deploy.cluster import AFFINITY_COOKIE, Cluster, default_processes  # noqa: E402

TARGET_P95_MS = 500.0
ANSWER_TIMEOUT_SECONDS = 30.0
# script_finished: 0 finished, 1 compile error, 2 stopped early for a rerun (not an end), 3 fragment finished.
FINISHED, COMPILE_ERROR, RERUN_REQUESTED, FRAGMENT_FINISHED = 0, 1, 2, 3


@dataclass(frozen=True)
class App:
    name: str
    script: Path
    query: str  # the shared link's query string
    slider_label: str
    slider_key: str  # the slider's key: its widget id ends in -<key>
    bound: bool  # the slider writes its value into the address
    low: float
    high: float
    step: float


MINIMAL = App("floor (one-slider app)", ROOT / "benchmarks" / "minimal_app.py", "", "Value", "value", False,
              0, 1000, 1)
DASHBOARD = App("dashboard", ROOT / "dashboard.py", "discount_rate=0.12&msft_stake=0.3",
                "Microsoft's stake at the recapitalization (of OpenAI)", "msft_stake", True, 0.0, 0.5, 0.005)


# -- what the browser sends ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Messages:
    first: BackMsg  # the first rerun_script of a page opened on the link
    change: BackMsg  # the rerun_script after one slider step: every widget's state

    def change_to(self, app: App, value: float) -> bytes:
        message = BackMsg()
        message.CopyFrom(self.change)
        state = next(w for w in message.rerun_script.widget_states.widgets if w.id.endswith("-" + app.slider_key))
        del state.double_array_value.data[:]
        state.double_array_value.data.append(value)
        if app.bound:
            query = dict(parse_qsl(message.rerun_script.query_string))
            query[app.slider_key] = format_value(value)
            message.rerun_script.query_string = urlencode(query)
        return message.SerializeToString()

    def first_of(self, query: str) -> bytes:
        message = BackMsg()
        message.CopyFrom(self.first)
        message.rerun_script.query_string = query
        return message.SerializeToString()


def format_value(value: float) -> str:
    return f"{value:g}"


def capture(cluster: Cluster, app: App) -> Messages:
    """Open the link in chromium, press one step on the slider, and keep the rerun_script messages sent."""
    url = cluster.url
    sent: list[bytes] = []
    with sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        harness.install_page_clock(context)
        page = context.new_page()
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
        tab = harness.Tab(page, url)
        page.goto(url + (f"?{app.query}" if app.query else ""))
        tab.settle(1)
        thumb = harness.slider(page, app.slider_label)
        harness.open_expander_holding(page, thumb)
        runs = tab.runs_finished()
        thumb.press("ArrowRight")
        tab.settle(runs + 1)
        browser.close()
    reruns = []
    for payload in sent:
        if isinstance(payload, bytes):
            message = BackMsg()
            message.ParseFromString(payload)
            if message.WhichOneof("type") == "rerun_script":
                reruns.append(message)
    changes = [m for m in reruns if any(w.id.endswith("-" + app.slider_key)
                                        for w in m.rerun_script.widget_states.widgets)]
    if not reruns or not changes:
        raise RuntimeError(f"chromium sent no rerun_script for {app.name}: {len(sent)} frames")
    return Messages(first=reruns[0], change=changes[-1])


def browser_first_visits(cluster: Cluster, app: App, visits: int = 4) -> list[float]:
    """The servers' CPU-seconds for each of ``visits`` first visits of the link in chromium, each in a
    fresh context (an empty browser cache: every static file fetched through the proxy)."""
    spent = []
    with sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        for _ in range(visits):
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            harness.install_page_clock(context)
            tab = harness.Tab(context.new_page(), cluster.url)
            before = sum(cluster.cpu_seconds().values())
            tab.page.goto(cluster.url + (f"?{app.query}" if app.query else ""))
            tab.settle(1)
            time.sleep(0.5)  # requests still finishing on the server
            spent.append(sum(cluster.cpu_seconds().values()) - before)
            context.close()
        browser.close()
    return spent


# -- one simulated viewer ------------------------------------------------------------------------------


@dataclass
class Viewer:
    number: int
    first_ms: float | None = None
    first_bytes: int = 0
    change_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def answer(ws) -> tuple[int, list[str]]:
    """Read until the run (and any rerun it asked for) has finished; bytes received and problems."""
    received, problems, drawn = 0, [], 0
    while True:
        data = await asyncio.wait_for(ws.recv(), ANSWER_TIMEOUT_SECONDS)
        received += len(data)
        message = ForwardMsg()
        message.ParseFromString(data)
        kind = message.WhichOneof("type")
        if kind == "delta":
            drawn += 1
            if (message.delta.WhichOneof("type") == "new_element"
                    and message.delta.new_element.WhichOneof("type") == "exception"):
                problems.append("script error: " + message.delta.new_element.exception.message[:120])
        elif kind == "script_finished" and message.script_finished != RERUN_REQUESTED:
            if message.script_finished == COMPILE_ERROR:
                problems.append("script compile error")
            if not drawn:
                problems.append("the run drew nothing")
            return received, problems


def page_cookie(url: str) -> str:
    """GET the page as a browser does first; the affinity cookie the proxy set, as a Cookie header."""
    with urllib.request.urlopen(url, timeout=ANSWER_TIMEOUT_SECONDS) as response:
        response.read()
        jar = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items() if name == AFFINITY_COOKIE)


async def run_viewer(viewer: Viewer, url: str, app: App, messages: Messages, query: str, start_at: float,
                     changes: int, loaded: asyncio.Queue, go: asyncio.Event, deadline: float) -> None:
    rng = random.Random(viewer.number)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    ws_url = url.replace("http://", "ws://") + "_stcore/stream"
    try:
        started = time.perf_counter()
        cookie = await asyncio.to_thread(page_cookie, url + (f"?{query}" if query else ""))
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, origin=url.rstrip("/"),
                                      additional_headers={"Cookie": cookie} if cookie else None,
                                      open_timeout=ANSWER_TIMEOUT_SECONDS) as ws:
            await ws.send(messages.first_of(query))
            viewer.first_bytes, problems = await answer(ws)
            viewer.first_ms = (time.perf_counter() - started) * 1000
            viewer.errors += problems
            await loaded.put(viewer.number)
            await asyncio.wait_for(go.wait(), max(1.0, deadline - time.monotonic()))
            value = float(dict(parse_qsl(query)).get(app.slider_key, app.low + 100 * app.step))
            steps = round((app.high - app.low) / app.step)
            for change in range(changes):
                if time.monotonic() > deadline:
                    viewer.errors.append("out of time")
                    break
                await asyncio.sleep(rng.uniform(0.5, 1.5))
                # Each viewer walks its own values: mostly not in the model's cache yet.
                new = round(app.low + app.step * ((viewer.number * 37 + change * 11 + 1) % steps), 6)
                value = new if new != value else round(new + app.step, 6)
                started = time.perf_counter()
                await ws.send(messages.change_to(app, value))
                _, problems = await answer(ws)
                viewer.change_ms.append((time.perf_counter() - started) * 1000)
                viewer.errors += problems
    except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
        viewer.errors.append(f"{type(error).__name__}: {str(error)[:120]}")
        if viewer.first_ms is None:
            await loaded.put(viewer.number)


# -- one setup under one load --------------------------------------------------------------------------


@dataclass
class Phase:
    setup: str
    processes: int
    viewers: int
    first_ms: list[float]
    change_ms: list[float]
    errors: list[str]
    cpu_per_first_load: float
    cpu_per_change: float
    memory_per_session_mb: float
    first_bytes: float

    def p(self, values: list[float], q: int) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def load(cluster: Cluster, app: App, messages: Messages, viewers: int, changes: int, deadline: float,
               distinct_links: bool = False) -> Phase:
    arrival_seconds = min(3.0, viewers * 0.1)
    loaded: asyncio.Queue = asyncio.Queue()
    go = asyncio.Event()
    cpu_before, rss_before = cluster.cpu_seconds(), cluster.rss_bytes()
    start = time.monotonic() + 0.2
    crowd = [Viewer(number) for number in range(viewers)]

    def query_of(viewer: Viewer) -> str:
        if not distinct_links:
            return app.query
        query = dict(parse_qsl(app.query))
        query[app.slider_key] = format_value(round(app.low + app.step * (viewer.number + 1), 6))
        return urlencode(query)

    tasks = [asyncio.create_task(run_viewer(v, cluster.url, app, messages, query_of(v),
                                            start + arrival_seconds * v.number / viewers, changes, loaded, go,
                                            deadline))
             for v in crowd]
    for _ in crowd:
        try:
            await asyncio.wait_for(loaded.get(), max(1.0, deadline - time.monotonic()))
        except TimeoutError:
            break
    cpu_loaded, rss_loaded = cluster.cpu_seconds(), cluster.rss_bytes()
    go.set()
    await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
    for task in tasks:
        task.cancel()
    cpu_after = cluster.cpu_seconds()
    first = [v.first_ms for v in crowd if v.first_ms is not None]
    change = [ms for v in crowd for ms in v.change_ms]
    errors = [e for v in crowd for e in v.errors]
    return Phase(
        setup=app.name, processes=cluster.processes, viewers=viewers, first_ms=first, change_ms=change, errors=errors,
        cpu_per_first_load=_spent(cpu_before, cpu_loaded) / max(1, len(first)),
        cpu_per_change=_spent(cpu_loaded, cpu_after) / max(1, len(change)),
        memory_per_session_mb=sum(rss_loaded[n] - rss_before.get(n, 0) for n in rss_loaded) / viewers / 2**20,
        first_bytes=statistics.median([v.first_bytes for v in crowd if v.first_bytes]) if first else float("nan"),
    )


def _spent(before: dict[str, float], after: dict[str, float]) -> float:
    return sum(after[name] - before.get(name, after[name]) for name in after)


def row(phase: Phase) -> str:
    errors = len(phase.errors)
    return (f"| {phase.setup} | {phase.processes} | {phase.viewers} | "
            f"{phase.p(phase.first_ms, 50):,.0f} / {phase.p(phase.first_ms, 95):,.0f} | "
            f"{phase.p(phase.change_ms, 50):,.0f} / {phase.p(phase.change_ms, 95):,.0f} | {errors} | "
            f"{phase.cpu_per_first_load:.3f} | {phase.cpu_per_change:.3f} | {phase.memory_per_session_mb:.2f} | "
            f"{phase.first_bytes / 1024:,.0f} |")


HEADER = ("| setup | processes | viewers | first page p50 / p95 ms | change p50 / p95 ms | errors | "
          "CPU-s per first load | CPU-s per change | MB per session | kB per first load |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=24, help="viewers of the table's rows (default %(default)s)")
    parser.add_argument("--changes", type=int, default=5, help="slider changes per viewer (default %(default)s)")
    cores = default_processes()
    parser.add_argument("--processes", default=",".join(str(n) for n in sorted({1, 2, cores})),
                        help="dashboard process counts (default 1, 2 and one per core: %(default)s)")
    parser.add_argument("--ramp", default="8,12,16,20,24,32,48",
                        help="viewers per process tried for the capacity, in order (default %(default)s)")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="bound on the whole run")
    options = parser.parse_args()
    deadline = time.monotonic() + options.max_seconds
    counts = [int(n) for n in options.processes.split(",")]
    ramp = [int(n) for n in options.ramp.split(",")]

    # The price feed's cache and the processes' and proxy's logs, removed at the end.
    cache_dir = Path(tempfile.mkdtemp(prefix="load-benchmark-"))
    env = harness.offline_env(cache_dir)
    setups = [(MINIMAL, 1)] + [(DASHBOARD, n) for n in counts]
    table, capacity, messages_of = [], [], {}
    visits: dict[bool, list[float]] = {}
    print(f"{cores} cores; {options.viewers} viewers per row, {options.changes} changes each; "
          f"ramp {ramp} viewers per process; bound {options.max_seconds:.0f} s", flush=True)
    try:
        for app, processes in setups:
            if time.monotonic() > deadline:
                print("out of time: stopping", flush=True)
                break
            with Cluster(processes=processes, script=app.script, env=env,
                         work_dir=cache_dir / f"{app.script.stem}-{processes}") as cluster:
                if app.name not in messages_of:
                    messages_of[app.name] = capture(cluster, app)
                messages = messages_of[app.name]
                phase = asyncio.run(load(cluster, app, messages, options.viewers, options.changes, deadline))
                table.append(phase)
                print(row(phase), flush=True)
                if app is DASHBOARD and processes == 1:
                    visits[True] = browser_first_visits(cluster, app)
                    distinct = asyncio.run(load(cluster, app, messages, options.viewers, 1, deadline,
                                                distinct_links=True))
                    distinct.setup = "dashboard, every viewer a different link"
                    table.append(distinct)
                    print(row(distinct), flush=True)
                held = 0
                for per_process in ramp:
                    if time.monotonic() > deadline:
                        break
                    for _attempt in (1, 2):  # a step that fails is tried once more: the machine may be shared
                        step = asyncio.run(load(cluster, app, messages, per_process * processes, options.changes,
                                                deadline))
                        ok = step.p(step.change_ms, 95) < TARGET_P95_MS and not step.errors
                        if ok:
                            break
                    print(f"  {app.name}, {processes} processes, {step.viewers} viewers: change p95 "
                          f"{step.p(step.change_ms, 95):,.0f} ms, {len(step.errors)} errors"
                          f" {'(held)' if ok else '(not held)'}", flush=True)
                    if not ok:
                        break
                    held = per_process
                capacity.append((app.name, processes, held))
        if DASHBOARD.name in messages_of and time.monotonic() < deadline:
            with Cluster(processes=1, env=env, static_cache=False, work_dir=cache_dir / "no-static-cache") as cluster:
                visits[False] = browser_first_visits(cluster, DASHBOARD)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)

    print()
    print(HEADER)
    for phase in table:
        print(row(phase))
    print()
    print(f"| setup | processes | viewers per process at change p95 < {TARGET_P95_MS:.0f} ms (steps tried: {ramp}) |")
    print("|---|---|---|")
    for name, processes, held in capacity:
        print(f"| {name} | {processes} | {held if held else f'fewer than {ramp[0]}'} |")
    if visits:
        print("\nchromium's first visits to the dashboard, one process, each in a fresh context (static files "
              "fetched): server CPU-seconds, the first of each setup apart (code paths still cold)")
        for cached, spent in sorted(visits.items()):
            name = "static files from the proxy's cache" if cached else "static files from the process"
            print(f"  {name}: first {spent[0]:.2f}, then median {statistics.median(spent[1:]):.2f} "
                  f"({', '.join(f'{s:.2f}' for s in spent[1:])})")
    errors = sorted({e for phase in table for e in phase.errors})
    if errors:
        print("\nerrors seen:", *errors[:10], sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
