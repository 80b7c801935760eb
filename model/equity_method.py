"""Microsoft's OpenAI result as it reaches Microsoft's income statement (equity method).

The rule, stated once (the Model check page and the README say it in words). Each quarter Microsoft
books

* its **share of OpenAI's result**: the stake it held that month times OpenAI's net income for the
  month, as OpenAI reports it (its non-cash remeasurement charges included, as ASC 323 takes the
  investee's net income). OpenAI's reported results are used where there are any; inside a
  reported period, a quarter that Microsoft reported on its own (no money booked in it, one stake
  all through) fixes that quarter's part, Microsoft's figure over its stake, and the rest of the
  period is spread evenly over the other months. That is how OpenAI's 2025 loss of about $39B takes
  the shape of Microsoft's quarters; it assumes Microsoft books OpenAI's result without a lag and
  at its plain share (before the recapitalization its interest was a profit share). Elsewhere the
  model's cash result is used.
* a **dilution gain** when OpenAI issues shares for other investors' money: Microsoft's share after
  the round times that money, because Microsoft's part of OpenAI's net assets grows by that much.
  OpenAI's own book equity before each round is taken as nil (its losses had used up what it
  raised before), so nothing is given up against the gain; for the 2026 round, after the 2025
  money, that makes the gain an upper bound. Microsoft's own money buys shares: it raises the
  carrying amount and is no gain. Money paid before the recapitalization that became equity only
  at it is booked then, in Q2 FY26: the $6.6B of October 2024 (reported as convertible notes; that
  they converted at the recapitalization is inferred) and SoftBank's $10B of April 2025. The 2026
  round's money is booked as it arrives: Amazon's $15B on 27 February, the rest of what came by
  31 March at the close, the rest in the June quarter. How much came by 31 March was not reported;
  the assumption ``round_2026_after_march_usd_bn`` is calibrated so that Q3 FY26 comes out at
  Microsoft's reported nil (:func:`model.analysis.calibration.calibrate_round_after_march`).
* nothing past a **carrying amount** of zero, less what Microsoft has still to fund of its
  commitment (ASC 323-10-35-20). The carrying amount is tracked from the most it can have been: all
  of Microsoft's equity-method investments together were carried at under $6B on 2025-06-30. It
  rises by what is booked and by Microsoft's money. A loss beyond it is not booked, and later income
  makes up for it before anything is booked again (ASC 323-10-35-22; here any later result,
  dilution gains included, makes it up). At each projected year end a carrying amount above the
  stake's value in the scenario is written down to it, an impairment (ASC 323-10-35-32 asks for a
  decline that is other than temporary; the model takes any such year end as one, the stricter
  reading): that is how a write-off of OpenAI's equity reaches the income statement.

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
from model.facts import Facts, FundingRound
from model.scenario import Scenario

ROUND_AFTER_MARCH_DATE = date(2026, 4, 1)  # the 2026 round's undated money: the June 2026 quarter
NINE_MONTHS = ("Q1 FY26", "Q2 FY26", "Q3 FY26")  # the 10-Q Q3 FY26 reports these together


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


def _first_month(day: date) -> int:
    return day.year * 12 + day.month - 1


def _microsoft_money(r: FundingRound, facts: Facts, scenario: Scenario) -> float:
    """What Microsoft itself put into a round: the scenario's part of the cash point's year's round,
    else its tranches outside the filed commitment dated in the round's month."""
    if to_date(r.date).year == facts.openai.cash_year:
        return scenario.msft_round_2026_usd_bn
    month = _first_month(to_date(r.date))
    return sum(t.amount_usd_bn or 0.0 for t in facts.tranches.tranches
               if not t.in_filed_commitment and _first_month(to_date(t.date)) == month)


def _receipts(facts: Facts, scenario: Scenario) -> list[tuple[date, float, float]]:
    """(date booked, other investors' money, Microsoft's share after the round) for each payment
    that reached OpenAI."""
    out = []
    recap = to_date(facts.recapitalization.date)
    for r in facts.openai.funding_rounds:
        closed = to_date(r.date)
        msft = _microsoft_money(r, facts, scenario)
        in_cash_year = closed.year == facts.openai.cash_year
        undated = min(r.undated_usd_bn, scenario.round_2026_after_march_usd_bn) if in_cash_year else 0.0
        # Microsoft's money of the cash point's year is paid with the round's undated money; an
        # earlier round's, in proportion to its dated payments.
        others = 1.0 if undated > 0 else max(1.0 - msft / r.raised_usd_bn, 0.0)
        for receipt in r.receipts:
            day = to_date(receipt.date)
            if r.converted_at_recapitalization and day < recap:
                day = recap  # the money became equity at the recapitalization: the gain is booked then
            out.append((day, receipt.usd_bn * others, stake_on(max(day, closed), facts, scenario)))
        if in_cash_year:
            # What the cash count of 31 March holds besides the dated payments comes at the close.
            out.append((closed, r.undated_usd_bn - undated, stake_on(closed, facts, scenario)))
        if undated > 0:
            out.append((ROUND_AFTER_MARCH_DATE, max(undated - msft, 0.0),
                        stake_on(ROUND_AFTER_MARCH_DATE, facts, scenario)))
    return out


def _pinned_months(facts: Facts, scenario: Scenario, receipts: list[tuple[date, float, float]]) -> dict[int, float]:
    """OpenAI's result by month for each quarter Microsoft reported on its own: Microsoft's figure
    over the stake it held, where no money was booked in the quarter and the stake held still."""
    pinned: dict[int, float] = {}
    for reported in facts.microsoft.equity_method:
        if reported.openai_pretax_usd_bn is None:
            continue
        quarter = fiscal_quarter(to_date(reported.quarter_end))
        if any(quarter.start <= day <= quarter.end for day, _, _ in receipts):
            continue
        stake = stake_on(quarter.start, facts, scenario)
        if stake != stake_on(quarter.end, facts, scenario):
            continue
        first = _first_month(quarter.start)
        pinned.update({m: reported.openai_pretax_usd_bn / stake / 3 for m in range(first, first + 3)})
    return pinned


def _monthly_result(facts: Facts, cash_result_by_year: dict[int, float],
                    pinned: dict[int, float]) -> dict[int, tuple[float, bool]]:
    """OpenAI's net income by month index: (amount, reported?). A reported period keeps its total;
    the months Microsoft's own quarters fix keep their part and the rest is spread evenly."""
    months: dict[int, tuple[float, bool]] = {}
    for year, amount in cash_result_by_year.items():
        for m in range(12):
            months[year * 12 + m] = (amount / 12.0, False)
    for result in facts.openai.net_income:
        first = month_index(result.start)
        span = range(first, first + result.months)
        fixed = {m: pinned[m] for m in span if m in pinned}
        if len(fixed) == result.months:
            fixed = {}  # Microsoft's quarters cover the whole period: OpenAI's own figure decides
        rest = (result.usd_bn - sum(fixed.values())) / (result.months - len(fixed))
        months.update({m: (fixed.get(m, rest), True) for m in span})
    return months


def modelled_quarter(quarter: Quarter, facts: Facts, scenario: Scenario,
                     months: dict[int, tuple[float, bool]], receipts: list[tuple[date, float, float]]) -> dict:
    """The model's figures for one fiscal quarter before the carrying amount's floor: loss share,
    dilution gain, and whether OpenAI's result for every month of it was reported. ``months`` and
    ``receipts`` are built once per table (:func:`_monthly_result`, :func:`_receipts`)."""
    share, reported = 0.0, True
    first = _first_month(quarter.start)
    for m in range(first, first + 3):
        amount, known = months.get(m, (np.nan, False))
        share += stake_on(date(m // 12, m % 12 + 1, 1), facts, scenario) * amount
        reported = reported and known
    gain = sum(money * stake for day, money, stake in receipts if quarter.start <= day <= quarter.end)
    return {"loss_share": share, "gain": gain, "pretax": share + gain, "openai_result_reported": reported}


def reported_quarter_modelled(period: str, facts: Facts, scenario: Scenario) -> float:
    """The model's pre-tax figure for a fiscal quarter in which OpenAI's result is reported (before
    any floor of the carrying amount): what the calibration of the round's timing solves on."""
    reported = next(q for q in facts.microsoft.equity_method if q.period == period)
    receipts = _receipts(facts, scenario)
    months = _monthly_result(facts, {}, _pinned_months(facts, scenario, receipts))
    return modelled_quarter(fiscal_quarter(to_date(reported.quarter_end)), facts, scenario, months, receipts)["pretax"]


def _microsoft_cash_in(facts: Facts, scenario: Scenario) -> tuple[list[tuple[date, float]], float]:
    """(dated payments Microsoft makes into OpenAI after the carrying amount's bound, what is still
    unfunded of the filed commitment at the bound). Funding before the first funded point after the
    bound is inside the bound already."""
    bound = to_date(facts.microsoft.equity_method_carrying_at_most.date)
    tranches = facts.tranches
    points = [(to_date(p.date), p.funded_usd_bn) for p in tranches.funded_points if to_date(p.date) > bound]
    payments = [(day, funded - before) for (_, before), (day, funded) in zip(points, points[1:], strict=False)]
    payments.append((date(scenario.unfunded_commitment_paid_by_year, 12, 31),
                     tranches.filed_commitment.total_usd_bn - points[-1][1]))
    payments.append((ROUND_AFTER_MARCH_DATE, scenario.msft_round_2026_usd_bn))
    return payments, tranches.filed_commitment.total_usd_bn - points[0][1]


def eps_effect(pretax_usd_bn: float, scenario: Scenario, facts: Facts) -> tuple[float, float]:
    """(net income in USD bn, EPS in USD) of a pre-tax OpenAI result at the scenario's tax rate."""
    net = pretax_usd_bn * (1.0 - scenario.msft_tax_rate)
    return net, net * 1e9 / facts.microsoft.shares_outstanding.count


class _Carrying:
    """The carrying amount of the OpenAI investment, period after period, with losses stopped at
    zero less the unfunded commitment and made up by later income before any is booked again."""

    def __init__(self, facts: Facts, scenario: Scenario):
        bound = facts.microsoft.equity_method_carrying_at_most
        self.start = to_date(bound.date)
        self.amount = bound.usd_bn
        self.payments, self.unfunded = _microsoft_cash_in(facts, scenario)
        self.suspended = 0.0  # losses not booked, still to be made up

    def book(self, start: date, end: date, pretax: float,
             fair_value: float = np.inf) -> tuple[float, float, float, float] | None:
        """(booked, not booked, impairment, carrying amount at ``end``) for a period's result; None
        for a period before the bound. A payment dated before ``start`` that no period took is taken
        here. A carrying amount above the stake's ``fair_value`` at ``end`` is written down to it."""
        if start <= self.start:
            return None
        paid = [amount for day, amount in self.payments if day <= end]
        self.payments = [(day, amount) for day, amount in self.payments if day > end]
        self.amount += sum(paid)
        self.unfunded = max(self.unfunded - sum(paid), 0.0)
        if pretax < 0:
            booked = max(pretax, -max(self.amount + self.unfunded, 0.0))
            self.suspended += booked - pretax
        else:
            made_up = min(pretax, self.suspended)
            self.suspended -= made_up
            booked = pretax - made_up
        self.amount += booked
        impairment = min(fair_value - self.amount, 0.0) if np.isfinite(fair_value) else 0.0
        self.amount += impairment
        return booked + impairment, pretax - booked, impairment, self.amount


def equity_method_table(facts: Facts, scenario: Scenario, years: np.ndarray, stake: np.ndarray,
                        net_income: np.ndarray, equity_raised: np.ndarray, openai_value: np.ndarray) -> pd.DataFrame:
    """Reported quarters beside the model's, then the model's calendar years after them, each year's
    carrying amount written down to the stake's value in the scenario where it falls below.

    ``stake``, ``net_income``, ``equity_raised`` and ``openai_value`` are one draw's yearly arrays
    from the simulation.
    """
    cash_result = {int(y): float(v) for y, v in zip(years, net_income, strict=True) if np.isfinite(v)}
    receipts = _receipts(facts, scenario)
    months = _monthly_result(facts, cash_result, _pinned_months(facts, scenario, receipts))
    carrying = _Carrying(facts, scenario)
    # Model the quarters for which OpenAI's result is reported, and the one after the last of them.
    first_result = min(to_date(r.start) for r in facts.openai.net_income)
    rows = []
    for q in facts.microsoft.equity_method:
        quarter = fiscal_quarter(to_date(q.quarter_end))
        modelled = None
        if quarter.start >= first_result:
            modelled = _floored(modelled_quarter(quarter, facts, scenario, months, receipts),
                                carrying, quarter.start, quarter.end)
        rows.append(_row(quarter.period, quarter.end.year, q.quarter_end, q, modelled, scenario, facts))
    last = max(to_date(q.quarter_end) for q in facts.microsoft.equity_method)
    for j, year in enumerate(years):
        if year <= last.year or not np.isfinite(net_income[j]):
            continue
        loss_share = float(stake[j] * net_income[j])
        gain = float(stake[j] * (equity_raised[j]))
        modelled = {"loss_share": loss_share, "gain": gain, "pretax": loss_share + gain,
                    "openai_result_reported": False}
        modelled = _floored(modelled, carrying, date(int(year), 1, 1), date(int(year), 12, 31),
                            float(stake[j] * openai_value[j]))
        rows.append(_row(f"CY{year}", int(year), f"{year}-12-31", None, modelled, scenario, facts))
    return pd.DataFrame(rows)


def _floored(modelled: dict, carrying: _Carrying, start: date, end: date, fair_value: float = np.inf) -> dict:
    """A period's figures once the carrying amount's floor and any write-down have been applied."""
    booked = carrying.book(start, end, modelled["pretax"], fair_value)
    if booked is None:
        return {**modelled, "not_booked": None, "impairment": None, "carrying": None}
    pretax, not_booked, impairment, amount = booked
    return {**modelled, "pretax": pretax, "not_booked": not_booked, "impairment": impairment, "carrying": amount}


def nine_months(table: pd.DataFrame, facts: Facts) -> tuple[float, float]:
    """(modelled, reported) pre-tax result for the nine months to 2026-03-31: the three quarters of
    :func:`equity_method_table` added up, beside the one figure the 10-Q Q3 FY26 gives them (kept out
    of the table, whose rows add up)."""
    quarters = table.set_index("period").loc[list(NINE_MONTHS)]
    reported = facts.microsoft.equity_method_nine_months.openai_pretax_usd_bn
    return float(quarters["modelled_pretax_usd_bn"].sum()), reported


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
        "calendar_year": year,
        "quarter_end": end,
        "status": status,
        "reported_pretax_usd_bn": reported.openai_pretax_usd_bn if has_reported else None,
        "modelled_pretax_usd_bn": None if modelled is None else modelled["pretax"],
        "modelled_loss_share_usd_bn": None if modelled is None else modelled["loss_share"],
        "modelled_dilution_gain_usd_bn": None if modelled is None else modelled["gain"],
        "modelled_loss_not_booked_usd_bn": None if modelled is None else modelled["not_booked"],
        "modelled_impairment_usd_bn": None if modelled is None else modelled["impairment"],
        "modelled_carrying_amount_usd_bn": None if modelled is None else modelled["carrying"],
        "modelled_net_income_usd_bn": net,
        "modelled_eps_usd": eps,
        "reported_net_income_usd_bn": reported.net_income_usd_bn if reported is not None else None,
        "reported_eps_usd": reported.eps_usd if reported is not None else None,
        "source": basis,
    }
