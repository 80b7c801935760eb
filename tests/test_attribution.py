"""Why a result moved: Shapley attribution of the change from the reported terms."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from model.analysis import attribution
from model.analysis.attribution import attribute, shapley_from_orders, shapley_from_subsets
from model.analysis.sensitivity import OUTCOMES
from model.engine import run
from model.presets import load_presets
from model.scenario import SPECS, Scenario, with_values


def brute_force_shapley(k, value):
    """Shapley values by their definition: the average over all k! orders of each player's step."""
    phi = np.zeros(k)
    orders = list(itertools.permutations(range(k)))
    for order in orders:
        mask = 0
        for player in order:
            phi[player] += value(mask | 1 << player) - value(mask)
            mask |= 1 << player
    return phi / len(orders)


def test_exact_shapley_matches_the_definition_on_a_game_with_interactions():
    rng = np.random.default_rng(3)
    table = rng.normal(size=2**4)  # an arbitrary game on 4 players
    exact = shapley_from_subsets(4, lambda masks: table[masks])
    assert np.allclose(exact, brute_force_shapley(4, lambda mask: table[mask]))
    assert math.isclose(exact.sum(), table[15] - table[0])


def test_sampled_orders_add_up_to_the_whole_change():
    table = np.random.default_rng(4).normal(size=2**5)
    sampled = shapley_from_orders(5, lambda masks: table[masks], orders=50, seed=1)
    assert math.isclose(sampled.sum(), table[31] - table[0])


def random_scenarios(count, seed):
    rng = np.random.default_rng(seed)
    numeric = [name for name, spec in SPECS.items() if spec.value_type != "choice" and name != "horizon_year"]
    for _ in range(count):
        chosen = rng.choice(numeric, size=rng.integers(1, 6), replace=False)
        values = {}
        for name in chosen:
            spec = SPECS[name]
            steps = int(round((spec.high - spec.low) / spec.step))
            value = spec.low + spec.step * rng.integers(0, steps + 1)
            values[name] = int(round(value)) if spec.value_type == "int" else round(float(value), 6)
        yield with_values(Scenario(), values)


@pytest.mark.parametrize("scenario", list(random_scenarios(6, seed=11)), ids=lambda s: ",".join(
    f"{k}={v}" for k, v in s.model_dump().items() if v != SPECS[k].default))
def test_the_parts_add_up_to_the_change_the_model_reports(scenario, facts, today):
    result = attribute(scenario, facts, today)
    for outcome in OUTCOMES:
        assert math.isclose(result.parts[outcome].sum(), result.total(outcome), abs_tol=1e-6)
    # The endpoints are the model's own run, not a separate computation.
    npv_now = float(run(scenario, facts, today).simulation.npv[0])
    npv_reported = float(run(Scenario(), facts, today).simulation.npv[0])
    assert math.isclose(result.current["npv_usd_bn"], npv_now, rel_tol=1e-9)
    assert math.isclose(result.reported["npv_usd_bn"], npv_reported, rel_tol=1e-9)


def test_one_change_takes_the_whole_change(facts, today):
    result = attribute(Scenario(discount_rate=0.12), facts, today)
    assert result.names == ("discount_rate",)
    assert math.isclose(result.parts["npv_usd_bn"][0], result.total("npv_usd_bn"))


def test_a_preset_with_a_changed_rule_is_attributed(facts, today):
    # Presets change structural choices too (rules, plan); each takes its share.
    for preset in load_presets().values():
        result = attribute(preset.scenario, facts, today)
        for outcome in OUTCOMES:
            assert math.isclose(result.parts[outcome].sum(), result.total(outcome), abs_tol=1e-6)


def test_many_changes_are_sampled_and_still_add_up(monkeypatch, facts, today):
    monkeypatch.setattr(attribution, "EXACT_MAX_CHANGES", 2)
    scenario = Scenario(discount_rate=0.12, openai_revenue_vs_plan=0.6, revenue_share_cap_usd_bn=20.0)
    result = attribute(scenario, facts, today)
    assert result.method.endswith("sampled orders")
    assert math.isclose(result.parts["npv_usd_bn"].sum(), result.total("npv_usd_bn"), abs_tol=1e-6)


def test_no_change_has_nothing_to_attribute(facts, today):
    result = attribute(Scenario(), facts, today)
    assert result.names == () and result.largest("npv_usd_bn") is None
    assert result.table().empty


def test_the_valuation_part_is_the_discount_rate_and_horizon_share_alone(facts, today):
    # Microsoft's own discount rate changes how the NPV measures the flows, not the flows: the whole
    # change when it alone moves, its own Shapley part beside a change of business.
    alone = attribute(Scenario(discount_rate=0.12), facts, today)
    assert alone.valuation_names() == ("discount_rate",)
    assert math.isclose(alone.valuation_part("npv_usd_bn"), alone.total("npv_usd_bn"))
    mixed = attribute(Scenario(openai_revenue_vs_plan=0.6, discount_rate=0.12), facts, today)
    assert mixed.valuation_names() == ("discount_rate",)
    rate_part = float(mixed.parts["npv_usd_bn"][mixed.names.index("discount_rate")])
    assert mixed.valuation_part("npv_usd_bn") == pytest.approx(rate_part)
    assert rate_part < 0 and abs(rate_part) < abs(mixed.total("npv_usd_bn"))
    business = attribute(Scenario(openai_revenue_vs_plan=0.6), facts, today)
    assert business.valuation_names() == () and business.valuation_part("npv_usd_bn") == 0.0
