"""Server time of each dashboard page's rerun after a slider change, against Streamlit's own floor.

Run: .venv/bin/python benchmarks/page_rerun.py [repeats]

In the same run, benchmarks/minimal_app.py (one slider, one number) is timed the same way through
AppTest, so each page reads as a multiple of the fastest rerun Streamlit can do on this machine
(AppTest's own overhead, a few milliseconds a run, is in both). The price feed is kept offline (the
shipped snapshot), as in the tests, so the network never enters the timing. Each rerun moves the
discount rate to a value not used before in that page's loop, so the model runs afresh (no cache
hit) as it would when a person drags a slider; a second figure shows the rerun with nothing changed.
The machine may be shared: read medians, not single runs.
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

import model.prices as price_feed  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

WARM_UP = 2


def _offline(start):
    raise price_feed.PriceFeedError("benchmark runs offline")


def _time_reruns(at: AppTest, key: str, values: list, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds per rerun after ``at.slider(key)`` moves to each value, then with nothing changed."""
    fresh, unchanged = [], []
    for index in range(WARM_UP + repeats):
        at.slider(key=key).set_value(values[index])
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        at.run()
        if index >= WARM_UP:
            fresh.append(elapsed)
            unchanged.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"the app raised: {at.exception[0].message}")
    return fresh, unchanged


def _line(name: str, fresh: list[float], unchanged: list[float], floor_s: float) -> str:
    median = statistics.median(fresh)
    return (
        f"{name:28} {median * 1000:8.1f} {max(fresh) * 1000:8.1f} {median / floor_s:7.1f}x"
        f" {statistics.median(unchanged) * 1000:10.1f}"
    )


def main(repeats: int = 15) -> None:
    price_feed.fetch_live = _offline
    os.environ[price_feed.CACHE_DIR_ENV] = tempfile.mkdtemp()
    count = WARM_UP + repeats
    # Discount rates on the slider's 0.005 grid from 0.05, none equal to the default (0.10).
    rates = [round(0.05 + 0.005 * i, 3) for i in range(60) if round(0.05 + 0.005 * i, 3) != 0.10][:count]

    minimal = AppTest.from_file(str(ROOT / "benchmarks" / "minimal_app.py"), default_timeout=60).run()
    floor_fresh, floor_unchanged = _time_reruns(minimal, "value", [200 + i for i in range(count)], repeats)
    floor_s = statistics.median(floor_fresh)

    print(f"server time of one AppTest rerun after a slider change, {repeats} reruns per page (ms)")
    print(f"{'page':28} {'median':>8} {'worst':>8} {'vs floor':>8} {'unchanged':>10}")
    print(_line("minimal app (the floor)", floor_fresh, floor_unchanged, floor_s))
    views = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "views").glob("*.py"))
    for page in views:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
        at.switch_page(page).run()
        fresh, unchanged = _time_reruns(at, "discount_rate", rates, repeats)
        print(_line(Path(page).stem, fresh, unchanged, floor_s))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
