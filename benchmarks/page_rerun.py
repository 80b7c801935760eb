"""Median server time of each dashboard page's rerun after a slider change, through AppTest.

Run: .venv/bin/python benchmarks/page_rerun.py [repeats]
The price feed is kept offline (the shipped snapshot), as in the tests, so the network never
enters the timing. Each rerun moves the discount rate to a new value, so the model runs afresh
(no cache hit) as it would when a person drags a slider; a second figure shows the cached case.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import model.prices as price_feed  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402


def _offline(start):
    raise price_feed.PriceFeedError("benchmark runs offline")


def main(repeats: int = 15) -> None:
    price_feed.fetch_live = _offline
    import os

    os.environ[price_feed.CACHE_DIR_ENV] = tempfile.mkdtemp()
    views = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "views").glob("*.py"))
    print(f"median server time of one rerun after a slider change ({repeats} reruns per page)")
    print(f"{'page':32} {'new value':>10} {'cached':>10}")
    for page in views:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
        at.switch_page(page).run()
        fresh, cached = [], []
        for index in range(repeats):
            value = round(0.05 + 0.005 * (index % 30), 3)
            slider = at.slider(key="discount_rate")
            slider.set_value(value if value != slider.value else value + 0.005)
            start = time.perf_counter()
            at.run()
            fresh.append(time.perf_counter() - start)
            start = time.perf_counter()
            at.run()  # nothing changed: every model call is a cache hit
            cached.append(time.perf_counter() - start)
        print(f"{page:32} {statistics.median(fresh) * 1000:8.1f}ms {statistics.median(cached) * 1000:8.1f}ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
