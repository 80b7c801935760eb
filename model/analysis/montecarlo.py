"""Monte Carlo: thousands of scenarios drawn from the ranges of the record, evaluated in one call.

Each uncertain assumption with a range in data/ranges.yaml (:mod:`model.analysis.ranges`, the
declaration Sensitivity reads too) is drawn from a triangular distribution over its low, most likely
and high; reported terms are held unless the user draws them. By default the draws are correlated
through a Gaussian copula over those marginals (a revenue miss comes with a lower price and less
money from investors; OpenAI's other costs and its compute floor are one calibration); the
independent method uses the same normals without the correlation, so the two differ by it alone.
Whole-number fields are drawn as whole numbers.

The draws come from ``numpy.random.default_rng(seed)``, one column per drawn assumption in the
declaration order of :data:`model.scenario.SPECS`, so the same seed, ranges and method give the same
draws on any machine with the same numpy. All draws go through :func:`model.simulate.simulate` at
once; there is no loop over runs.

What a risk reader asks of it: NPV percentiles (P1 to P99), the chance that NPV ends below the
reported terms' NPV by more than a chosen amount, the chance that the stake keeps less than half the
value it has under the reported terms, the funding-gap probability by year, at-risk Azure revenue
P95, and which assumptions drive the lower tail (each one's rank correlation with NPV, and where it
sits in its own range among the worst 10% of draws).

Percentiles use numpy's default (linear interpolation between order statistics). P10 is the value
that 10% of the draws fall below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from model.analysis.ranges import (
    METHODS,
    Method,
    Range,
    RangeError,
    check_ranges,
    draw_values,
    drawn_ranges,
    load_ranges,
    not_drawn,
    uncertain_names,
)
from model.analysis.sensitivity import OUTCOMES, outcomes, simulate_scenarios
from model.facts import Facts
from model.scenario import SPECS, Scenario
from model.simulate import ROUNDING_USD_BN, scenario_values

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 2026
DEFAULT_METHOD: Method = "correlated"
DEFAULT_WIDTH = 1.0
MAX_DRAWS = 200_000
PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)
FAN_PERCENTILES = (10, 50, 90)
HISTOGRAM_BINS = 40
# The chosen amount for "NPV below the reported terms' NPV by more than": the page lets the reader pick.
DEFAULT_NPV_SHORTFALL_USD_BN = 50.0
TAIL_SHARE = 0.10


def default_ranges(scenario: Scenario, width: float = DEFAULT_WIDTH, *, draw_fixed: bool = False) -> dict[str, Range]:
    """The ranges of data/ranges.yaml around ``scenario``, each side scaled by ``width``."""
    return drawn_ranges(scenario, width=width, draw_fixed=draw_fixed)


def ranges_frame(chosen: Mapping[str, Range]) -> pd.DataFrame:
    """The ranges drawn, each with its reason, basis, source and date from the declaration."""
    records = load_ranges().by_name
    rows = []
    for r in chosen.values():
        record = records.get(r.name)
        rows.append(
            {
                "name": r.name,
                "label": SPECS[r.name].label,
                "unit": SPECS[r.name].unit,
                "low": r.low,
                "most_likely": r.mode,
                "high": r.high,
                "distribution": "triangular",
                "reported_term": bool(record and record.fixed),
                "basis": record.basis if record else "edited",
                "reason": record.reason if record else "",
                "source": record.source if record else "",
                "as_of": record.as_of if record else "",
            }
        )
    return pd.DataFrame(rows, columns=["name", "label", "unit", "low", "most_likely", "high", "distribution",
                                       "reported_term", "basis", "reason", "source", "as_of"])


def correlations_frame(chosen: Mapping[str, Range], method: Method) -> pd.DataFrame:
    """Each declared pair, the correlation used in this run (0 when not drawn, or when independent
    unless the pair is one calibration), why."""
    rows = []
    for c in load_ranges().correlations:
        a, b = c.between
        drawn = a in chosen and b in chosen
        rows.append(
            {
                "assumption_a": a,
                "label_a": SPECS[a].label,
                "assumption_b": b,
                "label_b": SPECS[b].label,
                "declared_correlation": c.rho,
                "correlation_used": c.rho if drawn and (method == "correlated" or c.calibration) else 0.0,
                "reason": c.reason,
                "source": c.source,
            }
        )
    return pd.DataFrame(rows)


def draw(
    scenario: Scenario, chosen: Mapping[str, Range], draws: int, seed: int, method: Method = DEFAULT_METHOD
) -> dict[str, np.ndarray]:
    """Per-draw values of every numeric assumption: drawn for those in ``chosen``, fixed otherwise."""
    return draw_values(scenario_values(scenario), chosen, load_ranges().correlations, draws, seed, method)


def _ranks(values: np.ndarray) -> np.ndarray:
    return rankdata(values, axis=0)


def drivers(values: Mapping[str, np.ndarray], npv: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Which drawn assumptions go with a low NPV: each one's rank (Spearman) correlation with NPV,
    and its mean percentile within its own draws among the worst ``TAIL_SHARE`` of draws (50% = no
    link with the lower tail). Sorted with the strongest link to the lower tail first."""
    if not names:
        return pd.DataFrame(columns=["rank", "name", "label", "rank_correlation_with_npv",
                                     "mean_percentile_in_worst_10pct"])
    x = np.column_stack([values[name] for name in names])
    x_ranks = _ranks(x)
    npv_ranks = rankdata(npv)
    n = len(npv)
    xc = x_ranks - x_ranks.mean(axis=0)
    yc = npv_ranks - npv_ranks.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (xc * yc[:, None]).sum(axis=0) / np.sqrt((xc**2).sum(axis=0) * (yc**2).sum())
    rho = np.nan_to_num(rho)
    worst = npv_ranks <= max(1, int(round(TAIL_SHARE * n)))
    tail_percentile = (x_ranks[worst] / n).mean(axis=0)
    frame = pd.DataFrame(
        {
            "name": names,
            "label": [SPECS[name].label for name in names],
            "rank_correlation_with_npv": rho,
            "mean_percentile_in_worst_10pct": tail_percentile,
        }
    )
    frame = frame.reindex(frame["rank_correlation_with_npv"].abs().sort_values(ascending=False, kind="stable").index)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class MonteCarlo:
    """What a Monte Carlo run found. Every table is tidy and its amounts are in USD bn."""

    draws: int
    seed: int
    method: Method
    ranges: pd.DataFrame  # name, label, unit, low, most_likely, high, distribution, reason, source...
    correlations: pd.DataFrame  # assumption_a, assumption_b, declared_correlation, correlation_used, reason
    not_drawn: pd.DataFrame  # name, label, why
    fan: pd.DataFrame  # year, p10/p50/p90/mean of Microsoft's cumulative position
    gap_probability: pd.DataFrame  # year, probability_funding_gap, mean_funding_gap_usd_bn
    percentiles: pd.DataFrame  # outcome, label, statistic, percentile, value_usd_bn
    histogram: pd.DataFrame  # outcome, bin_start_usd_bn, bin_end_usd_bn, draws, share_of_draws
    drivers: pd.DataFrame  # rank, name, label, rank_correlation_with_npv, mean_percentile_in_worst_10pct
    risk: pd.DataFrame  # measure, label, value, unit
    outcomes: dict[str, np.ndarray]  # outcome -> (draws,)
    reported_npv_usd_bn: float
    reported_stake_value_usd_bn: float

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "monte_carlo_ranges": self.ranges,
            "monte_carlo_correlations": self.correlations,
            "monte_carlo_fan": self.fan,
            "monte_carlo_gap_probability": self.gap_probability,
            "monte_carlo_percentiles": self.percentiles,
            "monte_carlo_histogram": self.histogram,
            "monte_carlo_drivers": self.drivers,
            "monte_carlo_risk": self.risk,
        }


def probability_npv_below_reported(mc: MonteCarlo, amount_usd_bn: float) -> float:
    """Share of draws whose NPV is below the reported terms' NPV by more than ``amount_usd_bn``."""
    return float((mc.outcomes["npv_usd_bn"] < mc.reported_npv_usd_bn - amount_usd_bn).mean())


def probability_stake_keeps_under_half(mc: MonteCarlo) -> float:
    """Share of draws whose stake (as counted) is worth less than half its value under the reported terms."""
    return float((mc.outcomes["stake_value_usd_bn"] < 0.5 * mc.reported_stake_value_usd_bn).mean())


def _reported(scenario: Scenario, facts: Facts, today: date) -> tuple[float, float]:
    """NPV and stake value under the reported terms (every assumption at its default)."""
    reported = Scenario()
    results = outcomes(simulate_scenarios(scenario_values(reported), reported, facts, today), facts)
    return float(results["npv_usd_bn"][0]), float(results["stake_value_usd_bn"][0])


def run_monte_carlo(
    scenario: Scenario,
    facts: Facts,
    today: date,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    chosen: Mapping[str, Range] | None = None,
    method: Method = DEFAULT_METHOD,
    bins: int = HISTOGRAM_BINS,
    npv_shortfall_usd_bn: float = DEFAULT_NPV_SHORTFALL_USD_BN,
) -> MonteCarlo:
    """``draws`` scenarios around ``scenario`` (ranges: ``chosen`` or the record's), all at once."""
    if not 1 <= draws <= MAX_DRAWS:
        raise RangeError(f"draws: {draws} is outside 1 to {MAX_DRAWS:,}")
    if method not in METHODS:
        raise RangeError(f"method: {method!r} is not one of {', '.join(METHODS)}")
    chosen = default_ranges(scenario) if chosen is None else dict(chosen)
    check_ranges(chosen)
    values = draw(scenario, chosen, draws, seed, method)
    sim = simulate_scenarios(values, scenario, facts, today)
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
            "p95_funding_gap_usd_bn": np.percentile(gap, 95, axis=0),
        }
    )[active].reset_index(drop=True)

    percentile_rows, histogram_rows = [], []
    for outcome, (label, _unit) in OUTCOMES.items():
        values_of = results[outcome]
        for p, v in zip(PERCENTILES, np.percentile(values_of, PERCENTILES), strict=True):
            percentile_rows.append(
                {"outcome": outcome, "label": label, "statistic": f"p{p}", "percentile": p, "value_usd_bn": float(v)}
            )
        percentile_rows.append(
            {
                "outcome": outcome,
                "label": label,
                "statistic": "mean",
                "percentile": None,
                "value_usd_bn": float(values_of.mean()),
            }
        )
        counts, edges = np.histogram(values_of, bins=bins)
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
    reported_npv, reported_stake = _reported(scenario, facts, today)
    held = not_drawn(chosen)
    result = MonteCarlo(
        draws=draws,
        seed=seed,
        method=method,
        ranges=ranges_frame(chosen),
        correlations=correlations_frame(chosen, method),
        not_drawn=pd.DataFrame(
            [{"name": name, "label": SPECS[name].label, "why": why} for name, why in held],
            columns=["name", "label", "why"],
        ),
        fan=fan,
        gap_probability=gap_probability,
        percentiles=percentiles,
        histogram=pd.concat(histogram_rows, ignore_index=True),
        drivers=drivers(values, results["npv_usd_bn"], [name for name in SPECS if name in chosen]),
        risk=pd.DataFrame(),
        outcomes=results,
        reported_npv_usd_bn=reported_npv,
        reported_stake_value_usd_bn=reported_stake,
    )
    return _with_risk(result, npv_shortfall_usd_bn)


def _with_risk(mc: MonteCarlo, npv_shortfall_usd_bn: float) -> MonteCarlo:
    gap_total = mc.outcomes["total_funding_gap_usd_bn"]
    rows = [
        ("reported_terms_npv", "NPV under the reported terms", mc.reported_npv_usd_bn, "USD bn"),
        ("npv_shortfall_amount", "Chosen shortfall below the reported terms' NPV", npv_shortfall_usd_bn, "USD bn"),
        ("probability_npv_below_reported", "P(NPV below the reported terms' NPV by more than the chosen amount)",
         probability_npv_below_reported(mc, npv_shortfall_usd_bn), "share of draws"),
        ("reported_terms_stake_value", "Stake value under the reported terms", mc.reported_stake_value_usd_bn,
         "USD bn"),
        ("probability_stake_keeps_under_half", "P(stake keeps less than half its reported-terms value)",
         probability_stake_keeps_under_half(mc), "share of draws"),
        ("probability_any_funding_gap", "P(OpenAI has a funding gap in some year)",
         float((gap_total > ROUNDING_USD_BN).mean()), "share of draws"),
        ("funding_gap_p95", "Funding gap, all years, P95", percentile_value(mc, "total_funding_gap_usd_bn", "p95"),
         "USD bn"),
        ("at_risk_azure_p95", "At-risk Azure revenue, P95",
         percentile_value(mc, "at_risk_azure_revenue_usd_bn", "p95"), "USD bn"),
    ]
    risk = pd.DataFrame(rows, columns=["measure", "label", "value", "unit"])
    return MonteCarlo(**{**mc.__dict__, "risk": risk})


def percentile_value(mc: MonteCarlo, outcome: str, statistic: str) -> float:
    frame = mc.percentiles
    return float(frame.loc[(frame["outcome"] == outcome) & (frame["statistic"] == statistic), "value_usd_bn"].iloc[0])


def risk_value(mc: MonteCarlo, measure: str) -> float:
    return float(mc.risk.loc[mc.risk["measure"] == measure, "value"].iloc[0])


def uncertain_without_range() -> list[str]:
    """Uncertain assumptions that data/ranges.yaml does not mention (never drawn): should be none."""
    records = load_ranges().by_name
    return [name for name in uncertain_names() if name not in records]
