"""Sensitivity: a tornado of every uncertain assumption over the ranges of the record (the ones
Monte Carlo draws from), and a two-way table of any two."""

import streamlit as st

from model.analysis.ranges import load_ranges
from model.analysis.sensitivity import OUTCOMES, uncertain_names
from model.scenario import SPECS
from ui import analysis
from ui import analysis_charts as charts
from ui import format as fmt
from ui.page import chart, header, page_content, section
from ui.state import current_scenario
from ui.tables import dataframe, download_csv


# The result and the table's axes rerun only the page's own part (a fragment), not the sidebar.
@st.fragment
def sensitivity(scenario) -> None:
    outcome = st.selectbox(
        "Result",
        list(OUTCOMES),
        format_func=lambda name: f"{OUTCOMES[name][0]} ({OUTCOMES[name][1]})",
        key="sensitivity_outcome",
    )
    label, unit = OUTCOMES[outcome]
    include_fixed = st.toggle(
        "Move the reported terms too", key="sensitivity_reported",
        help="The filed stake, the revenue share's rate, end and cap, the tax and discount rates and Stargate's "
        "committed equity are held, as Monte Carlo holds them; switch on to see them on their recorded ranges.",
    )

    with section("the tornado"):
        tornado = analysis.tornado_table(scenario, include_fixed)
        # An assumption that does not move this result gets no bar: it stays in the table below.
        idle = (tornado["outcome"] == outcome) & (tornado["swing"].abs() < 1e-9)
        chart(charts.tornado_chart(tornado[~idle], outcome, label, unit), width="stretch")
        if idle.any():
            st.caption(f"{int(idle.sum())} assumptions do not move this result at all and have no bar: "
                       + ", ".join(tornado.loc[idle, "label"]) + ".")
        held = [SPECS[r.name].label for r in load_ranges().ranges if r.fixed and not include_fixed]
        st.caption(
            "Ranges: the low and high of each assumption from the public record, the same ranges Monte Carlo "
            "draws from, around the sidebar's value (stretched to hold it); the table gives each range's reason and "
            "source. All variants run in one vectorised pass of the model."
            + (" Held as reported terms: " + ", ".join(held) + "." if held else "")
        )
        rows = tornado[tornado["outcome"] == outcome]
        # The result's figures first, next to the assumption, so they are in view without scrolling
        # sideways; the texts after them wrap.
        dataframe(
            rows[["rank", "label", "swing", "outcome_at_low", "outcome_at_high", "low", "value", "high",
                  "assumption_unit", "basis", "reason", "source"]],
            column_config={
                "rank": st.column_config.Column("Rank", width=50),
                "label": st.column_config.TextColumn("Assumption", width=200),
                "swing": st.column_config.Column(f"Swing ({unit})", width=110),
                "outcome_at_low": st.column_config.Column(f"At low ({unit})", width=110),
                "outcome_at_high": st.column_config.Column(f"At high ({unit})", width=115),
                "assumption_unit": st.column_config.Column("Unit", width=100),
                "basis": st.column_config.TextColumn("Basis", width=95),
                "reason": st.column_config.TextColumn("Why this range", width=320),
                "source": st.column_config.TextColumn("Source", width=260),
            },
            key="sensitivity_tornado", heading=("label",), wrap=True,
        )
        download_csv(tornado, "sensitivity", "Download the tornado, every result (CSV)")

    with section("the two-way table"):
        st.subheader("Two-way table")
        st.caption("Like a spreadsheet data table: the result for every pair of values of two assumptions.")
        names = uncertain_names()
        # The two assumptions that move the chosen result most, from the tornado's ranking; chosen again
        # each time the result changes (a pair that moves one result may leave another flat), else kept.
        ranked = [name for name in tornado[tornado["outcome"] == outcome].sort_values("rank")["name"] if name in names]
        top_two = (ranked + [n for n in names if n not in ranked])[:2]
        if st.session_state.get("_grid_axes_for") != outcome:
            st.session_state["_grid_axes_for"] = outcome
            st.session_state["grid_rows"], st.session_state["grid_columns"] = top_two
        left, right = st.columns(2)
        row_name = left.selectbox("Rows", names, format_func=lambda n: SPECS[n].label, key="grid_rows")
        column_names = [n for n in names if n != row_name]
        if st.session_state.get("grid_columns") not in column_names:
            st.session_state["grid_columns"] = next(n for n in top_two + column_names if n in column_names)
        column_name = right.selectbox("Columns", column_names, format_func=lambda n: SPECS[n].label,
                                      key="grid_columns")
        grid = analysis.grid(scenario, row_name, column_name, outcome)
        row_label = f"{SPECS[row_name].label} ({SPECS[row_name].unit})"
        column_label = f"{SPECS[column_name].label} ({SPECS[column_name].unit})"
        chart(
            charts.grid_chart(
                grid.long, row_label, column_label, label, unit,
                row_text=lambda value: fmt.readable_value(SPECS[row_name], value),
                column_text=lambda value: fmt.readable_value(SPECS[column_name], value),
            ),
            width="stretch",
        )
        download_csv(grid.long, "sensitivity_grid", "Download the two-way table (CSV)")


@page_content
def page() -> None:
    header(
        "Sensitivity",
        "Which assumptions matter most: each uncertain assumption alone moves to the low and high ends of "
        "its range from the public record (the ranges Monte Carlo draws from) while every other stays as in "
        "the sidebar. Amounts in USD billions.",
    )
    scenario = current_scenario()

    sensitivity(scenario)


page()
