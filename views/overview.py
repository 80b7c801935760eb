"""Overview: Microsoft's exposure to OpenAI in headline numbers, a bridge and the cash by year."""

import streamlit as st

from model.scenario import changed_specs
from model.simulate import UNPAID_BILLS_RULE, VALUATION_RULE
from ui import charts, data
from ui import format as fmt
from ui.page import chart, derived_note, header, metric_row, model_result, money_markdown, page_content, section
from ui.price_badge import price_badge
from ui.state import cached_presets, matching_preset
from ui.tables import table


def scenario_name(scenario) -> str:
    """Which scenario the numbers are for, so a shared link says so on a phone's first screen."""
    try:
        preset = matching_preset(scenario, cached_presets())
    except Exception:  # noqa: BLE001 - a broken presets file is named in the sidebar; here it just has no name
        preset = None
    if preset is not None:
        return f"{preset.title} scenario"
    changed = len(changed_specs(scenario))
    return f"Custom scenario ({changed} assumption{'s' if changed != 1 else ''} changed from the reported terms)"


def plain_words(result) -> str:
    """What the scenario means for Microsoft, in one sentence a shareholder can read."""
    metrics = result.metrics
    stake = (f"Microsoft's {fmt.usd_bn(metrics.invested_usd_bn, 0)} has become a stake worth "
             f"{fmt.usd_bn(metrics.stake_value_usd_bn, 0)} as this scenario values it")
    if metrics.total_funding_gap_usd_bn < 0.05:
        bills = (f"OpenAI pays every bill it has signed, so none of the {fmt.usd_bn(metrics.azure_revenue_usd_bn, 0)} "
                 "of Azure revenue it brings Microsoft is at risk")
    elif metrics.claims_recovered_share > 0.9995:
        bills = (f"OpenAI defers {fmt.usd_bn(metrics.total_funding_gap_usd_bn, 0)} of its bills from "
                 f"{fmt.year(metrics.first_funding_gap_year)} and pays them back as its cash recovers, so no Azure "
                 "revenue is lost, though the debts weigh on the stake's value")
    else:
        bills = (f"OpenAI defers {fmt.usd_bn(metrics.total_funding_gap_usd_bn, 0)} of its bills from "
                 f"{fmt.year(metrics.first_funding_gap_year)} and its value covers only "
                 f"{fmt.percent(metrics.claims_recovered_share, 0)} of them, so its equity is written off and "
                 f"{fmt.usd_bn(metrics.at_risk_azure_revenue_usd_bn, 0)} of Microsoft's Azure revenue is lost")
    return money_markdown(f"{scenario_name(result.scenario)}: **{stake}; {bills}.**")


@page_content
def page() -> None:
    header(
        "Microsoft's exposure to OpenAI",
        "One cash-flow model of the investment, the revenue share, the Azure business and the stake. "
        "Money in to Microsoft is positive. Amounts such as \\$13.0B are in USD billions.",
    )
    result = model_result()
    metrics = result.metrics
    scenario = result.scenario
    summary = result.tables["summary"]

    with section("the scenario in a sentence"):
        st.markdown(plain_words(result))

    with section("the headline numbers"):
        valued = ("at the last round's price, counted today" if scenario.stake_valuation.value == "market_mark"
                  else "at the scenario's value of OpenAI, counted today")
        rows = [
            [
                ("Invested", fmt.headline_usd_bn(metrics.invested_usd_bn),
                 f"What Microsoft has in: its filed commitment; {fmt.usd_bn(metrics.funded_to_date_usd_bn)} funded to "
                 f"date (derived), costing it {fmt.usd_bn(metrics.invested_cost_to_msft_usd_bn)} once the Azure "
                 "credits are counted at cost."),
                ("Revenue share received", fmt.headline_usd_bn(metrics.revenue_share_received_usd_bn),
                 f"What Microsoft has received so far from OpenAI's revenue share (derived from OpenAI's revenue); "
                 f"{fmt.usd_bn(metrics.revenue_share_to_come_usd_bn)} more to come under the cap."),
                ("At-risk Azure revenue", fmt.headline_usd_bn(metrics.at_risk_azure_revenue_usd_bn),
                 "Microsoft's share of what OpenAI cannot pay on its commitments (derived)."),
                ("Stake value (this scenario)", fmt.headline_usd_bn(metrics.stake_value_now_usd_bn),
                 f"{fmt.percent(metrics.stake_now)} of OpenAI (band {fmt.percent(metrics.stake_low_now)}"
                 f"-{fmt.percent(metrics.stake_high_now)}, by Microsoft's unreported part of the 2026 round) at "
                 f"the scenario's value of OpenAI, {fmt.usd_bn(metrics.openai_value_now_usd_bn, 0)} (derived). At "
                 f"the last round's {fmt.usd_bn(metrics.openai_mark_usd_bn, 0)}: "
                 f"{fmt.usd_bn(metrics.stake_value_at_mark_usd_bn, 0)}."),
            ],
            [
                ("NPV", fmt.headline_usd_bn(metrics.npv_usd_bn),
                 f"Microsoft's flows incl. the stake ({valued}), at {fmt.percent(scenario.discount_rate)} a year."),
                ("NPV of forward contract flows", fmt.headline_usd_bn(metrics.npv_forward_contracts_usd_bn),
                 "Revenue share, Azure margin and funding still to come, stake excluded, in today's money. "
                 f"The stake is {fmt.percent(metrics.stake_share_of_npv, 0)} of the NPV."),
                ("Azure revenue", fmt.headline_usd_bn(metrics.azure_revenue_usd_bn),
                 f"What OpenAI pays Microsoft for compute to {scenario.horizon_year}; at an assumed "
                 f"{fmt.percent(scenario.azure_margin, 0)} margin, "
                 f"{fmt.usd_bn(metrics.azure_margin_usd_bn)} of profit."),
                ("TVPI (investment)", fmt.multiple(metrics.tvpi),
                 f"Total value to paid-in: the net revenue share received to date plus the stake as counted, over "
                 f"the {fmt.usd_bn(metrics.paid_in_to_date_usd_bn)} paid in. DPI (cash back only): "
                 f"{fmt.multiple(metrics.dpi)}. The Azure business is counted apart."),
            ],
        ]
        rows.append([
            ("IRR to date (per year)", fmt.percent(metrics.irr_to_date),
             "Of the investment: money paid in and net revenue share received, year by year to today, plus the "
             "stake's value now. Azure margin left out (it needs Microsoft's capex)."),
            ("Cash break-even (year)", fmt.year(metrics.break_even_year),
             "First year cumulative cash is back to zero, stake excluded."),
            ("OpenAI funding gap", fmt.headline_usd_bn(metrics.total_funding_gap_usd_bn),
             f"Bills OpenAI defers (net of deferred bills repaid), all years; first: "
             f"{fmt.year(metrics.first_funding_gap_year, never='none')}."),
            ("Stake at the horizon", fmt.percent(metrics.stake_at_horizon),
             "After every round OpenAI raises (at that year's valuation) and employee equity."),
        ])
        for row in rows:
            metric_row(row)
        derived_note(
            f"The value: {VALUATION_RULE} Unpaid bills: {UNPAID_BILLS_RULE} The cost of equity, the price to free "
            "cash flow, Microsoft's part of the 2026 round, Azure's share of renewals and the share of idle "
            "capacity it re-lets are assumptions (sidebar). "
        )

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
                     ("at_risk_azure_revenue_usd_bn", "At-risk Azure"),
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
        table(summary, "summary", shown=shown, title="Table: every figure, and how each was worked out",
              caption="Derived figures are marked in the `derived` column; "
              "`note` says how each was worked out. Values are shown in their unit; the CSV has them in full.",
              column_config={"value": st.column_config.TextColumn("value")})
        table(result.tables["msft_by_year"], "msft_by_year", title="Table: Microsoft's cash flow by year",
              caption="Microsoft's net cash flow by year (USD bn).")


page()
