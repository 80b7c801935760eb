"""Scenarios side by side, in the layout of Excel's Scenario Summary.

One column per scenario (the presets and the current one), rows for the assumptions that differ
between them (Excel's "changing cells") and rows for the headline results, and each scenario's
variance against the base: as an amount (scenario - base, in the row's unit) or as a percentage
((scenario - base) / |base|). A percentage is left empty where it has no meaning: a base of zero,
a missing value, a calendar year, or a choice such as the shortfall rule.

:func:`compare` returns the tidy long form (one record per scenario and row, for CSV and the
workbook); :func:`wide` turns it into the display layout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import pandas as pd

from model.engine import Result, run
from model.facts import Facts
from model.presets import Preset, load_presets
from model.scenario import SPECS, Scenario

BASE = "base"
CURRENT = "current"
CURRENT_TITLE = "Current"
# Results that are the same in every scenario (the price, the market value) say nothing here.
SKIPPED_RESULTS = ("msft_price_usd", "msft_market_value_usd_bn", "msft_shares_outstanding")
VARIANCE_MODES = ("amount", "percentage")


@dataclass(frozen=True)
class Column:
    """One scenario column: its key, the heading shown, and the scenario."""

    key: str
    title: str
    scenario: Scenario


def preset_columns(current: Scenario | None = None, presets: Mapping[str, Preset] | None = None) -> list[Column]:
    """The presets in file order (the base first), then the current scenario if given."""
    presets = load_presets() if presets is None else presets
    columns = [Column(p.name, p.title, p.scenario) for p in presets.values()]
    columns.sort(key=lambda c: c.key != BASE)
    if current is not None:
        columns.append(Column(CURRENT, CURRENT_TITLE, current))
    return columns


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, (str, Enum, bool)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _variances(value: Any, base: Any, unit: str) -> tuple[float | None, float | None]:
    v, b = _number(value), _number(base)
    if v is None or b is None:
        return None, None
    amount = v - b
    percentage = None if (b == 0 or unit == "year") else amount / abs(b)
    return amount, percentage


def changing_cells(scenarios: Sequence[Scenario]) -> list[str]:
    """The assumptions that differ between any of ``scenarios``, in declaration order."""
    return [name for name in SPECS if len({_plain(getattr(s, name)) for s in scenarios}) > 1]


def compare(
    columns: Sequence[Column],
    facts: Facts,
    today: date,
    msft_price_usd: float | None = None,
    *,
    all_assumptions: bool = False,
    results: dict[str, Result] | None = None,
) -> pd.DataFrame:
    """The comparison, tidy: one row per (row of the summary, scenario).

    Columns: section ("assumption" or "result"), name, label, unit, scenario, scenario_title,
    is_base, value, base_value, variance, variance_relative. The first column is the base.
    ``results`` may carry runs already made, keyed by column key.
    """
    if not columns:
        raise ValueError("nothing to compare: no scenarios")
    results = dict(results or {})
    for column in columns:
        if column.key not in results:
            results[column.key] = run(column.scenario, facts, today=today, msft_price_usd=msft_price_usd)
    base = columns[0]
    names = list(SPECS) if all_assumptions else changing_cells([c.scenario for c in columns])

    rows = []

    def add(section: str, name: str, label: str, unit: str, per_column: dict[str, Any]) -> None:
        base_value = per_column[base.key]
        for column in columns:
            value = per_column[column.key]
            amount, percentage = _variances(value, base_value, unit)
            rows.append(
                {
                    "section": section,
                    "name": name,
                    "label": label,
                    "unit": unit,
                    "scenario": column.key,
                    "scenario_title": column.title,
                    "is_base": column is base,
                    "value": value,
                    "base_value": base_value,
                    "variance": amount,
                    "variance_relative": percentage,
                }
            )

    for name in names:
        spec = SPECS[name]
        add("assumption", name, spec.label, spec.unit, {c.key: _plain(getattr(c.scenario, name)) for c in columns})
    summary = {key: result.tables["summary"].set_index("metric") for key, result in results.items()}
    for metric, record in summary[base.key].iterrows():
        if metric in SKIPPED_RESULTS:
            continue
        per_column = {c.key: _number(summary[c.key].at[metric, "value"]) for c in columns}
        add("result", str(metric), str(record["label"]), str(record["unit"]), per_column)
    return pd.DataFrame(rows, dtype=object).astype({"is_base": bool, "variance": float, "variance_relative": float})


def wide(long: pd.DataFrame, variance: str | None = "amount") -> pd.DataFrame:
    """The display layout: one row per assumption or result, a value column per scenario, then a
    "vs base" column per other scenario with the variance as an amount or a percentage (held as a
    fraction, 0.2 = 20%, for the page to format).
    """
    if variance is not None and variance not in VARIANCE_MODES:
        raise ValueError(f"variance must be one of {', '.join(VARIANCE_MODES)} or None")
    keys = ["section", "name", "label", "unit"]
    order = long.drop_duplicates("scenario")[["scenario", "scenario_title", "is_base"]]
    values = long.pivot(index=keys, columns="scenario", values="value")
    out = pd.DataFrame(index=values.index)
    for record in order.itertuples():
        out[record.scenario_title] = values[record.scenario]
    if variance is not None:
        field = "variance" if variance == "amount" else "variance_relative"
        changes = long.pivot(index=keys, columns="scenario", values=field)
        suffix = "vs base" if variance == "amount" else "vs base (%)"
        for record in order.itertuples():
            if not record.is_base:
                out[f"{record.scenario_title} {suffix}"] = changes[record.scenario].astype(float)
    row_order = long.drop_duplicates(["section", "name"])[keys]
    out = out.reindex(pd.MultiIndex.from_frame(row_order)).reset_index()
    return out
