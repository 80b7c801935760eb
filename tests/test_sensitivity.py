"""Sensitivity: the range rule, the tornado and the two-way table, checked against single runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import model.analysis.sensitivity as sensitivity
from model.analysis.sensitivity import OUTCOMES, default_range, grid_values, tornado, two_way, uncertain_names
from model.cli import main
from model.engine import run
from model.scenario import SPECS, Scenario, with_values


@pytest.fixture(scope="module")
def table(facts):
    from tests.conftest import TODAY

    # Reported terms too, so that every uncertain assumption has its row.
    return tornado(Scenario(), facts, TODAY, include_fixed=True)


def _rows(table: pd.DataFrame, outcome: str) -> pd.DataFrame:
    return table[table["outcome"] == outcome].set_index("name")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("discount_rate", 0.09, (0.072, 0.108)),  # ±20% of the value
        ("msft_stake", 0.5, (0.4, 0.5)),  # at its upper bound: moves down only
        ("nvidia_loi_share", 0.0, (0.0, 0.2)),  # zero: 20% of the 0..1 span
        ("openai_revenue_growth_after_plan", -0.1, (-0.12, -0.08)),  # negative: 20% of its size
        ("azure_commitment_term_years", 7, (6, 8)),  # whole years: 1.4 rounds to 1
        ("azure_commitment_term_years", 3, (3, 4)),  # at least one step, clipped at 3
        ("revenue_share_end_year", 2030, (2027, 2033)),  # calendar year: 20% of 14 years, 2.8 -> 3
        ("unfunded_commitment_paid_by_year", 2032, (2031, 2032)),  # 20% of 6 years -> 1, clipped
    ],
)
def test_range_rule(name, value, expected):
    low, high = default_range(SPECS[name], value)
    assert (low, high) == pytest.approx(expected)
    if SPECS[name].value_type == "int":
        assert isinstance(low, int) and isinstance(high, int)


def test_every_uncertain_assumption_appears_once_per_outcome(table):
    for outcome in OUTCOMES:
        rows = table[table["outcome"] == outcome]
        assert sorted(rows["name"]) == sorted(uncertain_names())
        assert "horizon_year" not in set(rows["name"])


def test_the_tornado_reads_the_monte_carlo_ranges_and_holds_reported_terms_by_default(facts, today):
    # One declaration (data/ranges.yaml): the tornado's ends are the ranges Monte Carlo draws from.
    from model.analysis.montecarlo import default_ranges

    default = tornado(Scenario(), facts, today)
    drawn = default_ranges(Scenario())
    rows = default[default["outcome"] == "npv_usd_bn"].set_index("name")
    assert set(rows.index) == set(drawn)
    for name, r in drawn.items():
        assert (rows.at[name, "low"], rows.at[name, "high"]) == (r.low, r.high)
    assert not rows["reported_term"].any() and "msft_stake" not in rows.index
    # The cliff that ±20% hid: OpenAI's revenue at the Breakup story's 0.4x of plan.
    assert rows.at["openai_revenue_vs_plan", "low"] == 0.4
    assert rows.at["openai_revenue_vs_plan", "swing"] > 50


def test_sorted_by_swing(table):
    for outcome in OUTCOMES:
        rows = table[table["outcome"] == outcome]
        assert rows["swing"].is_monotonic_decreasing
        assert list(rows["rank"]) == list(range(1, len(rows) + 1))
        assert np.allclose(rows["swing"], (rows["outcome_at_high"] - rows["outcome_at_low"]).abs())


def test_independent_assumptions_have_no_swing(table):
    # The discount rate only discounts: it cannot change how much Azure revenue OpenAI fails to pay.
    assert _rows(table, "at_risk_azure_revenue_usd_bn").at["discount_rate", "swing"] == 0.0
    # The tax rate feeds only the EPS table, never a flow.
    npv = _rows(table, "npv_usd_bn")
    assert npv.at["msft_tax_rate", "swing"] == 0.0
    # The stake's value does not depend on what Microsoft's investment cost it.
    assert _rows(table, "stake_value_usd_bn").at["azure_credit_share", "swing"] == 0.0
    # Microsoft's discount rate for contract flows does not value OpenAI: its own cost of equity does.
    assert _rows(table, "stake_value_usd_bn").at["discount_rate", "swing"] == 0.0
    assert _rows(table, "stake_value_usd_bn").at["openai_cost_of_equity", "swing"] > 1.0
    # ...while the same assumptions do move the results they feed.
    assert npv.at["discount_rate", "swing"] > 1.0
    assert npv.at["azure_credit_share", "swing"] > 0.0


def test_values_agree_with_single_runs(table, facts, today):
    """Each variant evaluated inside the one vectorised call equals run() of that scenario."""
    base = run(Scenario(), facts, today).metrics
    npv = _rows(table, "npv_usd_bn")
    assert npv["outcome_now"].iloc[0] == pytest.approx(base.npv_usd_bn, rel=1e-12)
    for name in ("openai_revenue_vs_plan", "revenue_share_end_year", "discount_rate"):
        low = run(with_values(Scenario(), {name: npv.at[name, "low"]}), facts, today).metrics
        high = run(with_values(Scenario(), {name: npv.at[name, "high"]}), facts, today).metrics
        assert npv.at[name, "outcome_at_low"] == pytest.approx(low.npv_usd_bn, rel=1e-12)
        assert npv.at[name, "outcome_at_high"] == pytest.approx(high.npv_usd_bn, rel=1e-12)
    at_risk = _rows(table, "at_risk_azure_revenue_usd_bn")
    name = "azure_commitment_term_years"
    low = run(with_values(Scenario(), {name: at_risk.at[name, "low"]}), facts, today).metrics
    assert at_risk.at[name, "outcome_at_low"] == pytest.approx(low.at_risk_azure_revenue_usd_bn, rel=1e-12)


def test_one_simulation_call(facts, today, monkeypatch):
    calls = []
    real = sensitivity.simulate

    def counting(values, *args, **kwargs):
        calls.append(max(np.size(v) for v in values.values()))
        return real(values, *args, **kwargs)

    monkeypatch.setattr(sensitivity, "simulate", counting)
    tornado(Scenario(), facts, today, include_fixed=True)
    assert calls == [1 + 2 * len(uncertain_names())]
    calls.clear()
    two_way(Scenario(), facts, today, "discount_rate", "msft_stake", points=4)
    assert calls == [16]


def test_two_way_grid(facts, today):
    # data/ranges.yaml: discount rate 7% to 12%, the revenue share's end 2030 to 2032.
    grid = two_way(Scenario(), facts, today, "discount_rate", "openai_revenue_vs_plan", points=3)
    assert grid.wide.shape == (3, 3)
    assert list(grid.wide.index) == [0.07, 0.095, 0.12]
    assert list(grid.wide.columns) == [0.4, 0.85, 1.3]
    expected = run(with_values(Scenario(), {"discount_rate": 0.12, "openai_revenue_vs_plan": 0.4}), facts, today)
    assert grid.wide.at[0.12, 0.4] == pytest.approx(expected.metrics.npv_usd_bn, rel=1e-12)
    years = two_way(Scenario(), facts, today, "discount_rate", "revenue_share_end_year", points=3)
    assert list(years.wide.columns) == [2030, 2031, 2032]
    assert len(grid.long) == 9 and set(grid.long.columns) >= {"row_value", "column_value", "value_usd_bn"}


def test_two_way_chosen_values_and_outcome(facts, today):
    grid = two_way(
        Scenario(),
        facts,
        today,
        "openai_revenue_vs_plan",
        "azure_margin",
        outcome="at_risk_azure_revenue_usd_bn",
        row_values=[0.5, 1.0],
        column_values=[0.1, 0.25, 0.4],
    )
    assert grid.wide.shape == (2, 3)
    # Azure's margin is Microsoft's business, not OpenAI's ability to pay: every column is the same.
    assert np.allclose(grid.wide.to_numpy(), grid.wide.to_numpy()[:, :1])


@pytest.mark.parametrize(
    ("row", "column", "kwargs", "message"),
    [
        ("discount_rate", "discount_rate", {}, "two different"),
        ("discount_rate", "shortfall_rule", {}, "not a numeric assumption"),
        ("discount_rate", "nope", {}, "not a numeric assumption"),
        ("discount_rate", "msft_stake", {"outcome": "irr"}, "unknown outcome"),
        ("discount_rate", "msft_stake", {"row_values": [0.5]}, "outside its range"),
    ],
)
def test_two_way_refuses_bad_requests(facts, today, row, column, kwargs, message):
    with pytest.raises(ValueError, match=message):
        two_way(Scenario(), facts, today, row, column, **kwargs)


def test_grid_values_are_whole_for_whole_number_fields():
    # The record's ranges: 5 to 10 years; 7% to 12%, stretched to hold a value the sidebar moved.
    assert grid_values(SPECS["azure_commitment_term_years"], 7, points=5) == [5, 6, 8, 9, 10]
    assert grid_values(SPECS["discount_rate"], 0.13, points=3) == [0.07, 0.1, 0.13]


def test_command_line(tmp_path, facts, today):
    out = tmp_path / "sens"
    flags = ["--today", today.isoformat(), "--price", "500", "--out", str(out)]
    assert main(["sensitivity", *flags, "--grid", "discount_rate", "msft_stake", "--points", "3"]) == 0
    written = pd.read_csv(out / "sensitivity.csv")
    expected = tornado(Scenario(), facts, today)
    assert list(written["name"]) == list(expected["name"])
    assert np.allclose(written["swing"], expected["swing"])
    assert len(pd.read_csv(out / "sensitivity_grid.csv")) == 9
    assert main(["sensitivity", *flags, "--grid", "discount_rate", "discount_rate"]) == 2


def test_tornado_chart_orders_by_swing_and_labels_units(table):
    from ui.analysis_charts import tornado_chart, tornado_frame

    frame = tornado_frame(table, "npv_usd_bn")
    assert len(frame) == 2 * len(uncertain_names())
    spec = tornado_chart(table, "npv_usd_bn", "NPV", "USD bn").to_dict()
    bars = spec["layer"][0]["encoding"]
    rows = table[table["outcome"] == "npv_usd_bn"]
    # Widest swing on top: bars are ordered by the table's rank, which follows the swing.
    assert bars["y"]["sort"] == {"field": "rank", "op": "min", "order": "ascending"}
    assert list(frame.drop_duplicates("label").sort_values("rank")["label"]) == list(rows["label"])
    assert list(rows["swing"]) == sorted(rows["swing"], reverse=True)
    assert bars["x"]["title"] == "NPV (USD bn)"
    assert bars["tooltip"] and spec["title"]["text"]


def test_tornado_chart_gives_every_assumption_a_row_tall_enough_for_its_name(table):
    # Vega drops every other axis label when rows are shorter than a label.
    from ui.analysis_charts import TORNADO_ROW_PX, tornado_chart
    from ui.figure import STREAMLIT_AUTOSIZE

    figure = tornado_chart(table, "npv_usd_bn", "NPV", "USD bn")
    assert figure.to_dict()["height"] >= len(uncertain_names()) * TORNADO_ROW_PX >= len(uncertain_names()) * 20
    # The height is the plot's: the title, axis and legend come on top of it.
    assert figure.streamlit_spec()["autosize"] == STREAMLIT_AUTOSIZE
    assert STREAMLIT_AUTOSIZE["type"] == "fit-x"
