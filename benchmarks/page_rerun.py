"""Server time of each dashboard page's rerun after a slider change, against Streamlit's own floor.

Run: .venv/bin/python benchmarks/page_rerun.py [repeats]

In the same run, benchmarks/minimal_app.py (one slider, one number) is timed the same way through
AppTest, so each page reads as a multiple of the fastest rerun Streamlit can do on this machine
(AppTest's own overhead, a few milliseconds a run, is in both). The price feed is kept offline (the
shipped snapshot), as in the tests, so the network never enters the timing. Each rerun moves the
discount rate to a value not used before in that page's loop, so the model runs afresh (no cache
hit) as it would when a person drags a slider; the last figure is the rerun with nothing changed.
Besides wall time, the process' CPU time per rerun is shown: on a shared, busy machine it moves
far less than wall time. Read medians, not single runs.

AppTest makes a new bytecode cache for every run, so by itself it would compile the entry script and
the page again on each rerun; the server compiles each script once. The benchmark keeps one cache
for the whole run, as the server does.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit.testing.v1.app_test as app_test_module  # noqa: E402
import streamlit.testing.v1.local_script_runner as local_runner_module  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import model.market.prices as price_feed  # noqa: E402

WARM_UP = 2


def _offline(start):
    raise price_feed.PriceFeedError("benchmark runs offline")


def _time_reruns(at: AppTest, key: str, values: list, repeats: int) -> tuple[list[float], list[float], list[float]]:
    """Seconds per rerun after ``at.slider(key)`` moves to each value (wall, CPU), then with nothing changed."""
    fresh, fresh_cpu, unchanged = [], [], []
    for index in range(WARM_UP + repeats):
        at.slider(key=key).set_value(values[index])
        start, start_cpu = time.perf_counter(), time.process_time()
        at.run()
        elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        start = time.perf_counter()
        at.run()
        if index >= WARM_UP:
            fresh.append(elapsed)
            fresh_cpu.append(elapsed_cpu)
            unchanged.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"the app raised: {at.exception[0].message}")
    return fresh, fresh_cpu, unchanged


def _line(name: str, times: tuple[list[float], list[float], list[float]], floor: tuple[float, float]) -> str:
    fresh, fresh_cpu, unchanged = times
    median, median_cpu = statistics.median(fresh), statistics.median(fresh_cpu)
    return (
        f"{name:26} {median * 1000:8.1f} {max(fresh) * 1000:8.1f} {median / floor[0]:7.1f}x"
        f" {median_cpu * 1000:8.1f} {median_cpu / floor[1]:7.1f}x {statistics.median(unchanged) * 1000:10.1f}"
    )


def _one_script_cache() -> None:
    shared = ScriptCache()
    app_test_module.ScriptCache = local_runner_module.ScriptCache = lambda: shared


def main(repeats: int = 15) -> None:
    _one_script_cache()
    price_feed.fetch_live = _offline
    os.environ[price_feed.CACHE_DIR_ENV] = tempfile.mkdtemp()
    count = WARM_UP + repeats
    # Discount rates on the slider's 0.005 grid from 0.05, none equal to the default (0.10).
    rates = [round(0.05 + 0.005 * i, 3) for i in range(60) if round(0.05 + 0.005 * i, 3) != 0.10][:count]

    minimal = AppTest.from_file(str(ROOT / "benchmarks" / "minimal_app.py"), default_timeout=60).run()
    floor_times = _time_reruns(minimal, "value", [200 + i for i in range(count)], repeats)
    floor = (statistics.median(floor_times[0]), statistics.median(floor_times[1]))

    print(f"server time of one AppTest rerun after a slider change, {repeats} reruns per page (ms)")
    print(f"{'':26} {'wall':>8} {'wall':>8} {'':8} {'CPU':>8} {'':8} {'unchanged':>10}")
    print(f"{'page':26} {'median':>8} {'worst':>8} {'vs floor':>8} {'median':>8} {'vs floor':>8} {'wall':>10}")
    print(_line("minimal app (the floor)", floor_times, floor))
    views = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "views").glob("*.py")
                   if path.stem != "__init__")
    for page in views:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
        at.switch_page(page).run()
        print(_line(Path(page).stem, _time_reruns(at, "discount_rate", rates, repeats), floor))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
