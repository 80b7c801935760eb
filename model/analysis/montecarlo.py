"""Monte Carlo: thousands of scenarios drawn around the current one, evaluated in one call.

Each uncertain assumption gets a triangular distribution: its most likely value is its current
value, its ends are the sensitivity range (``model.analysis.sensitivity.default_range``: ±20% of the value
by default, whole steps for whole-number fields, clipped to the declared bounds); the ends can be
edited. Assumptions are drawn independently. Whole-number fields are drawn as whole numbers: the
triangle is stretched half a step past each end and the draw rounded, so every whole value in the
range keeps the probability mass of its own interval.

The draws come from ``numpy.random.default_rng(seed)``, one field at a time in the declaration
order of :data:`model.scenario.SPECS`, so the same seed and ranges give the same draws on any
machine with the same numpy. All draws go through :func:`model.simulate.simulate` at once; there is
no loop over runs.

Percentiles use numpy's default (linear interpolation between order statistics). P10 is the value
that 10% of the draws fall below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from model.analysis.sensitivity import (
    DEFAULT_RELATIVE,
    OUTCOMES,
    default_range,
    outcomes,
    simulate_scenarios,
    uncertain_names,
)
from model.facts import Facts
from model.scenario import SPECS, Scenario
from model.simulate import ROUNDING_USD_BN, scenario_values

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 2026
MAX_DRAWS = 200_000
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
FAN_PERCENTILES = (10, 50, 90)
HISTOGRAM_BINS = 40


class RangeError(ValueError):
    """A Monte Carlo range that cannot be drawn from; the message names the field and why."""


@dataclass(frozen=True)
class Range:
    """A triangular distribution: ``low`` <= ``mode`` <= ``high`` within the field's bounds."""

    name: str
    low: float
    mode: float
    high: float


def default_ranges(scenario: Scenario, relative: float = DEFAULT_RELATIVE) -> dict[str, Range]:
    out = {}
    for name in uncertain_names():
        value = getattr(scenario, name)
        low, high = default_range(SPECS[name], value, relative)
        out[name] = Range(name, low, value, high)
    return out


def check_ranges(chosen: Mapping[str, Range]) -> None:
    """Raise :class:`RangeError` for the first range that is not low <= mode <= high in bounds."""
    for name, r in chosen.items():
        spec = SPECS.get(name)
        if spec is None or spec.value_type == "choice" or not spec.uncertain:
            raise RangeError(f"{name!r} is not an uncertain assumption; allowed: {', '.join(uncertain_names())}")
        if not all(np.isfinite([r.low, r.mode, r.high])):
            raise RangeError(f"{name}: low, most likely and high must be numbers")
        if not (r.low <= r.mode <= r.high):
            raise RangeError(f"{name}: needs low <= most likely <= high, got {r.low:g}, {r.mode:g}, {r.high:g}")
        if r.low < spec.low or r.high > spec.high:
            raise RangeError(f"{name}: {r.low:g} to {r.high:g} goes outside {spec.describe_range()}")
        if spec.value_type == "int" and not all(float(v).is_integer() for v in (r.low, r.mode, r.high)):
            raise RangeError(f"{name}: a whole-number assumption needs whole-number ends")


def ranges_frame(chosen: Mapping[str, Range]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "name": r.name,
                "label": SPECS[r.name].label,
                "unit": SPECS[r.name].unit,
                "low": r.low,
                "most_likely": r.mode,
                "high": r.high,
                "distribution": "triangular",
            }
            for r in chosen.values()
        ]
    )


def _triangular(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    if high <= low:
        return np.full(n, float(mode))
    return rng.triangular(low, mode, high, n)


def draw(scenario: Scenario, chosen: Mapping[str, Range], draws: int, seed: int) -> dict[str, np.ndarray]:
    """Per-draw values of every numeric assumption: drawn for those in ``chosen``, fixed otherwise."""
    rng = np.random.default_rng(seed)
    values = {name: np.repeat(array, draws) for name, array in scenario_values(scenario).items()}
    for name in SPECS:
        r = chosen.get(name)
        if r is None:
            continue
        if SPECS[name].value_type == "int":
            stretched = _triangular(rng, r.low - 0.5, r.mode, r.high + 0.5, draws)
            values[name] = np.clip(np.rint(stretched), r.low, r.high)
        else:
            values[name] = _triangular(rng, r.low, r.mode, r.high, draws)
    return values


@dataclass(frozen=True)
class MonteCarlo:
    """What a Monte Carlo run found. Every table is tidy and its amounts are in USD bn."""

    draws: int
    seed: int
    ranges: pd.DataFrame  # name, label, unit, low, most_likely, high, distribution
    fan: pd.DataFrame  # year, p10/p50/p90/mean of Microsoft's cumulative position
    gap_probability: pd.DataFrame  # year, probability_funding_gap, mean_funding_gap_usd_bn
    percentiles: pd.DataFrame  # outcome, label, statistic, percentile, value_usd_bn
    histogram: pd.DataFrame  # outcome, bin_start_usd_bn, bin_end_usd_bn, draws, share_of_draws
    outcomes: dict[str, np.ndarray]  # outcome -> (draws,)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "monte_carlo_ranges": self.ranges,
            "monte_carlo_fan": self.fan,
            "monte_carlo_gap_probability": self.gap_probability,
            "monte_carlo_percentiles": self.percentiles,
            "monte_carlo_histogram": self.histogram,
        }


def run_monte_carlo(
    scenario: Scenario,
    facts: Facts,
    today: date,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    chosen: Mapping[str, Range] | None = None,
    bins: int = HISTOGRAM_BINS,
) -> MonteCarlo:
    """``draws`` scenarios around ``scenario`` (ranges: ``chosen`` or the defaults), all at once."""
    if not 1 <= draws <= MAX_DRAWS:
        raise RangeError(f"draws: {draws} is outside 1 to {MAX_DRAWS:,}")
    chosen = default_ranges(scenario) if chosen is None else dict(chosen)
    check_ranges(chosen)
    sim = simulate_scenarios(draw(scenario, chosen, draws, seed), scenario, facts, today)
    results = outcomes(sim, facts)
    years = sim.years.astype(int)

    position = np.cumsum(sim.msft_net, axis=1)
    fan = pd.DataFrame({"year": years})
    for p, row in zip(FAN_PERCENTILES, np.percentile(position, FAN_PERCENTILES, axis=0), strict=True):
        fan[f"p{p}_cumulative_position_usd_bn"] = row
    fan["mean_cumulative_position_usd_bn"] = position.mean(axis=0)

    active = ~np.isnan(sim.cash_end[0])
    gap = sim.funding_gap
    gap_probability = pd.DataFrame(
        {
            "year": years,
            "probability_funding_gap": (gap > ROUNDING_USD_BN).mean(axis=0),
            "mean_funding_gap_usd_bn": gap.mean(axis=0),
            "p90_funding_gap_usd_bn": np.percentile(gap, 90, axis=0),
        }
    )[active].reset_index(drop=True)

    percentile_rows, histogram_rows = [], []
    for outcome, (label, _unit) in OUTCOMES.items():
        values = results[outcome]
        for p, v in zip(PERCENTILES, np.percentile(values, PERCENTILES), strict=True):
            percentile_rows.append(
                {"outcome": outcome, "label": label, "statistic": f"p{p}", "percentile": p, "value_usd_bn": float(v)}
            )
        percentile_rows.append(
            {
                "outcome": outcome,
                "label": label,
                "statistic": "mean",
                "percentile": None,
                "value_usd_bn": float(values.mean()),
            }
        )
        counts, edges = np.histogram(values, bins=bins)
        histogram_rows.append(
            pd.DataFrame(
                {
                    "outcome": outcome,
                    "bin_start_usd_bn": edges[:-1],
                    "bin_end_usd_bn": edges[1:],
                    "draws": counts,
                    "share_of_draws": counts / draws,
                }
            )
        )
    percentiles = pd.DataFrame(percentile_rows)
    percentiles["percentile"] = percentiles["percentile"].astype("Int64")
    return MonteCarlo(
        draws=draws,
        seed=seed,
        ranges=ranges_frame(chosen),
        fan=fan,
        gap_probability=gap_probability,
        percentiles=percentiles,
        histogram=pd.concat(histogram_rows, ignore_index=True),
        outcomes=results,
    )


def percentile_value(mc: MonteCarlo, outcome: str, statistic: str) -> float:
    frame = mc.percentiles
    return float(frame.loc[(frame["outcome"] == outcome) & (frame["statistic"] == statistic), "value_usd_bn"].iloc[0])
