"""How fast the dashboard answers in a browser, against Streamlit's own floor, in one run.

Starts the dashboard and benchmarks/minimal_app.py (one slider, one number) side by side on loopback,
with the price feed offline, and drives both in headless chromium:

- slider change: a keyboard step on a slider thumb, timed in the page's own clock from the keydown
  to (a) the frame that shows the watched number's new value and (b) the frame after the script run
  ends, i.e. the whole page redrawn. Every step moves to a value not seen before, so no run is
  served from the model's cache.
- a page's own control: the Monte Carlo range (a slider in the link: it reruns the page and the
  sidebar's share box) and the choices that rerun only their part of the page (Monte Carlo's
  histogram, Market's range, Sensitivity's result, Compare's variance), timed from the click on an
  option.
- first load: a fresh browser context (empty cache) opens the page; time from navigation start to
  the page drawn (the run ended, element code loaded, charts drawn, nothing changing). Also with
  the browser cache warm (a returning visitor, new session). The server's very first session
  (imports, data files, first price fetch) is reported apart as the cold start.

Prints medians and worsts, then the ratios dashboard (busiest page) / minimal app. Aims (issue 10):
number shown within 1.3x, page redrawn and a page's own control within 1.5x, first loads within 1.5x,
the server's first session within 2x. The machine may be shared: read medians, not single runs.

    .venv/bin/python benchmarks/latency.py [--changes 20] [--loads 5] [--pages "Overview,Monte Carlo"]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import streamlit_harness as harness  # noqa: E402 - after the path it lives on

WARM_UP_CHANGES = 2
VIEWPORT = {"width": 1600, "height": 1000}


@dataclass(frozen=True)
class Case:
    """One page: where it lives, and which slider and number time its redraw."""

    app: str  # "dashboard" or "minimal"
    page: str
    path: str  # URL path of the page
    metric: str  # label of the number that must change
    control: str  # the label of what is changed: a slider, or a choice (see options)
    local: bool = False  # the slider is the page's own control (not an assumption in the sidebar)
    steps: int | None = None  # steps the slider has from where the page opens it, if few
    options: tuple[str, ...] = ()  # a choice instead of a slider: its options, picked in turn


DASHBOARD = ROOT / "dashboard.py"
MINIMAL = ROOT / "benchmarks" / "minimal_app.py"

STAKE = "Microsoft's stake at the recapitalization (of OpenAI)"

CASES = [
    Case("minimal", "Minimal app", "", "Value squared", "Value"),
    # The stake moves NPV by about $3B a step; the discount rate hardly moves it (the stake's market
    # mark is most of NPV), so the headline could stay the same after a step.
    Case("dashboard", "Overview", "", "NPV", STAKE),
    Case("dashboard", "Investment", "investment", "NPV", STAKE),
    Case("dashboard", "Revenue share", "revenue_share", "Cap from 2026", "Revenue share cap (USD bn)"),
    Case("dashboard", "Compute commitments", "commitments", "What OpenAI itself pays",
         "Chip cost per gigawatt (USD bn per GW)"),
    # No headline number on these pages follows one slider step: only the redraw is timed.
    Case("dashboard", "Compare", "compare", "", "Discount rate (per year)"),
    Case("dashboard", "Sensitivity", "sensitivity", "", "Discount rate (per year)"),
    Case("dashboard", "Monte Carlo", "monte_carlo", "", "Discount rate (per year)"),
    Case("dashboard", "Market", "market", "", "Discount rate (per year)"),
    Case("dashboard", "Model check", "model_check", "", "Discount rate (per year)"),
    Case("dashboard", "Sources", "sources", "", "Discount rate (per year)"),
    # A page's own control, which reruns only its part of the page (a fragment) where it can.
    # Opened at the range's low end, so that every step moves to a value not seen before.
    Case("dashboard", "Monte Carlo range", "monte_carlo?mc_width=0.25", "", "Range width (x the record's)",
         local=True, steps=9),  # 0.25 to 0.7 by 0.05
    # Choices that change only their part of the page: each reruns that part alone (a fragment).
    Case("dashboard", "Monte Carlo histogram", "monte_carlo", "", "Distribution of", local=True,
         options=("At-risk Azure revenue", "Stake value as counted", "NPV of Microsoft's flows")),
    Case("dashboard", "Market range", "market", "", "Range", local=True, options=("1Y", "5Y", "Max")),
    Case("dashboard", "Sensitivity result", "sensitivity", "", "Result", local=True,
         options=("At-risk Azure revenue (USD bn)", "NPV of Microsoft's flows (USD bn)")),
    Case("dashboard", "Compare variance", "compare", "", "Show", local=True,
         options=("Change vs base (%)", "Change vs base")),
]


def open_page(browser, url: str) -> tuple[harness.Tab, object, float]:
    """A fresh context (empty browser cache) on ``url``; the tab, its context and the load time in ms."""
    context = browser.new_context(viewport=VIEWPORT)
    harness.install_page_clock(context)
    tab = harness.Tab(context.new_page())
    tab.page.goto(url)
    # performance.now() counts from the start of the navigation.
    loaded_at = tab.settle(1)
    return tab, context, loaded_at


def measure_loads(browser, url: str, loads: int) -> list[float]:
    """First visits: each in a fresh context, so the browser fetches every file again."""
    times = []
    for _ in range(loads):
        _, context, load_ms = open_page(browser, url)
        times.append(load_ms)
        context.close()
    return times


def measure_return_loads(browser, url: str, loads: int) -> list[float]:
    """Returning visits: new sessions (new tabs) in one context whose browser cache is already filled."""
    tab, context, _ = open_page(browser, url)
    tab.page.close()
    times = []
    for _ in range(loads):
        tab = harness.Tab(context.new_page())
        tab.page.goto(url)
        times.append(tab.settle(1))
        tab.page.close()
    context.close()
    return times


def measure_changes(browser, url: str, case: Case, changes: int) -> tuple[list[float], list[float]]:
    tab, context, _ = open_page(browser, url)
    metric = case.metric or None
    if metric and tab.metric_value(metric) is None:
        # The page was relabelled: still time the redraw, and say which number went missing.
        print(f"  no metric {metric!r} on {case.page}: timing the redraw only", flush=True)
        metric = None
    shown, redrawn = [], []
    if case.options:
        def change_once(index: int) -> harness.Change:
            option = harness.choice_option(tab.page, case.control, case.options[index % len(case.options)])
            return tab.timed_change(option.click, metric)
    else:
        thumb = harness.slider(tab.page, case.control)
        harness.open_expander_holding(tab.page, thumb)

        def change_once(index: int) -> harness.Change:
            return tab.timed_key_change(thumb, "ArrowRight", metric)
    if case.steps is not None:
        changes = min(changes, case.steps - WARM_UP_CHANGES)
    for index in range(WARM_UP_CHANGES + changes):
        change = change_once(index)
        if index >= WARM_UP_CHANGES:
            if change.shown_ms is not None:
                shown.append(change.shown_ms)
            redrawn.append(change.redrawn_ms)
    context.close()
    return shown, redrawn


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values):7.0f} ms   worst {max(values):7.0f} ms   (n={len(values)})"


def run(changes: int, loads: int, pages: set[str] | None = None) -> int:
    results: dict[str, dict[str, list[float]]] = {}
    with (
        harness.streamlit_server(MINIMAL) as minimal,
        harness.streamlit_server(DASHBOARD) as dashboard,
        sync_playwright() as playwright,
    ):
        browser = harness.launch_chromium(playwright)
        servers = {"minimal": minimal, "dashboard": dashboard}
        cold = {}
        for name, server in servers.items():
            started = time.monotonic()
            _, context, load_ms = open_page(browser, server.url)
            cold[name] = load_ms
            context.close()
            print(f"cold start {name:9s}: first session {load_ms:6.0f} ms "
                  f"(wall {1000 * (time.monotonic() - started):.0f} ms)", flush=True)
        for case in CASES:
            if pages and case.app == "dashboard" and case.page not in pages:
                continue
            url = servers[case.app].url + case.path
            print(f"{case.page}...", flush=True)
            # A page's own control shares the page's loads: time only its change.
            results[case.page] = {
                "load": [] if case.local else measure_loads(browser, url, loads),
                "return": [] if case.local else measure_return_loads(browser, url, loads),
            }
            try:
                shown, redrawn = measure_changes(browser, url, case, changes)
            except Exception as error:  # noqa: BLE001 - one page's failure must not lose the others' figures
                print(f"  {case.page}: changes not timed ({type(error).__name__}: {str(error)[:200]})")
                shown, redrawn = [], []
            results[case.page]["shown"] = shown
            results[case.page]["redrawn"] = redrawn
        browser.close()

    print()
    print(f"{'page':22s} {'what':30s} result")
    for case in [case for case in CASES if case.page in results]:
        for key, what in (("load", "first load"), ("return", "load, browser cache warm"),
                          ("shown", "change -> number shown"),
                          ("redrawn", "change -> page redrawn")):
            if results[case.page][key]:
                print(f"{case.page:22s} {what:30s} {summary(results[case.page][key])}")

    def median_of(page: str, key: str) -> float:
        return statistics.median(results[page][key])

    dashboard_pages = [case for case in CASES if case.app == "dashboard" and not case.local]
    local_controls = [case for case in CASES if case.local]
    floor = CASES[0].page
    print()
    print(f"cold start: dashboard {cold['dashboard']:.0f} ms / minimal {cold['minimal']:.0f} ms = "
          f"{cold['dashboard'] / cold['minimal']:.2f}x (aim 2x)")
    for key, what, aim, cases in (
            ("shown", "slider change (number shown)", 1.3, dashboard_pages),
            ("redrawn", "slider change (page redrawn)", 1.5, dashboard_pages),
            ("redrawn", "page's own control (redrawn)", 1.5, local_controls),
            ("load", "first load", 1.5, dashboard_pages),
            ("return", "load, browser cache warm", 1.5, dashboard_pages)):
        measured = [case for case in cases if case.page in results and results[case.page][key]]
        if not measured:
            continue
        for case in sorted(measured, key=lambda case: -median_of(case.page, key)):
            ratio = median_of(case.page, key) / median_of(floor, key)
            verdict = "within" if ratio <= aim else "OVER"
            print(f"{what:30s}: {case.page:20s} {median_of(case.page, key):6.0f} ms / minimal "
                  f"{median_of(floor, key):.0f} ms = {ratio:.2f}x ({verdict} the {aim}x aim)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=20, help="slider changes timed per page (default 20)")
    parser.add_argument("--loads", type=int, default=5, help="first loads timed per page (default 5)")
    parser.add_argument("--pages", help="only these dashboard cases, comma-separated (e.g. 'Overview,Monte Carlo')")
    arguments = parser.parse_args()
    pages = set(arguments.pages.split(",")) if arguments.pages else None
    return run(arguments.changes, arguments.loads, pages)


if __name__ == "__main__":
    sys.exit(main())
