"""Model check: every reported figure the base case must reproduce, beside what the model makes of it."""

import streamlit as st

from model.analysis.calibration import band_half_width
from model.equity_method import nine_months
from model.scenario import Scenario
from model.simulate import UNPAID_BILLS_RULE, VALUATION_RULE
from ui import charts, data
from ui import format as fmt
from ui.page import chart, header, money_markdown, page_content, section
from ui.state import current_scenario
from ui.tables import download_csv, rows_height, wide_table

PASS, MISS = "✓", "✗ outside"
WIDE_BAND = 0.25  # a band this wide (±25% around its middle) or wider places the model, it does not pin it


def band_spread(base) -> str:
    """What the count of passes is worth: how wide the bands are, named from the data."""
    widths = base.assign(width=[band_half_width(lo, hi) for lo, hi in zip(base["low"], base["high"], strict=True)])
    widths = widths.dropna(subset=["width"])
    if widths.empty:
        return ""
    widest = widths[widths["width"] >= widths["width"].max() - 1e-9]
    wide = int((widths["width"] >= WIDE_BAND - 1e-9).sum())
    return (f"The bands are as tight as the record allows: from ±{fmt.percent(widths['width'].min())} around the "
            f"reported figure to ±{widths['width'].max():.0%} ({len(widest)} of them, such as "
            f"{widest.iloc[0]['label']}); {wide} are ±{WIDE_BAND:.0%} or wider, where a pass shows the model in "
            "the right range, not on the figure. Each band's basis is in the table.")


@page_content
def page() -> None:
    header("Model check", "What was reported, what the model makes of it, and whether it lands in the band. "
           "The base case (the reported terms) must reproduce every figure; amounts in USD billions.")

    with section("the check of the base case"):
        base = data.calibration(Scenario())
        passed = int(base["within"].sum())
        message = (f"The base case reproduces **{passed} of {len(base)}** reported figures within their band. "
                   + band_spread(base))
        known = base[~base["within"] & (base["known_miss"] != "")]
        if passed == len(base):
            st.success(money_markdown(message), icon=":material/verified:")
        elif passed + len(known) == len(base):
            st.warning(money_markdown(message) + " The model is known to miss the rows marked ✗, for the reason "
                       "given:\n\n" + "\n".join(f"- **{row.label}**: {row.known_miss}" for row in known.itertuples()),
                       icon=":material/warning:")
        else:
            st.warning(money_markdown(message) + " The rows marked ✗ are outside; they come first in the table.",
                       icon=":material/warning:")
        scenario = current_scenario()
        # Each figure written by its target's declared kind: 24.7% and 23% to 27% for a stake, $13.1B for money.
        shown = base.assign(result=[PASS if ok else MISS for ok in base["within"]],
                            modelled=[fmt.by_kind(k, v) for k, v in zip(base["kind"], base["modelled"], strict=True)],
                            band=[fmt.band(k, lo, hi) for k, lo, hi in zip(base["kind"], base["low"], base["high"],
                                                                        strict=True)])
        # The model's figure and its band next to the label: on a phone they are what fits on the first screen.
        columns = ["result", "label", "modelled", "band", "reported"]
        if scenario != Scenario():
            mine = data.calibration(scenario)
            shown["your scenario"] = [fmt.by_kind(k, v) for k, v in zip(mine["kind"], mine["modelled"], strict=True)]
            shown["in band (yours)"] = [PASS if ok else MISS for ok in mine["within"]]
            columns += ["your scenario", "in band (yours)"]
            st.caption("Your scenario differs from the reported terms: its figures are shown beside the base case's. "
                       "A scenario far from the record is allowed to miss; the base case is not.")
        # A miss reads as a word as well as a mark, and comes first.
        shown = shown.sort_values("within", kind="stable")
        wide_table(
            # Every row in view: the table is the page's point.
            shown[columns + ["basis", "source", "as_of"]], key="model_check", heading=("result", "label"),
            height=rows_height(len(shown), wrap=True), wrap=True,
            column_config={
                "result": st.column_config.TextColumn("", width=80),
                "label": st.column_config.TextColumn("Reported figure", width=370),
                "reported": st.column_config.TextColumn("Reported", width=170),
                "band": st.column_config.TextColumn("Band the model must hit"),
                "modelled": st.column_config.TextColumn("Model (base)"),
                "your scenario": st.column_config.TextColumn("Model (yours)"),
                "basis": st.column_config.TextColumn("Basis", width=320),
                "source": st.column_config.TextColumn("Source", width=260),
            },
        )
        st.caption("Each row is written in its own unit: money in USD billions, a stake or a chance as a percentage, "
                   "a multiple with an x. The same table prints with `python -m model check`, which exits non-zero "
                   "when a figure is missed; the CSV keeps the plain numbers (a stake as a fraction).")
        download_csv(base, "model_check")

    with section("where the model falls short"):
        st.subheader("Where the model falls short")
        table = data.result(Scenario()).tables["equity_method"]
        quarters = table.set_index("period")
        nine_months_modelled, nine_months_reported = nine_months(table, data.facts())
        st.markdown(money_markdown(f"""
    - **Microsoft's OpenAI result:** of the nine months to March 2026
      ({fmt.usd_bn(nine_months_modelled)} modelled, {fmt.usd_bn(nine_months_reported)} reported), only Q2 FY26 is a
      test: {fmt.usd_bn(quarters.at["Q2 FY26", "modelled_pretax_usd_bn"])} against about $10.0B. Q3 FY25 and
      Q1 FY26 fix the shape of OpenAI's 2025 loss, and Q3 FY26 fixes when the 2026 round's money came
      (calibrated), so those rows check arithmetic. The modelled Q4 FY25
      ({fmt.usd_bn(quarters.at["Q4 FY25", "modelled_pretax_usd_bn"])}) makes FY25's OpenAI line larger than the
      whole "other, net" of -$4.7B in Microsoft's FY25 10-K: the model's 2025 shape puts too much of the year's
      loss in April-June. The carrying amount is not disclosed; the model starts it from a $6B bound.
    - **Microsoft's OpenAI backlog:** about $281B at 2025-12-31, some $32B more than what remains of the
      $250B commitment. The rest is an earlier, undisclosed commitment whose timing is unknown; it is
      scheduled in 2031-33 (derived), as scheduling it early would push OpenAI's 2026 burn above its plan.
    - **The calibration:** OpenAI's other costs (30% of revenue) and the compute floor (55%) are not reported;
      they are set together so that the base case follows OpenAI's burn plan. The Sensitivity page shows how
      far each moves the results.
    """))

    with section("the burn against OpenAI's plan"):
        chart(charts.burn_check_chart(base), width="stretch")

    with section("the rules"):
        st.subheader("How the model makes each figure")
        cash = data.facts().openai.cash
        st.markdown(money_markdown(f"""
    - **What OpenAI owes, as it reaches its cash.** Cloud contracts (Azure, Oracle, CoreWeave, AWS, Cerebras)
      are rent over their service terms, ramping up while capacity comes online: over a first year by
      default (an assumption), Azure over two years, Oracle over its first year from mid-2027. The GPU
      deals (AMD, Broadcom, NVIDIA) are capacity that mostly arrives inside those contracts: only the
      share OpenAI finances itself is costed,
      at the chip vendor's price per gigawatt, paid over a lease term. Stargate counts OpenAI's own equity in
      the venture; its sites are rent through Oracle. Nothing is counted twice. After contracts run out,
      renewals keep compute at a share of revenue. The *As announced* preset shows the headline treatment.
    - **OpenAI's cash.** The account starts from the {fmt.usd_bn(cash.cash_usd_bn, 0)} OpenAI held on {cash.date}
      and pays each year's burn (compute, other costs and the revenue share, less revenue). When cash runs
      out OpenAI raises equity, up to a yearly limit; what is still missing is a funding gap. {UNPAID_BILLS_RULE}
    - **Microsoft's stake.** The filings' 27% is diluted by the $122B round of 2026 (less what Microsoft
      put in, an assumption: the stake is shown with its band), by each later raise at that year's value of
      OpenAI in the scenario, and by employee equity. {VALUATION_RULE} The last round's mark stays beside it.
    - **Microsoft's income statement (equity method).** Each quarter Microsoft books its stake times
      OpenAI's net income (reported where reported, else the model's cash result), plus a dilution gain of
      its stake times the money other investors bring in when shares are issued for it. OpenAI's 2025 loss
      takes the shape of the quarters Microsoft reported on their own (this assumes no reporting lag and a
      plain 32.5% share before the recapitalization); money that became equity only at the
      recapitalization (the $6.6B of 2024, reported as convertible notes; SoftBank's 2025 money) is booked
      then. How much of the 2026 round came after 31 March is calibrated to Microsoft's reported nil for
      Q3 FY26. OpenAI's book equity before a round is taken as nil, so the 2026 round's gain is an upper
      bound. Losses stop at a carrying amount of zero, less the commitment still to fund, tracked from its
      $6B bound of 2025-06-30, and later results make them up first; a stake the scenario values below its
      carrying amount at a year end is written down (any such year end taken as other than temporary). The
      Investment page shows the quarters beside what Microsoft reported.
    - **Where the record is thin.** Figures reported only in secondary summaries (OpenAI's $30B and $62B
      revenue plan for 2026 and 2027) are used and marked so on the Sources page; the repeated "$14B loss
      in 2026" is not used (its basis is unclear). What happened after early July 2026 is not in the data.
    """))


page()
