"""Revenue share: both directions by year, the rate path, the cap and when it binds."""

import streamlit as st

from model.scenario import Scenario
from ui import charts, data, what_moved
from ui import format as fmt
from ui.page import assumption_note, chart, header, metric_row, model_result, page_content, rate_path_text, section
from ui.tables import table


def cap_binds_year(revenue_share) -> int | None:
    """The first year the cap stops the payments; None if it never does."""
    binding = revenue_share.loc[revenue_share["cap_binds"].astype(bool), "year"]
    return int(binding.min()) if len(binding) else None


@page_content
def page() -> None:
    header("Revenue share", "OpenAI pays Microsoft a share of its revenue; until April 2026 Microsoft also paid "
           "OpenAI a share of Bing and Azure OpenAI revenue. Amounts in USD billions.")
    result = model_result()
    metrics, scenario = result.metrics, result.scenario
    revenue_share = result.tables["revenue_share"]

    # The reported terms' run (cached): what every card's change is against, as on the Overview.
    reported_result = data.result(Scenario())
    reported = reported_result.metrics

    with section("the revenue share figures"):
        st.caption("Each card's change is against the reported terms (every assumption at its default).")
        card, to_come = what_moved.card, "revenue_share_to_come_usd_bn"
        metric_row([
            what_moved.headline_card("revenue_share_received_usd_bn", metrics, reported,
                                     "Derived from OpenAI's revenue; 2026 is modelled, so it follows the scenario."),
            card("To come", fmt.headline_usd_bn(metrics.revenue_share_to_come_usd_bn),
                 "Under the cap, to its end year.", "usd_bn", getattr(metrics, to_come), getattr(reported, to_come)),
            card("Cap from 2026", fmt.headline_usd_bn(scenario.revenue_share_cap_usd_bn),
                 "The total Microsoft can receive.", "usd_bn", scenario.revenue_share_cap_usd_bn,
                 reported_result.scenario.revenue_share_cap_usd_bn),
            card("Cap binds in (year)", fmt.year(cap_binds_year(revenue_share), never="never"),
                 "The first year the cap stops the payments.", "year", cap_binds_year(revenue_share),
                 cap_binds_year(reported_result.tables["revenue_share"]), higher_is_better=True),
        ])
        assumption_note(
            f"{rate_path_text(scenario)}; total from 2026 capped at "
            f"{fmt.usd_bn(scenario.revenue_share_cap_usd_bn, 0)}. "
            "Reported terms are the defaults; the cap amount is reported but unverified."
        )

    with section("the revenue share by year"):
        chart(charts.revenue_share_chart(revenue_share), width="stretch")
    left, right = st.columns(2)
    with left, section("the rate path"):
        chart(charts.rate_path_chart(revenue_share), width="stretch")
    with right, section("the cap"):
        chart(charts.cumulative_cap_chart(revenue_share, scenario.revenue_share_cap_usd_bn),
                        width="stretch")

    with section("the revenue share table"):
        table(revenue_share, "revenue_share", title="Table: revenue share by year",
              caption="By year: OpenAI's revenue, the rate, what is owed and received, Microsoft's payments "
                      "to OpenAI and the net (USD bn). `status` says what is actual and what is projected.")


page()
