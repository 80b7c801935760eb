"""Compare: the presets and the current scenario side by side, with variance against the base."""

import streamlit as st

from model.analysis.compare import wide
from ui import analysis, saved_scenarios
from ui import format as fmt
from ui.page import header, page_content, section
from ui.state import current_scenario
from ui.tables import download_csv


def _variance(kind: str, value, mode: str) -> str:
    """A difference from the base as text: percentage points for fractions, empty where it means nothing."""
    if value is None or isinstance(value, str) or value != value:
        return ""
    if mode == "percentage":
        return f"{value:+.1%}"
    if kind == "percent":
        return f"{value * 100:+.1f} pp"
    if kind in ("year", "count"):
        return f"{value:+.0f}"
    return f"{value:+,.2f}"


# The variance toggle reruns only the comparison (a fragment), not the sidebar nor the saved scenarios.
@st.fragment
def comparison() -> None:
    with section("the scenario comparison"):
        long = analysis.comparison_table(current_scenario(), saved_scenarios.columns())
        mode = (
            st.segmented_control(
                "Variance against the base",
                ["amount", "percentage"],
                default="amount",
                format_func=lambda option: {"amount": "Amount (in each row's unit)",
                                            "percentage": "Percentage"}[option],
                key="compare_variance",
            )
            or "amount"
        )
        table = wide(long, mode)
        suffix = "vs base" if mode == "amount" else "vs base (%)"
        config = {
            "section": st.column_config.TextColumn("Section"),
            "name": None,
            # Narrow enough that a phone shows numbers beside it on the first screen.
            "label": st.column_config.TextColumn("Row", width="medium", pinned=True),
            "unit": st.column_config.TextColumn("Unit"),
        }
        # The results first: they are what a reader comes for; every row shown, no scroll box inside the page.
        for title in ("result", "assumption"):
            part = table[table["section"] == title].drop(columns=["section"])
            st.subheader("Assumptions that differ (changing cells)" if title == "assumption" else "Results")
            # Values mix units and text (the shortfall rule): each written in its row's unit, as text;
            # exported as they are.
            shown = part.copy()
            for column in shown.columns[3:]:
                variance = column.endswith(suffix)
                shown[column] = [
                    _variance(fmt.row_kind(name, unit), value, mode) if variance else fmt.row_value(name, unit, value)
                    for name, unit, value in zip(shown["name"], shown["unit"], shown[column], strict=True)
                ]
            # The unit last: the values come right after the row's name.
            order = ["label", *[c for c in shown.columns if c not in ("name", "label", "unit")], "unit"]
            st.dataframe(shown, hide_index=True, column_config=config, column_order=order, width="stretch",
                         height=35 * (len(shown) + 1) + 3)
        st.caption(
            "A percentage is left empty where it has no meaning: a base of zero, a calendar year, a missing value "
            "or a rule. Results that are the same in every scenario by construction (MSFT price, market value) "
            "are left out."
        )
        download_csv(long, "scenario_comparison", "Download the comparison (CSV, one record per scenario and row)")
        download_csv(table, f"scenario_comparison_wide_{mode}", "Download this layout (CSV)")


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
