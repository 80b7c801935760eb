"""Investment: Microsoft's tranches, funded vs committed, cash vs Azure credits, and returns."""

import streamlit as st

from model.equity_method import nine_months
from model.facts import tranche_label
from model.scenario import Scenario
from model.simulate import UNPAID_BILLS_RULE
from ui import charts, data, what_moved
from ui import format as fmt
from ui.page import (
    assumption_note,
    chart,
    derived_note,
    header,
    metric_row,
    model_result,
    money_markdown,
    page_content,
    section,
)
from ui.tables import rows_height, table

# The quarterly table's columns an investor reads first, with short titles (the caption gives the unit,
# pre-tax USD bn); the after-tax figures, the calendar year and the quarter's end date follow.
QUARTER_COLUMNS = {
    "period": "Period", "reported_pretax_usd_bn": "Reported", "modelled_pretax_usd_bn": "Modelled",
    "modelled_loss_share_usd_bn": "Loss share", "modelled_dilution_gain_usd_bn": "Dilution gain",
    "modelled_carrying_amount_usd_bn": "Carrying amount", "modelled_loss_not_booked_usd_bn": "Loss not booked",
    "modelled_impairment_usd_bn": "Write-down", "status": "Status", "source": "Source",
}
QUARTER_WIDTHS = {"status": 130, "source": 230}  # wide enough, with wrapping, for each whole


@page_content
def page() -> None:
    header("Investment", "Microsoft's tranches into OpenAI, how much is funded, and what it returns. "
           "Amounts in USD billions.")
    result = model_result()
    metrics, scenario = result.metrics, result.scenario

    # The reported terms' run (cached): what every card's change is against, as on the Overview.
    reported = data.result(Scenario()).metrics
    card = what_moved.headline_card

    with section("the investment figures"):
        st.caption("Each card's change is against the reported terms (every assumption at its default).")
        metric_row([
            card("invested_usd_bn", metrics, reported, "Microsoft's filed funding commitment."),
            card("funded_to_date_usd_bn", metrics, reported,
                 "From the filings' cumulative figures; between and after them, derived."),
            card("invested_cash_usd_bn", metrics, reported, "Assumption: the cash/credit split was never disclosed."),
            card("invested_cost_to_msft_usd_bn", metrics, reported,
                 "Cash plus what the Azure credits cost Microsoft to run (derived)."),
        ])
        assumption_note(
            f"{fmt.percent(scenario.azure_credit_share, 0)} of each tranche is taken as Azure credits, which "
            f"cost Microsoft {fmt.percent(1 - scenario.azure_margin, 0)} of their face value "
            "(the sidebar's Azure group). Neither was disclosed."
        )

    left, right = st.columns(2)
    with left, section("the tranches"):
        chart(charts.tranche_chart(result.tables["tranches"]), width="stretch")
        st.caption("Faded bars: reported tranches not counted in the filed commitment.")
    with right, section("funding against the commitment"):
        chart(charts.funding_chart(result.tables["investment_funding"], metrics.invested_usd_bn),
                        width="stretch")
        derived_note("Yearly funding between the filings' cumulative figures is spread by the model.")

    with section("the returns"):
        st.subheader("Returns on the investment")
        metric_row([
            card("npv_usd_bn", metrics, reported,
                 f"At a discount rate of {fmt.percent(scenario.discount_rate)} a year."),
            card("irr_to_date", metrics, reported,
                 "Per year: money paid in and net revenue share received, year by year to today, plus the stake's "
                 "value now. Azure margin left out: the Azure business is its own line."),
            card("tvpi", metrics, reported,
                 "Total value to paid-in: net revenue share received to date plus the stake as counted, over the "
                 f"{fmt.headline_usd_bn(metrics.paid_in_to_date_usd_bn)} paid in. The Azure business is not in it: "
                 "see the Overview's Azure line."),
            card("dpi", metrics, reported, "Distributions to paid-in: the cash back alone (net revenue share "
                 "received to date) over what was paid in."),
        ])
        derived_note(
            f"Microsoft's share of OpenAI: {fmt.percent(metrics.stake_filed)} at the recapitalization, "
            f"{fmt.percent(metrics.stake_now)} after the $122B round (band {fmt.percent(metrics.stake_low_now)}-"
            f"{fmt.percent(metrics.stake_high_now)}, by Microsoft's unreported part of it), "
            f"{fmt.percent(metrics.stake_at_horizon)} in {scenario.horizon_year}, diluted by each raise at the "
            "scenario's value of OpenAI that year and by employee equity "
            f"({fmt.percent(scenario.annual_dilution)} a year).")
        derived_note("TVPI, the IRR to date and the NPV include the stake (DPI, cash back only, does not) as the "
                     "sidebar's valuation method counts it: "
                     f"{fmt.headline_usd_bn(metrics.stake_value_usd_bn)} (the scenario's value of OpenAI, "
                     f"{fmt.headline_usd_bn(metrics.openai_value_now_usd_bn)}; the last round's mark, "
                     f"{fmt.headline_usd_bn(metrics.openai_mark_usd_bn)}, gives "
                     f"{fmt.headline_usd_bn(metrics.stake_value_at_mark_usd_bn)}). "
                     f"{UNPAID_BILLS_RULE}")

    with section("Microsoft's OpenAI result by quarter"):
        chart(charts.equity_method_chart(result.tables["equity_method"]), width="stretch")
        modelled, reported = nine_months(result.tables["equity_method"], data.facts())
        st.markdown(money_markdown(
            f"Nine months to March 2026, as the 10-Q gives them: {fmt.usd_bn(modelled)} modelled against "
            f"{fmt.usd_bn(reported)} reported. A quarter without a grey bar was not reported."))
        derived_note("Modelled: Microsoft's stake times OpenAI's reported result (2025 shaped by the quarters "
                     "Microsoft reported on their own), plus its stake times the money other investors brought in; "
                     "losses stop at a carrying amount of zero. The rule and how well it matches are on the Model "
                     "check page.")

    with section("the tables"):
        tranches = result.tables["tranches"]
        table(tranches, "tranches", title="Table: tranches", heading=("tranche",),
              shown=tranches.assign(tranche=[tranche_label(t) for t in tranches["tranche"]]),
              caption="Tranches with source and confidence; the cash/credit columns are an assumption.",
              column_config={"counted": st.column_config.CheckboxColumn("In filed commitment")})
        table(result.tables["investment_funding"], "investment_funding", title="Table: funding by year",
              caption="Funding by year (USD bn).", heading=("year",))
        quarters = result.tables["equity_method"]
        table(quarters, "equity_method", title="Table: Microsoft's OpenAI result by quarter", heading=("period",),
              shown=quarters[list(QUARTER_COLUMNS) + [c for c in quarters.columns if c not in QUARTER_COLUMNS]],
              column_config={name: st.column_config.Column(title, width=QUARTER_WIDTHS.get(name))
                             for name, title in QUARTER_COLUMNS.items()},
              wrap=True, height=rows_height(len(quarters), wrap=True),
              caption="Microsoft's OpenAI result by fiscal quarter (pre-tax, USD bn): reported beside modelled "
                      "(its share of OpenAI's result plus dilution gains on money OpenAI raised), then projected "
                      "by calendar year. The carrying "
                      "amount is modelled from an upper bound ($6B on 2025-06-30), not disclosed; with it, any "
                      "loss not booked and any write-down. The rule is on the Model check page. Net income and "
                      "EPS (after tax) follow the source.")

page()
