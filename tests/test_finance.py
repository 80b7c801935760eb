"""Finance functions, cross-checked against numpy-financial, an independent implementation."""

import doctest

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from model import finance


def test_doctests():
    failures, tried = doctest.testmod(finance)
    assert tried > 5 and failures == 0


flows_strategy = st.lists(st.floats(-100, 100, allow_nan=False), min_size=2, max_size=20).map(np.array)


@given(flows_strategy, st.floats(0.0, 0.5))
def test_npv_matches_numpy_financial(flows, rate):
    assert finance.npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-9, abs=1e-9)


@given(flows_strategy, st.integers(0, 10), st.floats(0.0, 0.5))
def test_npv_in_a_later_years_money_compounds_forward(flows, offset, rate):
    assert finance.npv(rate, flows, base_offset=offset) == pytest.approx(
        npf.npv(rate, flows) * (1 + rate) ** offset, rel=1e-9, abs=1e-9)


@given(flows_strategy)
def test_zero_rate_npv_is_the_plain_sum(flows):
    assert finance.npv(0.0, flows, base_offset=3) == pytest.approx(flows.sum(), abs=1e-9)


@settings(max_examples=60)
@given(st.floats(1, 100), st.lists(st.floats(0.5, 50), min_size=2, max_size=15))
def test_irr_matches_numpy_financial_for_conventional_flows(outlay, inflows):
    # One outflow then inflows: NPV falls with the rate, so there is exactly one IRR.
    flows = np.array([-outlay, *inflows])
    expected = npf.irr(flows)
    assume(np.isfinite(expected) and -0.99 < expected < 10)
    assert finance.irr(flows) == pytest.approx(expected, abs=1e-7)


def test_vectorised_npv_over_draws():
    flows = np.array([[-100.0, 60, 60], [-100.0, 0, 121]])
    np.testing.assert_allclose(finance.npv(np.array([0.1, 0.1]), flows),
                               [npf.npv(0.1, row) for row in flows])


@pytest.mark.parametrize("amounts, expected", [([1, 1, 1, 1], 2500.0), ([3, 1], 6250.0), ([5], 10000.0)])
def test_hhi(amounts, expected):
    assert finance.hhi(np.array(amounts, dtype=float)) == pytest.approx(expected)
