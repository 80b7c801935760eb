"""run(scenario, facts, today) -> Result: Microsoft's exposure to OpenAI as tables and metrics.

Sign convention, stated once for the whole model: from Microsoft's point of view, money in is
positive and money out is negative. Amounts are in USD billions (columns end in ``_usd_bn``);
per-share figures are in USD; rates, stakes and shares are fractions.

Each table is tidy (one record per row). ``status`` says whether a figure is ``actual`` (reported,
or arithmetic on reported figures), ``committed`` (contracted, still to happen) or ``projected``
(it rests on the scenario's assumptions); ``derived`` marks figures the model worked out rather
than read from a source.

One concept, one module: every table and headline metric is a view of the same simulation, and
keeping them together keeps each table's columns beside the metric that sums them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from model import finance
from model.datafiles import to_date
from model.equity_method import eps_effect, equity_method_table
from model.facts import Facts
from model.scenario import SPECS, Scenario
from model.simulate import (
    FIRST_YEAR,
    MSFT_FLOWS,
    ROUNDING_USD_BN,
    Simulation,
    scenario_values,
    simulate,
    structure,
)

# One name per counterparty, in the order the data file lists them; the dashboard gives each one
# colour on every page. tests/test_engine.py checks that data/commitments.yaml agrees.
COUNTERPARTIES = (
    "Microsoft Azure",
    "Microsoft Azure (before 2025-10)",
    "Microsoft Azure (rest of backlog)",
    "Oracle",
    "CoreWeave",
    "AWS",
    "AWS expansion",
    "Cerebras",
    "Stargate (OpenAI's equity)",
    "NVIDIA",
    "AMD",
    "Broadcom",
    "Google Cloud",
)
# Compute beyond today's contracts (the compute floor): drawn beside the counterparties, never owed.
RENEWALS = "Renewals and new contracts"

FLOW_LABELS = {
    "investment_cash": "Investment (cash, the 2026 round included)",
    "investment_azure_credits_cost": "Investment (Azure credits, at cost)",
    "revenue_share_received": "Revenue share received, all years",
    "revenue_share_paid_to_openai": "Revenue share paid to OpenAI",
    "azure_margin": "Azure margin on OpenAI",
    "stake_value": "Stake value",
}


@dataclass(frozen=True)
class Metrics:
    """Headline numbers. USD bn unless the name says otherwise; stakes and shares are fractions."""

    invested_usd_bn: float
    invested_cash_usd_bn: float
    invested_credits_usd_bn: float
    invested_cost_to_msft_usd_bn: float
    funded_to_date_usd_bn: float
    revenue_share_received_usd_bn: float
    revenue_share_to_come_usd_bn: float
    revenue_share_net_usd_bn: float
    azure_revenue_usd_bn: float
    azure_margin_usd_bn: float
    at_risk_azure_revenue_usd_bn: float
    stake_filed: float
    stake_now: float
    stake_low_now: float
    stake_high_now: float
    openai_mark_usd_bn: float
    openai_value_now_usd_bn: float
    openai_value_2027_usd_bn: float | None
    horizon_fcf_margin: float
    horizon_price_to_fcf: float
    horizon_revenue_multiple: float
    stake_value_at_mark_usd_bn: float
    stake_value_now_usd_bn: float
    stake_value_usd_bn: float
    stake_pv_usd_bn: float
    stake_at_horizon: float
    claims_peak_usd_bn: float
    claims_at_horizon_usd_bn: float
    claims_recovered_share: float
    stake_share_of_npv: float | None
    npv_usd_bn: float
    npv_forward_contracts_usd_bn: float
    paid_in_to_date_usd_bn: float
    distributions_to_date_usd_bn: float
    tvpi: float | None
    dpi: float | None
    irr_to_date: float | None
    break_even_year: int | None
    hhi: float
    openai_equity_raised_usd_bn: float
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


def _elapsed(years: np.ndarray, today: date) -> np.ndarray:
    """Share of each year that lies before ``today``: 1 for past years, 0 for future ones."""
    start = date(today.year, 1, 1)
    fraction = (today - start).days / (date(today.year + 1, 1, 1) - start).days
    return np.where(years < today.year, 1.0, np.where(years == today.year, fraction, 0.0))


def run(scenario: Scenario, facts: Facts, today: date, msft_price_usd: float | None = None) -> Result:
    """Microsoft's exposure to OpenAI under ``scenario``, as seen on ``today``."""
    sim = simulate(scenario_values(scenario), facts, today=today, **structure(scenario))
    years = sim.years
    tables = {
        "msft_cash_flows": _msft_cash_flows(sim, facts, today),
        "msft_by_year": _msft_by_year(sim, today),
        "tranches": _tranches(facts, scenario),
        "investment_funding": _investment_funding(sim, facts),
        "revenue_share": _revenue_share(sim, facts, today),
        "commitments": _commitments(sim, facts),
        "commitment_totals": _commitment_totals(sim, facts, scenario),
        "openai_funding": _openai_funding(sim, facts, today),
        "equity_method": equity_method_table(
            facts, scenario, years, sim.stake[0], sim.openai_net_income[0], sim.equity_raised[0],
            sim.openai_value[0]),
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
    net_share = received - sim.revenue_share_paid_to_openai[0]
    elapsed = _elapsed(years, today)
    azure = [k for k, c in enumerate(facts.commitments.commitments) if c.is_azure]
    azure_paid = sim.paid[0][:, azure].sum(axis=1) + sim.azure_renewals_paid[0]
    gap = sim.funding_gap[0]
    gap_years = years[gap > ROUNDING_USD_BN]
    shares = facts.microsoft.shares_outstanding.count
    now = int(np.clip(today.year, years[0], years[-1])) - FIRST_YEAR
    stake_value = float(sim.stake_value[0])
    npv_value = float(sim.npv[0])
    stake_flow = sim.msft_flows[0, :, MSFT_FLOWS.index("stake_value")]
    contract_flows = net - stake_flow
    even = finance.break_even_index(contract_flows)
    returns = _returns(sim, today, stake_flow, scenario.discount_rate)
    claims = sim.claims[0].sum(axis=1)
    low, high = _stake_band(sim, facts, scenario, now)
    value_2027 = sim.openai_value[0][years == facts.openai.cash_year]
    horizon_margin = float(sim.horizon_fcf_margin[0])
    return Metrics(
        invested_usd_bn=invested,
        invested_cash_usd_bn=cash,
        invested_credits_usd_bn=credits,
        invested_cost_to_msft_usd_bn=cash + credits * (1.0 - scenario.azure_margin),
        funded_to_date_usd_bn=float(sim.funded_to_date[0]),
        revenue_share_received_usd_bn=float((received * elapsed).sum()),
        revenue_share_to_come_usd_bn=float((received * (1.0 - elapsed)).sum()),
        revenue_share_net_usd_bn=float(net_share.sum()),
        azure_revenue_usd_bn=float(azure_paid.sum()),
        azure_margin_usd_bn=float(sim.msft_flows[0, :, MSFT_FLOWS.index("azure_margin")].sum()),
        at_risk_azure_revenue_usd_bn=float(sim.at_risk_azure_revenue[0]),
        stake_filed=scenario.msft_stake,
        stake_now=float(sim.stake[0, now]),
        stake_low_now=low,
        stake_high_now=high,
        openai_mark_usd_bn=scenario.openai_valuation_usd_bn,
        openai_value_now_usd_bn=float(sim.openai_value_at_cash_point[0]),
        openai_value_2027_usd_bn=float(value_2027[0]) if value_2027.size else None,
        horizon_fcf_margin=horizon_margin,
        horizon_price_to_fcf=scenario.horizon_price_to_fcf,
        horizon_revenue_multiple=max(horizon_margin, 0.0) * scenario.horizon_price_to_fcf,
        stake_value_at_mark_usd_bn=float(sim.stake_value_at_mark[0]),
        stake_value_now_usd_bn=float(sim.stake_value_scenario[0]),
        stake_value_usd_bn=stake_value,
        stake_pv_usd_bn=float(sim.stake_pv[0]),
        stake_at_horizon=float(sim.stake[0, -1]),
        claims_peak_usd_bn=float(claims.max()),
        claims_at_horizon_usd_bn=float(claims[-1]),
        claims_recovered_share=float(sim.claims_recovered_share[0]),
        stake_share_of_npv=float(sim.stake_pv[0] / npv_value) if npv_value > 0 else None,
        npv_usd_bn=npv_value,
        npv_forward_contracts_usd_bn=returns["npv_forward"],
        paid_in_to_date_usd_bn=returns["paid_in"],
        distributions_to_date_usd_bn=returns["distributions"],
        tvpi=returns["tvpi"],
        dpi=returns["dpi"],
        irr_to_date=returns["irr_to_date"],
        break_even_year=None if even is None else int(years[even]),
        hhi=finance.hhi(sim.scheduled[0].sum(axis=0)),
        openai_equity_raised_usd_bn=float(sim.raised_after_cash_point[0].sum()),
        first_funding_gap_year=int(gap_years[0]) if gap_years.size else None,
        total_funding_gap_usd_bn=float(gap.sum()),
        msft_shares_outstanding=shares,
        msft_price_usd=price,
        msft_market_value_usd_bn=None if price is None else price * shares / 1e9,
    )


def _returns_by_year(sim: Simulation, today: date) -> dict[str, np.ndarray]:
    """The investment's flows to date by year, Azure margin left out (its own line).

    Paid in: the filed commitment funded in the part of each year gone by, plus Microsoft's money in later
    rounds, in full from its year. Distributions: the net revenue share received in the part of each year
    gone by. Also the share of each year still to come (what the forward contract flows count)."""
    elapsed = _elapsed(sim.years, today)
    net_share = sim.revenue_share_received[0] - sim.revenue_share_paid_to_openai[0]
    return {
        "paid_in_to_date_usd_bn": sim.funded[0] * elapsed + sim.msft_round_investment[0] * (elapsed > 0),
        "distributions_to_date_usd_bn": net_share * elapsed,
        "share_of_year_to_come": 1.0 - elapsed,
    }


def _returns(sim: Simulation, today: date, stake_flow: np.ndarray, discount_rate: float) -> dict:
    """The investment's returns as investors name them, Azure margin left out (its own line).

    DPI = distributions / paid in; TVPI = (distributions + the stake as counted) / paid in; IRR to date:
    those flows year by year to today, the stake as counted in today's year (:func:`_returns_by_year`).
    The NPV of forward contract flows: every flow but the stake, for the part of each year still to
    come, in today's money."""
    by_year = _returns_by_year(sim, today)
    paid_in_by_year = by_year["paid_in_to_date_usd_bn"]
    distributions_by_year = by_year["distributions_to_date_usd_bn"]
    paid_in = float(paid_in_by_year.sum())
    distributions = float(distributions_by_year.sum())
    stake_value = float(stake_flow.sum())
    now = int(np.clip(today.year, sim.years[0], sim.years[-1])) - FIRST_YEAR
    to_date_flows = (distributions_by_year - paid_in_by_year + stake_flow)[: now + 1]
    forward = (sim.msft_net[0] - stake_flow) * by_year["share_of_year_to_come"]
    return {
        "paid_in": paid_in,
        "distributions": distributions,
        "dpi": distributions / paid_in if paid_in > 0 else None,
        "tvpi": (distributions + stake_value) / paid_in if paid_in > 0 else None,
        "irr_to_date": _irr_to_date(to_date_flows),
        "npv_forward": float(finance.npv(discount_rate, forward, base_offset=today.year - FIRST_YEAR)),
    }


def _irr_to_date(flows: np.ndarray) -> float | None:
    """The IRR of the flows to date (each year's money back less money paid in, the stake's value now
    in this year's); None where no rate is defined: every year's net flow of one sign, as when money
    came back but each year less than went in and no value is left (shown as not meaningful)."""
    return finance.irr(flows)


def _stake_band(sim: Simulation, facts: Facts, scenario: Scenario, now: int) -> tuple[float, float]:
    """Microsoft's stake now if it had put nothing, or the most the reports allow, into the round
    of the cash point's year (the assumption's bounds), all else as the scenario says."""
    cash_year = facts.openai.cash_year
    at_round = sim.stake[0, cash_year - FIRST_YEAR]
    rounds = [r for r in facts.openai.funding_rounds if to_date(r.date).year == cash_year]
    if not rounds or at_round <= 0:
        return float(sim.stake[0, now]), float(sim.stake[0, now])
    per_usd_bn = 1.0 / (rounds[0].post_money_usd_bn - rounds[0].contingent_usd_bn)
    spec = SPECS["msft_round_2026_usd_bn"]
    later = sim.stake[0, now] / at_round
    return ((at_round + (spec.low - scenario.msft_round_2026_usd_bn) * per_usd_bn) * later,
            (at_round + (spec.high - scenario.msft_round_2026_usd_bn) * per_usd_bn) * later)


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
    ("revenue_share_net_usd_bn", "Net revenue share, all years", "USD bn", True, True,
     "received less Microsoft's payments to OpenAI, to the horizon"),
    ("azure_revenue_usd_bn", "Azure revenue from OpenAI", "USD bn", True, True,
     "what OpenAI pays Microsoft under its Azure contracts and Azure's share of renewals, to the horizon"),
    ("azure_margin_usd_bn", "Azure margin from OpenAI", "USD bn", True, True,
     "at the assumed margin, less the running cost of idle capacity for bills never recovered"),
    ("at_risk_azure_revenue_usd_bn", "At-risk Azure revenue", "USD bn", True, True,
     "Azure bills OpenAI defers and never pays: claims left at the horizon that its value does not cover"),
    ("stake_filed", "Stake per the filings", "fraction", False, False,
     "about 27% as-converted (10-Q), before the 2026 round"),
    ("stake_now", "Stake now", "fraction", False, True,
     "the filings' stake diluted by every round since (Amazon's contingent shares only with their money), "
     "plus Microsoft's assumed part of the 2026 round"),
    ("stake_low_now", "Stake now, low end", "fraction", False, True,
     "if Microsoft put nothing into the 2026 round"),
    ("stake_high_now", "Stake now, high end", "fraction", False, True,
     "if Microsoft put $10B into the 2026 round (reports: 'less than $10B')"),
    ("openai_mark_usd_bn", "OpenAI at the last round (market mark)", "USD bn", False, False,
     "$852B post-money, 2026-03-31"),
    ("openai_value_now_usd_bn", "OpenAI's value in this scenario", "USD bn", False, True,
     "at 2026-03-31: cash, free cash flows to the horizon and a horizon value, less claims, at OpenAI's "
     "cost of equity (calibrated so the base case gives the mark)"),
    ("openai_value_2027_usd_bn", "OpenAI's value pricing 2027 raises", "USD bn", False, True,
     "the scenario's value at the end of 2026"),
    ("horizon_fcf_margin", "OpenAI's free cash flow margin at the horizon", "fraction", False, True,
     "all bills paid, renewals included"),
    ("horizon_price_to_fcf", "Price to free cash flow at the horizon", "x", False, False, "assumption"),
    ("horizon_revenue_multiple", "Revenue multiple at the horizon", "x", False, True,
     "margin x price to free cash flow"),
    ("stake_value_at_mark_usd_bn", "Stake value at the last round's price", "USD bn", True, True,
     "stake now x the market mark, whatever the scenario"),
    ("stake_value_now_usd_bn", "Stake value in this scenario", "USD bn", True, True,
     "stake now x OpenAI's value in this scenario"),
    ("stake_value_usd_bn", "Stake value as counted", "USD bn", True, True,
     "by the chosen method (the scenario's value or the market mark), counted today"),
    ("stake_pv_usd_bn", "Stake value in the NPV", "USD bn", True, True, "the same, in today's money"),
    ("stake_at_horizon", "Stake at horizon", "fraction", False, True, "after every round and employee equity"),
    ("claims_peak_usd_bn", "OpenAI's deferred bills, at their peak", "USD bn", False, True,
     "bills deferred and not yet paid: claims that rank before equity"),
    ("claims_at_horizon_usd_bn", "OpenAI's deferred bills left at the horizon", "USD bn", False, True,
     "paid out of the horizon value as far as it covers them"),
    ("claims_recovered_share", "Share of those claims OpenAI's value covers", "fraction", False, True,
     "below 100%: the equity is written off and creditors recover this share"),
    ("npv_usd_bn", "NPV", "USD bn", True, True,
     "of Microsoft's flows incl. the stake, in today's money"),
    ("npv_forward_contracts_usd_bn", "NPV of forward contract flows", "USD bn", True, True,
     "revenue share, Azure margin and funding still to come, stake excluded, in today's money"),
    ("stake_share_of_npv", "Share of the NPV resting on the stake", "fraction", False, True,
     "present value of the stake as counted, over the NPV"),
    ("paid_in_to_date_usd_bn", "Paid in to date", "USD bn", True, True,
     "investment funded to date, the 2026 round included"),
    ("distributions_to_date_usd_bn", "Distributions to date", "USD bn", True, True,
     "net revenue share received to date"),
    ("tvpi", "TVPI", "x", False, True, "(distributions + the stake as counted) / paid in; Azure margin left out"),
    ("dpi", "DPI", "x", False, True, "distributions / paid in"),
    ("irr_to_date", "IRR to date", "per year", False, True,
     "paid in and distributions by year to today, plus the stake as counted now; Azure margin left out"),
    ("break_even_year", "Cash break-even year", "year", False, True,
     "cumulative contract flows back to zero, stake excluded"),
    ("hhi", "Concentration of OpenAI's commitments (HHI)", "0-10,000", False, True,
     "above 2,500: highly concentrated"),
    ("openai_equity_raised_usd_bn", "Money OpenAI raises after its reported cash", "USD bn", False, True,
     "on top of the cash of 31 March 2026: the 2026 round's later money, contingent money counted, a listing, "
     "new raises"),
    ("first_funding_gap_year", "First year OpenAI defers bills", "year", False, True, ""),
    ("total_funding_gap_usd_bn", "OpenAI funding gap, all years", "USD bn", False, True,
     "bills deferred, net of deferred bills repaid, summed over the years"),
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
    first_modelled = facts.openai.revenue_actuals[-1].year + 1
    status = {
        # Funding is reported up to the last filing; the rest is committed but not yet paid.
        "investment": np.where(years < last_funded.year, "actual", "committed"),
        # Revenue share before the plan years rests on reported revenue.
        "revenue_share": np.where(years < first_modelled, "actual", "projected"),
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


def _msft_by_year(sim: Simulation, today: date) -> pd.DataFrame:
    """Microsoft's flows by year, and the investment's flows to date (what TVPI, DPI and the IRR to date
    count; the workbook's valuation sheet recomputes them by formula from these columns)."""
    net = sim.msft_net[0]
    stake = sim.msft_flows[0, :, MSFT_FLOWS.index("stake_value")]
    return _long(sim.years, {
        "net_cash_flow_usd_bn": net - stake,
        "cumulative_net_cash_flow_usd_bn": np.cumsum(net - stake),
        "stake_value_counted_usd_bn": stake,
        "cumulative_position_usd_bn": np.cumsum(net),
        **_returns_by_year(sim, today),
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
        "status": np.where(years <= facts.openai.revenue_actuals[-1].year, "actual", "projected"),
    })
    return table[~np.isnan(sim.openai_revenue[0])].reset_index(drop=True)


def _basis(c) -> str:
    if c.schedule is not None:
        return ("reported annual amounts" + (" (partly annualised: derived)" if c.schedule_derived else "")
                + (f"; {c.confidence}" if c.confidence else ""))
    if c.sizing == "undisclosed":
        return "value undisclosed: not modelled"
    end = c.end or {"azure_commitment_term_years": "start + assumed term",
                    "gpu_deployment_end_year": "assumed deployment end"}[c.end_assumption]
    if c.sizing == "gigawatts":
        size = f"{c.gigawatts:g} GW x chip cost per GW x share OpenAI finances itself"
        if c.scaled_by:
            size += f" x {c.scaled_by}"
        return f"{size}; deployed evenly {c.start} to {end}, each year's chips paid over the lease term"
    if c.sizing == "equity":
        return f"OpenAI's equity in the venture (assumption), paid in evenly {c.start} to {end}"
    size = "reported total" + (f" x {c.scaled_by}" if c.scaled_by else "")
    ramp = f", ramping up over {c.ramp_months} months" if c.ramp_months else ""
    return f"{size} as rent from {c.start} to {end}{ramp}"


def _renewals_basis() -> str:
    return "compute floor: renewals and new contracts keep compute at the assumed share of revenue"


def _commitments(sim: Simulation, facts: Facts) -> pd.DataFrame:
    commitments = facts.commitments.commitments
    Y, C = sim.years.size, len(commitments) + 1
    # The renewals column comes last: what OpenAI would buy beyond today's contracts.
    scheduled = np.concatenate([sim.scheduled[0], sim.renewals[0][:, None]], axis=1).T.ravel()
    paid = np.concatenate([sim.paid[0], sim.renewals_paid[0][:, None]], axis=1).T.ravel()
    keep = scheduled > 1e-12
    pick = lambda values: np.repeat(np.asarray(values, dtype=object), Y)[keep]  # noqa: E731
    table = pd.DataFrame({
        "year": np.tile(sim.years.astype(int), C)[keep],
        "counterparty": pick([c.counterparty for c in commitments] + [RENEWALS]),
        "scheduled_usd_bn": scheduled[keep],
        "paid_usd_bn": paid[keep],
        "shortfall_usd_bn": (scheduled - paid)[keep],
        "status": pick([c.status for c in commitments] + ["uncommitted"]),
        "derived": pick([c.schedule is None or c.schedule_derived for c in commitments] + [True]).astype(bool),
        "basis": pick([_basis(c) for c in commitments] + [_renewals_basis()]),
    })
    return table.sort_values(["year", "counterparty"], ignore_index=True)


def _commitment_totals(sim: Simulation, facts: Facts, scenario: Scenario) -> pd.DataFrame:
    in_model = sim.scheduled[0].sum(axis=0)
    share = in_model / in_model.sum() if in_model.sum() > 0 else in_model
    rows = []
    for k, c in enumerate(facts.commitments.commitments):
        rows.append({
            "counterparty": c.counterparty,
            "announced_usd_bn": c.announced_usd_bn,
            "total_usd_bn": float(sim.commitment_totals[0, k]) if c.sizing != "undisclosed" else None,
            "to_horizon_usd_bn": float(in_model[k]),
            "share_of_total": float(share[k]),
            "gigawatts": c.gigawatts,
            "status": c.status,
            "basis": _basis(c),
            "derived": bool(c.scaled_by or c.schedule is None or c.schedule_derived),
            "note": "; ".join(text for text in (c.confidence, c.note) if text),
            "source": c.source,
            "as_of": c.as_of,
        })
    return pd.DataFrame(rows)


def _openai_funding(sim: Simulation, facts: Facts, today: date) -> pd.DataFrame:
    """OpenAI by year: its revenue, what it must pay, how it pays, and what it cannot."""
    committed = sim.scheduled[0].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        paid_share = np.where(committed > 1e-12, sim.paid[0].sum(axis=1) / committed, np.nan)
    table = _long(sim.years, {
        "revenue_usd_bn": sim.openai_revenue[0],
        "revenue_status": np.where(sim.years <= facts.openai.revenue_actuals[-1].year, "actual", "projected"),
        "noncompute_costs_usd_bn": sim.noncompute_costs[0],
        "revenue_share_net_paid_usd_bn": sim.revenue_share_received[0] - sim.revenue_share_paid_to_openai[0],
        "commitments_usd_bn": committed,
        "renewals_usd_bn": sim.renewals[0],
        "compute_scheduled_usd_bn": sim.compute_scheduled[0],
        "compute_paid_usd_bn": sim.compute_paid[0],
        "burn_before_financing_usd_bn": sim.burn[0],
        "equity_raised_usd_bn": sim.equity_raised[0],
        "cash_end_usd_bn": sim.cash_end[0],
        "funding_gap_usd_bn": sim.funding_gap[0],
        "commitments_paid_share": paid_share,
        "free_cash_flow_usd_bn": sim.free_cash_flow[0],
        "deferred_bills_owed_usd_bn": sim.claims[0].sum(axis=1),
        "openai_value_usd_bn": sim.openai_value[0],
        "msft_stake": sim.stake[0],
    })
    first = facts.openai.revenue_actuals[-1].year
    return table[table["year"] >= first].reset_index(drop=True)


__all__ = ["COUNTERPARTIES", "FIRST_YEAR", "FLOW_LABELS", "RENEWALS", "Metrics", "Result", "eps_effect", "run"]
