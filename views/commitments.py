"""Compute commitments: what OpenAI has promised each counterparty, and whether it can pay."""

import streamlit as st

from model.scenario import SHORTFALL_RULE_LABELS
from ui import charts
from ui import format as fmt
from ui.page import chart, derived_note, header, ink, model_result, section
from ui.tables import table

header("Compute commitments", "OpenAI's compute commitments by counterparty and year, the revenue and "
       "funding it has to pay them, and who is left unpaid when it cannot. Amounts in USD billions.")
result = model_result()
metrics, scenario = result.metrics, result.scenario
commitments = result.tables["commitments"]
funding = result.tables["openai_funding"]
totals = result.tables["commitment_totals"]

with section("the commitment figures"):
    cols = st.columns(4)
    cols[0].metric("All commitments", fmt.usd_bn(totals["total_usd_bn"].sum(), 0),
                   border=True, help="Whole contracts, all counterparties.")
    cols[1].metric("Funding gap, all years", fmt.usd_bn(metrics.total_funding_gap_usd_bn, 0),
                   border=True, help=f"First gap: {fmt.year(metrics.first_funding_gap_year, never='none')}.")
    cols[2].metric("At-risk Azure revenue", fmt.usd_bn(metrics.at_risk_azure_revenue_usd_bn),
                   border=True, help="Microsoft's part of the shortfall.")
    cols[3].metric("Concentration (HHI)", fmt.number(metrics.hhi), border=True,
                   help="Herfindahl-Hirschman index of the commitments by counterparty, 0 to 10,000; above 2,500 is "
                        "highly concentrated.")
    derived_note(
        "Where no schedule was reported, a documented rule spreads the total over the years (see `basis`); "
        f"a gap is shared by the rule in the sidebar: {SHORTFALL_RULE_LABELS[scenario.shortfall_rule]}."
    )

with section("the commitments by counterparty"):
    chart(charts.commitments_chart(commitments, funding, ink=ink()), width="stretch")
left, right = st.columns(2)
with left, section("the coverage of commitments"):
    chart(charts.coverage_chart(funding), width="stretch")
with right, section("the shortfall by counterparty"):
    chart(charts.shortfall_chart(commitments), width="stretch")

with section("the concentration"):
    left, right = st.columns([1, 1])
    with left:
        chart(charts.commitment_share_chart(totals))
    with right:
        table(totals, "commitment_totals", caption="Whole contracts by counterparty, with basis and source.")

with section("the tables"):
    table(commitments, "commitments", caption="By year and counterparty: scheduled, paid and shortfall (USD bn).")
    table(funding, "openai_funding",
          caption="OpenAI by year: revenue, other costs, outside funding, commitments, coverage and gap (USD bn).")
