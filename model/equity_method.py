"""Microsoft's OpenAI result as it reaches Microsoft's income statement (equity method).

The rule, stated once: each quarter Microsoft books

* its **share of OpenAI's result**: the stake it held that month times OpenAI's net income for
  the month, month by month. OpenAI's reported accounting results are used where there are any
  (a year spread evenly over its months); elsewhere the model's cash result; and
* a **dilution gain** each time new money reaches OpenAI: Microsoft's share after the round times
  the money, because Microsoft's part of OpenAI's net assets grows by that much. Money paid before
  the recapitalization that converted only at it (SoftBank's April 2025 $10B) is booked at the
  recapitalization, in Q2 FY26. OpenAI's own book
  equity before each round is taken as nil (its losses have used up what it raised before), so
  nothing is given up against the gain.

Microsoft's stake is 32.5% of the for-profit before the recapitalization, the scenario's stake
after it, diluted by each later round from its closing date. Pre-tax amounts in USD billions;
EPS in USD. The fiscal year ends 30 June: Q1 FY26 is July to September 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from model.datafiles import month_index, to_date
from model.facts import Facts
from model.scenario import Scenario

ROUND_AFTER_MARCH_DATE = date(2026, 4, 1)  # the 2026 round's undated money: the June 2026 quarter


@dataclass(frozen=True)
class Quarter:
    period: str   # "Q1 FY26"
    start: date   # first day
    end: date     # last day


def fiscal_quarter(end: date) -> Quarter:
    """Microsoft's fiscal quarter that ends on ``end`` (fiscal year to 30 June)."""
    fiscal_year = end.year + (1 if end.month > 6 else 0)
    number = ((end.month - 7) % 12) // 3 + 1
    first_month = end.month - 2
    return Quarter(f"Q{number} FY{fiscal_year % 100:02d}", date(end.year, first_month, 1), end)


def stake_on(day: date, facts: Facts, scenario: Scenario) -> float:
    """Microsoft's share of OpenAI on ``day``: before the recap, at it, after each later round."""
    recap = facts.recapitalization
    if day < to_date(recap.date):
        return recap.prior_msft_share_of_for_profit
    stake = scenario.msft_stake
    for r in facts.openai.funding_rounds:
        closed = to_date(r.date)
        if to_date(recap.date) < closed <= day:
            # As the simulation: contingent shares only with their money; Microsoft's own part bought
            # at the round's price (the cash point's year's round).
            stake *= 1.0 - r.issued_share_paid
            if closed.year == facts.openai.cash_year:
                stake += scenario.msft_round_2026_usd_bn / (r.post_money_usd_bn - r.contingent_usd_bn)
    return stake


def _monthly_result(facts: Facts, cash_result_by_year: dict[int, float]) -> dict[int, tuple[float, bool]]:
    """OpenAI's net income by month index: (amount, reported?). Reported periods first."""
    months: dict[int, tuple[float, bool]] = {}
    for year, amount in cash_result_by_year.items():
        for m in range(12):
            months[year * 12 + m] = (amount / 12.0, False)
    for result in facts.openai.net_income:
        first = month_index(result.start)
        for m in range(result.months):
            months[first + m] = (result.usd_bn / result.months, True)
    return months


def _receipts(facts: Facts, scenario: Scenario) -> list[tuple[date, float, float]]:
    """(date booked, money, Microsoft's share after the round) for each payment that reached OpenAI."""
    out = []
    for r in facts.openai.funding_rounds:
        closed = to_date(r.date)
        recap = to_date(facts.recapitalization.date)
        for receipt in r.receipts:
            day = to_date(receipt.date)
            if r.converted_at_recapitalization and day < recap:
                day = recap  # the money became equity at the recapitalization: the gain is booked then
            out.append((day, receipt.usd_bn, stake_on(max(day, closed), facts, scenario)))
        if r.undated_usd_bn > 0 and closed.year == facts.openai.cash_year:
            amount = min(r.undated_usd_bn, scenario.round_2026_after_march_usd_bn)
            out.append((ROUND_AFTER_MARCH_DATE, amount, stake_on(ROUND_AFTER_MARCH_DATE, facts, scenario)))
    return out


def modelled_quarter(quarter: Quarter, facts: Facts, scenario: Scenario,
                     months: dict[int, tuple[float, bool]], receipts: list[tuple[date, float, float]]) -> dict:
    """The model's figures for one fiscal quarter: loss share, dilution gain, and whether OpenAI's
    result for every month of it was reported. ``months`` and ``receipts`` are built once per table
    (:func:`_monthly_result`, :func:`_receipts`)."""
    share, reported = 0.0, True
    first = quarter.start.year * 12 + quarter.start.month - 1
    for m in range(first, first + 3):
        amount, known = months.get(m, (np.nan, False))
        share += stake_on(date(m // 12, m % 12 + 1, 1), facts, scenario) * amount
        reported = reported and known
    gain = sum(money * stake for day, money, stake in receipts if quarter.start <= day <= quarter.end)
    return {"loss_share": share, "gain": gain, "pretax": share + gain, "openai_result_reported": reported}


def eps_effect(pretax_usd_bn: float, scenario: Scenario, facts: Facts) -> tuple[float, float]:
    """(net income in USD bn, EPS in USD) of a pre-tax OpenAI result at the scenario's tax rate."""
    net = pretax_usd_bn * (1.0 - scenario.msft_tax_rate)
    return net, net * 1e9 / facts.microsoft.shares_outstanding.count


def equity_method_table(facts: Facts, scenario: Scenario, years: np.ndarray, stake: np.ndarray,
                        net_income: np.ndarray, equity_raised: np.ndarray) -> pd.DataFrame:
    """Reported quarters beside the model's, then the model's calendar years after them.

    ``stake``, ``net_income`` and ``equity_raised`` are one draw's yearly arrays from the simulation.
    """
    cash_result = {int(y): float(v) for y, v in zip(years, net_income, strict=True) if np.isfinite(v)}
    months, receipts = _monthly_result(facts, cash_result), _receipts(facts, scenario)
    reported_quarters = {q.period: q for q in facts.microsoft.equity_method}
    # Model the quarters for which OpenAI's result is reported, and the one after the last of them.
    first_result = min(to_date(r.start) for r in facts.openai.net_income)
    rows = []
    for q in facts.microsoft.equity_method:
        quarter = fiscal_quarter(to_date(q.quarter_end))
        modelled = None
        if quarter.start >= first_result:
            modelled = modelled_quarter(quarter, facts, scenario, months, receipts)
        rows.append(_row(quarter.period, quarter.end.year, q.quarter_end, q, modelled, scenario, facts))
    last = max(to_date(q.quarter_end) for q in reported_quarters.values())
    for j, year in enumerate(years):
        if year <= last.year or not np.isfinite(net_income[j]):
            continue
        loss_share = float(stake[j] * net_income[j])
        gain = float(stake[j] * (equity_raised[j]))
        modelled = {"loss_share": loss_share, "gain": gain, "pretax": loss_share + gain,
                    "openai_result_reported": False}
        rows.append(_row(f"CY{year}", int(year), f"{year}-12-31", None, modelled, scenario, facts))
    return pd.DataFrame(rows)


def _row(period, year, end, reported, modelled, scenario, facts) -> dict:
    net = eps = None
    if modelled is not None:
        net, eps = eps_effect(modelled["pretax"], scenario, facts)
    has_reported = reported is not None and reported.openai_pretax_usd_bn is not None
    if reported is None:
        status, basis = "projected", "model: stake x OpenAI's cash result, plus stake x money raised"
    elif has_reported:
        status = "reported (derived)" if reported.derived else "reported"
        basis = reported.source
    else:
        status, basis = "not reported", reported.note or reported.source
    if modelled is not None and reported is not None:
        basis += ("; model: OpenAI's reported result" if modelled["openai_result_reported"]
                  else "; model: OpenAI's cash result where no result was reported")
    return {
        "period": period,
        "year": year,
        "quarter_end": end,
        "status": status,
        "reported_pretax_usd_bn": reported.openai_pretax_usd_bn if has_reported else None,
        "modelled_pretax_usd_bn": None if modelled is None else modelled["pretax"],
        "modelled_loss_share_usd_bn": None if modelled is None else modelled["loss_share"],
        "modelled_dilution_gain_usd_bn": None if modelled is None else modelled["gain"],
        "modelled_net_income_usd_bn": net,
        "modelled_eps_usd": eps,
        "reported_net_income_usd_bn": reported.net_income_usd_bn if reported is not None else None,
        "reported_eps_usd": reported.eps_usd if reported is not None else None,
        "source": basis,
    }
