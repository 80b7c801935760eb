"""The cash-flow arithmetic, over many scenarios at once.

Every assumption arrives as an array with one value per draw; every result is an array shaped
(draws, years) or (draws, years, counterparties). :func:`model.engine.run` calls this with one
draw and turns the arrays into tables; Monte Carlo calls it with thousands. There is one engine.

Sign convention: from Microsoft's point of view, money in is positive. Amounts in USD billions.
OpenAI-side quantities (revenue, costs, commitments, burn, funding gap) are stated from OpenAI's
side and are positive amounts.

One concept, one module: the rules below are one pass over the years, each step using the last, and
splitting them would hide the order in which the money moves.

The rules, in the order the money moves (README, "Where the numbers come from", says the same):

1. **OpenAI's revenue**: reported actuals, then the chosen plan x ``openai_revenue_vs_plan``,
   growing at a constant rate between plan points and at ``openai_revenue_growth_after_plan``
   after the last one.
2. **What OpenAI owes, as it reaches its cash**: cloud contracts as rent over their terms (ramping
   up where the record says so); GPU deals only for the share OpenAI finances itself, paid over a
   lease term; Stargate as OpenAI's equity in the venture. Once contracts run out, renewals keep
   compute at ``compute_floor_share`` of revenue (uncommitted: the first thing cut when money is short).
3. **Can OpenAI pay?** From its reported cash (31 March 2026) it pays its burn; when cash runs out
   it raises equity, up to ``outside_funding_usd_bn_per_year``; what is still missing is a funding
   gap, shared among the counterparties by the shortfall rule.
4. **Microsoft's stake**: diluted by every round after the recapitalization at that year's
   valuation, and by employee equity. Each year OpenAI leaves part of its committed bills unpaid,
   its equity keeps only the share it paid (creditors rank first), so persistent gaps take the
   stake toward zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from model.datafiles import month_index, to_date
from model.facts import Commitment, Facts
from model.finance import npv
from model.scenario import SPECS, RevenuePlan, ShortfallRule, StakeValuation

FIRST_YEAR = 2019

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
    openai_revenue: np.ndarray        # (n, Y), NaN before the first actual
    noncompute_costs: np.ndarray      # (n, Y)
    scheduled: np.ndarray             # (n, Y, C) OpenAI's commitments as they reach its cash
    paid: np.ndarray                  # (n, Y, C)
    renewals: np.ndarray              # (n, Y) compute beyond today's contracts (uncommitted)
    renewals_paid: np.ndarray         # (n, Y)
    burn: np.ndarray                  # (n, Y) cash burn before financing, all bills paid
    equity_raised: np.ndarray         # (n, Y) money that reached OpenAI from rounds and raises
    raised_after_cash_point: np.ndarray  # (n, Y) of it, what the cash account adds to the reported cash
    cash_end: np.ndarray              # (n, Y) cash at year end, NaN before the cash account starts
    funding_gap: np.ndarray           # (n, Y) committed bills OpenAI cannot pay
    survival: np.ndarray              # (n, Y) share of OpenAI's equity value its unpaid bills leave
    revenue_share_rate: np.ndarray    # (n, Y)
    revenue_share_owed: np.ndarray    # (n, Y) before the cap
    revenue_share_received: np.ndarray  # (n, Y) after the cap
    revenue_share_paid_to_openai: np.ndarray  # (n, Y)
    funded: np.ndarray                # (n, Y) Microsoft's investment funded each year
    stake: np.ndarray                 # (n, Y) Microsoft's share of OpenAI at year end
    openai_value: np.ndarray          # (n, Y) OpenAI's equity value used to price each year's raise
    openai_net_income: np.ndarray     # (n, Y) cash result: revenue less every cost it paid
    msft_flows: np.ndarray            # (n, Y, F) in the order of MSFT_FLOWS
    stake_value_now: np.ndarray       # (n,) today's stake at the mark, before any haircut
    stake_value: np.ndarray           # (n,) the stake as counted in the NPV (chosen method)
    stake_value_horizon: np.ndarray   # (n,) stake x revenue x multiple at the horizon, after the haircut
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


def _column(values: Mapping[str, np.ndarray | float], name: str, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(values[name], dtype=float), (n,)).reshape(n, 1)


def _year_fraction_before(day: date) -> float:
    """Share of ``day``'s calendar year that has passed before it."""
    start = date(day.year, 1, 1)
    return (day - start).days / (date(day.year + 1, 1, 1) - start).days


# Amounts are USD bn: less than a dollar apart is the arithmetic's rounding, not money owed.
ROUNDING_USD_BN = 1e-9

# -- schedules -------------------------------------------------------------------------------------


def _ramped_cumulative(months: np.ndarray, term: np.ndarray, ramp: float) -> np.ndarray:
    """Share of a contract's total paid after ``months`` of a ``term``-month term.

    The monthly rent rises in a straight line over the first ``ramp`` months, then stays flat:
    paid(x) = x^2 / 2R while ramping, R/2 + (x - R) after, out of a total of term - R/2.
    """
    ramp = np.minimum(float(ramp), term)
    x = np.clip(months, 0.0, term)
    with np.errstate(divide="ignore", invalid="ignore"):
        ramping = np.where(ramp > 0, x * x / (2.0 * np.where(ramp > 0, ramp, 1.0)), x)
    paid = np.where(x <= ramp, ramping, ramp / 2.0 + (x - ramp))
    return paid / (term - ramp / 2.0)


def spread(years: np.ndarray, start_month: int, end_month: np.ndarray, total: np.ndarray,
           ramp_months: float = 0.0) -> np.ndarray:
    """``total`` over the months from start to end (inclusive), ramped, summed by year. (n, Y).

    The yearly shares depend on the end month alone, which takes a few whole values across any
    number of draws: each is worked out once, then scaled by each draw's total."""
    ends, which = np.unique(end_month, return_inverse=True)
    term = (ends.reshape(-1, 1) - start_month + 1).astype(float)
    year_start = (years * 12 - start_month).astype(float)
    share = _ramped_cumulative(year_start + 12, term, ramp_months) - _ramped_cumulative(year_start, term, ramp_months)
    return total.reshape(-1, 1) * share[which.reshape(-1)]


def _paid_over(deployed: np.ndarray, years_to_pay: np.ndarray) -> np.ndarray:
    """Each year's deployment paid in equal parts over the next ``years_to_pay`` years. (n, Y).

    A year's payment is the deployment of the last ``term`` years (this one included) over
    ``term``: a difference of running totals."""
    n, n_years = deployed.shape
    term = np.maximum(np.round(years_to_pay), 1).astype(int).reshape(-1, 1)
    running = np.zeros((n, n_years + 1))
    np.cumsum(deployed, axis=1, out=running[:, 1:])
    year = np.arange(1, n_years + 1)
    window_start = np.maximum(year - term, 0)
    return (running[:, 1:] - np.take_along_axis(running, window_start, axis=1)) / term


def commitment_totals(c: Commitment, v, n: int) -> np.ndarray:
    """What OpenAI pays a counterparty over the whole contract, under the scenario (n,)."""
    col = lambda name: _column(v, name, n)[:, 0]  # noqa: E731
    if c.sizing == "undisclosed":
        return np.zeros(n)
    if c.schedule is not None:
        return np.full(n, sum(c.schedule.values()))
    if c.sizing == "gigawatts":
        total = c.gigawatts * col("gpu_usd_bn_per_gw") * col("gpu_self_financed_share")
    elif c.sizing == "equity":
        total = col("stargate_equity_usd_bn")
    else:
        total = np.full(n, c.total_usd_bn)
    if c.scaled_by == "aws_expansion_additive_share":
        total = c.total_usd_bn - c.overlap_usd_bn * (1.0 - col("aws_expansion_additive_share"))
    elif c.scaled_by == "nvidia_loi_share":
        total = total * col("nvidia_loi_share")
    return total


def commitment_end_month(c: Commitment, v, n: int) -> np.ndarray:
    if c.end is not None:
        return np.full(n, month_index(c.end))
    if c.end_assumption == "azure_commitment_term_years":
        return month_index(c.start) + 12 * _column(v, "azure_commitment_term_years", n)[:, 0] - 1
    return 12 * _column(v, "gpu_deployment_end_year", n)[:, 0] + 11


def schedules(facts: Facts, years: np.ndarray, v, n: int) -> np.ndarray:
    """What OpenAI pays each counterparty each year, as it reaches OpenAI's cash. (n, Y, C)."""
    commitments = facts.commitments.commitments
    out = np.zeros((n, years.size, len(commitments)))
    for k, c in enumerate(commitments):
        if c.schedule is not None:
            out[:, :, k] = [c.schedule.get(int(y), 0.0) for y in years]
        elif c.sizing != "undisclosed":
            total = commitment_totals(c, v, n)
            by_year = spread(years, month_index(c.start), commitment_end_month(c, v, n), total, c.ramp_months)
            if c.sizing == "gigawatts":
                by_year = _paid_over(by_year, _column(v, "gpu_payment_years", n)[:, 0])
            out[:, :, k] = by_year
    return out


# -- revenue ---------------------------------------------------------------------------------------


def revenue_path(facts: Facts, years: np.ndarray, v, n: int, plan: RevenuePlan) -> np.ndarray:
    """OpenAI's revenue: actuals, then the plan (x the scenario's multiple), then steady growth."""
    actuals = facts.openai.revenue_actuals
    points = facts.openai.revenue_plans[RevenuePlan(plan).value]
    # The last actual anchors the plan's first years; between points revenue grows at a
    # constant rate (interpolate the logarithm).
    xs = np.array([actuals[-1].year] + [p.year for p in points], dtype=float)
    ys = np.array([actuals[-1].revenue_usd_bn] + [p.revenue_usd_bn for p in points])
    with np.errstate(divide="ignore"):  # a revenue of zero (a test's what-if) interpolates as zero
        planned = np.exp(np.interp(np.clip(years, xs[0], xs[-1]), xs, np.log(ys)))
    growth = _column(v, "openai_revenue_growth_after_plan", n)
    after = np.maximum(years - xs[-1], 0)
    modelled = _column(v, "openai_revenue_vs_plan", n) * planned * (1.0 + growth) ** after
    actual = {r.year: r.revenue_usd_bn for r in actuals}
    known = np.array([actual.get(int(y), np.nan) for y in years])
    revenue = np.where(np.isin(years, list(actual)), known, modelled)
    return np.where(years < min(actual), np.nan, revenue)


def _revenue_share(facts: Facts, years, revenue, v, n):
    terms = facts.revenue_share.openai_to_microsoft
    first_modelled = facts.openai.revenue_actuals[-1].year + 1
    end_year = _column(v, "revenue_share_end_year", n)
    start_rate = _column(v, "revenue_share_rate", n)
    final_rate = _column(v, "revenue_share_rate_final", n)
    span = np.maximum(end_year - first_modelled, 1)
    progress = np.clip((years - first_modelled) / span, 0.0, 1.0)
    rate = np.where(years < first_modelled, terms.rate, start_rate + (final_rate - start_rate) * progress)
    rate = np.where(years > end_year, 0.0, rate)
    owed = np.nan_to_num(rate * revenue)
    # The cap counts payments from the amendment year on; earlier years are not capped.
    counted = years >= terms.cap_counts_from_year
    cap = _column(v, "revenue_share_cap_usd_bn", n)
    cumulative_before = np.cumsum(owed * counted, axis=1) - owed * counted
    room = np.clip(cap - cumulative_before, 0.0, None)
    received = np.where(counted, np.minimum(owed, room), owed)
    # Microsoft paid its own share back until the end date, then stopped.
    ended = to_date(facts.revenue_share.microsoft_to_openai.ended)
    paying_share = np.where(years < ended.year, 1.0,
                            np.where(years == ended.year, _year_fraction_before(ended), 0.0))
    paid_to_openai = _column(v, "msft_payback_ratio", n) * received * paying_share
    return rate, owed, received, paid_to_openai


# -- Microsoft's investment ------------------------------------------------------------------------


def funded_cumulative(facts: Facts, on: date | np.ndarray, paid_by_year: np.ndarray) -> np.ndarray:
    """Microsoft's investment funded by ``on``, one value per draw of ``paid_by_year``.

    Tranches before the last are funded on their dates. The last counted tranche is funded
    gradually: straight lines between the cumulative amounts in the filings, then on to the full
    commitment at the end of ``paid_by_year`` (an assumption). Derived between filing dates.
    ``on`` may be one date or an array of day ordinals (then the result is (draws, dates)).
    """
    counted = [t for t in facts.tranches.tranches if t.in_filed_commitment]
    total = facts.tranches.filed_commitment.total_usd_bn
    days = np.atleast_1d(np.asarray(on.toordinal() if isinstance(on, date) else on, dtype=float))
    steps = [(to_date(t.date).toordinal(), t.amount_usd_bn) for t in counted[:-1]]
    stepped = sum(np.where(days >= day, amount, 0.0) for day, amount in steps)
    xs = [to_date(counted[-1].date).toordinal()] + [to_date(p.date).toordinal() for p in facts.tranches.funded_points]
    ys = [sum(amount for _, amount in steps)] + [p.funded_usd_bn for p in facts.tranches.funded_points]
    known = np.where(days < xs[0], stepped, np.interp(days, xs, ys))
    paid_by = np.asarray(paid_by_year, dtype=float).reshape(-1, 1)
    end = _days_to_year_end(paid_by)
    share = np.clip((days - xs[-1]) / np.maximum(end - xs[-1], 1.0), 0.0, 1.0)
    after = ys[-1] + (total - ys[-1]) * share
    result = np.where(days > xs[-1], after, known)
    return result[:, 0] if isinstance(on, date) else result


def _days_to_year_end(year: np.ndarray) -> np.ndarray:
    """Ordinal of 31 December of ``year`` (proleptic Gregorian, as ``date.toordinal``), vectorised."""
    y = year.astype(np.int64)
    return (y * 365 + y // 4 - y // 100 + y // 400).astype(float)


def _funded_by_year(facts: Facts, years: np.ndarray, v, n: int) -> np.ndarray:
    paid_by = _column(v, "unfunded_commitment_paid_by_year", n)[:, 0]
    year_ends = np.array([date(int(y), 12, 31).toordinal() for y in years], dtype=float)
    cumulative = funded_cumulative(facts, year_ends, paid_by)
    return np.diff(cumulative, axis=1, prepend=0.0)


# -- paying the bills ------------------------------------------------------------------------------


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


def _round_dilution(facts: Facts, year: int) -> float:
    """Share of the existing holders' equity that the rounds of ``year`` after the recap issued."""
    recap = to_date(facts.recapitalization.date)
    kept = 1.0
    for r in facts.openai.funding_rounds:
        day = to_date(r.date)
        if day > recap and day.year == year:
            kept *= 1.0 - r.raised_usd_bn / r.post_money_usd_bn
    return 1.0 - kept


def simulate(
    values: Mapping[str, np.ndarray | float],
    facts: Facts,
    *,
    horizon_year: int,
    shortfall_rule: ShortfallRule,
    revenue_plan: RevenuePlan = RevenuePlan.feb_2026,
    stake_valuation: StakeValuation = StakeValuation.market_mark,
    today: date,
) -> Simulation:
    """All flows of the model for every draw in ``values`` (each an array of one value per draw)."""
    n = max(np.size(value) for value in values.values())
    years = np.arange(FIRST_YEAR, horizon_year + 1)
    Y = years.size
    col = lambda name: _column(values, name, n)  # noqa: E731

    revenue = revenue_path(facts, years, values, n, revenue_plan)
    rate, owed, received, paid_to_openai = _revenue_share(facts, years, revenue, values, n)
    scheduled = schedules(facts, years, values, n)
    committed = scheduled.sum(axis=2)
    revenue_known = np.nan_to_num(revenue)
    after_actuals = years > facts.openai.revenue_actuals[-1].year
    renewals = np.where(after_actuals, np.maximum(col("compute_floor_share") * revenue_known - committed, 0.0), 0.0)
    noncompute = col("openai_noncompute_cost_share") * revenue_known
    revenue_share_net = received - paid_to_openai
    burn = committed + renewals + noncompute + revenue_share_net - revenue_known

    # Can OpenAI pay? Before the reported cash point every bill was paid (history); from it on,
    # cash is carried year to year and equity raised when it runs out.
    cash_point = facts.openai.cash
    cash_year = facts.openai.cash_year
    contingent = sum(r.contingent_usd_bn for r in facts.openai.funding_rounds)
    inflow = np.zeros((n, Y))
    inflow[:, years == cash_year] = col("round_2026_after_march_usd_bn")
    inflow[:, years == cash_year + 1] += col("amazon_contingent_share") * contingent
    cap = col("outside_funding_usd_bn_per_year")[:, 0]
    tiers = _tiers(shortfall_rule, facts)

    paid = scheduled.copy()
    renewals_paid = renewals.copy()
    raised = np.zeros((n, Y))
    gap = np.zeros((n, Y))
    cash_end = np.full((n, Y), np.nan)
    cash = np.full(n, cash_point.cash_usd_bn)
    for j in np.nonzero(years >= cash_year)[0]:
        to_pay = burn[:, j] - (cash_point.burn_in_year_to_date_usd_bn if years[j] == cash_year else 0.0)
        before = cash + inflow[:, j] - to_pay
        raised[:, j] = np.clip(-before, 0.0, cap)
        lacking = np.maximum(-(before + raised[:, j]), 0.0)
        # Uncommitted compute is the first thing OpenAI does without.
        cut = np.minimum(renewals[:, j], lacking)
        renewals_paid[:, j] = renewals[:, j] - cut
        lacking = lacking - cut
        paid[:, j] = _pay(scheduled[:, j], committed[:, j] - lacking, tiers)
        gap[:, j] = committed[:, j] - paid[:, j].sum(axis=1)
        cash = np.maximum(before + raised[:, j], 0.0)
        cash_end[:, j] = cash
    with np.errstate(divide="ignore", invalid="ignore"):
        paid_share = np.where(committed > 1e-12, paid.sum(axis=2) / committed, 1.0)
    survival = np.cumprod(paid_share, axis=1)
    # Equity in a joint venture is an investment, not a cost: it is cash out, but not a loss.
    expensed = [k for k, c in enumerate(facts.commitments.commitments) if c.sizing != "equity"]
    openai_net_income = (revenue_known - noncompute - revenue_share_net - paid[:, :, expensed].sum(axis=2)
                         - renewals_paid)
    openai_net_income = np.where(np.isnan(revenue), np.nan, openai_net_income)

    # Microsoft's stake: the recap's share, diluted by each later round and each year's raise at
    # that year's valuation, and by employee equity from the year after the cash point. A year's
    # valuation: the last round's multiple of the plan's revenue for its year (852 / 30 = 28x in the
    # base case, whatever the scenario's revenue), moving to the horizon multiple, times the year's
    # revenue, times what unpaid bills leave of the equity, that year's included: a round raised
    # while bills go unpaid is priced as the distress it is.
    recap = facts.recapitalization
    recap_year = to_date(recap.date).year
    mark = col("openai_valuation_usd_bn")[:, 0]
    planned_now = revenue_known[:, years == cash_year][:, 0] / np.maximum(col("openai_revenue_vs_plan")[:, 0], 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        multiple_now = np.where(planned_now > 0, mark / planned_now, col("terminal_revenue_multiple")[:, 0])
    progress = np.clip((years - cash_year) / max(horizon_year - cash_year, 1), 0.0, 1.0)
    multiple = multiple_now[:, None] + (col("terminal_revenue_multiple") - multiple_now[:, None]) * progress
    openai_value = multiple * revenue_known * survival
    openai_value[:, years == cash_year] = (mark * survival[:, years == cash_year][:, 0])[:, None]
    stake = np.zeros((n, Y))
    held = col("msft_stake")[:, 0]
    employee = col("annual_dilution")[:, 0]
    for j, year in enumerate(years):
        if year < recap_year:
            stake[:, j] = recap.prior_msft_share_of_for_profit
            continue
        if year > recap_year:
            held = held * (1.0 - _round_dilution(facts, int(year)))
            with np.errstate(divide="ignore", invalid="ignore"):
                sold = np.where(raised[:, j] > 0, raised[:, j] / (openai_value[:, j] + raised[:, j]), 0.0)
            held = held * (1.0 - sold)
        if year > cash_year:
            held = held * (1.0 - employee)
        stake[:, j] = held

    # Microsoft's side.
    funded = _funded_by_year(facts, years, values, n)
    credit_share = col("azure_credit_share")
    margin = col("azure_margin")
    azure = [k for k, c in enumerate(facts.commitments.commitments) if c.is_azure]
    azure_paid = paid[:, :, azure].sum(axis=2)
    now = int(np.clip(today.year, years[0], years[-1])) - FIRST_YEAR
    stake_value_now = stake[:, now] * mark
    stake_value_horizon = (stake[:, -1] * col("terminal_revenue_multiple")[:, 0] * revenue_known[:, -1]
                           * survival[:, -1])
    stake_flow = np.zeros((n, Y))
    if StakeValuation(stake_valuation) == StakeValuation.market_mark:
        stake_value = stake_value_now * survival[:, -1]
        stake_flow[:, now] = stake_value
    else:
        stake_value = stake_value_horizon
        stake_flow[:, -1] = stake_value
    flows = np.stack(
        [
            -funded * (1.0 - credit_share),
            -funded * credit_share * (1.0 - margin),
            received,
            -paid_to_openai,
            azure_paid * margin,
            stake_flow,
        ],
        axis=2,
    )
    discount = col("discount_rate")[:, 0]
    offset = today.year - FIRST_YEAR
    net_present = npv(discount, flows.sum(axis=2), base_offset=offset)
    stake_pv = npv(discount, stake_flow, base_offset=offset)

    receipts = _receipts_by_year(facts, years)
    return Simulation(
        years=years,
        counterparties=tuple(c.counterparty for c in facts.commitments.commitments),
        openai_revenue=revenue,
        noncompute_costs=noncompute,
        scheduled=scheduled,
        paid=paid,
        renewals=renewals,
        renewals_paid=renewals_paid,
        burn=np.where(np.isnan(revenue), np.nan, burn),
        equity_raised=receipts + inflow + raised,
        raised_after_cash_point=inflow + raised,
        cash_end=cash_end,
        funding_gap=gap,
        survival=survival,
        revenue_share_rate=rate,
        revenue_share_owed=owed,
        revenue_share_received=received,
        revenue_share_paid_to_openai=paid_to_openai,
        funded=funded,
        stake=stake,
        openai_value=np.where(years >= cash_year, openai_value, np.nan),
        openai_net_income=openai_net_income,
        msft_flows=flows,
        stake_value_now=stake_value_now,
        stake_value=stake_value,
        stake_value_horizon=stake_value_horizon,
        stake_pv=np.atleast_1d(stake_pv),
        npv=np.atleast_1d(net_present),
    )
