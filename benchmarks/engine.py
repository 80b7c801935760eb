"""Median time of one full engine run, and of the vectorised core alone.

    .venv/bin/python benchmarks/engine.py [--repeat N]

run() is what a page calls after a slider change: the simulation plus every table. simulate() is the
arithmetic alone; its time per draw falls as draws are added, which is what Monte Carlo relies on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.engine import run  # noqa: E402
from model.facts import load_facts  # noqa: E402
from model.presets import load_presets
from model.scenario import Scenario
from model.simulate import scenario_values, simulate, structure  # noqa: E402

TODAY = date(2026, 11, 21)


def median_ms(action, repeat: int) -> tuple[float, float]:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    start = time.perf_counter()
    facts = load_facts()
    print(f"load_facts (once per process):       {(time.perf_counter() - start) * 1000:8.2f} ms")

    for name, preset in load_presets().items():
        scenario = preset.scenario
        med, worst = median_ms(lambda s=scenario: run(s, facts, TODAY, 509.22), args.repeat)
        print(f"run(), preset {name:<8}                {med:8.2f} ms median  {worst:8.2f} ms worst")

    scenario = Scenario()
    one = scenario_values(scenario)
    med_one, _ = median_ms(lambda: simulate(one, facts, today=TODAY, **structure(scenario)), args.repeat)
    print(f"simulate(), 1 draw                   {med_one:8.2f} ms median")
    for draws in (100, 10_000):
        many = {name: np.full(draws, value[0]) for name, value in one.items()}
        med, _ = median_ms(lambda m=many: simulate(m, facts, today=TODAY, **structure(scenario)), 5)
        print(f"simulate(), {draws:>6} draws             {med:8.2f} ms median  "
              f"({med / draws * 1000:.2f} us per draw; 1-draw loop would take {med_one * draws:.0f} ms)")


if __name__ == "__main__":
    main()
