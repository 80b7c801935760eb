"""run(scenario, facts, today) -> Result: Microsoft's exposure to OpenAI as tables and metrics.

Sign convention, stated once for the whole model: from Microsoft's point of view, money in is
positive and money out is negative. Amounts are in USD billions (columns end in ``_usd_bn``);
per-share figures are in USD; rates, stakes and shares are fractions.

Each table is tidy (one record per row). ``status`` says whether a figure is ``actual`` (reported,
or arithmetic on reported figures), ``committed`` (contracted, still to happen) or ``projected``
(it rests on the scenario's assumptions); ``derived`` marks figures the model worked out rather
than read from a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from model import finance
from model.facts import Facts, to_date
from model.scenario import Scenario
from model.simulate import (
    FIRST_YEAR,
    MSFT_FLOWS,
    Simulation,
    commitment_totals,
    funded_cumulative,
    scenario_values,
    simulate,
)

# One name per counterparty, in the order the data file lists them; the dashboard gives each one
# colour on every page. tests/test_engine.py checks that data/commitments.yaml agrees.
COUNTERPARTIES = (
    "Microsoft Azure",
    "Oracle",
    "CoreWeave",
    "AWS",
    "AWS expansion",
    "Cerebras",
    "Stargate (beyond Oracle)",
    "NVIDIA",
    "AMD",
    "Broadcom",
    "Google Cloud",
)

FLOW_LABELS = {
    "investment_cash": "Investment (cash)",
    "investment_azure_credits_cost": "Investment (Azure credits, at cost)",
    "revenue_share_received": "Revenue share received",
    "revenue_share_paid_to_openai": "Revenue share paid to OpenAI",
    "azure_margin": "Azure margin on OpenAI",
    "stake_value_at_horizon": "Stake value at horizon",
}


@dataclass(frozen=True)
class Metrics:
    """Headline numbers. USD bn unless the name says otherwise."""

    invested_usd_bn: float
    invested_cash_usd_bn: float
    invested_credits_usd_bn: float
    invested_cost_to_msft_usd_bn: float
    funded_to_date_usd_bn: float
    revenue_share_received_usd_bn: float
    revenue_share_to_come_usd_bn: float
    azure_revenue_usd_bn: float
    azure_margin_usd_bn: float
    at_risk_azure_revenue_usd_bn: float
    stake_value_now_usd_bn: float
    stake_at_horizon: float
    stake_value_horizon_usd_bn: float
    npv_usd_bn: float
    irr: float | None
    moic: float | None
    break_even_year: int | None
    hhi: float
    first_funding_gap_year: int | None
    total_funding_gap_usd_bn: float
    msft_shares_outstanding: int
    msft_price_usd: float | None
    msft_market_value_usd_bn: float | None


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    today: date
    years: list[int]
    metrics: Metrics
    tables: dict[str, pd.DataFrame]
    simulation: Simulation


def _status_by_year(years: np.ndarray, today: date) -> np.ndarray:
    return np.where(years < today.year, "actual", "projected")


def _elapsed(years: np.ndarray, today: date) -> np.ndarray:
    """Share of each year that lies before ``today``: 1 for past years, 0 for future ones."""
    start = date(today.year, 1, 1)
    fraction = (today - start).days / (date(today.year + 1, 1, 1) - start).days
    return np.where(years < today.year, 1.0, np.where(years == today.year, fraction, 0.0))


def run(scenario: Scenario, facts: Facts, today: date, msft_price_usd: float | None = None) -> Result:
    """Microsoft's exposure to OpenAI under ``scenario``, as seen on ``today``."""
    sim = simulate(
        scenario_values(scenario), facts,
        horizon_year=scenario.horizon_year, shortfall_rule=scenario.shortfall_rule, today=today,
    )
    years = sim.years
    tables = {
        "msft_cash_flows": _msft_cash_flows(sim, facts, today),
        "msft_by_year": _msft_by_year(sim),
        "tranches": _tranches(facts, scenario),
        "investment_funding": _investment_funding(sim, facts),
        "revenue_share": _revenue_share(sim, facts, today),
        "commitments": _commitments(sim, facts),
        "commitment_totals": _commitment_totals(sim, facts, scenario),
        "openai_funding": _openai_funding(sim, facts, today),
        "equity_method": _equity_method(sim, facts, scenario),
    }
    metrics = _metrics(sim, facts, scenario, today, msft_price_usd)
    tables = {"summary": _summary(metrics, scenario, facts, today), **tables}
    return Result(scenario, today, [int(y) for y in years], metrics, tables, sim)


# -- metrics ---------------------------------------------------------------------------------------


def _metrics(sim: Simulation, facts: Facts, scenario: Scenario, today: date, price: float | None) -> Metrics:
    years = sim.years
    invested = facts.tranches.filed_commitment.total_usd_bn
    credits = invested * scenario.azure_credit_share
    cash = invested - credits
    net = sim.msft_net[0]
    received = sim.revenue_share_received[0]
    elapsed = _elapsed(years, today)
    azure = COUNTERPARTIES.index("Microsoft Azure")
    azure_paid = sim.paid[0, :, azure]
    gap = sim.funding_gap[0]
    gap_years = years[gap > 1e-9]
    shares = facts.microsoft.shares_outstanding.count
    rate_of_return = finance.irr(net)
    # Gross money in over gross money out: a year's inflows do not net off its outflows.
    multiple = finance.moic(sim.msft_flows[0].ravel())
    cash_only = net - sim.msft_flows[0, :, MSFT_FLOWS.index("stake_value_at_horizon")]
    even = finance.break_even_index(cash_only)
    return Metrics(
        invested_usd_bn=invested,
        invested_cash_usd_bn=cash,
        invested_credits_usd_bn=credits,
        invested_cost_to_msft_usd_bn=cash + credits * (1.0 - scenario.azure_margin),
        funded_to_date_usd_bn=float(
            funded_cumulative(facts, today, np.array([scenario.unfunded_commitment_paid_by_year]))[0]
        ),
        revenue_share_received_usd_bn=float((received * elapsed).sum()),
        revenue_share_to_come_usd_bn=float((received * (1.0 - elapsed)).sum()),
        azure_revenue_usd_bn=float(azure_paid.sum()),
        azure_margin_usd_bn=float(azure_paid.sum() * scenario.azure_margin),
        at_risk_azure_revenue_usd_bn=float(sim.shortfall[0, :, azure].sum()),
        stake_value_now_usd_bn=scenario.msft_stake * scenario.openai_valuation_usd_bn,
        stake_at_horizon=float(sim.stake[0, -1]),
        stake_value_horizon_usd_bn=float(sim.stake_value_horizon[0]),
        npv_usd_bn=float(sim.npv[0]),
        irr=rate_of_return,
        moic=None if multiple is None else float(multiple),
        break_even_year=None if even is None else int(years[even]),
        hhi=finance.hhi(sim.scheduled[0].sum(axis=0)),
        first_funding_gap_year=int(gap_years[0]) if gap_years.size else None,
        total_funding_gap_usd_bn=float(gap.sum()),
        msft_shares_outstanding=shares,
        msft_price_usd=price,
        msft_market_value_usd_bn=None if price is None else price * shares / 1e9,
    )


# (metric, label, unit, per-share and market-value columns apply, derived, note)
_SUMMARY_ROWS = (
    ("invested_usd_bn", "Invested (filed commitment)", "USD bn", True, False,
     "Microsoft's filed funding commitment; the 2024 $0.75B media report is not added"),
    ("invested_cash_usd_bn", "of which cash", "USD bn", True, True, "split is an assumption"),
    ("invested_credits_usd_bn", "of which Azure credits", "USD bn", True, True, "split is an assumption"),
    ("invested_cost_to_msft_usd_bn", "Cost to Microsoft of the investment", "USD bn", True, True,
     "cash plus what the credits cost to run"),
    ("funded_to_date_usd_bn", "Funded to date", "USD bn", True, True,
     "from the filings' cumulative figures; between and after them, derived"),
    ("revenue_share_received_usd_bn", "Revenue share received", "USD bn", True, True,
     "OpenAI to Microsoft, before Microsoft's own payments; modelled from OpenAI's revenue since 2024"),
    ("revenue_share_to_come_usd_bn", "Revenue share to come", "USD bn", True, True, "after the cap"),
    ("azure_revenue_usd_bn", "Azure revenue from OpenAI's $250B commitment", "USD bn", True, True,
     "the part OpenAI can pay, to the horizon"),
    ("azure_margin_usd_bn", "Azure margin from OpenAI", "USD bn", True, True, "at the assumed margin"),
    ("at_risk_azure_revenue_usd_bn", "At-risk Azure revenue", "USD bn", True, True,
     "Microsoft's share of OpenAI's shortfall on its commitments"),
    ("stake_value_now_usd_bn", "Stake value now", "USD bn", True, True, "stake x OpenAI valuation"),
    ("stake_at_horizon", "Stake at horizon", "fraction", False, True, "after dilution"),
    ("stake_value_horizon_usd_bn", "Stake value at horizon", "USD bn", True, True,
     "stake x multiple x horizon-year revenue"),
    ("npv_usd_bn", "NPV", "USD bn", True, True,
     "of Microsoft's flows incl. the stake at horizon, in today's money"),
    ("irr", "IRR", "per year", False, True, "of Microsoft's flows incl. the stake at horizon"),
    ("moic", "MOIC", "x", False, True, "money in / money out, undiscounted"),
    ("break_even_year", "Cash break-even year", "year", False, True,
     "cumulative cash back to zero, stake excluded"),
    ("hhi", "Concentration of OpenAI's commitments (HHI)", "0-10,000", False, True,
     "above 2,500: highly concentrated"),
    ("first_funding_gap_year", "First year of an OpenAI funding gap", "year", False, True, ""),
    ("total_funding_gap_usd_bn", "OpenAI funding gap, all years", "USD bn", False, True, ""),
    ("msft_price_usd", "MSFT price used", "USD", False, False, ""),
    ("msft_market_value_usd_bn", "Microsoft market value", "USD bn", False, True, "price x shares outstanding"),
)


def _summary(m: Metrics, scenario: Scenario, facts: Facts, today: date) -> pd.DataFrame:
    shares = m.msft_shares_outstanding
    rows = []
    for name, label, unit, scaled, derived, note in _SUMMARY_ROWS:
        value = getattr(m, name)
        per_share = share_of_market = None
        if scaled and value is not None:
            per_share = value * 1e9 / shares
            if m.msft_market_value_usd_bn:
                share_of_market = value / m.msft_market_value_usd_bn
        rows.append({
            "metric": name, "label": label, "value": value, "unit": unit,
            "per_msft_share_usd": per_share, "share_of_msft_market_value": share_of_market,
            "derived": derived, "note": note,
        })
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].astype(float)
    return frame


# -- tables ----------------------------------------------------------------------------------------


def _long(years: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({"year": years.astype(int), **columns})


def _msft_cash_flows(sim: Simulation, facts: Facts, today: date) -> pd.DataFrame:
    years = sim.years
    last_funded = to_date(facts.tranches.funded_points[-1].date)
    plan_start = facts.openai.revenue_plan[0].year
    status = {
        # Funding is reported up to the last filing; the rest is committed but not yet paid.
        "investment": np.where(years < last_funded.year, "actual", "committed"),
        # Revenue share before the plan years rests on reported revenue.
        "revenue_share": np.where(years < plan_start, "actual", "projected"),
        "other": np.full(years.size, "projected"),
    }
    F = len(MSFT_FLOWS)
    amounts = sim.msft_flows[0].ravel()  # year-major: (Y * F,)
    keep = amounts != 0
    kinds = [next((k for k in ("investment", "revenue_share") if f.startswith(k)), "other") for f in MSFT_FLOWS]
    return pd.DataFrame({
        "year": np.repeat(years.astype(int), F)[keep],
        "flow": np.tile(np.asarray(MSFT_FLOWS, dtype=object), years.size)[keep],
        "amount_usd_bn": amounts[keep],
        "status": np.stack([status[k] for k in kinds], axis=1).ravel()[keep],
        # Every Microsoft flow passes through an assumption (the credit split, the margin,
        # the revenue path), so each is the model's figure, not a reported one.
        "derived": True,
    })


def _msft_by_year(sim: Simulation) -> pd.DataFrame:
    net = sim.msft_net[0]
    stake = sim.msft_flows[0, :, MSFT_FLOWS.index("stake_value_at_horizon")]
    return _long(sim.years, {
        "net_cash_flow_usd_bn": net - stake,
        "cumulative_net_cash_flow_usd_bn": np.cumsum(net - stake),
        "stake_value_at_horizon_usd_bn": stake,
        "cumulative_position_usd_bn": np.cumsum(net),
    })


def _tranches(facts: Facts, scenario: Scenario) -> pd.DataFrame:
    rows = []
    for t in facts.tranches.tranches:
        amount = t.amount_usd_bn
        counted = t.in_filed_commitment
        credits = None if amount is None else amount * scenario.azure_credit_share
        rows.append({
            "tranche": t.id, "date": t.date, "amount_usd_bn": amount,
            "cash_usd_bn": None if amount is None else amount - credits,
            "azure_credits_usd_bn": credits,
            "cost_to_msft_usd_bn": None if amount is None else amount - credits * scenario.azure_margin,
            "counted": counted, "counterparty": t.counterparty, "nature": t.nature,
            "confidence": t.confidence, "source": t.source, "as_of": t.as_of,
        })
    return pd.DataFrame(rows)


def _investment_funding(sim: Simulation, facts: Facts) -> pd.DataFrame:
    funded = sim.funded[0]
    last_point = to_date(facts.tranches.funded_points[-1].date)
    multi_year = to_date([t for t in facts.tranches.tranches if t.in_filed_commitment][-1].date).year
    table = _long(sim.years, {
        "funded_usd_bn": funded,
        "cumulative_funded_usd_bn": np.cumsum(funded),
        "status": np.where(sim.years < last_point.year, "actual", "committed"),
        "derived": sim.years >= multi_year,
    })
    return table[(table["funded_usd_bn"].abs() > 1e-12)].reset_index(drop=True)


def _revenue_share(sim: Simulation, facts: Facts, today: date) -> pd.DataFrame:
    years = sim.years
    start = facts.revenue_share.openai_to_microsoft.cap_counts_from_year
    received = sim.revenue_share_received[0]
    owed = sim.revenue_share_owed[0]
    table = _long(years, {
        "openai_revenue_usd_bn": sim.openai_revenue[0],
        "rate": sim.revenue_share_rate[0],
        "owed_usd_bn": owed,
        "received_usd_bn": received,
        "cumulative_received_since_2026_usd_bn": np.cumsum(np.where(years >= start, received, 0.0)),
        "cap_binds": (owed - received) > 1e-9,
        "paid_to_openai_usd_bn": sim.revenue_share_paid_to_openai[0],
        "net_usd_bn": received - sim.revenue_share_paid_to_openai[0],
        "status": np.where(years < facts.openai.revenue_plan[0].year, "actual", "projected"),
    })
    return table[~np.isnan(sim.openai_revenue[0])].reset_index(drop=True)


def _basis(c) -> str:
    if c.schedule is not None:
        return "reported annual schedule" + (" (straight line of the total)" if c.schedule_derived else "")
    if c.sizing == "undisclosed":
        return "value undisclosed: not modelled"
    size = "GW x cost per GW" if c.sizing == "gigawatts" else "reported total"
    if c.scaled_by:
        size += f" x {c.scaled_by}"
    end = c.end or {"azure_commitment_term_years": "start + assumed term",
                    "gpu_deployment_end_year": "assumed deployment end"}[c.end_assumption]
    return f"{size}, spread evenly by month {c.start} to {end}"


def _commitments(sim: Simulation, facts: Facts) -> pd.DataFrame:
    commitments = facts.commitments.commitments
    Y, C = sim.years.size, len(commitments)
    scheduled = sim.scheduled[0].T.ravel()  # counterparty-major: (C * Y,)
    keep = scheduled > 1e-12
    pick = lambda values: np.repeat(np.asarray(values, dtype=object), Y)[keep]  # noqa: E731
    table = pd.DataFrame({
        "year": np.tile(sim.years.astype(int), C)[keep],
        "counterparty": pick([c.counterparty for c in commitments]),
        "scheduled_usd_bn": scheduled[keep],
        "paid_usd_bn": sim.paid[0].T.ravel()[keep],
        "shortfall_usd_bn": sim.shortfall[0].T.ravel()[keep],
        "status": pick([c.status for c in commitments]),
        "derived": pick([c.schedule is None or c.schedule_derived for c in commitments]).astype(bool),
        "basis": pick([_basis(c) for c in commitments]),
    })
    return table.sort_values(["year", "counterparty"], ignore_index=True)


def _commitment_totals(sim: Simulation, facts: Facts, scenario: Scenario) -> pd.DataFrame:
    values = scenario_values(scenario)
    by_id = {c.id: c for c in facts.commitments.commitments}
    in_model = sim.scheduled[0].sum(axis=0)
    share = in_model / in_model.sum() if in_model.sum() > 0 else in_model
    rows = []
    for k, c in enumerate(facts.commitments.commitments):
        if c.schedule is None:
            total = float(commitment_totals(c, by_id, values, 1)[0])
        else:
            total = sum(c.schedule.values())
        rows.append({
            "counterparty": c.counterparty,
            "total_usd_bn": total if c.sizing != "undisclosed" else None,
            "to_horizon_usd_bn": float(in_model[k]),
            "share_of_total": float(share[k]),
            "gigawatts": c.gigawatts,
            "status": c.status,
            "basis": _basis(c),
            "derived": bool(c.scaled_by or c.schedule is None or c.schedule_derived),
            "note": c.note or "",
            "source": c.source,
            "as_of": c.as_of,
        })
    return pd.DataFrame(rows)


def _openai_funding(sim: Simulation, facts: Facts, today: date) -> pd.DataFrame:
    revenue = sim.openai_revenue[0]
    commitments = sim.scheduled[0].sum(axis=1)
    available = sim.cash_available[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(commitments > 0, available / commitments, np.nan)
    table = _long(sim.years, {
        "revenue_usd_bn": revenue,
        "revenue_status": np.where(sim.years < facts.openai.revenue_plan[0].year, "actual", "projected"),
        "noncompute_costs_usd_bn": sim.noncompute_costs[0],
        "revenue_share_net_paid_usd_bn": sim.revenue_share_received[0] - sim.revenue_share_paid_to_openai[0],
        "outside_funding_usd_bn": sim.outside_funding[0],
        "commitments_usd_bn": commitments,
        "cash_available_usd_bn": available,
        "coverage_ratio": coverage,
        "funding_gap_usd_bn": sim.funding_gap[0],
        "cash_carried_usd_bn": sim.cash_carried[0],
    })
    return table[~np.isnan(available)].reset_index(drop=True)


def eps_effect(pretax_usd_bn: float, scenario: Scenario, facts: Facts) -> tuple[float, float]:
    """(net income in USD bn, EPS in USD) of a pre-tax OpenAI result at the scenario's tax rate."""
    net = pretax_usd_bn * (1.0 - scenario.msft_tax_rate)
    return net, net * 1e9 / facts.microsoft.shares_outstanding.count


def _equity_method(sim: Simulation, facts: Facts, scenario: Scenario) -> pd.DataFrame:
    rows = []
    for q in facts.microsoft.equity_method:
        net, eps = None, None
        if q.openai_pretax_usd_bn is not None:
            net, eps = eps_effect(q.openai_pretax_usd_bn, scenario, facts)
        rows.append({
            "period": q.period, "year": to_date(q.quarter_end).year, "status": "reported",
            "openai_pretax_usd_bn": q.openai_pretax_usd_bn, "net_income_usd_bn": net, "eps_usd": eps,
            "reported_net_income_usd_bn": q.net_income_usd_bn, "reported_eps_usd": q.eps_usd,
            "source": q.source,
        })
    last_reported = max(to_date(q.quarter_end) for q in facts.microsoft.equity_method)
    for j, year in enumerate(sim.years):
        if year <= last_reported.year or np.isnan(sim.openai_net_income[0, j]):
            continue
        pretax = float(sim.stake[0, j] * sim.openai_net_income[0, j])
        net, eps = eps_effect(pretax, scenario, facts)
        rows.append({
            "period": f"CY{year}", "year": int(year), "status": "projected",
            "openai_pretax_usd_bn": pretax, "net_income_usd_bn": net, "eps_usd": eps,
            "reported_net_income_usd_bn": None, "reported_eps_usd": None,
            "source": "model: stake x OpenAI net income (revenue - costs - compute paid - revenue share)",
        })
    return pd.DataFrame(rows)


__all__ = ["COUNTERPARTIES", "FIRST_YEAR", "FLOW_LABELS", "Metrics", "Result", "eps_effect", "run"]
