"""The cash-flow arithmetic, over many scenarios at once.

Every assumption arrives as an array with one value per draw; every result is an array shaped
(draws, years) or (draws, years, counterparties). :func:`model.engine.run` calls this with one
draw and turns the arrays into tables; Monte Carlo calls it with thousands. There is one engine.

Sign convention: from Microsoft's point of view, money in is positive. Amounts in USD billions.
OpenAI-side quantities (revenue, costs, commitments, funding gap) are stated from OpenAI's side and
are positive amounts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from model.facts import Commitment, Facts, month_index, to_date
from model.finance import npv
from model.scenario import SPECS, ShortfallRule

FIRST_YEAR = 2019

MSFT_FLOWS = (
    "investment_cash",
    "investment_azure_credits_cost",
    "revenue_share_received",
    "revenue_share_paid_to_openai",
    "azure_margin",
    "stake_value_at_horizon",
)


@dataclass(frozen=True)
class Simulation:
    years: np.ndarray                 # (Y,)
    counterparties: tuple[str, ...]   # (C,)
    openai_revenue: np.ndarray        # (n, Y), NaN where not reported and not modelled
    noncompute_costs: np.ndarray      # (n, Y)
    outside_funding: np.ndarray       # (n, Y)
    scheduled: np.ndarray             # (n, Y, C) OpenAI's commitments as scheduled
    paid: np.ndarray                  # (n, Y, C)
    cash_available: np.ndarray        # (n, Y) before paying commitments
    funding_gap: np.ndarray           # (n, Y)
    cash_carried: np.ndarray          # (n, Y) left over at year end
    revenue_share_rate: np.ndarray    # (n, Y)
    revenue_share_owed: np.ndarray    # (n, Y) before the cap
    revenue_share_received: np.ndarray  # (n, Y) after the cap
    revenue_share_paid_to_openai: np.ndarray  # (n, Y)
    funded: np.ndarray                # (n, Y) Microsoft's investment funded each year
    stake: np.ndarray                 # (n, Y) Microsoft's share of OpenAI
    openai_net_income: np.ndarray     # (n, Y) from the model, NaN before the commitments start
    msft_flows: np.ndarray            # (n, Y, F) in the order of MSFT_FLOWS
    stake_value_horizon: np.ndarray   # (n,)
    npv: np.ndarray                   # (n,) in the money of the valuation year

    @property
    def shortfall(self) -> np.ndarray:
        return self.scheduled - self.paid

    @property
    def msft_net(self) -> np.ndarray:
        return self.msft_flows.sum(axis=2)


def scenario_values(scenarios) -> dict[str, np.ndarray]:
    """Numeric assumptions of one or more scenarios as arrays, one value per scenario."""
    scenarios = scenarios if isinstance(scenarios, (list, tuple)) else [scenarios]
    return {
        name: np.array([float(getattr(s, name)) for s in scenarios])
        for name, spec in SPECS.items()
        if spec.kind != "choice"
    }


def _column(values: Mapping[str, np.ndarray | float], name: str, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(values[name], dtype=float), (n,)).reshape(n, 1)


def _year_fraction_before(day: date) -> float:
    """Share of ``day``'s calendar year that has passed before it."""
    start = date(day.year, 1, 1)
    return (day - start).days / (date(day.year + 1, 1, 1) - start).days


def _spread(years: np.ndarray, start_month: int, end_month: np.ndarray, total: np.ndarray) -> np.ndarray:
    """``total`` spread evenly over the months from start to end (inclusive), summed by year."""
    year_first = years * 12
    year_last = year_first + 11
    end = end_month.reshape(-1, 1)
    overlap = np.clip(np.minimum(end, year_last) - np.maximum(start_month, year_first) + 1, 0, 12)
    months = end - start_month + 1
    return total.reshape(-1, 1) * overlap / months


def commitment_totals(c: Commitment, by_id: Mapping[str, Commitment], v, n: int) -> np.ndarray:
    """What OpenAI owes a counterparty in total, under the scenario (n,)."""
    col = lambda name: _column(v, name, n)[:, 0]  # noqa: E731
    if c.sizing == "undisclosed":
        return np.zeros(n)
    if c.sizing == "gigawatts":
        total = c.gigawatts * col("usd_bn_per_gw")
    else:
        total = np.full(n, c.total_usd_bn)
    if c.scaled_by == "stargate_remainder_share":
        total = (c.total_usd_bn - c.overlap_usd_bn) * col("stargate_remainder_share")
    elif c.scaled_by == "aws_expansion_additive_share":
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


def _schedules(facts: Facts, years: np.ndarray, v, n: int) -> np.ndarray:
    commitments = facts.commitments.commitments
    by_id = {c.id: c for c in commitments}
    out = np.zeros((n, years.size, len(commitments)))
    for k, c in enumerate(commitments):
        if c.schedule is not None:
            out[:, :, k] = [c.schedule.get(int(y), 0.0) for y in years]
        elif c.sizing != "undisclosed":
            total = commitment_totals(c, by_id, v, n)
            out[:, :, k] = _spread(years, month_index(c.start), commitment_end_month(c, v, n), total)
    return out


def _revenue(facts: Facts, years: np.ndarray, v, n: int) -> np.ndarray:
    actual = {r.year: r.revenue_usd_bn for r in facts.openai.revenue_actuals}
    plan_years = np.array([r.year for r in facts.openai.revenue_plan])
    plan_values = np.array([r.revenue_usd_bn for r in facts.openai.revenue_plan])
    # Between plan points the plan grows at a constant rate: interpolate the logarithm.
    inside = np.clip(years, plan_years[0], plan_years[-1])
    plan = np.exp(np.interp(inside, plan_years, np.log(plan_values)))
    growth = _column(v, "openai_revenue_growth_after_plan", n)
    after = np.maximum(years - plan_years[-1], 0)
    modelled = _column(v, "openai_revenue_vs_plan", n) * plan * (1.0 + growth) ** after
    known = np.array([actual.get(int(y), np.nan) for y in years])
    revenue = np.where(np.isin(years, list(actual)), known, modelled)
    return np.where(years < min(actual), np.nan, revenue)


def _revenue_share(facts: Facts, years, revenue, v, n):
    terms = facts.revenue_share.openai_to_microsoft
    first_modelled = facts.openai.revenue_plan[0].year
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


def _tiers(rule: ShortfallRule, facts: Facts) -> list[list[int]]:
    """Groups of counterparties in the order they are paid; pro rata within a group."""
    commitments = facts.commitments.commitments
    everyone = list(range(len(commitments)))
    azure = [k for k, c in enumerate(commitments) if c.id == "azure"]
    others = [k for k in everyone if k not in azure]
    if rule == ShortfallRule.azure_paid_first:
        return [azure, others]
    if rule == ShortfallRule.azure_paid_last:
        return [others, azure]
    if rule == ShortfallRule.oldest_paid_first:
        return [[k] for k in sorted(everyone, key=lambda k: to_date(commitments[k].signed))]
    return [everyone]


def _pay(scheduled: np.ndarray, available: np.ndarray, tiers: list[list[int]]) -> np.ndarray:
    """Pay each tier in turn, pro rata within it, until the money runs out. (n, C) -> (n, C)."""
    paid = np.zeros_like(scheduled)
    remaining = np.maximum(available, 0.0)
    for tier in tiers:
        owed = scheduled[:, tier].sum(axis=1)
        pay = np.minimum(owed, remaining)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(owed > 0, pay / owed, 0.0)
        paid[:, tier] = scheduled[:, tier] * ratio[:, None]
        remaining = remaining - pay
    return paid


def simulate(
    values: Mapping[str, np.ndarray | float],
    facts: Facts,
    *,
    horizon_year: int,
    shortfall_rule: ShortfallRule,
    today: date,
) -> Simulation:
    """All flows of the model for every draw in ``values`` (each an array of one value per draw)."""
    n = max(np.size(value) for value in values.values())
    years = np.arange(FIRST_YEAR, horizon_year + 1)
    Y = years.size

    revenue = _revenue(facts, years, values, n)
    rate, owed, received, paid_to_openai = _revenue_share(facts, years, revenue, values, n)
    scheduled = _schedules(facts, years, values, n)

    # Can OpenAI pay? Year by year from the first commitment, carrying spare cash forward.
    first_year = min(to_date(c.start + "-01").year for c in facts.commitments.commitments)
    rounds = {}
    for r in facts.openai.funding_rounds:
        rounds[to_date(r.date).year] = rounds.get(to_date(r.date).year, 0.0) + r.raised_usd_bn
    last_round_year = max(rounds, default=first_year - 1)
    funding = np.where(
        years > last_round_year,
        _column(values, "outside_funding_usd_bn_per_year", n),
        np.array([rounds.get(int(y), 0.0) for y in years]),
    )
    funding = np.where(years < first_year, 0.0, funding)
    active = years >= first_year
    noncompute_share = _column(values, "openai_noncompute_cost_share", n)
    noncompute = np.where(active, noncompute_share * np.nan_to_num(revenue), 0.0)
    tiers = _tiers(shortfall_rule, facts)
    paid = np.zeros_like(scheduled)
    available = np.zeros((n, Y))
    carried = np.zeros((n, Y))
    carry = np.zeros(n)
    for j in np.nonzero(active)[0]:
        available[:, j] = (np.nan_to_num(revenue[:, j]) - noncompute[:, j] - received[:, j]
                           + paid_to_openai[:, j] + funding[:, j] + carry)
        paid[:, j] = _pay(scheduled[:, j], available[:, j], tiers)
        carry = np.maximum(available[:, j] - paid[:, j].sum(axis=1), 0.0)
        carried[:, j] = carry
    commitments_total = scheduled.sum(axis=2)
    gap = np.where(active, np.maximum(commitments_total - available, 0.0), 0.0)
    openai_net_income = np.where(
        active,
        np.nan_to_num(revenue) - noncompute - paid.sum(axis=2) - received + paid_to_openai,
        np.nan,
    )

    # Microsoft's side.
    funded = _funded_by_year(facts, years, values, n)
    credit_share = _column(values, "azure_credit_share", n)
    margin = _column(values, "azure_margin", n)
    dilution = _column(values, "annual_dilution", n)
    stake = _column(values, "msft_stake", n) * (1.0 - dilution) ** np.maximum(years - 2026, 0)
    azure = [k for k, c in enumerate(facts.commitments.commitments) if c.id == "azure"]
    azure_paid = paid[:, :, azure].sum(axis=2)
    stake_value_horizon = (stake[:, -1] * _column(values, "terminal_revenue_multiple", n)[:, 0]
                           * np.nan_to_num(revenue[:, -1]))
    terminal = np.zeros((n, Y))
    terminal[:, -1] = stake_value_horizon
    flows = np.stack(
        [
            -funded * (1.0 - credit_share),
            -funded * credit_share * (1.0 - margin),
            received,
            -paid_to_openai,
            azure_paid * margin,
            terminal,
        ],
        axis=2,
    )
    discount = _column(values, "discount_rate", n)[:, 0]
    net_present = npv(discount, flows.sum(axis=2), base_offset=today.year - FIRST_YEAR)

    return Simulation(
        years=years,
        counterparties=tuple(c.counterparty for c in facts.commitments.commitments),
        openai_revenue=revenue,
        noncompute_costs=noncompute,
        outside_funding=funding,
        scheduled=scheduled,
        paid=paid,
        cash_available=np.where(active, available, np.nan),
        funding_gap=gap,
        cash_carried=carried,
        revenue_share_rate=rate,
        revenue_share_owed=owed,
        revenue_share_received=received,
        revenue_share_paid_to_openai=paid_to_openai,
        funded=funded,
        stake=stake,
        openai_net_income=openai_net_income,
        msft_flows=flows,
        stake_value_horizon=stake_value_horizon,
        npv=np.atleast_1d(net_present),
    )
