"""Compute commitments: what OpenAI owes each counterparty as it reaches its cash, and whether it can pay."""

import streamlit as st

from model.scenario import SHORTFALL_RULE_LABELS
from ui import charts, data
from ui import format as fmt
from ui.page import (
    assumption_note,
    chart,
    derived_note,
    header,
    ink,
    metric_row,
    model_result,
    money_markdown,
    page_content,
    section,
)
from ui.tables import table


@page_content
def page() -> None:
    header("Compute commitments", "OpenAI's compute commitments by counterparty and year as they reach its cash, "
           "the money it has to pay them, and who is left unpaid when it cannot. Amounts in USD billions.")
    result = model_result()
    metrics, scenario = result.metrics, result.scenario
    commitments = result.tables["commitments"]
    funding = result.tables["openai_funding"]
    totals = result.tables["commitment_totals"]

    with section("the commitment figures"):
        metric_row([
            ("Announced", fmt.headline_usd_bn(totals["announced_usd_bn"].sum()),
             "The headline figures as announced, where there is one (GPU deals in gigawatts have none). "
             "They overlap: Stargate's $500B contains Oracle's sites."),
            ("OpenAI itself pays", fmt.headline_usd_bn(totals["total_usd_bn"].sum()),
             "Whole contracts as rent, its own chips and its Stargate equity (derived)."),
            ("Funding gap", fmt.headline_usd_bn(metrics.total_funding_gap_usd_bn),
             "Committed bills OpenAI cannot pay, all years. First gap: "
             f"{fmt.year(metrics.first_funding_gap_year, never='never')}."),
            ("At-risk Azure revenue", fmt.headline_usd_bn(metrics.at_risk_azure_revenue_usd_bn),
             "Microsoft's part of the unpaid bills: revenue, not value (its cost is the margin on it)."),
        ])
        derived_note(
            "Cloud contracts are rent over their terms; GPU deals count only the chips OpenAI finances itself; "
            "Stargate counts OpenAI's equity, its sites being rent through Oracle. Where no schedule was reported, "
            "a stated rule spreads the total (the table's Basis column names it). A gap is shared by the "
            "sidebar's rule: "
            f"{SHORTFALL_RULE_LABELS[scenario.shortfall_rule]}."
        )
        assumption_note(
            f"After contracts run out, renewals keep compute at {fmt.percent(scenario.compute_floor_share, 0)} of "
            f"revenue (grey). OpenAI raises at most {fmt.usd_bn(scenario.outside_funding_usd_bn_per_year, 0)} a year "
            "when its cash runs out."
        )

    with section("the commitments by counterparty"):
        chart(charts.commitments_chart(commitments, funding, ink=ink()), width="stretch")
    left, right = st.columns(2)
    with left, section("OpenAI's cash"):
        chart(charts.cash_chart(funding, ink=ink()), width="stretch")
        cash = data.facts().openai.cash
        st.caption(money_markdown(f"The cash account starts from the {fmt.usd_bn(cash.cash_usd_bn, 0)} of cash "
                                  f"OpenAI reported on {cash.date} ({cash.source})."))
    with right, section("the shortfall by counterparty"):
        if commitments["shortfall_usd_bn"].sum() > 0.005:
            chart(charts.shortfall_chart(commitments), width="stretch")
        else:
            st.markdown("**Shortfall by counterparty**")
            st.info("OpenAI pays every committed bill in this scenario: no counterparty is left unpaid. "
                    "Try the Bear or Breakup preset to see who is paid when money runs short.",
                    icon=":material/check_circle:")

    with section("the concentration"):
        left, right = st.columns([1, 1])
        with left:
            chart(charts.commitment_share_chart(totals))
        with right:
            table(totals, "commitment_totals", title="Table: whole contracts by counterparty",
                  caption="Whole contracts by counterparty: as announced, what OpenAI pays under the model, "
                          "with basis and source.")

    with section("the tables"):
        table(commitments, "commitments", title="Table: by year and counterparty",
              caption="By year and counterparty: scheduled, paid and shortfall (USD bn); renewals are uncommitted.")
        table(funding, "openai_funding", title="Table: OpenAI's money by year",
              caption="OpenAI by year: revenue, costs, compute, burn before financing, money raised, cash, "
                      "funding gap, and Microsoft's stake (USD bn; shares as %).")


page()
