"""Microsoft's OpenAI result by fiscal quarter: the rule of model/equity_method.py, checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from model.engine import run
from model.equity_method import fiscal_quarter, stake_on
from model.scenario import Scenario


@pytest.mark.parametrize(("end", "period", "start"), [
    (date(2025, 9, 30), "Q1 FY26", date(2025, 7, 1)),
    (date(2025, 12, 31), "Q2 FY26", date(2025, 10, 1)),
    (date(2026, 3, 31), "Q3 FY26", date(2026, 1, 1)),
    (date(2026, 6, 30), "Q4 FY26", date(2026, 4, 1)),
])
def test_fiscal_quarters(end, period, start):
    quarter = fiscal_quarter(end)
    assert (quarter.period, quarter.start) == (period, start)


def test_stake_before_at_and_after_the_recap(facts):
    scenario = Scenario()
    assert stake_on(date(2025, 9, 30), facts, scenario) == 0.325            # 32.5% of the for-profit
    assert stake_on(date(2025, 11, 1), facts, scenario) == 0.27             # 10-Q: about 27%
    # The 2026 round as the simulation counts it: its paid $87B issues 87/817 of the company (Amazon's
    # contingent $35B only with its money); Microsoft's assumed $5B buys 5/817.
    assert stake_on(date(2026, 3, 31), facts, scenario) == pytest.approx(0.27 * (1 - 87 / 817) + 5 / 817)


@pytest.fixture(scope="module")
def quarters(facts):
    from tests.conftest import TODAY

    return run(Scenario(), facts, TODAY).tables["equity_method"].set_index("period")


def test_q1_fy26_is_the_share_of_openais_reported_loss(quarters):
    # The Information (via TTM): 2025 net loss about $39B, spread evenly: $9.75B a quarter at 32.5%.
    row = quarters.loc["Q1 FY26"]
    assert row["modelled_loss_share_usd_bn"] == pytest.approx(-0.325 * 39 / 4)
    assert row["modelled_dilution_gain_usd_bn"] == 0.0
    assert row["reported_pretax_usd_bn"] == -4.1


def test_q2_fy26_books_softbanks_money_as_a_dilution_gain_at_the_recapitalization(quarters):
    # Benzinga 2025-10-26 (The Information): SoftBank's $10B of April 2025 converted only at the recap
    # (2025-10-28), and its $30B came in December 2025, both at the 27% Microsoft held after it.
    row = quarters.loc["Q2 FY26"]
    assert row["modelled_dilution_gain_usd_bn"] == pytest.approx(0.27 * 10 + 0.27 * 30)
    assert row["modelled_pretax_usd_bn"] > 0 and row["reported_pretax_usd_bn"] > 0
    # Nothing is booked for that money before the recapitalization.
    assert quarters.loc["Q4 FY25", "modelled_dilution_gain_usd_bn"] == 0.0


def test_q3_fy26_loss_share_and_amazons_upfront_money(quarters):
    # Q1 2026 net loss $21.3B at 27% (the round closed on its last day); Amazon's $15B paid up front
    # gains at the stake after the round, 27% x (1 - 87/817) + 5/817.
    row = quarters.loc["Q3 FY26"]
    assert row["modelled_loss_share_usd_bn"] == pytest.approx(-0.27 * 21.3)
    assert row["modelled_dilution_gain_usd_bn"] == pytest.approx(15 * (0.27 * (1 - 87 / 817) + 5 / 817))
    assert abs(row["modelled_pretax_usd_bn"]) < 3


def test_quarters_with_nothing_reported_say_so(quarters):
    row = quarters.loc["Q4 FY26"]
    assert row["status"] == "not reported"
    assert row["reported_pretax_usd_bn"] is None or row["reported_pretax_usd_bn"] != row["reported_pretax_usd_bn"]
    assert "cash result" in row["source"]  # OpenAI's Q2 2026 result was not found: the model's is used
