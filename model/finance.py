"""Spreadsheet-style finance functions on annual cash flows.

Sign convention (the whole model's): from Microsoft's point of view, money in is positive and
money out negative. ``flows[0]`` falls in the first year; each later element one year later.
The functions accept a leading axis of draws: ``flows`` of shape (years,) or (draws, years).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def npv(rate: float | np.ndarray, flows: np.ndarray, *, base_offset: int = 0) -> np.ndarray | float:
    """Net present value in the money of year ``base_offset`` (0 = the first flow's year).

    NPV = sum_t flows[t] / (1 + rate) ** (t - base_offset). Flows before the base year are
    carried forward at the same rate. With ``base_offset=0`` this is numpy-financial's ``npv``.

    >>> round(npv(0.10, np.array([-100.0, 60.0, 60.0])), 4)
    4.1322
    >>> npv(0.0, np.array([-100.0, 60.0, 60.0]))
    20.0
    """
    flows = np.asarray(flows, dtype=float)
    rate = np.asarray(rate, dtype=float)
    t = np.arange(flows.shape[-1]) - base_offset
    if flows.ndim > 1:
        rate = rate.reshape(-1, 1)
    result = (flows / (1.0 + rate) ** t).sum(axis=-1)
    return float(result) if result.ndim == 0 else result


def irr(flows: np.ndarray, *, low: float = -0.99, high: float = 10.0) -> float | None:
    """Internal rate of return of one flow series: the rate at which NPV is zero.

    Scans for the first sign change of NPV from ``low`` upward, then bisects. None when NPV never
    changes sign (all flows of one sign, say), as a spreadsheet's IRR would give #NUM!.

    >>> round(irr(np.array([-100.0, 60.0, 60.0])), 6)
    0.130662
    >>> irr(np.array([100.0, 10.0])) is None
    True
    """
    flows = np.asarray(flows, dtype=float)
    if not (flows > 0).any() or not (flows < 0).any():
        return None
    grid = np.concatenate([np.linspace(low, 1.0, 400), np.linspace(1.0, high, 200)[1:]])
    t = np.arange(flows.size)
    values = (flows / (1.0 + grid[:, None]) ** t).sum(axis=1)
    change = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0)[0]
    if change.size == 0:
        return None
    a, b = grid[change[0]], grid[change[0] + 1]
    fa = npv(a, flows)
    for _ in range(60):
        mid = (a + b) / 2
        fm = npv(mid, flows)
        if fa * fm <= 0:
            b = mid
        else:
            a, fa = mid, fm
        if b - a < 1e-12:
            break
    return float((a + b) / 2)


def moic(flows: np.ndarray) -> np.ndarray | float | None:
    """Multiple on invested capital: money in divided by money out (undiscounted).

    >>> moic(np.array([-100.0, 60.0, 60.0]))
    1.2
    """
    flows = np.asarray(flows, dtype=float)
    money_in = np.where(flows > 0, flows, 0.0).sum(axis=-1)
    money_out = -np.where(flows < 0, flows, 0.0).sum(axis=-1)
    if flows.ndim == 1:
        return None if money_out == 0 else float(money_in / money_out)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(money_out > 0, money_in / money_out, np.nan)


def break_even_index(flows: np.ndarray) -> int | None:
    """Index of the first year at which cumulative flows, once negative, are back at zero or above.

    >>> break_even_index(np.array([-100.0, 60.0, 60.0]))
    2
    >>> break_even_index(np.array([-100.0, 60.0])) is None
    True
    """
    cumulative = np.cumsum(np.asarray(flows, dtype=float))
    negative = np.nonzero(cumulative < 0)[0]
    if negative.size == 0:
        return None
    after = np.nonzero(cumulative[negative[0]:] >= 0)[0]
    return None if after.size == 0 else int(negative[0] + after[0])


def hhi(amounts: np.ndarray) -> float:
    """Herfindahl-Hirschman index of concentration, 0 to 10,000 (shares in percent, squared).

    >>> hhi(np.array([50.0, 50.0]))
    5000.0
    >>> hhi(np.array([1.0, 0.0]))
    10000.0
    """
    amounts = np.asarray(amounts, dtype=float)
    total = amounts.sum()
    if total <= 0:
        return float("nan")
    return float((((amounts / total) * 100.0) ** 2).sum())


def equity_value_by_year(free_cash_flow: np.ndarray, horizon_value: np.ndarray, cash: np.ndarray,
                         rate: float | np.ndarray) -> np.ndarray:
    """Equity value at the end of each year: its cash, plus the later years' free cash flows to
    equity and the horizon value, discounted at the cost of equity ``rate`` (flows at year ends).

    E[t] = cash[t] + sum_{j>t} fcf[j] / (1 + r) ** (j - t) + horizon_value / (1 + r) ** (H - t),
    H the last year. Worked backward: E[H] = cash[H] + horizon_value and
    E[t] = cash[t] + (E[t+1] - cash[t+1] + fcf[t+1]) / (1 + r). Shapes (draws, years) or (years,);
    ``horizon_value`` one per draw. Not floored at zero: the caller decides what a negative means.
    By hand for the example: E[2] = 8 + 100; E[1] = 0 + (100 + 20) / 1.1 = 109.09;
    E[0] = 5 + (109.09 - 10) / 1.1 = 95.08.

    >>> equity_value_by_year(np.array([0.0, -10.0, 20.0]), np.array(100.0), np.array([5.0, 0.0, 8.0]), 0.10)
    array([ 95.08264463, 109.09090909, 108.        ])
    """
    fcf = np.atleast_2d(np.asarray(free_cash_flow, dtype=float))
    cash = np.atleast_2d(np.asarray(cash, dtype=float))
    growth = 1.0 + np.asarray(rate, dtype=float).reshape(-1, 1)[:, 0]
    beyond = np.asarray(horizon_value, dtype=float).reshape(-1) * np.ones(fcf.shape[0])
    value = np.zeros_like(fcf)
    value[:, -1] = cash[:, -1] + beyond
    for t in range(fcf.shape[1] - 2, -1, -1):
        beyond = (beyond + fcf[:, t + 1]) / growth
        value[:, t] = cash[:, t] + beyond
    return value[0] if np.ndim(free_cash_flow) == 1 else value


def solve_rate(value_at: Callable[[float], float], target: float, *, low: float = 0.0,
               high: float = 1.0) -> float:
    """The rate at which ``value_at(rate)`` equals ``target``, by bisection; ``value_at`` must fall
    as the rate rises (a present value does). Used to calibrate a cost of equity to a price paid.

    >>> round(solve_rate(lambda r: 110.0 / (1 + r), 100.0), 6)
    0.1
    """
    if not value_at(low) >= target >= value_at(high):
        raise ValueError(f"no rate between {low:g} and {high:g} gives {target:g}")
    for _ in range(100):
        mid = (low + high) / 2
        if value_at(mid) > target:
            low = mid
        else:
            high = mid
    return (low + high) / 2
