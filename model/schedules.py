"""What is owed, and when, before anyone asks whether it can be paid: the contracts' schedules,
OpenAI's revenue path and revenue share, and Microsoft's funding of its commitment.

Every function works over draws: an assumption arrives as an array of one value per draw and a
result is shaped (draws, years) or (draws, years, counterparties). :mod:`model.simulate` runs the
cash account on top of these. Amounts in USD billions; OpenAI-side amounts are positive.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np

from model.datafiles import month_index, to_date
from model.facts import Commitment, Facts
from model.scenario import RevenuePlan


def column(values: Mapping[str, np.ndarray | float], name: str, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(values[name], dtype=float), (n,)).reshape(n, 1)


def year_fraction_before(day: date) -> float:
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
    col = lambda name: column(v, name, n)[:, 0]  # noqa: E731
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
        return month_index(c.start) + 12 * column(v, "azure_commitment_term_years", n)[:, 0] - 1
    return 12 * column(v, "gpu_deployment_end_year", n)[:, 0] + 11


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
                by_year = _paid_over(by_year, column(v, "gpu_payment_years", n)[:, 0])
            out[:, :, k] = by_year
    return out


# -- revenue ---------------------------------------------------------------------------------------


def revenue_path(facts: Facts, years: np.ndarray, v, n: int, plan: RevenuePlan) -> np.ndarray:
    """OpenAI's revenue: actuals, then the plan (x the scenario's multiple from the year after the
    cash point), then steady growth."""
    actuals = facts.openai.revenue_actuals
    points = facts.openai.revenue_plans[RevenuePlan(plan).value]
    # The last actual anchors the plan's first years; between points revenue grows at a
    # constant rate (interpolate the logarithm).
    xs = np.array([actuals[-1].year] + [p.year for p in points], dtype=float)
    ys = np.array([actuals[-1].revenue_usd_bn] + [p.revenue_usd_bn for p in points])
    with np.errstate(divide="ignore"):  # a revenue of zero (a test's what-if) interpolates as zero
        planned = np.exp(np.interp(np.clip(years, xs[0], xs[-1]), xs, np.log(ys)))
    growth = column(v, "openai_revenue_growth_after_plan", n)
    after = np.maximum(years - xs[-1], 0)
    # The multiple of plan applies from the year after the cash point: the cash point's year is
    # mostly reported by then (Q1 $5.7B, "on track for $30B"), so it stays on the plan.
    vs_plan = np.where(years > facts.openai.cash_year, column(v, "openai_revenue_vs_plan", n), 1.0)
    modelled = vs_plan * planned * (1.0 + growth) ** after
    actual = {r.year: r.revenue_usd_bn for r in actuals}
    known = np.array([actual.get(int(y), np.nan) for y in years])
    revenue = np.where(np.isin(years, list(actual)), known, modelled)
    return np.where(years < min(actual), np.nan, revenue)


def revenue_share(facts: Facts, years, revenue, v, n):
    terms = facts.revenue_share.openai_to_microsoft
    first_modelled = facts.openai.revenue_actuals[-1].year + 1
    end_year = column(v, "revenue_share_end_year", n)
    start_rate = column(v, "revenue_share_rate", n)
    final_rate = column(v, "revenue_share_rate_final", n)
    span = np.maximum(end_year - first_modelled, 1)
    progress = np.clip((years - first_modelled) / span, 0.0, 1.0)
    rate = np.where(years < first_modelled, terms.rate, start_rate + (final_rate - start_rate) * progress)
    rate = np.where(years > end_year, 0.0, rate)
    owed = np.nan_to_num(rate * revenue)
    # The cap counts payments from the amendment year on; earlier years are not capped.
    counted = years >= terms.cap_counts_from_year
    cap = column(v, "revenue_share_cap_usd_bn", n)
    cumulative_before = np.cumsum(owed * counted, axis=1) - owed * counted
    room = np.clip(cap - cumulative_before, 0.0, None)
    received = np.where(counted, np.minimum(owed, room), owed)
    # Microsoft paid its own share back until the end date, then stopped.
    ended = to_date(facts.revenue_share.microsoft_to_openai.ended)
    paying_share = np.where(years < ended.year, 1.0,
                            np.where(years == ended.year, year_fraction_before(ended), 0.0))
    paid_to_openai = column(v, "msft_payback_ratio", n) * received * paying_share
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


def funded_by_year(facts: Facts, years: np.ndarray, v, n: int) -> np.ndarray:
    paid_by = column(v, "unfunded_commitment_paid_by_year", n)[:, 0]
    year_ends = np.array([date(int(y), 12, 31).toordinal() for y in years], dtype=float)
    cumulative = funded_cumulative(facts, year_ends, paid_by)
    return np.diff(cumulative, axis=1, prepend=0.0)
