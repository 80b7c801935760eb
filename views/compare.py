"""Compare: the presets and the current scenario side by side, with variance against the base."""

import streamlit as st

from model.analysis.compare import wide
from ui import analysis, analysis_charts, saved_scenarios
from ui import format as fmt
from ui.page import chart, header, page_content, section
from ui.state import current_scenario
from ui.tables import download_csv, wide_table

SHOW = {"values": "Values", "amount": "Change vs base", "percentage": "Change vs base (%)"}
# The results a reader compares first, drawn on one chart for every scenario.
KEY_RESULTS = ("npv_usd_bn", "stake_value_usd_bn", "at_risk_azure_revenue_usd_bn", "total_funding_gap_usd_bn")


def _change(kind: str, value, mode: str) -> str:
    """A difference from the base with its unit: +$12.3B, +1.5 pp, +1 yr, +0.2x, or +12% in
    percentage mode; empty where it means nothing (a rule, a missing value, a base of zero)."""
    if value is None or isinstance(value, str) or value != value:
        return ""
    if mode == "percentage":
        return f"{value:+.1%}"
    if abs(value) < 1e-12:
        return "0"
    sign = "+" if value > 0 else "-"
    size = abs(value)
    if kind == "percent":
        return f"{sign}{size * 100:.1f} pp"
    if kind == "year":
        return f"{sign}{size:.0f} yr"
    if kind == "count":
        return f"{sign}{size:,.0f}"
    if kind == "multiple":
        return f"{sign}{fmt.multiple(size)}"
    if kind == "usd_bn":
        return f"{sign}{fmt.usd_bn(size)}"
    return f"{sign}{size:,.2f}"


def _value(name: str, unit: str, value) -> str:
    """A value with its unit inside it; a year that never comes says "never"."""
    if fmt.row_kind(name, unit) == "year" and (value is None or value != value):
        return "never"
    return fmt.row_value(name, unit, value)


def shown_table(long, mode: str, identical: bool):
    """The comparison as the page shows it: one row per assumption or result, the scenarios' values
    (or their change from the base) written with their units, rows that differ first."""
    table = wide(long, None if mode == "values" else mode)
    titles = list(long.drop_duplicates("scenario")["scenario_title"])
    suffix = " vs base" if mode == "amount" else " vs base (%)"
    values = table[titles]
    differs = values.astype(str).nunique(axis=1) > 1
    table = table.assign(_differs=differs)
    if not identical:
        table = table[table["_differs"]]
    table = table.sort_values(["section", "_differs"], ascending=[False, False], kind="stable")
    shown = table[["section", "name", "label"]].copy()
    for title in titles:
        if mode == "values":
            shown[title] = [_value(n, u, v) for n, u, v in zip(table["name"], table["unit"], table[title], strict=True)]
        elif f"{title}{suffix}" in table:
            shown[title] = [_change(fmt.row_kind(n, u), v, mode)
                            for n, u, v in zip(table["name"], table["unit"], table[f"{title}{suffix}"], strict=True)]
    return shown


def key_results_frame(long):
    """The key results of every scenario, for one chart."""
    rows = long[(long["section"] == "result") & long["name"].isin(KEY_RESULTS)]
    return rows.assign(amount_usd_bn=rows["value"].astype(float))[["label", "scenario_title", "amount_usd_bn"]]


# The choice reruns only the comparison (a fragment), not the sidebar nor the saved scenarios.
@st.fragment
def comparison() -> None:
    with section("the scenario comparison"):
        long = analysis.comparison_table(current_scenario(), saved_scenarios.columns())
        with st.container(horizontal=True, vertical_alignment="bottom"):
            mode = st.segmented_control("Show", list(SHOW), default="values", format_func=SHOW.get,
                                        key="compare_variance") or "values"
            identical = st.toggle("Rows that are the same in every scenario", key="compare_identical")
        for title in ("result", "assumption"):
            part = shown_table(long, mode, identical)
            part = part[part["section"] == title].drop(columns=["section", "name"])
            st.subheader("Assumptions (changing cells)" if title == "assumption" else "Results")
            if part.empty:
                st.caption("Every row is the same in every scenario; switch on the rows that are the same to see them.")
                continue
            # A static table: every label and value in full, wrapped rather than cut; on a phone one card
            # a row, each scenario's value whole on its own line.
            wide_table(part, key=f"compare_{title}", heading=("label",), static=True,
                       column_config={"label": st.column_config.TextColumn("Row")})
            if title == "result":
                chart(analysis_charts.scenario_results_chart(key_results_frame(long)))
        st.caption(
            "Rows that differ between the scenarios come first. A change in percent is left empty where it has "
            "no meaning: a base of zero, a calendar year, a missing value or a rule. Results that are the same in "
            "every scenario by construction (MSFT price, market value) are left out."
        )
        download_csv(long, "scenario_comparison", "Download the comparison (CSV, one record per scenario and row)")
        download_csv(wide(long, None if mode == "values" else mode), f"scenario_comparison_wide_{mode}",
                     "Download this layout (CSV)")


@page_content
def page() -> None:
    header(
        "Compare scenarios",
        "The presets and your current scenario side by side, in the layout of Excel's Scenario Summary: "
        "the assumptions that differ between them, then the headline results, each against the base. "
        "Amounts in USD billions; from Microsoft's side, money in is positive.",
    )

    with section("the saved scenarios"):
        saved_scenarios.panel(current_scenario())

    comparison()


page()
