"""Scenario comparison: the Excel Scenario Summary layout, with variance against the base."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from model.analysis.compare import CURRENT, Column, changing_cells, compare, preset_columns, wide
from model.cli import main
from model.engine import run
from model.presets import load_presets
from model.scenario import SPECS, Scenario, with_values

PRICE = 509.22


@pytest.fixture(scope="module")
def current():
    return with_values(Scenario(), {"discount_rate": 0.12, "azure_margin": 0.3})


@pytest.fixture(scope="module")
def long(facts, current):
    from tests.conftest import TODAY

    return compare(preset_columns(current), facts, TODAY, PRICE)


def test_columns_are_the_presets_then_the_current_scenario(long):
    presets = load_presets()
    order = list(long.drop_duplicates("scenario")["scenario"])
    assert order[0] == "base"
    assert order == ["base", *[name for name in presets if name != "base"], CURRENT]
    assert long.loc[long["is_base"], "scenario"].unique().tolist() == ["base"]


def test_base_column_equals_run_of_the_base_preset(long, facts, today):
    metrics = run(load_presets()["base"].scenario, facts, today, msft_price_usd=PRICE).metrics
    base = long[(long["scenario"] == "base") & (long["section"] == "result")]
    assert len(base) > 10
    for record in base.itertuples():
        expected = getattr(metrics, record.name)
        if expected is None:
            assert record.value is None
        else:
            assert record.value == pytest.approx(expected, rel=1e-12), record.name


def test_other_columns_equal_their_runs(long, facts, today, current):
    for key, scenario in (("bear", load_presets()["bear"].scenario), (CURRENT, current)):
        metrics = run(scenario, facts, today, msft_price_usd=PRICE).metrics
        npv = long[(long["scenario"] == key) & (long["name"] == "npv_usd_bn")]["value"].item()
        assert npv == pytest.approx(metrics.npv_usd_bn, rel=1e-12)


def test_variance_against_the_base(long):
    numeric = long.dropna(subset=["variance"])
    assert len(numeric) > 0
    for record in numeric.itertuples():
        assert record.variance == pytest.approx(float(record.value) - float(record.base_value))
        if not math.isnan(record.variance_relative):
            assert record.variance_relative == pytest.approx(record.variance / abs(float(record.base_value)))
    assert (long.loc[long["is_base"], "variance"].dropna() == 0).all()
    # The current scenario moved the discount rate from 0.09 to 0.12: +0.03, a third more.
    rate = long[(long["scenario"] == CURRENT) & (long["name"] == "discount_rate")].iloc[0]
    assert rate["variance"] == pytest.approx(0.03)
    assert rate["variance_relative"] == pytest.approx(1 / 3)


def test_percentages_left_empty_where_meaningless(long):
    years = long[long["unit"] == "year"]
    assert years["variance_relative"].isna().all()
    rule = long[long["name"] == "shortfall_rule"]
    assert len(rule) and rule["variance"].isna().all() and rule["variance_relative"].isna().all()
    assert set(rule["value"]) >= {"pro_rata", "azure_paid_last"}


def test_changing_cells_only_by_default(long, current):
    assumptions = set(long.loc[long["section"] == "assumption", "name"])
    scenarios = [p.scenario for p in load_presets().values()] + [current]
    assert assumptions == set(changing_cells(scenarios))
    assert {"discount_rate", "azure_margin", "openai_revenue_vs_plan"} <= assumptions
    assert "msft_tax_rate" not in assumptions  # no scenario changes it
    assert "msft_price_usd" not in set(long["name"])  # the same in every column


def test_all_assumptions_on_request(facts, today):
    columns = [Column("base", "Base", Scenario()), Column("other", "Other", Scenario())]
    table = compare(columns, facts, today, all_assumptions=True)
    assert set(table.loc[table["section"] == "assumption", "name"]) == set(SPECS)
    with pytest.raises(ValueError, match="no scenarios"):
        compare([], facts, today)


@pytest.mark.parametrize(("mode", "suffix"), [("amount", "vs base"), ("percentage", "vs base (%)")])
def test_wide_layout(long, mode, suffix):
    table = wide(long, mode)
    titles = [preset.title for preset in load_presets().values()] + ["Current"]
    assert list(table.columns) == ["section", "name", "label", "unit", *titles, *[f"{t} {suffix}" for t in titles[1:]]]
    assert len(table) == long[["section", "name"]].drop_duplicates().shape[0]
    assert list(table["section"]).index("result") == (table["section"] == "assumption").sum()
    npv = table.set_index("name").loc["npv_usd_bn"]
    field = "variance" if mode == "amount" else "variance_relative"
    expected = long[(long["scenario"] == "bull") & (long["name"] == "npv_usd_bn")][field].item()
    assert npv[f"Bull {suffix}"] == pytest.approx(expected)
    assert list(wide(long, None).columns) == ["section", "name", "label", "unit", *titles]


def test_command_line(tmp_path, today):
    out = tmp_path / "cmp"
    status = main(
        [
            "compare",
            "--today",
            today.isoformat(),
            "--price",
            str(PRICE),
            "--set",
            "discount_rate=0.12",
            "--set",
            "azure_margin=0.3",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    written = pd.read_csv(out / "scenario_comparison.csv")
    current = written[(written["scenario"] == CURRENT) & (written["name"] == "discount_rate")]
    assert current["value"].astype(float).item() == pytest.approx(0.12)
    assert (out / "scenario_comparison_wide.csv").exists()
