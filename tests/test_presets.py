"""Each preset's story holds in its own numbers (data/presets.yaml)."""

from __future__ import annotations

import pytest

from model.engine import run
from model.presets import load_presets


@pytest.fixture(scope="module")
def metrics(facts):
    from tests.conftest import TODAY

    return {name: run(p.scenario, facts, TODAY).metrics for name, p in load_presets().items()}


@pytest.fixture(scope="module")
def funding(facts):
    from tests.conftest import TODAY

    return {name: run(p.scenario, facts, TODAY).tables["openai_funding"].set_index("year")
            for name, p in load_presets().items()}


def test_base_pays_every_bill_and_reproduces_the_round(metrics):
    base = metrics["base"]
    assert base.total_funding_gap_usd_bn == 0.0 and base.at_risk_azure_revenue_usd_bn == 0.0
    assert base.openai_value_now_usd_bn == pytest.approx(852.0, rel=0.01)  # the calibration


def test_every_preset_keeps_2026_on_the_reported_pace(funding):
    for name, table in funding.items():
        assert table.at[2026, "revenue_usd_bn"] >= 24.0, name  # Q1 $5.7B; "on track for $30B"


def test_bull_pays_everything_and_keeps_the_base_valuation_method(metrics):
    bull, base = metrics["bull"], metrics["base"]
    assert bull.total_funding_gap_usd_bn == 0.0
    assert load_presets()["bull"].scenario.stake_valuation == load_presets()["base"].scenario.stake_valuation
    # A larger business, valued the same way: worth more, but not the old multiple switch's 10x.
    assert base.stake_value_usd_bn * 1.2 < bull.stake_value_usd_bn < base.stake_value_usd_bn * 2.5


def test_breakup_writes_the_stake_off_and_loses_azure_revenue(metrics):
    breakup = metrics["breakup"]
    assert breakup.claims_recovered_share < 1.0          # its value no longer covers its claims
    assert breakup.stake_value_usd_bn < 0.05 * metrics["base"].stake_value_usd_bn
    assert breakup.at_risk_azure_revenue_usd_bn > 1.0


def test_bear_defers_bills_and_recovers(metrics, funding):
    bear, base = metrics["bear"], metrics["base"]
    table = funding["bear"]
    assert bear.first_funding_gap_year == 2028 and bear.total_funding_gap_usd_bn > 50.0
    # It pays its deferred bills back as its cash recovers: nothing left owed, Azure revenue not lost.
    assert bear.claims_at_horizon_usd_bn == pytest.approx(0.0, abs=1e-6)
    assert bear.at_risk_azure_revenue_usd_bn == pytest.approx(0.0, abs=1e-6)
    assert (table.loc[2031:, "free_cash_flow_usd_bn"] > 0).sum() >= 2 and table.at[2035, "cash_end_usd_bn"] > 50
    assert metrics["breakup"].stake_value_usd_bn < bear.stake_value_usd_bn < base.stake_value_usd_bn


def test_a_recovering_openai_keeps_most_of_its_equity_value(facts):
    """Bear's business with the money it needs, against Bear as it is: deferring bills it later pays
    costs the equity little (the old rule kept a quarter of it, for good)."""
    from tests.conftest import TODAY

    bear = load_presets()["bear"].scenario
    funded = bear.model_copy(update={"outside_funding_usd_bn_per_year": 300.0})
    deferring, paying = run(bear, facts, TODAY).metrics, run(funded, facts, TODAY).metrics
    assert deferring.total_funding_gap_usd_bn > 50.0 and paying.total_funding_gap_usd_bn == 0.0
    assert deferring.openai_value_now_usd_bn > 0.5 * paying.openai_value_now_usd_bn


def test_ipo_brings_amazons_money_and_dilutes_at_the_scenarios_value(metrics, funding):
    ipo, base = metrics["ipo"], metrics["base"]
    assert funding["ipo"].at[2027, "equity_raised_usd_bn"] == pytest.approx(
        funding["base"].at[2027, "equity_raised_usd_bn"] + 35.0 + 50.0)
    assert ipo.stake_at_horizon < base.stake_at_horizon
    assert ipo.openai_value_2027_usd_bn == pytest.approx(1000.0, rel=0.3)


def test_renegotiated_stretches_rather_than_defaults(metrics):
    renegotiated, base = metrics["renegotiated"], metrics["base"]
    assert renegotiated.at_risk_azure_revenue_usd_bn == 0.0 and renegotiated.claims_at_horizon_usd_bn < 1e-6
    assert 0.3 * base.stake_value_usd_bn < renegotiated.stake_value_usd_bn < base.stake_value_usd_bn


def test_as_announced_cannot_be_funded_but_keeps_a_compute_floor(metrics):
    announced = metrics["announced"]
    assert announced.total_funding_gap_usd_bn > 200.0
    assert load_presets()["announced"].scenario.compute_floor_share > 0.0
