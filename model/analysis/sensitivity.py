"""Sensitivity: how far each uncertain assumption moves a headline result (a tornado), and two-way
tables of a result over a grid of two assumptions (Excel's data tables).

The ranges: the same declaration as Monte Carlo
-----------------------------------------------
The tornado moves each assumption to the low and high ends of its range in data/ranges.yaml
(:mod:`model.analysis.ranges`), around the sidebar's value, so the tornado and the Monte Carlo
agree about what matters. Reported terms (``fixed`` there) are left out unless asked for, as Monte
Carlo holds them; an assumption with no record is not moved (a test keeps that list empty).

The two-way table spreads its points over the same ranges. For an assumption without a record it
falls back to the old rule (:func:`default_range`): ``relative`` (20%) of the current value either
way, of the declared span for a zero or a calendar year, whole steps for whole numbers, clipped to
the field's bounds.

Every variant is evaluated in one vectorised :func:`model.simulate.simulate` call: one draw per
variant (plus one for the current scenario), never a loop of runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from model.analysis.ranges import load_ranges, scenario_range, uncertain_names
from model.facts import Facts
from model.scenario import SPECS, FieldSpec, Scenario
from model.simulate import Simulation, scenario_values, simulate, structure

DEFAULT_RELATIVE = 0.2

# The results a tornado or a grid can show: name -> (label, unit). Each is one number per draw.
OUTCOMES = {
    "npv_usd_bn": ("NPV of Microsoft's flows", "USD bn"),
    "at_risk_azure_revenue_usd_bn": ("At-risk Azure revenue", "USD bn"),
    "stake_value_usd_bn": ("Stake value as counted", "USD bn"),
    "total_funding_gap_usd_bn": ("OpenAI funding gap, all years", "USD bn"),
}


__all__ = ["uncertain_names"]


def outcomes(sim: Simulation, facts: Facts) -> dict[str, np.ndarray]:
    """Each outcome of :data:`OUTCOMES` for every draw of ``sim``, the way ``run()`` computes it."""
    return {
        "npv_usd_bn": sim.npv,
        "at_risk_azure_revenue_usd_bn": sim.at_risk_azure_revenue,
        "stake_value_usd_bn": sim.stake_value,
        "total_funding_gap_usd_bn": sim.funding_gap.sum(axis=1),
    }


def simulate_scenarios(values: dict[str, np.ndarray], scenario: Scenario, facts: Facts, today: date) -> Simulation:
    """``simulate`` on per-draw ``values``, with the scenario's structural choices (horizon, rule)."""
    return simulate(values, facts, today=today, **structure(scenario))


# -- ranges ----------------------------------------------------------------------------------------


def _is_calendar_year(spec: FieldSpec) -> bool:
    return spec.kind == "year"


def default_range(spec: FieldSpec, value: float, relative: float = DEFAULT_RELATIVE) -> tuple[float, float]:
    """(low, high) around ``value`` by the rule in the module docstring.

    >>> default_range(SPECS["discount_rate"], 0.09)
    (0.072, 0.108)
    >>> default_range(SPECS["revenue_share_end_year"], 2030)   # span 14 years: 2.8 -> 3
    (2027, 2033)
    >>> default_range(SPECS["nvidia_loi_share"], 0.0)          # zero: 20% of the 0..1 span
    (0.0, 0.2)
    """
    span = spec.high - spec.low
    if _is_calendar_year(spec) or value == 0:
        delta = relative * span
    else:
        delta = relative * abs(value)
    if spec.value_type == "int":
        step = spec.step or 1
        delta = max(step, step * round(delta / step)) if relative > 0 else 0
        low, high = max(spec.low, value - delta), min(spec.high, value + delta)
        return int(round(low)), int(round(high))
    low, high = max(spec.low, value - delta), min(spec.high, value + delta)
    # Rounded to well below any step, so 0.09 * 0.8 prints as 0.072 rather than 0.07200000000000001.
    return round(low, 10), round(high, 10)


def ranges(scenario: Scenario, width: float = 1.0, *, include_fixed: bool = False) -> pd.DataFrame:
    """Each assumption the tornado moves: its current value and the low and high ends of its range
    in data/ranges.yaml (reported terms only with ``include_fixed``), with the range's reason."""
    rows = []
    for record in load_ranges().ranges:
        if record.fixed and not include_fixed:
            continue
        spec = SPECS[record.name]
        r = scenario_range(record, scenario, width)
        value = getattr(scenario, record.name)
        rows.append({"name": record.name, "label": spec.label, "unit": spec.unit, "low": r.low, "value": value,
                     "high": r.high, "reported_term": record.fixed, "basis": record.basis, "reason": record.reason,
                     "source": record.source})
    order = {name: i for i, name in enumerate(SPECS)}
    rows.sort(key=lambda row: order[row["name"]])
    return pd.DataFrame(rows)


# -- tornado ---------------------------------------------------------------------------------------


def tornado(
    scenario: Scenario, facts: Facts, today: date, width: float = 1.0, *, include_fixed: bool = False
) -> pd.DataFrame:
    """One row per (outcome, assumption): the outcome at the low and high ends, sorted by swing.

    Columns: outcome, outcome_label, unit, name, label, assumption_unit, low, value, high,
    reported_term, basis, reason, source, outcome_at_low, outcome_now, outcome_at_high,
    change_at_low, change_at_high, swing (the absolute difference between the outcome at the two
    ends), rank (1 = widest swing).
    """
    table = ranges(scenario, width, include_fixed=include_fixed)
    names = list(table["name"])
    base = scenario_values(scenario)
    k = len(names)
    # Draw 0 is the scenario itself; draws 1..k move one assumption low, k+1..2k high.
    values = {name: np.repeat(array, 1 + 2 * k) for name, array in base.items()}
    for i, name in enumerate(names):
        values[name][1 + i] = table["low"].iloc[i]
        values[name][1 + k + i] = table["high"].iloc[i]
    results = outcomes(simulate_scenarios(values, scenario, facts, today), facts)
    frames = []
    for outcome, (outcome_label, unit) in OUTCOMES.items():
        result = results[outcome]
        frame = table.rename(columns={"unit": "assumption_unit"})
        frame.insert(0, "outcome", outcome)
        frame.insert(1, "outcome_label", outcome_label)
        frame.insert(2, "unit", unit)
        frame["outcome_at_low"] = result[1 : 1 + k]
        frame["outcome_now"] = result[0]
        frame["outcome_at_high"] = result[1 + k :]
        frame["change_at_low"] = frame["outcome_at_low"] - frame["outcome_now"]
        frame["change_at_high"] = frame["outcome_at_high"] - frame["outcome_now"]
        frame["swing"] = (frame["outcome_at_high"] - frame["outcome_at_low"]).abs()
        frame = frame.sort_values("swing", ascending=False, kind="stable", ignore_index=True)
        frame["rank"] = np.arange(1, k + 1)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# -- two-way grid ----------------------------------------------------------------------------------


def grid_values(spec: FieldSpec, value: float, points: int = 5, relative: float = DEFAULT_RELATIVE,
                scenario: Scenario | None = None) -> list[float]:
    """``points`` values evenly over the assumption's range in data/ranges.yaml around ``scenario``
    (the ±``relative`` rule for one without a record); whole numbers for whole-number fields."""
    record = load_ranges().by_name.get(spec.name)
    if record is not None:
        r = scenario_range(record, scenario if scenario is not None else Scenario(**{spec.name: value}))
        low, high = r.low, r.high
    else:
        low, high = default_range(spec, value, relative)
    if spec.value_type == "int":
        return sorted({int(round(v)) for v in np.linspace(low, high, points)})
    return sorted({round(float(v), 10) for v in np.linspace(low, high, points)})


@dataclass(frozen=True)
class Grid:
    """A two-way table: ``long`` one record per cell, ``wide`` rows by columns for display."""

    row_name: str
    column_name: str
    outcome: str
    long: pd.DataFrame
    wide: pd.DataFrame


def two_way(
    scenario: Scenario,
    facts: Facts,
    today: date,
    row_name: str,
    column_name: str,
    *,
    outcome: str = "npv_usd_bn",
    row_values: list[float] | None = None,
    column_values: list[float] | None = None,
    points: int = 5,
) -> Grid:
    """``outcome`` for every pair of values of two assumptions, in one vectorised call."""
    for name in (row_name, column_name):
        if name not in SPECS or SPECS[name].value_type == "choice":
            raise ValueError(f"{name!r} is not a numeric assumption; allowed: {', '.join(uncertain_names())}")
    if row_name == column_name:
        raise ValueError("a two-way table needs two different assumptions")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; allowed: {', '.join(OUTCOMES)}")
    rows = row_values or grid_values(SPECS[row_name], getattr(scenario, row_name), points, scenario=scenario)
    columns = column_values or grid_values(SPECS[column_name], getattr(scenario, column_name), points,
                                           scenario=scenario)
    for name, chosen in ((row_name, rows), (column_name, columns)):
        spec = SPECS[name]
        bad = [v for v in chosen if not (math.isfinite(v) and spec.low <= v <= spec.high)]
        if bad:
            raise ValueError(f"{name}={bad[0]!r} is outside its range {spec.describe_range()}")
    row_grid, column_grid = np.meshgrid(np.asarray(rows, float), np.asarray(columns, float), indexing="ij")
    n = row_grid.size
    values = {name: np.repeat(array, n) for name, array in scenario_values(scenario).items()}
    values[row_name] = row_grid.ravel()
    values[column_name] = column_grid.ravel()
    result = outcomes(simulate_scenarios(values, scenario, facts, today), facts)[outcome]
    long = pd.DataFrame(
        {
            "outcome": outcome,
            "row_name": row_name,
            "row_value": row_grid.ravel(),
            "column_name": column_name,
            "column_value": column_grid.ravel(),
            "value_usd_bn": result,
        }
    )
    if SPECS[row_name].value_type == "int":
        long["row_value"] = long["row_value"].astype(int)
    if SPECS[column_name].value_type == "int":
        long["column_value"] = long["column_value"].astype(int)
    wide = long.pivot(index="row_value", columns="column_value", values="value_usd_bn")
    wide.index.name = row_name
    wide.columns.name = column_name
    return Grid(row_name, column_name, outcome, long, wide)
