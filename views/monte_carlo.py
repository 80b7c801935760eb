"""Monte Carlo: thousands of scenarios around the current one, as percentile fans and probabilities."""

import streamlit as st

from model.analysis import montecarlo
from model.analysis.sensitivity import OUTCOMES
from model.export.link import PAGE_PARAMS
from ui import analysis
from ui import analysis_charts as charts
from ui import format as fmt
from ui.page import chart, header, page_content, section
from ui.state import current_scenario, linked_setting
from ui.tables import download_csv, table


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


@page_content
def page() -> None:
    header(
        "Monte Carlo",
        "Every uncertain assumption drawn at random around its sidebar value (triangular: most likely at the "
        "sidebar value), all draws run at once. Draws, seed and range width are in the link, so a shared link "
        "gives the same numbers. Amounts in USD billions.",
    )
    scenario = current_scenario()

    left, middle, right = st.columns(3)
    draws_param, seed_param, range_param = PAGE_PARAMS.values()
    draws = left.number_input("Draws", step=1000, **linked_setting(draws_param))
    seed = middle.number_input("Seed", step=1, help="The same seed gives the same draws.",
                               **linked_setting(seed_param))
    relative = right.slider(
        "Range either way (share of each value)",
        step=0.05,
        format="percent",
        help="Each assumption's low and high ends, as for the sensitivity tornado; clipped to its bounds.",
        **linked_setting(range_param),
    )

    chosen = montecarlo.default_ranges(scenario, float(relative))
    with st.expander("Ranges (edit to narrow or widen one assumption)", icon=":material/tune:"):
        st.caption("Edited ranges apply to this session only: they are not part of the link.")
        frame = montecarlo.ranges_frame(chosen)
        edited = st.data_editor(
            frame,
            hide_index=True,
            disabled=["name", "label", "unit", "most_likely", "distribution"],
            column_config={"name": None, "label": st.column_config.TextColumn("Assumption", width="large")},
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
            chosen = edited_ranges
        except montecarlo.RangeError as error:
            st.error(f"That range cannot be used, so the default ranges apply: {error}", icon=":material/error:")

    result = None
    with section("the Monte Carlo run"), st.spinner(f"Running {int(draws):,} draws…"):
        result = analysis.monte_carlo(scenario, int(draws), int(seed), chosen)

    if result is not None:
        with section("the percentiles"):
            cols = st.columns(3)
            for column, statistic in zip(cols, ("p10", "p50", "p90"), strict=True):
                value = montecarlo.percentile_value(result, "npv_usd_bn", statistic)
                column.metric(f"NPV, {statistic.upper()}", fmt.usd_bn(value), border=True)
        with section("the fan chart"):
            chart(charts.fan_chart(result.fan, result.draws), width="stretch")
            download_csv(result.fan, "monte_carlo_fan")
        with section("the funding gap probability"):
            chart(charts.gap_probability_chart(result.gap_probability, result.draws), width="stretch")
            download_csv(result.gap_probability, "monte_carlo_gap_probability")
        histogram(result)
        with section("the tables"):
            table(result.percentiles, "monte_carlo_percentiles", title="Table: percentiles of each result",
                  shown=result.percentiles.drop(columns=["outcome"]))
            table(result.ranges, "monte_carlo_ranges", title="Table: the range drawn for each assumption",
                  shown=result.ranges.drop(columns=["name"]))


page()
