"""Overview: Microsoft's exposure to OpenAI in headline numbers, a bridge and the cash by year."""

import streamlit as st

from ui import charts, data
from ui import format as fmt
from ui.page import chart, header, model_result, money_markdown, section
from ui.price_badge import price_badge
from ui.tables import table

header(
    "Microsoft's exposure to OpenAI",
    "One cash-flow model of the investment, the revenue share, the Azure business and the stake. "
    "Money in to Microsoft is positive. Amounts such as \\$13.0B are in USD billions.",
)
result = model_result()
metrics = result.metrics
scenario = result.scenario
summary = result.tables["summary"]

with section("the headline numbers"):
    rows = [
        [
            ("Invested", fmt.usd_bn(metrics.invested_usd_bn),
             f"Filed commitment; {fmt.usd_bn(metrics.funded_to_date_usd_bn)} funded to date (derived)."),
            ("Stake value now", fmt.usd_bn(metrics.stake_value_now_usd_bn),
             f"{fmt.percent(scenario.msft_stake)} of OpenAI at {fmt.usd_bn(scenario.openai_valuation_usd_bn, 0)}."),
            ("Revenue share to come", fmt.usd_bn(metrics.revenue_share_to_come_usd_bn),
             f"After the cap; {fmt.usd_bn(metrics.revenue_share_received_usd_bn)} received so far (derived)."),
            ("At-risk Azure revenue", fmt.usd_bn(metrics.at_risk_azure_revenue_usd_bn),
             "Microsoft's share of what OpenAI cannot pay on its commitments (derived)."),
        ],
        [
            ("NPV", fmt.usd_bn(metrics.npv_usd_bn),
             f"Microsoft's flows incl. the stake at the horizon, at {fmt.percent(scenario.discount_rate)} a year."),
            ("IRR (per year)", fmt.percent(metrics.irr), "Of Microsoft's flows incl. the stake at the horizon."),
            ("MOIC (x invested)", fmt.multiple(metrics.moic), "Money in over money out, undiscounted."),
            ("Cash break-even (year)", fmt.year(metrics.break_even_year),
             "First year cumulative cash is back to zero, stake excluded."),
        ],
    ]
    for row in rows:
        for column, (label, value, help_text) in zip(st.columns(len(row)), row, strict=True):
            column.metric(label, value, help=help_text, border=True)

with section("the exposure per MSFT share"):
    quote = data.msft_quote()
    if quote is None or metrics.msft_market_value_usd_bn is None:
        price_badge(None)
        st.info("No MSFT price is available, so figures per share and as a share of Microsoft's "
                "market value are not shown.")
    else:
        price_badge(quote, "the figures per share and as a share of market value below use this price")
        st.markdown(money_markdown(
            f"**Per MSFT share** at **{fmt.usd(quote.close_usd)}** (close of {quote.close_date}); "
            f"{fmt.number(metrics.msft_shares_outstanding / 1e9, 2)} bn shares, "
            f"market value {fmt.usd_bn(metrics.msft_market_value_usd_bn, 0)}."
        ))
        per_share = summary.set_index("metric")
        picks = [("stake_value_now_usd_bn", "Stake value now"), ("npv_usd_bn", "NPV"),
                 ("at_risk_azure_revenue_usd_bn", "At-risk Azure revenue"),
                 ("invested_usd_bn", "Invested")]
        for column, (metric, label) in zip(st.columns(len(picks)), picks, strict=True):
            row = per_share.loc[metric]
            column.metric(f"{label}, per MSFT share", fmt.usd(row["per_msft_share_usd"]),
                          delta=f"{fmt.percent(row['share_of_msft_market_value'], 2)} of market value",
                          delta_color="off", delta_arrow="off", border=True)

left, right = st.columns(2)
with left, section("the bridge from invested capital to net position"):
    bridge = charts.bridge_frame(result.tables["msft_cash_flows"])
    chart(charts.bridge_chart(bridge, scenario.horizon_year), width="stretch")
with right, section("Microsoft's cash flow by year"):
    chart(charts.cumulative_cash_chart(result.tables["msft_by_year"]), width="stretch")

with section("the summary table"):
    st.subheader("Every headline number")
    shown = summary.assign(value=[fmt.by_unit(unit, value) for unit, value in zip(summary["unit"], summary["value"],
                                                                                  strict=True)])
    table(summary, "summary", shown=shown, caption="Derived figures are marked in the `derived` column; "
          "`note` says how each was worked out. Values are shown in their unit; the CSV has them in full.",
          column_config={"value": st.column_config.TextColumn("value")})
    table(result.tables["msft_by_year"], "msft_by_year", caption="Microsoft's net cash flow by year (USD bn).")
