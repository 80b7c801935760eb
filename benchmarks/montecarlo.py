"""Monte Carlo with 10,000 draws in one vectorised pass: correlated against independent draws, and
against the same draws run one at a time.

    .venv/bin/python benchmarks/montecarlo.py [--draws 10000] [--repeat 5] [--sample 200]

Prints the median time of run_monte_carlo (the draws, one simulate() call, the percentile, risk and
driver tables) with correlated draws (the Gaussian copula) and with independent draws, measured
alternately in the same run, and their ratio (issue 19: correlated within 1.5x of independent);
then what the single-run engine would take for the same draws: run() and simulate() with one draw,
each timed in a loop over a subsample of the draws and scaled to the full count; then the ratios.
The machine may be shared: read medians, not single runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.analysis.montecarlo import DEFAULT_SEED, default_ranges, draw, run_monte_carlo  # noqa: E402
from model.engine import run  # noqa: E402
from model.facts import load_facts  # noqa: E402
from model.scenario import SPECS, Scenario, with_values  # noqa: E402
from model.simulate import simulate, structure  # noqa: E402

TODAY = date(2026, 11, 21)


def median_seconds(action, repeat: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200, help="draws run one at a time, then scaled")
    args = parser.parse_args()

    facts, scenario = load_facts(), Scenario()
    times: dict[str, list[float]] = {"correlated": [], "independent": []}
    for method in times:  # warm-up
        run_monte_carlo(scenario, facts, TODAY, draws=args.draws, seed=DEFAULT_SEED, method=method)
    for _ in range(args.repeat):
        for method in times:  # alternately, so a busy moment on a shared machine hits both
            start = time.perf_counter()
            run_monte_carlo(scenario, facts, TODAY, draws=args.draws, seed=DEFAULT_SEED, method=method)
            times[method].append(time.perf_counter() - start)
    correlated, independent = (statistics.median(times[m]) for m in ("correlated", "independent"))
    vectorised = correlated

    chosen = default_ranges(scenario)
    values = draw(scenario, chosen, args.sample, DEFAULT_SEED)
    one_draw_values = [{name: array[i : i + 1] for name, array in values.items()} for i in range(args.sample)]
    scenarios = [
        with_values(
            scenario,
            {name: int(values[name][i]) if SPECS[name].value_type == "int" else float(values[name][i])
             for name in chosen},
        )
        for i in range(args.sample)
    ]

    def loop_run() -> None:
        for one in scenarios:
            run(one, facts, TODAY)

    def loop_simulate() -> None:
        for one in one_draw_values:
            simulate(one, facts, today=TODAY, **structure(scenario))

    scale = args.draws / args.sample
    run_loop = median_seconds(loop_run, max(1, args.repeat // 2)) * scale
    simulate_loop = median_seconds(loop_simulate, max(1, args.repeat // 2)) * scale

    print(f"Monte Carlo, {args.draws:,} draws, median of {args.repeat} runs")
    print(f"  independent draws (run_monte_carlo):             {independent:8.3f} s")
    print(f"  correlated draws (Gaussian copula):              {correlated:8.3f} s  "
          f"(ratio {correlated / independent:.2f}x; the bar is 1.5x)")
    print(f"  vectorised (run_monte_carlo, one simulate call): {vectorised:8.3f} s")
    print(
        f"  loop of run(), scaled from {args.sample} draws:       {run_loop:8.3f} s  "
        f"({run_loop / vectorised:,.0f}x slower)"
    )
    print(
        f"  loop of simulate() with one draw, scaled:        {simulate_loop:8.3f} s  "
        f"({simulate_loop / vectorised:,.0f}x slower)"
    )


if __name__ == "__main__":
    main()
