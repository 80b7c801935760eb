"""Charts as specs: each has a title, axis titles with units, tooltips, and counterparty colours
from one fixed scale."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from model.engine import COUNTERPARTIES, RENEWALS, run
from model.scenario import Scenario
from tests.conftest import TODAY
from ui import charts


@pytest.fixture(scope="module")
def tables(facts):
    return run(Scenario(), facts, TODAY, 500.0).tables


def _charts(tables):
    return {
        "bridge": charts.bridge_chart(charts.bridge_frame(tables["msft_cash_flows"]), 2035),
        "cumulative_cash": charts.cumulative_cash_chart(tables["msft_by_year"]),
        "tranches": charts.tranche_chart(tables["tranches"]),
        "funding": charts.funding_chart(tables["investment_funding"], 13.0),
        "revenue_share": charts.revenue_share_chart(tables["revenue_share"]),
        "rate_path": charts.rate_path_chart(tables["revenue_share"]),
        "cap": charts.cumulative_cap_chart(tables["revenue_share"], 38.0),
        "commitments": charts.commitments_chart(tables["commitments"], tables["openai_funding"]),
        "shortfall": charts.shortfall_chart(tables["commitments"]),
        "cash": charts.cash_chart(tables["openai_funding"]),
        "commitment_share": charts.commitment_share_chart(tables["commitment_totals"]),
        "equity_method": charts.equity_method_chart(tables["equity_method"]),
    }


COUNTERPARTY_CHARTS = {"commitments", "shortfall", "commitment_share"}


def _encodings(spec: dict) -> list[dict]:
    """Every encoding block in a spec, layers included."""
    found = [spec["encoding"]] if "encoding" in spec else []
    for layer in spec.get("layer", []):
        found += _encodings(layer)
    return found


def test_every_chart_has_a_title_axis_titles_and_tooltips(tables):
    for name, chart in _charts(tables).items():
        spec = chart.to_dict()
        assert spec["title"]["text"], name
        encodings = _encodings(spec)
        assert any("tooltip" in e for e in encodings), name
        for encoding in encodings:
            for channel in ("x", "y"):
                if channel in encoding and "field" in encoding[channel]:
                    title = encoding[channel].get("title", "missing")
                    assert title is None or title == "Year" or "(" in title or "USD" in title, (name, title)


def test_counterparties_have_one_colour_everywhere(tables):
    built = _charts(tables)
    scales = []
    for name in COUNTERPARTY_CHARTS:
        (color,) = [e["color"] for e in _encodings(built[name].to_dict()) if "color" in e and
                    e["color"].get("field") == "counterparty"]
        scales.append((color["scale"]["domain"], color["scale"]["range"]))
    domain, colour_range = scales[0]
    assert domain == [*COUNTERPARTIES, RENEWALS]
    assert len(set(colour_range)) == len(domain)  # no two counterparties share a colour
    assert all(scale == scales[0] for scale in scales)


def test_the_bridge_ends_at_the_sum_of_the_flows(tables):
    bridge = charts.bridge_frame(tables["msft_cash_flows"])
    net = bridge.iloc[-1]
    assert net["step"] == "Net position"
    assert net["end_usd_bn"] == pytest.approx(tables["msft_cash_flows"]["amount_usd_bn"].sum())
    steps = bridge.iloc[:-1]
    assert (steps["start_usd_bn"].iloc[1:].to_numpy() == steps["end_usd_bn"].iloc[:-1].to_numpy()).all()


def test_cash_chart_draws_burn_cash_and_gap_only_where_the_cash_account_runs(tables):
    funding = tables["openai_funding"]
    spec = charts.cash_chart(funding).to_dict()
    rows = [row for data in spec.get("datasets", {}).values() for row in data if "measure" in row]
    cash_years = {row["year"] for row in rows if row["measure"] == "Cash at year end"}
    # Cash is counted from the reported cash point on; burn and gap from the first actual year.
    assert cash_years == set(funding.loc[funding["cash_end_usd_bn"].notna(), "year"])
    assert {row["year"] for row in rows if row["measure"] == "Cash burn"} == set(funding["year"])


def test_commitments_chart_lines_are_revenue_and_revenue_plus_money_raised(tables):
    funding = tables["openai_funding"]
    spec = charts.commitments_chart(tables["commitments"], funding).to_dict()
    rows = [row for data in spec["datasets"].values() for row in data if row.get("measure") == charts.MEANS[
        "revenue_and_raised_usd_bn"]]
    by_year = funding.set_index("year")
    for row in rows:
        expected = by_year.at[row["year"], "revenue_usd_bn"] + by_year.at[row["year"], "equity_raised_usd_bn"]
        assert row["amount_usd_bn"] == pytest.approx(expected)


def test_equity_method_chart_puts_reported_beside_modelled_for_each_quarter(tables):
    spec = charts.equity_method_chart(tables["equity_method"]).to_dict()
    rows = [row for data in spec["datasets"].values() for row in data if "series" in row]
    q1 = {row["series"]: row["pretax_usd_bn"] for row in rows if row["period"] == "Q1 FY26"}
    assert q1["Reported"] == -4.1                           # Microsoft 10-Q Q1 FY26 Note 3
    assert q1["Modelled"] < 0
    # Nothing reported for Q4 FY26: only the model's bar, no empty "reported" one.
    assert {row["series"] for row in rows if row["period"] == "Q4 FY26"} == {"Modelled"}


def test_the_tranche_chart_names_every_tranche_with_a_bar_on_a_level_axis(tables):
    tranches = tables["tranches"]
    spec = charts.tranche_chart(tranches).to_dict()
    rows = next(iter(spec["datasets"].values()))
    with_amount = tranches.dropna(subset=["amount_usd_bn"])
    assert [row["label"] for row in rows[: len(with_amount)]] == [
        charts.tranche_label(d) for d in with_amount["date"].astype(str)]
    assert len({row["label"] for row in rows}) == len(with_amount)  # a round with no amount has no place
    axis = spec["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == 0 and axis["labelOverlap"] is False


@pytest.mark.parametrize(("reported", "label"), [("2019-07-22", "Jul 2019"), ("2024-10", "Oct 2024"),
                                                 ("2021", "2021"), ("2023-01-23", "Jan 2023")])
def test_tranche_labels_are_short(reported, label):
    assert charts.tranche_label(reported) == label


def test_commitment_shares_are_ordered_largest_first(tables):
    # Vega-Lite ignores a sort by field on a layered chart: the order is given as the list of names.
    totals = tables["commitment_totals"]
    spec = charts.commitment_share_chart(totals).to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    amounts = totals.set_index("counterparty")["total_usd_bn"].fillna(-1.0)
    assert sorted(order) == sorted(totals["counterparty"])
    assert [amounts[name] for name in order] == sorted(amounts, reverse=True)


def test_the_revenue_share_rate_is_drawn_as_a_step(tables):
    spec = charts.rate_path_chart(tables["revenue_share"]).to_dict()
    assert spec["layer"][0]["mark"]["interpolate"] == "step-after"


@pytest.mark.parametrize(("name", "column"), [("commitments", "scheduled_usd_bn"), ("shortfall", "shortfall_usd_bn")])
def test_counterparty_legends_name_only_counterparties_with_a_bar(tables, name, column):
    commitments = tables["commitments"]
    spec = _charts(tables)[name].to_dict()
    (color,) = [e["color"] for e in _encodings(spec) if e.get("color", {}).get("field") == "counterparty"]
    drawn = commitments.groupby("counterparty")[column].sum()
    assert set(color["legend"]["values"]) == set(drawn[drawn.abs() > 1e-9].index)


def test_legends_sit_off_the_side_so_a_phone_keeps_the_plots_width(tables):
    # Below (or above) the plot, never beside it; the chart grows to hold them (fit-x, not fit).
    for name, chart in _charts(tables).items():
        for encoding in _encodings(chart.to_dict()):
            for channel in encoding.values():
                legend = channel.get("legend") if isinstance(channel, dict) else None
                if legend:
                    assert legend["orient"] in ("bottom", "top"), name
        assert chart.streamlit_spec()["autosize"]["type"] == "fit-x", name


def _row_charts(tables) -> dict:
    """The charts of long-named rows: the bridge, the shares, the loss, the drivers, the correlations."""
    from ui import analysis_charts, what_moved

    drivers = pd.DataFrame({"label": ["OpenAI's price to free cash flow at the horizon", "b"], "rank": [1, 2],
                            "rank_correlation_with_npv": [0.6, -0.2], "mean_percentile_in_worst_10pct": [0.2, 0.7]})
    correlations = pd.DataFrame({"assumption_a": ["a"], "label_a": ["OpenAI revenue vs its plan"],
                                 "assumption_b": ["b"], "label_b": ["OpenAI's last round (market mark)"],
                                 "correlation_used": [0.6]})
    risk = pd.DataFrame({"measure": ["Value (NPV), discount rate aside"], "loss_usd_bn": [10.0]})
    return {
        "bridge": _charts(tables)["bridge"], "commitment_share": _charts(tables)["commitment_share"],
        "risk": what_moved.risk_chart(risk), "drivers": analysis_charts.drivers_chart(drivers),
        "correlation": analysis_charts.correlation_chart(correlations),
    }


def test_row_names_sit_above_their_bars_across_the_whole_plot(tables):
    # As labels on the left they took most of a phone's width from the bars, or ended in "…".
    for name, chart in _row_charts(tables).items():
        spec = chart.to_dict()
        (y,) = {json.dumps(e["y"]) for e in _encodings(spec) if "y" in e and "axis" in e["y"]}
        axis = json.loads(y)["axis"]
        assert axis["labelAlign"] == "left" and axis["labelBaseline"] == "bottom", name
        assert axis["labelOffset"] < 0 and axis["labelLimit"] == {"expr": "width"}, name
        # A row's height, its name's line included (the drivers: a fixed height of at least four rows).
        assert spec["height"] in ({"step": charts.ROW_STEP_PX}, 4 * charts.ROW_STEP_PX), name


def test_the_share_chart_names_its_denominator_azures_whole_share_and_an_undisclosed_size(tables):
    totals = tables["commitment_totals"]
    spec = charts.commitment_share_chart(totals).to_dict()
    subtitle = " ".join(spec["title"]["subtitle"])
    azure = totals.loc[totals["counterparty"].str.startswith("Microsoft Azure"), "share_of_total"].sum()
    assert "share of all OpenAI pays under today's contracts to the horizon" in subtitle
    assert f"Microsoft Azure, its three parts together: {azure:.0%}" in subtitle
    labels = spec["layer"][1]
    assert "size not disclosed" in json.dumps(labels["transform"])  # Google Cloud has no bar, still a label


def test_openais_own_lines_take_no_counterpartys_colour(tables):
    spec = charts.cash_chart(tables["openai_funding"], ink="#333333").to_dict()
    colours = set(spec["layer"][0]["encoding"]["color"]["scale"]["range"])
    assert not colours & set(charts.COUNTERPARTY_COLOURS.values())
    assert spec["layer"][0]["encoding"]["strokeDash"]["scale"]["domain"] == list(charts.CASH_MEASURES.values())
    # The AWS expansion and Stargate no longer share a pale yellow.
    assert charts.COUNTERPARTY_COLOURS["Stargate (OpenAI's equity)"] == "#EE6677"


def test_the_loss_charts_subtitle_names_the_colour_it_draws():
    from ui import what_moved

    spec = what_moved.risk_chart(pd.DataFrame({"measure": ["x"], "loss_usd_bn": [1.0]})).to_dict()
    assert charts.OUT_COLOUR == "#D55E00" and "(orange)" in " ".join(spec["title"]["subtitle"])
    assert "red" not in " ".join(spec["title"]["subtitle"])


def test_the_scenario_chart_marks_a_result_at_zero_and_draws_no_yellow():
    from ui import analysis_charts

    frame = pd.DataFrame({"label": ["NPV", "NPV"], "scenario_title": ["Base", "As announced"],
                          "amount_usd_bn": [0.0, 10.0]})
    spec = analysis_charts.scenario_results_chart(frame).to_dict()
    bars, ends = spec["layer"]
    assert ends["mark"]["type"] == "tick"  # a scenario at zero has no bar, but its tick
    assert "#F0E442" not in analysis_charts.SCENARIO_COLOURS  # Okabe-Ito's yellow all but vanished on white
    assert bars["mark"]["type"] == "bar"
