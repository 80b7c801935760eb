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


def test_base_pays_every_bill(metrics):
    assert metrics["base"].total_funding_gap_usd_bn == 0.0
    assert metrics["base"].stake_kept_share == 1.0


def test_bull_every_commitment_is_paid_and_the_stake_compounds(metrics):
    bull, base = metrics["bull"], metrics["base"]
    assert bull.total_funding_gap_usd_bn == 0.0 and bull.at_risk_azure_revenue_usd_bn == 0.0
    assert bull.stake_value_usd_bn > 2 * base.stake_value_usd_bn
    assert bull.npv_usd_bn > base.npv_usd_bn


def test_breakup_impairs_the_stake_and_puts_azure_revenue_at_risk(metrics):
    breakup = metrics["breakup"]
    assert breakup.stake_kept_share < 0.1                # "all but written off"
    assert breakup.stake_value_usd_bn < 0.1 * breakup.stake_value_now_usd_bn
    assert breakup.at_risk_azure_revenue_usd_bn > 50.0
    assert breakup.revenue_share_to_come_usd_bn < metrics["base"].revenue_share_to_come_usd_bn


def test_bear_lies_between_base_and_breakup(metrics):
    bear, base, breakup = metrics["bear"], metrics["base"], metrics["breakup"]
    assert bear.first_funding_gap_year == 2028          # "from 2028 it leaves bills unpaid"
    assert bear.stake_kept_share < 0.5                   # "the stake loses most of its value"
    assert 0.0 < bear.total_funding_gap_usd_bn < breakup.total_funding_gap_usd_bn
    assert breakup.stake_kept_share < bear.stake_kept_share < base.stake_kept_share
    assert breakup.npv_usd_bn < bear.npv_usd_bn < base.npv_usd_bn
    assert 0.0 < bear.at_risk_azure_revenue_usd_bn < breakup.at_risk_azure_revenue_usd_bn


def test_as_announced_cannot_be_funded(metrics, funding):
    announced = metrics["announced"]
    compute = funding["announced"].loc[2025:2030, "compute_scheduled_usd_bn"].sum()
    # The headline treatment: well above OpenAI's own ~$600B to 2030 (CNBC 2026-02-20), and unfunded.
    assert compute > 1000
    assert announced.total_funding_gap_usd_bn > 100
    assert announced.stake_kept_share < 0.5


def test_every_story_ends_with_a_full_stop():
    for preset in load_presets().values():
        assert preset.story.endswith("."), preset.name
