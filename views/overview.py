"""Overview: Microsoft's exposure to OpenAI in headline numbers, a bridge and the cash by year."""

import pandas as pd
import streamlit as st

from model.scenario import SPECS, Scenario, changed_specs
from model.simulate import UNPAID_BILLS_RULE, VALUATION_RULE
from ui import analysis, charts, data, what_moved
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
    invested = fmt.headline_usd_bn(metrics.invested_usd_bn)
    if result.scenario.msft_round_2026_usd_bn > 0:  # its part of the 2026 round bought shares of the stake too
        round_money = fmt.headline_usd_bn(result.scenario.msft_round_2026_usd_bn)
        invested += f", with its assumed {round_money} in the 2026 round,"
    if metrics.stake_value_usd_bn < 0.05:  # "$0.0B" as shown: nothing is left of the stake
        stake = f"Microsoft's {invested} has been written off: this scenario values its stake at nothing"
    else:
        stake = (f"Microsoft's {invested} has become a stake worth "
                 f"{fmt.headline_usd_bn(metrics.stake_value_usd_bn)} as this scenario values it")
    gap = fmt.headline_usd_bn(metrics.total_funding_gap_usd_bn)
    if metrics.total_funding_gap_usd_bn < 0.05:  # under $0.1B as shown: every bill paid, to the rounding
        bills = ("OpenAI pays every bill it has signed, so none of the "
                 f"{fmt.headline_usd_bn(metrics.azure_revenue_usd_bn)} of Azure revenue it brings Microsoft is at risk")
    elif metrics.claims_recovered_share > 0.9995:
        bills = (f"OpenAI defers {gap} of its bills from {fmt.year(metrics.first_funding_gap_year)} and pays them "
                 "back as its cash recovers, so no Azure revenue is lost, though the debts weigh on the stake's value")
    elif metrics.at_risk_azure_revenue_usd_bn < 0.05:
        bills = (f"OpenAI defers {gap} of its bills from {fmt.year(metrics.first_funding_gap_year)}; its value "
                 "does not cover them all, so its equity is written off, though none of the bills left unpaid "
                 "is Microsoft's Azure revenue")
    else:
        bills = (f"OpenAI defers {gap} of its bills from {fmt.year(metrics.first_funding_gap_year)} and its value "
                 f"covers only {fmt.percent(metrics.claims_recovered_share, 0)} of them, so its equity is written "
                 f"off and {fmt.headline_usd_bn(metrics.at_risk_azure_revenue_usd_bn)} of Microsoft's Azure revenue "
                 "is lost")
    return money_markdown(f"{scenario_name(result.scenario)}: **{stake}; {bills}.**")


def why_it_moved(scenario) -> None:
    """The change in NPV (or the stake) from the reported terms, shared among the changed assumptions."""
    st.subheader("Why did it move?")
    attribution = analysis.attribution(scenario)
    outcome = st.segmented_control(
        "Result", ["npv_usd_bn", "stake_value_usd_bn"], default="npv_usd_bn", key="why_outcome",
        format_func=lambda name: {"npv_usd_bn": "NPV", "stake_value_usd_bn": "Stake value"}[name],
    ) or "npv_usd_bn"
    st.markdown(what_moved.largest_sentence(attribution, outcome))
    frame = what_moved.attribution_frame(attribution, outcome)
    chart(what_moved.attribution_chart(frame, OUTCOME_WORDS[outcome]))
    derived_note(
        "Each bar is a changed assumption's share of the change, its Shapley value: its effect averaged over "
        "every order in which the changes could be made, so the order you made them in does not matter and the "
        f"parts add up to the whole change ({attribution.method}: "
        f"{2 ** len(attribution.names) if attribution.method == 'exact' else 'sampled'} runs of the model)."
    )


OUTCOME_WORDS = {"npv_usd_bn": "NPV", "stake_value_usd_bn": "stake value"}


def risk_frame(result, reported, measured_usd_bn: float = 0.0) -> pd.DataFrame:
    """What Microsoft stands to lose against the reported terms, in three measures (USD bn, a loss
    positive): value (NPV), after-tax profit from OpenAI, and the Azure margin on unpaid bills.

    ``measured_usd_bn`` is the part of the NPV's change that comes from the reader's own discount rate or horizon
    (:meth:`model.analysis.attribution.Attribution.valuation_part`: a higher discount rate lowers the
    NPV without any business being lost), left out of the value lost."""
    metrics, base, scenario = result.metrics, reported.metrics, result.scenario
    keep = 1 - scenario.msft_tax_rate
    profit = (metrics.azure_margin_usd_bn + metrics.revenue_share_net_usd_bn) * keep
    base_profit = (base.azure_margin_usd_bn + base.revenue_share_net_usd_bn) * (1 - reported.scenario.msft_tax_rate)
    margin_at_risk = metrics.at_risk_azure_revenue_usd_bn * scenario.azure_margin
    return pd.DataFrame([
        {"measure": "Value (NPV), discount rate aside",
         "loss_usd_bn": base.npv_usd_bn - metrics.npv_usd_bn + measured_usd_bn},
        {"measure": "After-tax profit from OpenAI", "loss_usd_bn": base_profit - profit},
        {"measure": "Azure margin on unpaid bills", "loss_usd_bn": margin_at_risk},
    ])


def yardstick_sentence(attribution) -> str | None:
    """The part of the NPV's change that comes from the reader's discount rate or horizon, in words;
    None when they are at the reported terms."""
    names = attribution.valuation_names()
    if not names:
        return None
    measured = attribution.valuation_part("npv_usd_bn")
    which = " and ".join(SPECS[name].label.lower() for name in names)
    moves = ("does not move the NPV" if abs(measured) < 0.05 else
             f"moves the NPV by {'+' if measured > 0 else '-'}{fmt.headline_usd_bn(abs(measured))}")
    return (f"The {which} you chose {moves}: that changes how future money is valued today, not what Microsoft "
            "earns, so it is left out of the value lost.")


def what_microsoft_risks(result, reported, attribution) -> None:
    metrics, scenario = result.metrics, result.scenario
    st.subheader("What Microsoft risks")
    measured = attribution.valuation_part("npv_usd_bn") if attribution is not None else 0.0
    frame = risk_frame(result, reported, measured)
    npv_loss, profit_loss, margin_at_risk = frame["loss_usd_bn"]
    per_share = npv_loss * 1e9 / metrics.msft_shares_outstanding
    if abs(npv_loss) < 0.05:
        verdict = "**neither loses nor gains value**"
    else:
        verdict = (f"**{'loses' if npv_loss > 0 else 'gains'} {fmt.headline_usd_bn(abs(npv_loss))} of value**, "
                   f"**{fmt.usd(abs(per_share))} per MSFT share**")
    yardstick = yardstick_sentence(attribution) if attribution is not None else None
    st.markdown(money_markdown(
        f"Against the reported terms, Microsoft {verdict} (NPV at the reported "
        f"{fmt.percent(reported.scenario.discount_rate)} a year to {reported.scenario.horizon_year})."
        + (f" {yardstick}" if yardstick else "")
    ))
    metric_row([
        ("Value lost (NPV)", fmt.headline_usd_bn(npv_loss),
         "The reported terms' NPV less this scenario's, leaving out the part that comes from a different "
         f"discount rate or horizon (a way of valuing, not a loss); {fmt.usd(per_share)} per MSFT share."),
        ("After-tax profit lost", fmt.headline_usd_bn(profit_loss),
         f"Azure margin and net revenue share to {scenario.horizon_year}, undiscounted, after Microsoft's "
         f"{fmt.percent(scenario.msft_tax_rate, 0)} tax rate (an assumption), reported terms less this scenario."),
        # Revenue at risk beside the margin on it: the first is what OpenAI cannot pay, the second what it costs.
        what_moved.headline_card(
            "at_risk_azure_revenue_usd_bn", metrics, reported.metrics,
            "Microsoft's share of the bills OpenAI cannot pay: revenue, not value (the margin on it is beside)."),
        ("Azure margin at risk", fmt.headline_usd_bn(margin_at_risk),
         f"The margin on the {fmt.headline_usd_bn(metrics.at_risk_azure_revenue_usd_bn)} of Azure revenue OpenAI "
         f"cannot pay, at the assumed {fmt.percent(scenario.azure_margin, 0)} margin: revenue at risk is not "
         "value at risk."),
    ])
    if frame["loss_usd_bn"].abs().max() < 0.05:  # nothing to draw: every measure rounds to $0.0B
        st.caption(":material/check_circle: No loss against the reported terms on any of the three measures.")
    else:
        chart(what_moved.risk_chart(frame))


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

    # The reported terms' run (cached): what every card's change and the risk section are against.
    reported_result = data.result(Scenario())
    reported = reported_result.metrics

    # The sentence, the changed assumptions and the headline cards: on a phone the cards come before
    # the changes (ui.what_moved.changed_chips).
    first_screen = st.container(key="_first_screen")
    with first_screen, section("the scenario in a sentence"):
        st.markdown(plain_words(result))
        what_moved.changed_chips(scenario)

    with first_screen, section("the headline numbers"):
        st.caption("Each card's change is against the reported terms (every assumption at its default).")
        valued = ("at the last round's price, counted today" if scenario.stake_valuation.value == "market_mark"
                  else "at the scenario's value of OpenAI, counted today")
        card = what_moved.headline_card
        rows = [
            [
                card("invested_usd_bn", metrics, reported,
                     "What Microsoft has in: its filed commitment; "
                     f"{fmt.headline_usd_bn(metrics.funded_to_date_usd_bn)} funded to date (derived), costing it "
                     f"{fmt.headline_usd_bn(metrics.invested_cost_to_msft_usd_bn)} once the Azure credits are counted "
                     "at cost."),
                card("revenue_share_received_usd_bn", metrics, reported,
                     "What Microsoft has received so far from OpenAI's revenue share (derived from OpenAI's revenue; "
                     "2026 is modelled, so it follows the scenario); "
                     f"{fmt.headline_usd_bn(metrics.revenue_share_to_come_usd_bn)} more to come under the cap."),
                card("at_risk_azure_revenue_usd_bn", metrics, reported,
                     "Microsoft's share of what OpenAI cannot pay on its commitments (derived): revenue, not value; "
                     "what it costs Microsoft is the margin on it, in \"What Microsoft risks\" below."),
                card("stake_value_usd_bn", metrics, reported,
                     f"As this scenario counts it ({valued}): {fmt.percent(metrics.stake_now)} of OpenAI (band "
                     f"{fmt.percent(metrics.stake_low_now)}-{fmt.percent(metrics.stake_high_now)}, by Microsoft's "
                     f"unreported part of the 2026 round) at the scenario's value of OpenAI, "
                     f"{fmt.headline_usd_bn(metrics.openai_value_now_usd_bn)} (derived). At the last round's "
                     f"{fmt.headline_usd_bn(metrics.openai_mark_usd_bn)} it would be "
                     f"{fmt.headline_usd_bn(metrics.stake_value_at_mark_usd_bn)}."),
            ],
            [
                card("npv_usd_bn", metrics, reported,
                     f"Microsoft's flows incl. the stake ({valued}), at {fmt.percent(scenario.discount_rate)} a year."),
                card("npv_forward_contracts_usd_bn", metrics, reported,
                     "The NPV of forward contract flows: revenue share, Azure margin and funding still to come, "
                     "stake excluded, in today's money. "
                     f"The stake is {fmt.percent(metrics.stake_share_of_npv, 0)} of the NPV."),
                card("azure_revenue_usd_bn", metrics, reported,
                     f"What OpenAI pays Microsoft for compute to {scenario.horizon_year}; at an assumed "
                     f"{fmt.percent(scenario.azure_margin, 0)} margin, "
                     f"{fmt.headline_usd_bn(metrics.azure_margin_usd_bn)} of profit."),
                card("tvpi", metrics, reported,
                     "Total value to paid-in: the net revenue share received to date plus the stake as counted, over "
                     f"the {fmt.headline_usd_bn(metrics.paid_in_to_date_usd_bn)} paid in. DPI (cash back only): "
                     f"{fmt.multiple(metrics.dpi)}. The Azure business is counted apart."),
            ],
            [
                card("irr_to_date", metrics, reported,
                     "Of the investment: money paid in and net revenue share received, year by year to today, plus "
                     "the stake's value now. Azure margin left out (it needs Microsoft's capex)."),
                card("break_even_year", metrics, reported,
                     "First year cumulative cash is back to zero, stake excluded."),
                card("total_funding_gap_usd_bn", metrics, reported,
                     "Bills OpenAI defers (net of deferred bills repaid), all years; first: "
                     f"{fmt.year(metrics.first_funding_gap_year, never='never')}."),
                card("stake_at_horizon", metrics, reported,
                     "After every round OpenAI raises (at that year's value in this scenario) and employee equity."),
            ],
        ]
        for row in rows:
            metric_row(row)
        change = what_moved.last_change(scenario, {
            "npv": ("NPV", "usd_bn", metrics.npv_usd_bn),
            "stake": ("stake value", "usd_bn", metrics.stake_value_usd_bn),
            "at_risk": ("at-risk Azure revenue", "usd_bn", metrics.at_risk_azure_revenue_usd_bn),
        })
        if change is not None:
            st.caption(money_markdown(change))
        derived_note(
            f"The value: {VALUATION_RULE} Unpaid bills: {UNPAID_BILLS_RULE} The cost of equity, the price to free "
            "cash flow, Microsoft's part of the 2026 round, Azure's share of renewals and the share of idle "
            "capacity it re-lets are assumptions (sidebar)."
        )

    if changed_specs(scenario):
        with section("why the figures moved"):
            why_it_moved(scenario)

    with section("what Microsoft risks"):
        what_microsoft_risks(result, reported_result,
                             analysis.attribution(scenario) if changed_specs(scenario) else None)

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
                f"market value {fmt.headline_usd_bn(metrics.msft_market_value_usd_bn)}."
            ))
            per_share = summary.set_index("metric")
            picks = [("stake_value_usd_bn", "Stake value"), ("npv_usd_bn", "NPV"),
                     ("npv_forward_contracts_usd_bn", "Contract NPV"),
                     ("invested_usd_bn", "Invested")]
            metric_row([
                (f"{label}, per MSFT share", fmt.usd(per_share.loc[metric, "per_msft_share_usd"]), None,
                 f"{fmt.percent(per_share.loc[metric, 'share_of_msft_market_value'], 2)} of market value", "off")
                for metric, label in picks
            ])

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
              # The label names each figure; its code name (the CSV's `metric`) is left off the screen.
              column_config={"value": st.column_config.TextColumn("value"), "metric": None})
        table(result.tables["msft_by_year"], "msft_by_year", title="Table: Microsoft's cash flow by year",
              caption="Microsoft's net cash flow by year (USD bn).")


page()
