"""Microsoft's OpenAI result by fiscal quarter: the rule of model/equity_method.py, checked by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from model.engine import run
from model.equity_method import equity_method_table, fiscal_quarter, nine_months, stake_on
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


# OpenAI's 2025 loss (The Information via TTM: about $39B) takes the shape of Microsoft's quarters:
# Q3 FY25 (-$0.768B) and Q1 FY26 (-$4.1B) were booked at 32.5% with no round's money in them, so
# they fix January-March and July-September 2025; the rest is spread over the other six months.
JAN_MAR_2025 = -0.768 / 0.325
JUL_SEP_2025 = -4.1 / 0.325
OTHER_MONTH_2025 = (-39.0 - JAN_MAR_2025 - JUL_SEP_2025) / 6


def test_2025_loss_takes_the_shape_of_microsofts_quarters(quarters):
    assert quarters.at["Q3 FY25", "modelled_pretax_usd_bn"] == pytest.approx(-0.768)
    assert quarters.at["Q1 FY26", "modelled_pretax_usd_bn"] == pytest.approx(-4.1)
    assert quarters.at["Q4 FY25", "modelled_loss_share_usd_bn"] == pytest.approx(0.325 * 3 * OTHER_MONTH_2025)
    # The year still adds up to OpenAI's reported loss.
    assert JAN_MAR_2025 + JUL_SEP_2025 + 6 * OTHER_MONTH_2025 == pytest.approx(-39.0)


def test_q2_fy26_books_the_money_that_converted_at_the_recapitalization(quarters):
    # October: 32.5% (the recapitalization was on the 28th); November and December: 27%.
    row = quarters.loc["Q2 FY26"]
    assert row["modelled_loss_share_usd_bn"] == pytest.approx(OTHER_MONTH_2025 * (0.325 + 0.27 + 0.27))
    # Converted only at the recapitalization (2025-10-28), at the 27% Microsoft held after it: the
    # October 2024 convertible notes less Microsoft's own $0.75B (its money buys shares, no gain);
    # SoftBank's $10B of April 2025; its $30B of December 2025.
    assert row["modelled_dilution_gain_usd_bn"] == pytest.approx(0.27 * ((6.6 - 0.75) + 10 + 30))
    assert row["modelled_pretax_usd_bn"] == pytest.approx(8.9164, abs=1e-4)  # 12.3795 - 3.4631
    assert 5.0 <= row["modelled_pretax_usd_bn"] <= 15.0  # reported +10.0, +-50%
    # Nothing is booked for that money before the recapitalization.
    assert quarters.at["Q4 FY25", "modelled_dilution_gain_usd_bn"] == 0.0


# Microsoft's share of OpenAI after the 2026 round (as the simulation counts it), and of the round's
# $72B undated money, what came by the close on 31 March: the $72B less the calibrated $64B after it.
STAKE_AFTER_2026_ROUND = 0.27 * (1 - 87 / 817) + 5 / 817
BY_THE_CLOSE = 72.0 - 64.0


def test_q3_fy26_books_the_loss_and_the_money_that_came_by_the_close(quarters):
    # Q1 2026 net loss $21.3B (its $12.4B non-cash charge included, as ASC 323 takes net income) at
    # 27% (the round closed on the quarter's last day); gains on Amazon's $15B paid on 27 February
    # and on the $8B that came by the close, at the stake after the round.
    row = quarters.loc["Q3 FY26"]
    assert row["modelled_loss_share_usd_bn"] == pytest.approx(-0.27 * 21.3)
    assert row["modelled_dilution_gain_usd_bn"] == pytest.approx((15 + BY_THE_CLOSE) * STAKE_AFTER_2026_ROUND)
    assert row["modelled_pretax_usd_bn"] == pytest.approx(-0.0615, abs=5e-4)  # reported -0.019


def test_money_that_came_before_the_close_is_booked_in_q3_fy26(facts):
    # Had half of the $72B come by 31 March (the old default), Q3 FY26 would have booked a gain on
    # $15B + $36B: +$6.9B, where Microsoft reported nil. Nothing is lost or counted twice: the rest
    # comes in the June quarter, less Microsoft's own $5B.
    frame = run(Scenario(round_2026_after_march_usd_bn=36.0), facts, date(2026, 11, 21)).tables["equity_method"]
    frame = frame.set_index("period")
    assert frame.at["Q3 FY26", "modelled_dilution_gain_usd_bn"] == pytest.approx(51 * STAKE_AFTER_2026_ROUND)
    assert frame.at["Q3 FY26", "modelled_pretax_usd_bn"] == pytest.approx(6.865, abs=5e-3)
    assert frame.at["Q4 FY26", "modelled_dilution_gain_usd_bn"] == pytest.approx(
        (36 - 5) * STAKE_AFTER_2026_ROUND)


def test_q4_fy26_gains_on_the_rest_of_the_round_less_microsofts_own_money(quarters):
    # $64B after March, of it Microsoft's assumed $5B (its own money buys shares: no gain).
    assert quarters.at["Q4 FY26", "modelled_dilution_gain_usd_bn"] == pytest.approx(
        (64 - 5) * STAKE_AFTER_2026_ROUND)


def test_nine_months_add_up_and_land_near_the_10q(facts, quarters):
    modelled, reported = nine_months(quarters.reset_index(), facts)
    # By hand: -4.1 (Q1 FY26, fixed) + 8.916 (Q2) - 0.062 (Q3, calibrated).
    assert modelled == pytest.approx(-4.1 + 8.9164 - 0.0615, abs=1e-3)
    assert reported == 5.9  # 10-Q Q3 FY26, as one figure
    assert 2.95 <= modelled <= 8.85
    assert "9M FY26" not in quarters.index  # the table's rows add up: no subtotal among them


def test_carrying_amount_starts_from_its_bound_and_follows_what_is_booked(quarters):
    # At most $6B on 2025-06-30 (all equity-method investments); Q1 FY26 books -4.1; Q2 its result;
    # Q3 its result and the $0.2B funded between 2025-09-30 ($11.6B) and 2026-03-31 ($11.8B).
    assert np.isnan(quarters.at["Q3 FY25", "modelled_carrying_amount_usd_bn"])  # before the bound
    assert quarters.at["Q1 FY26", "modelled_carrying_amount_usd_bn"] == pytest.approx(6.0 - 4.1)
    booked = quarters.loc[["Q2 FY26", "Q3 FY26"], "modelled_pretax_usd_bn"].sum()
    expected = 6.0 - 4.1 + booked + 0.2
    assert quarters.at["Q3 FY26", "modelled_carrying_amount_usd_bn"] == pytest.approx(expected)


def _projected(facts, net_income, openai_value):
    """The table for made-up yearly results from 2027, after the base case's reported quarters."""
    years = np.arange(2025, 2025 + len(net_income))
    base = run(Scenario(), facts, date(2026, 11, 21))
    sim = base.simulation
    net = np.array([sim.openai_net_income[0][list(sim.years).index(y)] if y < 2027 else v
                    for y, v in zip(years, net_income, strict=True)])
    frame = equity_method_table(facts, Scenario(), years, np.full(len(years), 0.25), net,
                                np.zeros(len(years)), np.asarray(openai_value, dtype=float))
    return frame.set_index("period")


def test_losses_stop_at_zero_less_the_unfunded_commitment_and_are_made_up_first(facts):
    frame = _projected(facts, [0.0, 0.0, -200.0, 40.0, 40.0], [np.inf] * 5)
    before = frame["modelled_carrying_amount_usd_bn"].iloc[frame.index.get_loc("CY2027") - 1]  # end of 2026
    # 2027: the $1.2B still unfunded is paid by the default year (2027), so the floor is zero.
    assert frame.at["CY2027", "modelled_pretax_usd_bn"] == pytest.approx(-(before + 1.2))
    assert frame.at["CY2027", "modelled_loss_not_booked_usd_bn"] == pytest.approx(-50.0 + before + 1.2)
    assert frame.at["CY2027", "modelled_carrying_amount_usd_bn"] == pytest.approx(0.0)
    # 2028: 25% of +40 = +10 goes to make up the loss not booked; 2029 likewise, until it is made up.
    suspended = 50.0 - before - 1.2
    assert frame.at["CY2028", "modelled_pretax_usd_bn"] == pytest.approx(max(10.0 - suspended, 0.0))
    assert frame.at["CY2029", "modelled_pretax_usd_bn"] == pytest.approx(
        min(10.0, max(20.0 - suspended, 0.0)))


def test_a_stake_worth_less_than_its_carrying_amount_is_written_down(facts):
    frame = _projected(facts, [0.0, 0.0, -1.0, -1.0], [np.inf, np.inf, np.inf, 0.0])
    before = frame.at["CY2027", "modelled_carrying_amount_usd_bn"]
    assert before > 0
    row = frame.loc["CY2028"]
    assert row["modelled_impairment_usd_bn"] == pytest.approx(-(before - 0.25))
    assert row["modelled_carrying_amount_usd_bn"] == pytest.approx(0.0)
    assert row["modelled_pretax_usd_bn"] == pytest.approx(-0.25 - (before - 0.25))


def test_quarters_with_nothing_reported_say_so(quarters):
    row = quarters.loc["Q4 FY26"]
    assert row["status"] == "not reported"
    assert row["reported_pretax_usd_bn"] is None or row["reported_pretax_usd_bn"] != row["reported_pretax_usd_bn"]
    assert "cash result" in row["source"]  # OpenAI's Q2 2026 result was not found: the model's is used
