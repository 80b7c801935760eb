"""Monte Carlo: thousands of scenarios drawn from the ranges of the record, correlated or not, as
percentiles, risk probabilities, the lower tail's drivers and fan charts."""

import streamlit as st

from model.analysis import montecarlo
from model.analysis.sensitivity import OUTCOMES
from model.export.link import PAGE_PARAMS
from model.scenario import SPECS
from ui import analysis, data
from ui import analysis_charts as charts
from ui import format as fmt
from ui.page import chart, header, metric_row, page_content, section
from ui.state import current_scenario, linked_setting
from ui.tables import dataframe, download_csv, table


# The result shown reruns only the histogram (a fragment), not the draws nor the sidebar.
@st.fragment
def histogram(result: montecarlo.MonteCarlo) -> None:
    with section("the histogram"):
        outcome = st.selectbox(
            "Distribution of", list(OUTCOMES), format_func=lambda name: OUTCOMES[name][0], key="mc_outcome"
        )
        label = OUTCOMES[outcome][0]
        values = result.outcomes[outcome]
        if values.min() == values.max():
            # Every draw gives the same amount (no bill unpaid in any draw, say): a single bar says less.
            st.info(f"{label}: every one of the {result.draws:,} draws gives {fmt.usd_bn(float(values[0]))}.",
                    icon=":material/equal:")
        else:
            chart(charts.histogram_chart(result.histogram, result.percentiles, outcome, label), width="stretch")
        download_csv(result.histogram, "monte_carlo_histogram")


# The chosen amount reruns only the probability it feeds.
@st.fragment
def npv_shortfall(result: montecarlo.MonteCarlo) -> None:
    left, right = st.columns([1, 2])
    amount = left.number_input(
        "NPV more than this below the reported terms' NPV (USD bn)", min_value=0.0, max_value=1000.0,
        value=montecarlo.DEFAULT_NPV_SHORTFALL_USD_BN, step=10.0, key="mc_npv_shortfall",
        help=f"The reported terms' NPV is {fmt.headline_usd_bn(result.reported_npv_usd_bn)} (every assumption at its "
        "default).",
    )
    chance = montecarlo.probability_npv_below_reported(result, float(amount))
    right.metric(
        f"P(NPV < {fmt.headline_usd_bn(result.reported_npv_usd_bn - float(amount))})", f"{chance:.1%}", border=True,
        help="Share of the draws whose NPV ends below the reported terms' NPV by more than the chosen amount.",
    )


def settings_row() -> analysis.MonteCarloSettings:
    params = PAGE_PARAMS
    left, middle, right = st.columns(3)
    left.number_input("Draws", step=1000, **linked_setting(params["mc_draws"]))
    middle.number_input("Seed", step=1, help="The same seed gives the same draws.",
                        **linked_setting(params["mc_seed"]))
    right.radio(
        "Draws are", horizontal=True,
        help="Correlated: a Gaussian copula over the ranges, with the correlations below. Independent: the same "
        "draws without the correlation, to see what it changes.",
        **linked_setting(params["mc_method"]),
    )
    left, right = st.columns([2, 1])
    left.slider(
        "Range width (x the record's)", step=0.05,
        help="Each range of the record scaled around its most likely value: 1 = as recorded, 0.5 = half as wide, "
        "2 = twice (clipped to the slider's bounds).",
        **linked_setting(params["mc_width"]),
    )
    right.radio(
        "Reported terms", horizontal=True,
        help="The filed stake, the revenue share's rate, end and cap, the tax and discount rates and Stargate's "
        "committed equity: held at the sidebar's value, or drawn over their ranges too.",
        **linked_setting(params["mc_reported"]),
    )
    return analysis.monte_carlo_settings()


def edited_ranges(chosen: dict[str, montecarlo.Range]) -> dict[str, montecarlo.Range]:
    with st.expander("Ranges from the record (edit to narrow or widen one assumption)", icon=":material/tune:"):
        st.caption(
            "Each range with its reason and source (basis 'assumption' marks a judgement, 'record' a reported "
            "span). The draw centres on the most likely value, or on the sidebar's value once you move it. "
            "Edits here apply to this session only; the link keeps the method, draws, seed, width and "
            "reported-terms choice."
        )
        frame = montecarlo.ranges_frame(chosen)
        edited = st.data_editor(
            frame,
            hide_index=True,
            disabled=["name", "label", "unit", "most_likely", "distribution", "reported_term", "basis", "reason",
                      "source", "as_of"],
            column_config={"name": None, "distribution": None,
                           "label": st.column_config.TextColumn("Assumption", width="medium"),
                           "reason": st.column_config.TextColumn("Why this range", width="large")},
            key="mc_ranges_editor",
            width="stretch",
        )
        edited_ranges = {
            record["name"]: montecarlo.Range(
                record["name"], float(record["low"]), float(record["most_likely"]), float(record["high"])
            )
            for record in edited.to_dict("records")
        }
        try:
            montecarlo.check_ranges(edited_ranges)
            return edited_ranges
        except montecarlo.RangeError as error:
            st.error(f"That range cannot be used, so the record's ranges apply: {error}", icon=":material/error:")
            return chosen


def results(result: montecarlo.MonteCarlo, scenario) -> None:
    with section("the percentiles"):
        # P10 and P90, as the fan chart's band and the histogram's marks; P1 to P99 in the caption.
        npv = {statistic: montecarlo.percentile_value(result, "npv_usd_bn", statistic)
               for statistic in ("p10", "p50", "p90", "mean", "p1", "p99")}
        metric_row([(f"NPV, {name}", fmt.headline_usd_bn(npv[statistic]), help_text) for statistic, name, help_text in (
            ("p10", "P10", "10% of draws have a lower NPV."), ("p50", "P50", "The median draw."),
            ("p90", "P90", "10% of draws have a higher NPV."), ("mean", "mean", "The average over the draws."))])
        st.caption(f"NPV P1 to P99: {fmt.usd_bn(npv['p1'])} to {fmt.usd_bn(npv['p99'])}; {result.method} draws.")
    with section("the risk figures"):
        st.subheader("What a risk reader asks")
        npv_shortfall(result)
        metric_row([
            ("P(stake keeps < 50% of its value)",
             f"{montecarlo.risk_value(result, 'probability_stake_keeps_under_half'):.1%}",
             "Share of draws whose stake, as counted, is worth less than half its value under the "
             f"reported terms ({fmt.headline_usd_bn(result.reported_stake_value_usd_bn)})."),
            ("P(a funding gap in some year)", f"{montecarlo.risk_value(result, 'probability_any_funding_gap'):.1%}",
             "Share of draws in which OpenAI cannot pay its committed bills in at least one year."),
            ("Funding gap, all years, P95", fmt.headline_usd_bn(montecarlo.risk_value(result, "funding_gap_p95")),
             "Committed bills OpenAI cannot pay, summed over the years; 95% of draws have less."),
            ("At-risk Azure revenue, P95", fmt.headline_usd_bn(montecarlo.risk_value(result, "at_risk_azure_p95")),
             "Microsoft's part of the unpaid bills; 95% of draws have less."),
        ])
        st.caption("The risk figures take the 95th percentile, the bad case one draw in twenty reaches: "
                   "a risk is read further into the tail than the P10 to P90 band of the charts.")
    with section("the lower tail's drivers"):
        drivers = result.drivers
        if len(drivers):
            top = drivers.head(3)
            labels, points = list(top["label"]), [f"{v * 100:.0f}th" for v in top["mean_percentile_in_worst_10pct"]]
            st.markdown(
                f"**The lower tail is driven by** {', '.join(labels[:-1])} and {labels[-1]}: in the worst 10% of "
                f"draws they sit on average at the {', '.join(points[:-1])} and {points[-1]} percentile of their "
                "own draws (the 50th would mean no link)." if len(labels) > 1
                else f"**The lower tail is driven by** {labels[0]}."
            )
            st.caption(
                "A driver here is an association across the draws (a rank correlation), not a cause: an "
                "assumption drawn together with OpenAI's revenue (its price, Amazon's contingent money) ranks "
                "high through that link even where, alone, it barely moves the NPV; the Sensitivity page moves "
                "each one alone. Correlated draws are the default; the switch above shows them independent."
            )
            chart(charts.drivers_chart(drivers), width="stretch")
            download_csv(drivers, "monte_carlo_drivers")
    with section("the fan chart"):
        chart(charts.fan_chart(result.fan, result.draws, scenario.stake_valuation.value, data.today().year),
              width="stretch")
        download_csv(result.fan, "monte_carlo_fan")
    with section("the funding gap probability"):
        chart(charts.gap_probability_chart(result.gap_probability, result.draws), width="stretch")
        download_csv(result.gap_probability, "monte_carlo_gap_probability")
    histogram(result)
    with section("the correlations"):
        st.subheader("Correlations")
        if result.method == "independent":
            st.caption("Independent draws: every pair below is drawn without its correlation.")
        chart(charts.correlation_chart(result.correlations), width="stretch")
        dataframe(
            result.correlations[["label_a", "label_b", "declared_correlation", "correlation_used", "reason",
                                 "source"]],
            column_config={"label_a": st.column_config.TextColumn("Assumption", width=160),
                           "label_b": st.column_config.TextColumn("With", width=160),
                           "declared_correlation": st.column_config.Column("Declared", width=75),
                           "correlation_used": st.column_config.Column("Used", width=60),
                           "reason": st.column_config.TextColumn("Why", width=280),
                           "source": st.column_config.TextColumn("Source", width=200)},
            key="monte_carlo_correlations", heading=("label_a",), wrap=True,
        )
        download_csv(result.correlations, "monte_carlo_correlations")
    with section("the tables"):
        table(result.risk, "monte_carlo_risk", title="Table: the risk figures",
              shown=result.risk.drop(columns=["measure"]))
        table(result.percentiles, "monte_carlo_percentiles", title="Table: percentiles of each result",
              shown=result.percentiles.drop(columns=["outcome"]))
        table(result.ranges, "monte_carlo_ranges", title="Table: the range drawn for each assumption",
              shown=result.ranges.drop(columns=["name"]))


@page_content
def page() -> None:
    header(
        "Monte Carlo",
        "OpenAI's revenue, funding, price and costs drawn from ranges of the public record, correlated the way "
        "they move together (a revenue miss comes with a lower price and less money from investors); reported "
        "terms held unless you draw them. Triangular draws, most likely at the record's value or the sidebar's; "
        "all draws run at once. Method, draws, seed and width are in the link. Amounts in USD billions.",
    )
    scenario = current_scenario()
    settings = settings_row()
    chosen = edited_ranges(settings.ranges(scenario))
    by_reason: dict[str, list[str]] = {}
    for name, why in montecarlo.not_drawn(chosen):
        by_reason.setdefault(why, []).append(SPECS[name].label)
    for why, labels in by_reason.items():
        st.caption(f"Not drawn, held at the sidebar's value ({why}): " + ", ".join(labels) + ".")

    result = None
    with section("the Monte Carlo run"), st.spinner(f"Running {settings.draws:,} draws…"):
        result = analysis.monte_carlo(scenario, settings.draws, settings.seed, chosen, settings.method)
    if result is not None:
        results(result, scenario)


page()
