"""The ranges of the record (data/ranges.yaml) and the Gaussian copula that draws from them."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from model.analysis.ranges import (
    RANGES_FILE,
    Range,
    RangeError,
    cholesky,
    correlation_matrix,
    draw_values,
    drawn_ranges,
    load_ranges,
    scenario_range,
    spearman_of_normal,
    triangular_ppf,
    uncertain_names,
    uniforms,
)
from model.datafiles import DataFileError
from model.scenario import SPECS, Scenario
from model.simulate import scenario_values

REPORTED_TERMS = ("msft_stake", "revenue_share_rate", "revenue_share_rate_final", "revenue_share_end_year",
                  "revenue_share_cap_usd_bn", "msft_tax_rate")


@pytest.fixture(scope="module")
def declaration():
    return load_ranges()


def test_every_uncertain_assumption_has_a_range_or_is_fixed(declaration):
    # An assumption added to model/scenario.py (issue 18's, say) without a record here would never be
    # drawn nor moved by the tornado: this test makes that a decision, not an accident.
    missing = [name for name in uncertain_names() if name not in declaration.by_name]
    assert not missing, f"add a record to data/ranges.yaml (a range, or fixed: true) for: {', '.join(missing)}"


def test_reported_terms_are_fixed_and_the_drivers_of_the_downside_are_drawn(declaration):
    for name in REPORTED_TERMS:
        assert declaration.by_name[name].fixed, name
    for name in ("openai_revenue_vs_plan", "outside_funding_usd_bn_per_year", "openai_valuation_usd_bn",
                 "horizon_price_to_fcf", "openai_cost_of_equity"):
        assert not declaration.by_name[name].fixed, name


def test_every_record_holds_the_reported_terms_and_says_why_and_where_from(declaration):
    for r in declaration.ranges:
        assert r.low <= SPECS[r.name].default <= r.high, r.name
        assert r.reason and r.source and r.as_of
        if r.basis == "assumption":
            # A judgement is labelled as one, in the file and so on the page.
            assert r.basis == "assumption"


def test_a_range_says_why_and_where_from_to_a_reader_not_by_file_or_issue(declaration):
    # The Sensitivity page shows these texts: "the Bull preset", "the public record", never a file name.
    texts = [text for r in declaration.ranges for text in (r.reason, r.source)]
    texts += [text for c in declaration.correlations for text in (c.reason, c.source)]
    assert [t for t in texts if re.search(r"\.(ya?ml|md|py)\b|\bissue \d|strength:", t)] == []


def test_the_ranges_reach_the_bear_and_breakup_stories(declaration):
    # data/presets.yaml: Bear 0.6x of plan and $30B a year; Breakup 0.4x and $10B a year.
    revenue = declaration.by_name["openai_revenue_vs_plan"]
    funding = declaration.by_name["outside_funding_usd_bn_per_year"]
    assert revenue.low <= 0.4 and funding.low <= 10


def test_the_correlation_matrix_is_positive_definite(declaration):
    names = [r.name for r in declaration.ranges]
    matrix = correlation_matrix(names, declaration.correlations)
    assert np.allclose(matrix, matrix.T)
    assert np.linalg.eigvalsh(matrix).min() > 0
    cholesky(matrix)  # does not raise


def test_one_calibration_is_drawn_together(declaration):
    pair = next(c for c in declaration.correlations
                if set(c.between) == {"openai_noncompute_cost_share", "compute_floor_share"})
    assert pair.rho <= -0.8
    most = (declaration.by_name["openai_noncompute_cost_share"].high
            + declaration.by_name["compute_floor_share"].high)
    assert most <= 0.95


@pytest.fixture(scope="module")
def big_draw(declaration):
    scenario = Scenario()
    chosen = drawn_ranges(scenario, declaration)
    values = {
        method: draw_values(scenario_values(scenario), chosen, declaration.correlations, 20_000, 11, method)
        for method in ("correlated", "independent")
    }
    return chosen, values


def test_the_copula_hits_the_target_rank_correlations(declaration, big_draw):
    chosen, values = big_draw
    for c in declaration.correlations:
        a, b = c.between
        if a not in chosen or b not in chosen:
            continue
        observed = spearmanr(values["correlated"][a], values["correlated"][b]).statistic
        assert observed == pytest.approx(spearman_of_normal(c.rho), abs=0.03), (a, b)
        independent = spearmanr(values["independent"][a], values["independent"][b]).statistic
        if c.calibration:  # one calibration: drawn together by either method
            assert independent == pytest.approx(spearman_of_normal(c.rho), abs=0.03), (a, b)
        else:
            assert abs(independent) < 0.03, (a, b)


def test_marginals_keep_their_low_most_likely_and_high(big_draw):
    chosen, values = big_draw
    for method in ("correlated", "independent"):
        for name, r in chosen.items():
            drawn = values[method][name]
            assert drawn.min() >= r.low and drawn.max() <= r.high, (method, name)
            if SPECS[name].value_type != "int" and r.high > r.low:
                # A triangle's mean is (low + mode + high) / 3; the copula does not move it.
                assert drawn.mean() == pytest.approx((r.low + r.mode + r.high) / 3, abs=0.02 * (r.high - r.low))
                # And it reaches close to both ends.
                assert np.quantile(drawn, 0.001) < r.low + 0.1 * (r.high - r.low)
                assert np.quantile(drawn, 0.999) > r.high - 0.1 * (r.high - r.low)


def test_same_seed_same_draws_other_seed_other_draws(declaration):
    names = [r.name for r in declaration.ranges if not r.fixed]
    first = uniforms(names, declaration.correlations, 500, 3)
    assert np.array_equal(first, uniforms(names, declaration.correlations, 500, 3))
    assert not np.array_equal(first, uniforms(names, declaration.correlations, 500, 4))


def test_a_moved_slider_moves_the_centre_and_the_range_holds_it(declaration):
    record = declaration.by_name["openai_revenue_vs_plan"]
    assert scenario_range(record, Scenario()) == Range("openai_revenue_vs_plan", 0.4, 1.0, 1.3)
    assert scenario_range(record, Scenario(openai_revenue_vs_plan=1.45)) == Range(
        "openai_revenue_vs_plan", 0.4, 1.45, 1.45)
    narrow = scenario_range(record, Scenario(), width=0.5)
    assert (narrow.low, narrow.high) == pytest.approx((0.7, 1.15))
    wide = scenario_range(record, Scenario(), width=2.0)
    assert (wide.low, wide.high) == pytest.approx((SPECS[record.name].low, 1.5))  # clipped to the slider
    years = scenario_range(declaration.by_name["azure_commitment_term_years"], Scenario(), width=0.5)
    assert (years.low, years.high) == (6, 9)  # whole years, never narrower than asked


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-100, 100), st.floats(0, 1), st.floats(0, 50),
    st.lists(st.floats(0, 1), min_size=1, max_size=20),
)
def test_the_inverse_triangular_stays_inside_and_is_monotone(low, where, span, u):
    high = low + span
    mode = low + where * span
    values = triangular_ppf(np.sort(np.asarray(u)), low, mode, high)
    assert np.all(values >= low - 1e-9) and np.all(values <= high + 1e-9)
    assert np.all(np.diff(values) >= -1e-9)


def test_contradictory_correlations_are_refused():
    with pytest.raises(RangeError, match="not positive definite"):
        cholesky(np.array([[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]]))


def _write(tmp_path, mutate):
    data = yaml.safe_load(RANGES_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "ranges.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _set(index: int, key: str, value):
    def mutate(data):
        data["ranges"][index][key] = value
    return mutate


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set(0, "name", "openai_revenue_versus_plan"),
         "ranges.yaml: record ranges[0] (openai_revenue_versus_plan), field name: "
         "'openai_revenue_versus_plan' is not an uncertain assumption"),
        (_set(0, "low", 1.2), "ranges.yaml: record ranges[0] (openai_revenue_vs_plan), field (record): "
                              "needs low <= most_likely <= high"),
        (_set(0, "high", 9.0), "record ranges[0] (openai_revenue_vs_plan), field (record): 0.4 to 9 goes outside"),
        (_set(0, "source", ""), "record ranges[0] (openai_revenue_vs_plan), field source"),
        (_set(0, "as_of", "2026-13"), "record ranges[0] (openai_revenue_vs_plan), field as_of"),
        (_set(0, "basis", "hunch"), "record ranges[0] (openai_revenue_vs_plan), field basis"),
        (lambda d: d["ranges"].append(dict(d["ranges"][0])), "an assumption has two records: openai_revenue_vs_plan"),
        (lambda d: d["correlations"].append(
            {"between": ["openai_revenue_vs_plan", "horizon_year"], "rho": 0.5, "reason": "x", "source": "y"}),
         "horizon_year has no range"),
        (lambda d: d["correlations"].append(
            {"between": ["openai_noncompute_cost_share", "outside_funding_usd_bn_per_year"], "rho": 0.99,
             "reason": "x", "source": "y"}),
         "not positive definite"),
        (lambda d: d["correlations"][0].update(rho=1.0), "field rho"),
    ],
)
def test_a_broken_ranges_file_names_the_file_the_record_and_the_field(tmp_path, mutate, message):
    with pytest.raises(DataFileError) as error:
        load_ranges(_write(tmp_path, mutate))
    assert message in str(error.value)


def test_spearman_of_normal_matches_the_textbook_values():
    # Kruskal (1958): rho_S = 6/pi asin(rho/2); 0 -> 0, 1 -> 1.
    assert spearman_of_normal(0.0) == 0.0
    assert spearman_of_normal(1.0) == pytest.approx(1.0)
    assert spearman_of_normal(-0.9) == pytest.approx(-6 / math.pi * math.asin(0.45))
