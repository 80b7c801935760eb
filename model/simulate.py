"""The cash-flow arithmetic, over many scenarios at once.

Every assumption arrives as an array with one value per draw; every result is an array shaped
(draws, years) or (draws, years, counterparties). :func:`model.engine.run` calls this with one
draw and turns the arrays into tables; Monte Carlo calls it with thousands. There is one engine.

Sign convention: from Microsoft's point of view, money in is positive. Amounts in USD billions.
OpenAI-side quantities (revenue, costs, commitments, burn, funding gap) are stated from OpenAI's
side and are positive amounts.

One concept, one module: the five steps below are one pass over the same arrays, each using the
last, and the order in which the money moves is the model; what is owed and when (the contracts'
schedules, the revenue path) lives in :mod:`model.schedules`.

The rules, in the order the money moves (README, "Where the numbers come from", says the same);
each is one step of :func:`simulate`:

1. **OpenAI's business** (:func:`openai_business`): revenue (actuals, then the plan, x
   ``openai_revenue_vs_plan`` from 2027), what it owes as contracts reach its cash
   (:mod:`model.schedules`), renewals that keep compute at ``compute_floor_share`` of revenue once
   contracts run out (uncommitted: the first thing cut), its other costs and the revenue share.
2. **Paying the bills** (:func:`pay_the_bills`): from its reported cash (31 March 2026) OpenAI pays
   its burn; when cash runs out it raises equity, up to ``outside_funding_usd_bn_per_year``. Bills it
   still cannot pay are **deferred**: they stay owed, as claims that rank before equity, and are
   paid first from later cash (shared among counterparties by the shortfall rule).
3. **OpenAI's value** (:func:`openai_value`): its free cash flows to equity to the horizon, a horizon
   value (the horizon year's free cash flow x ``horizon_price_to_fcf``) and its cash, discounted at
   ``openai_cost_of_equity``. The claims still owed at the horizon come out of the horizon value
   first; the equity is written off only when the value no longer covers them (then creditors
   recover what the value covers). The base case's cost of equity is calibrated to the $852B round.
4. **Microsoft's stake** (:func:`microsoft_stake`): diluted by each round after the recapitalization
   (Amazon's contingent shares only when its money arrives), raised by what Microsoft put in, then
   diluted by each year's raise at the scenario's value of OpenAI that year, and by staff equity.
5. **Microsoft's flows** (:func:`microsoft_flows`): investment, revenue share, Azure margin on what
   OpenAI pays when it pays it (Azure also sells a share of the renewals), and at the horizon, of the
   Azure claims never recovered, the share Microsoft re-lets at its margin and the running cost of
   the idle rest; the stake at the scenario's value (or the market mark), counted today.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from model.datafiles import to_date
from model.facts import Facts
from model.finance import equity_value_by_year, npv
from model.scenario import SPECS, RevenuePlan, ShortfallRule, StakeValuation
from model.schedules import (
    ROUNDING_USD_BN,
    column,
    commitment_totals,
    funded_by_year,
    funded_cumulative,
    revenue_path,
    revenue_share,
    schedules,
    year_fraction_before,
)

FIRST_YEAR = 2019

# The rule for unpaid bills and the stake's value, in words (the pages and the README say the same).
UNPAID_BILLS_RULE = (
    "When OpenAI cannot pay a bill, the bill is first deferred (or, in a renegotiation, the contract "
    "stretched): it stays owed, as a claim that ranks before OpenAI's equity, and is paid first out of "
    "later cash. The equity is worth OpenAI's cash flows to the horizon, its horizon value and its cash, "
    "less those claims, so it recovers as OpenAI's cash recovers. Only when that value no longer covers "
    "the claims is the equity written off and the claims written down to what the value covers; Azure's "
    "part of that write-down is Microsoft's at-risk Azure revenue, and of it Microsoft re-lets a share of "
    "the idle capacity and bears the running cost of the rest."
)
VALUATION_RULE = (
    "OpenAI's value follows the scenario: its free cash flows to equity to the horizon, a horizon value "
    "(the horizon year's free cash flow times a price-to-free-cash-flow, so the revenue multiple is the "
    "horizon margin times that price) and its cash, discounted at OpenAI's own cost of equity. That cost "
    "of equity is the one calibrated parameter: the rate at which the base case gives the last round's "
    "$852B (31 March 2026). Later raises are priced at the scenario's value of their year."
)

MSFT_FLOWS = (
    "investment_cash",
    "investment_azure_credits_cost",
    "revenue_share_received",
    "revenue_share_paid_to_openai",
    "azure_margin",
    "stake_value",
)


@dataclass(frozen=True)
class Simulation:
    years: np.ndarray                 # (Y,)
    counterparties: tuple[str, ...]   # (C,)
    commitment_totals: np.ndarray     # (n, C) each contract's whole value under the scenario
    openai_revenue: np.ndarray        # (n, Y), NaN before the first actual
    noncompute_costs: np.ndarray      # (n, Y)
    scheduled: np.ndarray             # (n, Y, C) OpenAI's commitments as they reach its cash
    paid: np.ndarray                  # (n, Y, C) paid each year, deferred bills repaid included
    claims: np.ndarray                # (n, Y, C) bills deferred and still owed at year end
    renewals: np.ndarray              # (n, Y) compute beyond today's contracts (uncommitted)
    renewals_paid: np.ndarray         # (n, Y)
    azure_renewals_paid: np.ndarray   # (n, Y) of it, what Azure sells
    burn: np.ndarray                  # (n, Y) cash burn before financing, all bills paid
    equity_raised: np.ndarray         # (n, Y) money that reached OpenAI from rounds and raises
    raised_after_cash_point: np.ndarray  # (n, Y) of it, what the cash account adds to the reported cash
    cash_end: np.ndarray              # (n, Y) cash at year end, NaN before the cash account starts
    funding_gap: np.ndarray           # (n, Y) bills deferred in the year (net of deferred bills repaid)
    free_cash_flow: np.ndarray        # (n, Y) to equity, from the cash point on; NaN before
    horizon_value: np.ndarray         # (n,) horizon-year free cash flow x price to free cash flow
    horizon_fcf_margin: np.ndarray    # (n,) horizon-year free cash flow over revenue, all bills paid
    claims_recovered_share: np.ndarray  # (n,) of the claims left at the horizon, the share its value covers
    openai_value: np.ndarray          # (n, Y) OpenAI's equity value at year end (NaN before the cash point)
    openai_value_at_cash_point: np.ndarray  # (n,) the same on the cash point's date (31 March 2026)
    revenue_share_rate: np.ndarray    # (n, Y)
    revenue_share_owed: np.ndarray    # (n, Y) before the cap
    revenue_share_received: np.ndarray  # (n, Y) after the cap
    revenue_share_paid_to_openai: np.ndarray  # (n, Y)
    funded: np.ndarray                # (n, Y) Microsoft's investment funded each year
    funded_to_date: np.ndarray        # (n,) of the filed commitment, by today
    msft_round_investment: np.ndarray  # (n, Y) Microsoft's money into later rounds
    stake: np.ndarray                 # (n, Y) Microsoft's share of OpenAI at year end
    openai_net_income: np.ndarray     # (n, Y) cash result: revenue less every cost it paid
    msft_flows: np.ndarray            # (n, Y, F) in the order of MSFT_FLOWS
    at_risk_azure_revenue: np.ndarray  # (n,) Azure bills never recovered
    stake_value_at_mark: np.ndarray   # (n,) today's stake at the last round's price
    stake_value_scenario: np.ndarray  # (n,) today's stake at the scenario's value of OpenAI
    stake_value: np.ndarray           # (n,) the stake as counted in the NPV (chosen method)
    stake_pv: np.ndarray              # (n,) present value of the stake as counted
    npv: np.ndarray                   # (n,) in the money of the valuation year

    @property
    def shortfall(self) -> np.ndarray:
        return self.scheduled - self.paid

    @property
    def msft_net(self) -> np.ndarray:
        return self.msft_flows.sum(axis=2)

    @property
    def compute_paid(self) -> np.ndarray:
        return self.paid.sum(axis=2) + self.renewals_paid

    @property
    def compute_scheduled(self) -> np.ndarray:
        return self.scheduled.sum(axis=2) + self.renewals


def structure(scenario) -> dict[str, Any]:
    """The scenario's choices that are not numbers, as keyword arguments for :func:`simulate`."""
    return {
        "horizon_year": scenario.horizon_year,
        "shortfall_rule": scenario.shortfall_rule,
        "revenue_plan": scenario.revenue_plan,
        "stake_valuation": scenario.stake_valuation,
    }


def scenario_values(scenarios) -> dict[str, np.ndarray]:
    """Numeric assumptions of one or more scenarios as arrays, one value per scenario."""
    scenarios = scenarios if isinstance(scenarios, (list, tuple)) else [scenarios]
    return {
        name: np.array([float(getattr(s, name)) for s in scenarios])
        for name, spec in SPECS.items()
        if spec.value_type != "choice"
    }


Assumption = Callable[[str], np.ndarray]  # name -> (draws, 1)


# -- 1. OpenAI's business --------------------------------------------------------------------------


@dataclass(frozen=True)
class Business:
    revenue: np.ndarray          # (n, Y), NaN before the first actual
    revenue_known: np.ndarray    # (n, Y), 0 where NaN
    scheduled: np.ndarray        # (n, Y, C)
    renewals: np.ndarray         # (n, Y)
    noncompute: np.ndarray       # (n, Y)
    share_rate: np.ndarray
    share_owed: np.ndarray
    share_received: np.ndarray
    share_paid_to_openai: np.ndarray
    burn: np.ndarray             # (n, Y) all bills paid, before financing

    @property
    def committed(self) -> np.ndarray:
        return self.scheduled.sum(axis=2)

    @property
    def share_net(self) -> np.ndarray:
        return self.share_received - self.share_paid_to_openai


def openai_business(facts: Facts, years: np.ndarray, values, draws: int, plan: RevenuePlan,
                    assumption: Assumption) -> Business:
    """Step 1: OpenAI's revenue, what it owes and spends each year, before asking if it can pay."""
    revenue = revenue_path(facts, years, values, draws, plan)
    rate, owed, received, paid_to_openai = revenue_share(facts, years, revenue, values, draws)
    scheduled = schedules(facts, years, values, draws)
    committed = scheduled.sum(axis=2)
    revenue_known = np.nan_to_num(revenue)
    after_actuals = years > facts.openai.revenue_actuals[-1].year
    renewals = np.where(after_actuals,
                        np.maximum(assumption("compute_floor_share") * revenue_known - committed, 0.0), 0.0)
    noncompute = assumption("openai_noncompute_cost_share") * revenue_known
    burn = committed + renewals + noncompute + (received - paid_to_openai) - revenue_known
    return Business(revenue, revenue_known, scheduled, renewals, noncompute, rate, owed, received,
                    paid_to_openai, burn)


# -- 2. Paying the bills ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Payments:
    paid: np.ndarray             # (n, Y, C) deferred bills repaid included
    claims: np.ndarray           # (n, Y, C) deferred bills still owed at year end
    renewals_paid: np.ndarray    # (n, Y)
    outside_money: np.ndarray    # (n, Y) dated round money, contingent money and the listing, after the cash point
    raised: np.ndarray           # (n, Y) new equity raised when cash ran out
    cash_end: np.ndarray         # (n, Y) NaN before the cash account starts
    free_cash_flow: np.ndarray   # (n, Y) cash end - cash start - money raised; NaN before the cash point


def pay_the_bills(facts: Facts, years: np.ndarray, business: Business, rule: ShortfallRule,
                  assumption: Assumption) -> Payments:
    """Step 2: the cash account from the reported cash point. Before it every bill was paid
    (history). Each year OpenAI owes its bills and the claims it deferred before; it pays from cash
    and the money that arrives, raises equity up to the cap when cash runs out, then does without
    renewals, then defers what is still missing (pro rata within the shortfall rule's tiers)."""
    draws, n_years = business.renewals.shape
    cash_point, cash_year = facts.openai.cash, facts.openai.cash_year
    contingent = sum(r.contingent_usd_bn for r in facts.openai.funding_rounds)
    outside = np.zeros((draws, n_years))
    outside[:, years == cash_year] = assumption("round_2026_after_march_usd_bn")
    # The year after the cash point: Amazon's contingent money (an IPO or a milestone) and a listing.
    outside[:, years == cash_year + 1] += (assumption("amazon_contingent_share") * contingent
                                           + assumption("ipo_primary_usd_bn"))
    cap = assumption("outside_funding_usd_bn_per_year")[:, 0]
    tiers = _tiers(rule, facts)
    scheduled = business.scheduled
    paid = scheduled.copy()
    claims = np.zeros_like(scheduled)
    renewals_paid = business.renewals.copy()
    raised = np.zeros((draws, n_years))
    cash_end = np.full((draws, n_years), np.nan)
    free_cash_flow = np.full((draws, n_years), np.nan)
    cash = np.full(draws, cash_point.cash_usd_bn)
    owed_before = np.zeros((draws, scheduled.shape[2]))
    for j in np.nonzero(years >= cash_year)[0]:
        already_paid = cash_point.burn_in_year_to_date_usd_bn if years[j] == cash_year else 0.0
        due = scheduled[:, j] + owed_before
        to_pay = business.burn[:, j] + owed_before.sum(axis=1) - already_paid
        before = cash + outside[:, j] - to_pay
        raised[:, j] = np.clip(-before, 0.0, cap)
        lacking = np.maximum(-(before + raised[:, j]), 0.0)
        # Uncommitted compute is the first thing OpenAI does without.
        cut = np.minimum(business.renewals[:, j], lacking)
        renewals_paid[:, j] = business.renewals[:, j] - cut
        lacking = lacking - cut
        paid[:, j] = _pay(due, due.sum(axis=1) - lacking, tiers)
        owed_before = due - paid[:, j]
        claims[:, j] = owed_before
        new_cash = np.maximum(before + raised[:, j], 0.0)
        free_cash_flow[:, j] = new_cash - cash - outside[:, j] - raised[:, j]
        cash = new_cash
        cash_end[:, j] = cash
    return Payments(paid, claims, renewals_paid, outside, raised, cash_end, free_cash_flow)


def _tiers(rule: ShortfallRule, facts: Facts) -> list[list[int]]:
    """Groups of counterparties in the order they are paid; pro rata within a group."""
    commitments = facts.commitments.commitments
    everyone = list(range(len(commitments)))
    azure = [k for k, c in enumerate(commitments) if c.is_azure]
    others = [k for k in everyone if k not in azure]
    if rule == ShortfallRule.azure_paid_first:
        return [azure, others]
    if rule == ShortfallRule.azure_paid_last:
        return [others, azure]
    if rule == ShortfallRule.oldest_paid_first:
        return [[k] for k in sorted(everyone, key=lambda k: to_date(commitments[k].signed))]
    return [everyone]


def _pay(scheduled: np.ndarray, available: np.ndarray, tiers: list[list[int]]) -> np.ndarray:
    """Pay each tier in turn, pro rata within it, until the money runs out. (n, C) -> (n, C).

    A tier short by less than ``ROUNDING_USD_BN`` is paid in full: the money available and the
    bills owed are sums of the same amounts in another order, and a difference in the last digit is
    not a shortfall (left in, it would put a dust of unpaid bills in every draw)."""
    paid = np.zeros_like(scheduled)
    remaining = np.maximum(available, 0.0)
    for tier in tiers:
        owed = scheduled[:, tier].sum(axis=1)
        pay = np.where(owed - remaining < ROUNDING_USD_BN, owed, np.minimum(owed, remaining))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(owed > 0, pay / owed, 0.0)
        paid[:, tier] = scheduled[:, tier] * ratio[:, None]
        remaining = np.maximum(remaining - pay, 0.0)
    return paid


def _receipts_by_year(facts: Facts, years: np.ndarray) -> np.ndarray:
    """Money from funding rounds that a source dates, by the year it reached OpenAI. (Y,)."""
    out = np.zeros(years.size)
    for r in facts.openai.funding_rounds:
        for receipt in r.receipts:
            out += np.where(years == to_date(receipt.date).year, receipt.usd_bn, 0.0)
    return out



# -- 3. OpenAI's value -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    horizon_fcf_margin: np.ndarray      # (n,)
    horizon_value: np.ndarray           # (n,)
    claims_recovered_share: np.ndarray  # (n,) at the year the value covers the claims least
    worst_year: np.ndarray              # (n,) index into years of that year
    by_year: np.ndarray                 # (n, Y) at year end, never below zero; NaN before the cash point
    at_cash_point: np.ndarray           # (n,)

    def before(self, years: np.ndarray, year: int) -> np.ndarray:
        """OpenAI's value as ``year`` starts: the last year end's, or the cash point's in its own year."""
        earlier = np.nonzero(years == year - 1)[0]
        if earlier.size == 0 or np.isnan(self.by_year[:, earlier[0]]).all():
            return self.at_cash_point
        return self.by_year[:, earlier[0]]


def openai_value(facts: Facts, years: np.ndarray, business: Business, payments: Payments,
                 assumption: Assumption) -> Value:
    """Step 3: OpenAI's equity value from its own economics (see the module docstring)."""
    live = years >= facts.openai.cash_year
    horizon_fcf = -business.burn[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(business.revenue_known[:, -1] > 0, horizon_fcf / business.revenue_known[:, -1], 0.0)
    horizon_value = np.maximum(horizon_fcf, 0.0) * assumption("horizon_price_to_fcf")[:, 0]
    claims = payments.claims.sum(axis=2)
    claims_left = claims[:, -1]
    rate = assumption("openai_cost_of_equity")[:, 0]
    fcf, cash = payments.free_cash_flow[:, live], payments.cash_end[:, live]
    value = equity_value_by_year(fcf, horizon_value - claims_left, cash, rate)
    # The value before the claims is the equity's plus the claims (they rank first). Where it falls
    # short of them the equity is written off and the claims are written down to what it covers;
    # the worst year decides. At the horizon, what the cash and the horizon value cover.
    owed = np.concatenate([claims[:, live][:, :-1], claims_left[:, None]], axis=1)
    before_claims = np.concatenate([value[:, :-1] + owed[:, :-1], (cash[:, -1] + horizon_value)[:, None]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        covers = np.where(owed > ROUNDING_USD_BN, np.clip(before_claims / owed, 0.0, 1.0), 1.0)
    worst = np.argmin(covers, axis=1)
    recovered = covers[np.arange(covers.shape[0]), worst]
    worst_year = worst + int(np.argmax(live))
    # On the cash point's date: its cash, plus the rest of its year's flows and everything after,
    # discounted over the part of the year still to run.
    after_point = value[:, 0] - cash[:, 0] + fcf[:, 0]
    rest_of_year = 1.0 - year_fraction_before(to_date(facts.openai.cash.date))
    at_point = facts.openai.cash.cash_usd_bn + after_point / (1.0 + rate) ** rest_of_year
    by_year = np.full(business.burn.shape, np.nan)
    by_year[:, live] = np.maximum(value, 0.0)
    return Value(margin, horizon_value, recovered, worst_year, by_year, np.maximum(at_point, 0.0))


# -- 4. Microsoft's stake --------------------------------------------------------------------------


def microsoft_stake(facts: Facts, years: np.ndarray, payments: Payments, value: Value,
                    assumption: Assumption) -> tuple[np.ndarray, np.ndarray]:
    """Step 4: Microsoft's share of OpenAI at each year end, and its money into later rounds."""
    recap = facts.recapitalization
    recap_day, cash_year = to_date(recap.date), facts.openai.cash_year
    held = assumption("msft_stake")[:, 0].copy()
    draws = held.size
    stake = np.zeros((draws, years.size))
    round_money = np.zeros((draws, years.size))
    amazon_share = assumption("amazon_contingent_share")[:, 0]
    staff = assumption("annual_dilution")[:, 0]
    for j, year in enumerate(years):
        if year < recap_day.year:
            stake[:, j] = recap.prior_msft_share_of_for_profit
            continue
        if year > recap_day.year:
            for r in facts.openai.funding_rounds:
                if to_date(r.date) <= recap_day or to_date(r.date).year != year:
                    continue
                held = held * (1.0 - r.issued_share_paid)
                if year == cash_year:  # Microsoft's part of the round of the cash point's year, at its price
                    bought = assumption("msft_round_2026_usd_bn")[:, 0]
                    held = held + bought / (r.post_money_usd_bn - r.contingent_usd_bn)
                    round_money[:, j] += bought
            if year == cash_year + 1:  # contingent shares arrive with their money, at the round's price
                for r in facts.openai.funding_rounds:
                    money = amazon_share * r.contingent_usd_bn
                    if r.contingent_usd_bn > 0:
                        held = held * (1.0 - money / (r.post_money_usd_bn - r.contingent_usd_bn + money))
            # New raises and a listing sell shares at the scenario's value of OpenAI as the year starts.
            listing = assumption("ipo_primary_usd_bn")[:, 0] if year == cash_year + 1 else 0.0
            new_money = payments.raised[:, j] + listing
            pre_money = value.before(years, int(year))
            with np.errstate(divide="ignore", invalid="ignore"):
                sold = np.where(new_money > 0, new_money / (pre_money + new_money), 0.0)
            held = held * (1.0 - sold)
        if year > cash_year:
            held = held * (1.0 - staff)
        stake[:, j] = held
    return stake, round_money


# -- 5. Microsoft's flows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Flows:
    funded: np.ndarray
    funded_to_date: np.ndarray
    azure_renewals_paid: np.ndarray
    at_risk_azure_revenue: np.ndarray
    stake_value_at_mark: np.ndarray
    stake_value_scenario: np.ndarray
    stake_value: np.ndarray
    msft_flows: np.ndarray


def microsoft_flows(facts: Facts, years: np.ndarray, values, draws: int, business: Business,
                    payments: Payments, value: Value, stake: np.ndarray, round_money: np.ndarray,
                    assumption: Assumption, today: date, valuation: StakeValuation) -> Flows:
    """Step 5: Microsoft's flows, by year, in the order of :data:`MSFT_FLOWS`."""
    funded = funded_by_year(facts, years, values, draws)
    funded_to_date = funded_cumulative(facts, today, assumption("unfunded_commitment_paid_by_year")[:, 0])
    credit_share, margin = assumption("azure_credit_share"), assumption("azure_margin")
    azure = [k for k, c in enumerate(facts.commitments.commitments) if c.is_azure]
    azure_renewals_paid = assumption("azure_share_of_renewals") * payments.renewals_paid
    azure_paid = payments.paid[:, :, azure].sum(axis=2) + azure_renewals_paid
    # Azure's claims in the year OpenAI's value covers its claims least are written down to the share it
    # covers (the equity is written off then); the loss is booked at the horizon, with what is still owed
    # then and paid out of the horizon value. Of the loss, Microsoft re-lets a share at its margin and
    # bears the running cost of the rest.
    azure_claims = payments.claims[:, :, azure].sum(axis=2)
    at_worst = azure_claims[np.arange(draws), value.worst_year]
    # A bill repaid later out of OpenAI's cash is paid (and its margin earned): the loss never exceeds
    # what is still owed at the horizon. (Without this cap, a year in which OpenAI spent raised money
    # before repaying its claims booked a loss on bills later paid in full.)
    lost = np.minimum(at_worst * (1.0 - value.claims_recovered_share), azure_claims[:, -1])
    recovered = np.maximum(azure_claims[:, -1] - lost, 0.0)
    relet, m = assumption("azure_relet_share")[:, 0], margin[:, 0]
    azure_flow = azure_paid * margin
    azure_flow[:, -1] += recovered * m + lost * (relet * m - (1.0 - relet) * (1.0 - m))
    now = int(np.clip(today.year, years[0], years[-1])) - FIRST_YEAR
    stake_value_at_mark = stake[:, now] * assumption("openai_valuation_usd_bn")[:, 0]
    stake_value_scenario = stake[:, now] * value.before(years, int(years[now]))
    chosen = stake_value_at_mark if StakeValuation(valuation) == StakeValuation.market_mark else stake_value_scenario
    stake_flow = np.zeros((draws, years.size))
    stake_flow[:, now] = chosen
    flows = np.stack(
        [
            -funded * (1.0 - credit_share) - round_money,
            -funded * credit_share * (1.0 - margin),
            business.share_received,
            -business.share_paid_to_openai,
            azure_flow,
            stake_flow,
        ],
        axis=2,
    )
    return Flows(funded, funded_to_date, azure_renewals_paid, lost, stake_value_at_mark, stake_value_scenario,
                 chosen, flows)


# -- the whole pass --------------------------------------------------------------------------------


def simulate(
    values: Mapping[str, np.ndarray | float],
    facts: Facts,
    *,
    horizon_year: int,
    shortfall_rule: ShortfallRule,
    revenue_plan: RevenuePlan = RevenuePlan.feb_2026,
    stake_valuation: StakeValuation = StakeValuation.scenario_value,
    today: date,
) -> Simulation:
    """All flows of the model for every draw in ``values`` (each an array of one value per draw)."""
    draws = max(np.size(value) for value in values.values())
    years = np.arange(FIRST_YEAR, horizon_year + 1)

    def assumption(name: str) -> np.ndarray:
        return column(values, name, draws)

    business = openai_business(facts, years, values, draws, revenue_plan, assumption)
    payments = pay_the_bills(facts, years, business, shortfall_rule, assumption)
    value = openai_value(facts, years, business, payments, assumption)
    stake, round_money = microsoft_stake(facts, years, payments, value, assumption)
    msft = microsoft_flows(facts, years, values, draws, business, payments, value, stake, round_money,
                           assumption, today, stake_valuation)

    # Equity in a joint venture is an investment, not a cost: it is cash out, but not a loss.
    expensed = [k for k, c in enumerate(facts.commitments.commitments) if c.sizing != "equity"]
    net_income = (business.revenue_known - business.noncompute - business.share_net
                  - payments.paid[:, :, expensed].sum(axis=2) - payments.renewals_paid)
    discount = assumption("discount_rate")[:, 0]
    offset = today.year - FIRST_YEAR
    claims_total = payments.claims.sum(axis=2)
    commitments = facts.commitments.commitments
    return Simulation(
        years=years,
        counterparties=tuple(c.counterparty for c in commitments),
        commitment_totals=np.stack([commitment_totals(c, values, draws) for c in commitments], axis=1),
        openai_revenue=business.revenue,
        noncompute_costs=business.noncompute,
        scheduled=business.scheduled,
        paid=payments.paid,
        claims=payments.claims,
        renewals=business.renewals,
        renewals_paid=payments.renewals_paid,
        azure_renewals_paid=msft.azure_renewals_paid,
        burn=np.where(np.isnan(business.revenue), np.nan, business.burn),
        equity_raised=_receipts_by_year(facts, years) + payments.outside_money + payments.raised,
        raised_after_cash_point=payments.outside_money + payments.raised,
        cash_end=payments.cash_end,
        funding_gap=np.maximum(np.diff(claims_total, axis=1, prepend=0.0), 0.0),
        free_cash_flow=payments.free_cash_flow,
        horizon_value=value.horizon_value,
        horizon_fcf_margin=value.horizon_fcf_margin,
        claims_recovered_share=value.claims_recovered_share,
        openai_value=value.by_year,
        openai_value_at_cash_point=value.at_cash_point,
        revenue_share_rate=business.share_rate,
        revenue_share_owed=business.share_owed,
        revenue_share_received=business.share_received,
        revenue_share_paid_to_openai=business.share_paid_to_openai,
        funded=msft.funded,
        funded_to_date=msft.funded_to_date,
        msft_round_investment=round_money,
        stake=stake,
        openai_net_income=np.where(np.isnan(business.revenue), np.nan, net_income),
        msft_flows=msft.msft_flows,
        at_risk_azure_revenue=msft.at_risk_azure_revenue,
        stake_value_at_mark=msft.stake_value_at_mark,
        stake_value_scenario=msft.stake_value_scenario,
        stake_value=msft.stake_value,
        stake_pv=np.atleast_1d(npv(discount, msft.msft_flows[:, :, -1], base_offset=offset)),
        npv=np.atleast_1d(npv(discount, msft.msft_flows.sum(axis=2), base_offset=offset)),
    )
