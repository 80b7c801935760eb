"""Charts as pure functions: tidy frames in, figures out (tested through ``to_dict()``).

Each chart's structure is an Altair chart on named data sets, built once per setting (ui.figure);
a run only prepares the frames, so a slider change never pays for building and validating charts.

Every chart has a title, axis titles with units and tooltips. Each counterparty has one colour on
every page, from a fixed domain (model.engine.COUNTERPARTIES) and a colour-blind-safe range
(Okabe-Ito first, then Paul Tol's muted colours), chosen to read on light and dark backgrounds.

One concept, one module: the Exposure pages' charts share their colours, axes and layers; the
analysis and market pages have their own modules (ui.analysis_charts, ui.market_charts).
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from model.engine import COUNTERPARTIES, FLOW_LABELS, RENEWALS
from ui.figure import Figure, data, figure

# One colour a counterparty, in COUNTERPARTIES' order. Two families share a hue on purpose (a deal
# and its earlier or later parts: Azure's three, AWS's two); every other colour keeps apart from the
# rest, so thirteen series can be told apart (no two greens, purples or blues outside the families).
_PALETTE = (
    "#0072B2",  # blue: Microsoft Azure
    "#6FA8DC",  # light blue: Azure before the 2025 commitment, next to its parent
    "#A9C9EA",  # pale blue: the rest of Azure's disclosed backlog, the third of the family
    "#D55E00",  # vermillion: Oracle
    "#009E73",  # bluish green: CoreWeave
    "#E69F00",  # orange: AWS
    "#F0C05A",  # light orange: the AWS expansion, next to its parent deal
    "#CC79A7",  # reddish purple: Cerebras
    "#EE6677",  # Tol rose: Stargate (apart from the AWS expansion's light orange)
    "#999933",  # olive: NVIDIA
    "#AA4499",  # Tol purple: AMD
    "#882255",  # Tol wine: Broadcom
    "#888888",  # grey: Google Cloud
)
# Renewals are not a counterparty's contract: a light neutral that reads as "not yet signed".
RENEWALS_COLOUR = "#C8C8C8"
COUNTERPARTY_COLOURS = {
    **{name: _PALETTE[index % len(_PALETTE)] for index, name in enumerate(COUNTERPARTIES)},
    RENEWALS: RENEWALS_COLOUR,
}
COUNTERPARTY_ORDER = [*COUNTERPARTIES, RENEWALS]
IN_COLOUR, OUT_COLOUR, TOTAL_COLOUR, LINE_COLOUR = "#009E73", "#D55E00", "#0072B2", "#E69F00"
STAKE_COLOUR = "#CC79A7"  # a value held, not cash: apart from money in (green) and money out (red)
STATUS_ORDER = ["actual", "committed", "projected"]
USD_BN = "USD bn"


def counterparty_scale() -> alt.Scale:
    return alt.Scale(domain=list(COUNTERPARTY_COLOURS), range=list(COUNTERPARTY_COLOURS.values()))


def counterparty_colour(shown: tuple[str, ...] | None = None, title: str = "Counterparty") -> alt.Color:
    """Every counterparty in its own colour; the legend names only ``shown`` (those with a bar)."""
    return alt.Color("counterparty:N", scale=counterparty_scale(), title=title,
                     sort=COUNTERPARTY_ORDER, legend=_legend(values=shown))


def counterparties_shown(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
    """The counterparties with something to draw in ``column``, in the fixed order: the legend's entries."""
    totals = frame.groupby("counterparty")[column].sum()
    present = set(totals[totals.abs() > 1e-9].index)
    return tuple(name for name in COUNTERPARTY_ORDER if name in present)


# A legend entry's width: its symbol, the longest label (labelLimit) and the gap to the next column.
LEGEND_COLUMN_PX, LEGEND_LABEL_LIMIT_PX = 215, 190


def _legend(values: tuple[str, ...] | None = None, orient: str = "bottom", **style) -> alt.Legend:
    # Below the plot, so that the plot keeps the whole width on a phone, where a legend on the right
    # squeezed it to a third; in as many columns as the plot's width holds (Vega's own width signal).
    # The chart grows by the legend's height (ui.figure.STREAMLIT_AUTOSIZE), so the plot keeps its own.
    extra = {"values": list(values), **style} if values is not None else style
    return alt.Legend(orient=orient, direction="horizontal", labelLimit=LEGEND_LABEL_LIMIT_PX,
                      columns=alt.ExprRef(f"max(1, floor(width / {LEGEND_COLUMN_PX}))"), **extra)


def chart_title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    # A mid grey: the default subtitle colour all but disappears on the dark theme.
    return alt.TitleParams(text=text, subtitle=subtitle or "", anchor="start", subtitleColor="#8A8F98")


# Horizontal bars with each row's name written above its bar, from the plot's left edge: as labels to
# the left of the plot, long names took most of a phone's width from the bars, or ended in "…". A row
# is ROW_STEP_PX high, half of it the bar, the other half the gap its name is written in.
ROW_STEP_PX = 44
_ROW_BAND = 0.5


def rows_axis(field: str, sort) -> alt.Y:
    """A y encoding whose labels sit above each row's bar (or cells), across the plot's whole width
    (a name longer than the plot ends in "…"; the tooltip gives it whole)."""
    return alt.Y(field, sort=sort, title=None, scale=alt.Scale(paddingInner=1 - _ROW_BAND, paddingOuter=0.6),
                 axis=alt.Axis(labelAlign="left", labelBaseline="bottom", labelPadding=0, labelBound=False,
                               labelOffset=-(ROW_STEP_PX * _ROW_BAND / 2 + 2), labelOverlap=False,
                               labelFontSize=12, labelLimit=alt.ExprRef("width"), ticks=False, domain=False))


def _year_axis() -> alt.X:
    return alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0))


# -- overview ------------------------------------------------------------------------------------


def bridge_frame(cash_flows: pd.DataFrame) -> pd.DataFrame:
    """Microsoft's undiscounted flows summed by kind, as steps from invested capital to net position."""
    totals = cash_flows.groupby("flow", sort=False)["amount_usd_bn"].sum()
    order = [flow for flow in FLOW_LABELS if flow in totals.index]
    order += [flow for flow in totals.index if flow not in order]
    rows, running = [], 0.0
    for flow in order:
        amount = float(totals[flow])
        # The stake is a value, not money received: its own colour, never the "money in" green.
        kind = "stake" if flow == "stake_value" else "money in" if amount >= 0 else "money out"
        rows.append({"step": FLOW_LABELS.get(flow, flow), "start_usd_bn": running,
                     "end_usd_bn": running + amount, "amount_usd_bn": amount, "kind": kind})
        running += amount
    rows.append({"step": "Net position", "start_usd_bn": 0.0, "end_usd_bn": running,
                 "amount_usd_bn": running, "kind": "net position"})
    return pd.DataFrame(rows)


def _bridge_structure(steps: tuple[str, ...]) -> alt.LayerChart:
    base = alt.Chart(data("bridge"))
    y = rows_axis("step:N", list(steps))
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("start_usd_bn:Q", title="Cumulative position (USD bn)"),
        x2="end_usd_bn:Q",
        color=alt.Color("kind:N", title="Step",
                        scale=alt.Scale(domain=["money out", "money in", "stake", "net position"],
                                        range=[OUT_COLOUR, IN_COLOUR, STAKE_COLOUR, TOTAL_COLOUR]),
                        legend=_legend()),
        tooltip=[alt.Tooltip("step:N", title="Step"),
                 alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.2f"),
                 alt.Tooltip("end_usd_bn:Q", title="Position after (USD bn)", format=",.2f")],
    )
    labels = base.mark_text(align="left", dx=4, color="#888888").encode(
        y=y,
        x=alt.X("label_at_usd_bn:Q", title="Cumulative position (USD bn)"),
        text=alt.Text("amount_usd_bn:Q", format="+,.1f"),
    ).transform_calculate(label_at_usd_bn="max(datum.start_usd_bn, datum.end_usd_bn)")
    title = chart_title("From invested capital to net position", " ")
    return alt.layer(bars, labels, title=title).properties(height=alt.Step(ROW_STEP_PX))


def bridge_chart(bridge: pd.DataFrame, horizon_year: int) -> Figure:
    """A waterfall laid on its side, so that every step's name can be read in full."""
    return figure(
        _bridge_structure, (tuple(bridge["step"]),), bridge=bridge,
        subtitle=f"2019–{horizon_year}, undiscounted, USD bn; the stake as the NPV counts it (a value held, not cash)",
    )


def _cumulative_cash_structure() -> alt.LayerChart:
    base = alt.Chart(data("by_year"))
    tooltip = [alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("net_cash_flow_usd_bn:Q", title="Net cash flow (USD bn)", format=",.2f"),
               alt.Tooltip("cumulative_net_cash_flow_usd_bn:Q", title="Cumulative (USD bn)", format=",.2f")]
    bars = base.mark_bar().encode(
        x=_year_axis(),
        y=alt.Y("net_cash_flow_usd_bn:Q", title="Net cash flow (USD bn)"),
        color=alt.condition(alt.datum.net_cash_flow_usd_bn >= 0, alt.value(IN_COLOUR), alt.value(OUT_COLOUR)),
        tooltip=tooltip,
    )
    line = base.mark_line(point=True, color=TOTAL_COLOUR).encode(
        x=_year_axis(), y=alt.Y("cumulative_net_cash_flow_usd_bn:Q", title="Net cash flow (USD bn)"),
        tooltip=tooltip,
    )
    return alt.layer(bars, line, title=chart_title(
        "Microsoft's net cash flow with OpenAI by year",
        "Bars: the year's net flow; line: cumulative. Stake value excluded.",
    ),
    ).properties(height=320)


def cumulative_cash_chart(by_year: pd.DataFrame) -> Figure:
    return figure(_cumulative_cash_structure, by_year=by_year)


# -- investment ----------------------------------------------------------------------------------


def _tranche_structure() -> alt.Chart:
    return (
        alt.Chart(data("tranches"), title=chart_title(
            "Investment tranches, cash vs Azure credits",
            "The cash/credit split was never disclosed: it is the sidebar's assumption"))
        .mark_bar()
        .encode(
            # Short, level labels that all fit: Vega drops labels that would overlap, and a slanted
            # ISO date under each of four bars in half a page did (only two of four were named).
            x=alt.X("label:N", title="Tranche (date)", sort=None, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            y=alt.Y("part_usd_bn:Q", title="Amount (USD bn)", stack="zero"),
            color=alt.Color("part:N", title="Paid as",
                            scale=alt.Scale(range=[TOTAL_COLOUR, "#56B4E9"]),
                            legend=_legend()),
            opacity=alt.condition(alt.datum.counted, alt.value(1.0), alt.value(0.45)),
            tooltip=[alt.Tooltip("tranche:N", title="Tranche"), alt.Tooltip("date:N", title="Date"),
                     alt.Tooltip("part:N", title="Paid as"),
                     alt.Tooltip("part_usd_bn:Q", title="Amount (USD bn)", format=",.3f"),
                     alt.Tooltip("amount_usd_bn:Q", title="Tranche total (USD bn)", format=",.2f"),
                     alt.Tooltip("counted:N", title="Counted in the $13B")],
        )
        .properties(height=320)
    )


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def tranche_label(reported_date: str) -> str:
    """A tranche's date as short as it reads: "Jul 2019" for 2019-07-22 or 2019-07, "2021" for 2021.

    >>> [tranche_label(d) for d in ("2019-07-22", "2024-10", "2021")]
    ['Jul 2019', 'Oct 2024', '2021']
    """
    parts = str(reported_date).split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def tranche_chart(tranches: pd.DataFrame) -> Figure:
    """Each tranche split into cash and Azure credits (the split is an assumption). A round in which
    Microsoft put in nothing (no amount) has no bar, so it has no place on the axis either."""
    tranches = tranches.dropna(subset=["amount_usd_bn"])
    long = tranches.melt(
        id_vars=["tranche", "date", "amount_usd_bn", "counted"],
        value_vars=["cash_usd_bn", "azure_credits_usd_bn"], var_name="part", value_name="part_usd_bn",
    )
    long["part"] = long["part"].map({"cash_usd_bn": "Cash (assumed split)",
                                     "azure_credits_usd_bn": "Azure credits (assumed split)"})
    long["date"] = long["date"].astype(str)
    long["label"] = long["date"].map(tranche_label)
    return figure(_tranche_structure, tranches=long)


def _funding_structure() -> alt.LayerChart:
    tooltip = [alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("funded_usd_bn:Q", title="Funded in the year (USD bn)", format=",.2f"),
               alt.Tooltip("cumulative_funded_usd_bn:Q", title="Cumulative (USD bn)", format=",.2f"),
               alt.Tooltip("status:N", title="Status"), alt.Tooltip("derived:N", title="Derived")]
    bars = alt.Chart(data("funding")).mark_bar().encode(
        x=_year_axis(), y=alt.Y("cumulative_funded_usd_bn:Q", title="Cumulative funding (USD bn)"),
        color=alt.Color("status:N", title="Status", scale=alt.Scale(domain=STATUS_ORDER,
                        range=[TOTAL_COLOUR, LINE_COLOUR, "#56B4E9"]), legend=_legend()),
        tooltip=tooltip,
    )
    rule = alt.Chart(data("committed")).mark_rule(strokeDash=[6, 4], color=OUT_COLOUR).encode(
        y=alt.Y("committed_usd_bn:Q", title="Cumulative funding (USD bn)"),
        tooltip=[alt.Tooltip("committed_usd_bn:Q", title="Committed (USD bn)", format=",.2f")])
    return alt.layer(bars, rule, title=chart_title("Funded vs committed", " ")).properties(height=300)


def funding_chart(funding: pd.DataFrame, committed_usd_bn: float) -> Figure:
    """Cumulative funding against the filed commitment."""
    return figure(
        _funding_structure, funding=funding,
        committed=pd.DataFrame({"committed_usd_bn": [committed_usd_bn]}),
        subtitle=f"Cumulative funding; dashed line: the filed commitment of ${committed_usd_bn:,.1f}B",
    )


# -- revenue share -------------------------------------------------------------------------------


def _revenue_share_structure() -> alt.LayerChart:
    bars = alt.Chart(data("directions")).mark_bar().encode(
        x=_year_axis(), y=alt.Y("amount_usd_bn:Q", title="Revenue share (USD bn)"),
        color=alt.Color("direction:N", title="Direction",
                        scale=alt.Scale(domain=["OpenAI to Microsoft", "Microsoft to OpenAI"],
                                        range=[IN_COLOUR, OUT_COLOUR]), legend=_legend()),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("direction:N", title="Direction"),
                 alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.3f"),
                 alt.Tooltip("status:N", title="Status")],
    )
    net = alt.Chart(data("revenue_share")).mark_line(point=True, color=TOTAL_COLOUR).encode(
        x=_year_axis(), y=alt.Y("net_usd_bn:Q", title="Revenue share (USD bn)"),
        tooltip=[alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("net_usd_bn:Q", title="Net to Microsoft (USD bn)", format=",.3f")],
    )
    return alt.layer(bars, net, title=chart_title(
        "Revenue share, both directions",
        "Microsoft's view. Up: OpenAI pays Microsoft; down: Microsoft pays OpenAI; line: net",
    ),
    ).properties(height=320)


def revenue_share_chart(revenue_share: pd.DataFrame) -> Figure:
    long = revenue_share.melt(id_vars=["year", "status"],
                              value_vars=["received_usd_bn", "paid_to_openai_usd_bn"],
                              var_name="direction", value_name="amount_usd_bn")
    long["direction"] = long["direction"].map({"received_usd_bn": "OpenAI to Microsoft",
                                               "paid_to_openai_usd_bn": "Microsoft to OpenAI"})
    long.loc[long["direction"] == "Microsoft to OpenAI", "amount_usd_bn"] *= -1
    return figure(_revenue_share_structure, directions=long, revenue_share=revenue_share)


def _rate_path_structure() -> alt.LayerChart:
    base = alt.Chart(data("revenue_share"))
    tooltip = [alt.Tooltip("year:O", title="Year"), alt.Tooltip("rate:Q", title="Rate", format=".1%"),
               alt.Tooltip("owed_usd_bn:Q", title="Owed at the rate (USD bn)", format=",.2f"),
               alt.Tooltip("received_usd_bn:Q", title="Received (USD bn)", format=",.2f"),
               alt.Tooltip("cap_binds:N", title="Cap binds")]
    # A step: the rate holds for a whole year and changes at the next, as the contract sets it.
    line = base.mark_line(point=True, color=TOTAL_COLOUR, interpolate="step-after").encode(
        x=_year_axis(), y=alt.Y("rate:Q", title="Rate (%)", axis=alt.Axis(format="%")),
        tooltip=tooltip,
    )
    binds = base.transform_filter(alt.datum.cap_binds).mark_point(
        size=140, filled=True, color=OUT_COLOUR
    ).encode(x=_year_axis(), y=alt.Y("rate:Q", title="Rate (%)"), tooltip=tooltip)
    return alt.layer(line, binds, title=chart_title(
        "Revenue share rate and the cap",
        "Rate on OpenAI's revenue; orange points: years in which the total cap binds",
    ),
    ).properties(height=280)


def rate_path_chart(revenue_share: pd.DataFrame) -> Figure:
    return figure(_rate_path_structure, revenue_share=revenue_share)


def _cumulative_cap_structure() -> alt.LayerChart:
    area = alt.Chart(data("revenue_share")).mark_area(opacity=0.6, color=IN_COLOUR).encode(
        x=_year_axis(),
        y=alt.Y("cumulative_received_since_2026_usd_bn:Q", title="Received (USD bn)"),
        tooltip=[alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("cumulative_received_since_2026_usd_bn:Q", title="Cumulative (USD bn)",
                             format=",.2f")],
    )
    rule = alt.Chart(data("cap")).mark_rule(strokeDash=[6, 4], color=OUT_COLOUR).encode(
        y=alt.Y("cap_usd_bn:Q", title="Received (USD bn)"),
        tooltip=[alt.Tooltip("cap_usd_bn:Q", title="Cap (USD bn)", format=",.0f")])
    return alt.layer(area, rule, title=chart_title("Received since 2026 against the cap", " ")).properties(height=280)


def cumulative_cap_chart(revenue_share: pd.DataFrame, cap_usd_bn: float) -> Figure:
    return figure(_cumulative_cap_structure, revenue_share=revenue_share,
                  cap=pd.DataFrame({"cap_usd_bn": [cap_usd_bn]}),
                  subtitle=f"Dashed line: the cap of ${cap_usd_bn:,.0f}B")


# -- compute commitments -------------------------------------------------------------------------


def _commitments_structure(ink: str, shown: tuple[str, ...]) -> alt.LayerChart:
    bars = alt.Chart(data("commitments")).mark_bar().encode(
        x=_year_axis(),
        y=alt.Y("sum(scheduled_usd_bn):Q", title="USD bn per year"),
        color=counterparty_colour(shown),
        order=alt.Order("counterparty_rank:Q"),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("counterparty:N", title="Counterparty"),
                 alt.Tooltip("scheduled_usd_bn:Q", title="Scheduled (USD bn)", format=",.2f"),
                 alt.Tooltip("status:N", title="Status"), alt.Tooltip("derived:N", title="Schedule derived"),
                 alt.Tooltip("basis:N", title="Basis")],
    ).transform_calculate(
        counterparty_rank=f"indexof({COUNTERPARTY_ORDER!r}, datum.counterparty)"
    )
    lines = alt.Chart(data("means")).mark_line(point=True, strokeWidth=3).encode(
        x=_year_axis(), y=alt.Y("amount_usd_bn:Q", title="USD bn per year"),
        strokeDash=alt.StrokeDash("measure:N", title="OpenAI's means",
                                  scale=alt.Scale(domain=list(MEANS.values()), range=[[1, 0], [6, 3]]),
                                  # Above the plot: below it, beside the counterparties, it ran off a phone.
                                  legend=_legend(orient="top", symbolType="stroke", symbolStrokeWidth=3)),
        color=alt.value(ink),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.1f")],
    )
    return alt.layer(bars, lines, title=chart_title(
        "OpenAI's compute bills by counterparty, and the means to pay them",
        "Bars: what OpenAI pays as rent, its own chips and its Stargate equity (grey: beyond today's "
        "contracts); lines: revenue, and revenue plus money raised",
    ),
    ).properties(height=380)


MEANS = {"revenue_usd_bn": "OpenAI revenue", "revenue_and_raised_usd_bn": "Revenue plus money raised"}


def commitments_chart(commitments: pd.DataFrame, funding: pd.DataFrame, ink: str = "#333333") -> Figure:
    """OpenAI's compute bills stacked by counterparty, with the money it has to pay them."""
    means = funding.assign(revenue_and_raised_usd_bn=funding["revenue_usd_bn"] + funding["equity_raised_usd_bn"])
    means = means.melt(id_vars=["year"], value_vars=list(MEANS), var_name="measure", value_name="amount_usd_bn")
    means["measure"] = means["measure"].map(MEANS)
    shown = counterparties_shown(commitments, "scheduled_usd_bn")
    return figure(_commitments_structure, (ink, shown), commitments=commitments, means=means)


def _shortfall_structure(shown: tuple[str, ...]) -> alt.Chart:
    return (
        alt.Chart(data("commitments"), title=chart_title(
            "Shortfall by counterparty", "What OpenAI cannot pay, shared by the sidebar's shortfall rule"))
        .mark_bar()
        .encode(
            x=_year_axis(),
            y=alt.Y("sum(shortfall_usd_bn):Q", title="Shortfall (USD bn)"),
            color=counterparty_colour(shown),
            tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("counterparty:N", title="Counterparty"),
                     alt.Tooltip("shortfall_usd_bn:Q", title="Shortfall (USD bn)", format=",.2f"),
                     alt.Tooltip("scheduled_usd_bn:Q", title="Scheduled (USD bn)", format=",.2f")],
        )
        .properties(height=320)
    )


def shortfall_chart(commitments: pd.DataFrame) -> Figure:
    return figure(_shortfall_structure, (counterparties_shown(commitments, "shortfall_usd_bn"),),
                  commitments=commitments)


# OpenAI's own measures, in colours no counterparty has: cash in the page's ink (solid), its burn in
# ink dashed, and what it leaves unpaid in magenta, the one colour that stands out.
UNPAID_COLOUR = "#EE3377"


def _cash_structure(ink: str) -> alt.LayerChart:
    tooltip = [alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("measure:N", title="Measure"),
               alt.Tooltip("amount_usd_bn:Q", title="Amount (USD bn)", format=",.1f")]
    domain = list(CASH_MEASURES.values())
    lines = alt.Chart(data("cash")).mark_line(point=True).encode(
        x=_year_axis(), y=alt.Y("amount_usd_bn:Q", title="USD bn"),
        color=alt.Color("measure:N", title=None, legend=_legend(symbolType="stroke"),
                        scale=alt.Scale(domain=domain, range=[ink, ink, UNPAID_COLOUR])),
        strokeDash=alt.StrokeDash("measure:N", title=None, legend=_legend(symbolType="stroke"),
                                  scale=alt.Scale(domain=domain, range=[[6, 3], [1, 0], [1, 0]])),
        tooltip=tooltip)
    zero = alt.Chart(data("zero")).mark_rule(color="#8A8F98").encode(y=alt.Y("amount_usd_bn:Q", title="USD bn"))
    return alt.layer(lines, zero, title=chart_title(
        "Can OpenAI pay?",
        "Cash burn before financing, cash at year end and unpaid committed bills, by year"),
    ).properties(height=280)


CASH_MEASURES = {"burn_before_financing_usd_bn": "Cash burn", "cash_end_usd_bn": "Cash at year end",
                 "funding_gap_usd_bn": "Unpaid commitments"}


def cash_chart(funding: pd.DataFrame, ink: str = "#333333") -> Figure:
    """OpenAI's burn, its cash and its funding gap by year."""
    cash = funding.melt(id_vars=["year"], value_vars=list(CASH_MEASURES), var_name="measure",
                        value_name="amount_usd_bn").dropna()
    cash["measure"] = cash["measure"].map(CASH_MEASURES)
    return figure(_cash_structure, (ink,), cash=cash, zero=pd.DataFrame({"amount_usd_bn": [0.0]}))


def _commitment_share_structure(order: tuple[str, ...]) -> alt.LayerChart:
    # Bars rather than a donut: every name reads in full, and shares compare by length. Largest
    # first by an explicit order: Vega-Lite drops a sort by field on a layered chart.
    base = alt.Chart(data("totals")).encode(
        y=rows_axis("counterparty:N", list(order)),
        tooltip=[alt.Tooltip("counterparty:N", title="Counterparty"),
                 alt.Tooltip("total_usd_bn:Q", title="OpenAI pays (USD bn)", format=",.1f"),
                 alt.Tooltip("announced_usd_bn:Q", title="Announced (USD bn)", format=",.1f"),
                 alt.Tooltip("share_of_total:Q", title="Share to the horizon", format=".1%")],
    )
    x_title = "What OpenAI pays, whole contracts (USD bn)"
    bars = base.mark_bar().encode(x=alt.X("total_usd_bn:Q", title=x_title),
                                  color=alt.Color("counterparty:N", scale=counterparty_scale(), legend=None))
    # A contract with no disclosed size has no bar, but still its label, at zero.
    shares = base.mark_text(align="left", dx=4, color="#888888").encode(
        x=alt.X("label_at_usd_bn:Q", title=x_title), text="share_text:N",
    ).transform_calculate(
        label_at_usd_bn="isValid(datum.total_usd_bn) ? datum.total_usd_bn : 0",
        share_text="isValid(datum.total_usd_bn) ? format(datum.share_of_total, '.0%') : 'size not disclosed'",
    )
    return alt.layer(bars, shares, title=chart_title("Share of OpenAI's commitments", " ")
                     ).properties(height=alt.Step(ROW_STEP_PX))


AZURE = "Microsoft Azure"


def commitment_share_chart(totals: pd.DataFrame) -> Figure:
    """Each counterparty's whole contracts, largest first (one with no figure last); the subtitle
    names what the shares are of, and Azure's parts together (Microsoft's position at a glance)."""
    totals = totals.sort_values("total_usd_bn", ascending=False, kind="stable", na_position="last")
    azure = totals.loc[totals["counterparty"].str.startswith(AZURE), "share_of_total"].sum()
    subtitle = ("Bars: what OpenAI itself pays, whole contracts. Label: the counterparty's share of all "
                "OpenAI pays under today's contracts to the horizon. "
                f"Microsoft Azure, its three parts together: {azure:.0%}.")
    return figure(_commitment_share_structure, (tuple(totals["counterparty"]),), totals=totals, subtitle=subtitle)


# -- model check ---------------------------------------------------------------------------------


def _side_by_side_structure(dataset: str, x: alt.X, tooltip_x: alt.Tooltip, series: tuple[str, str], field: str,
                            axis_title: str, title: str, subtitle: str, value_format: str = ",.2f") -> alt.Chart:
    """A reported (or planned) figure in grey beside the model's in blue, for each x."""
    return (
        alt.Chart(data(dataset), title=chart_title(title, subtitle))
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("series:N", sort=list(series)),
            y=alt.Y(f"{field}:Q", title=axis_title),
            color=alt.Color("series:N", title=None, legend=_legend(),
                            scale=alt.Scale(domain=list(series), range=["#8A8F98", TOTAL_COLOUR])),
            tooltip=[tooltip_x, alt.Tooltip("series:N", title="Series"),
                     alt.Tooltip(f"{field}:Q", title=axis_title, format=value_format)],
        )
        .properties(height=300)
    )


def _burn_check_structure() -> alt.Chart:
    return _side_by_side_structure(
        "burn", _year_axis(), alt.Tooltip("year:O", title="Year"), ("OpenAI's plan", "Model"),
        "burn_usd_bn", "Cash burn (USD bn)",
        "Cash burn: model vs OpenAI's plan",
        "Before financing, USD bn a year; 2030: cash flow, shown as negative burn; February 2026 plan",
        value_format=",.1f")


def burn_check_frame(check: pd.DataFrame) -> pd.DataFrame:
    """The yearly burn rows of the calibration table as (year, series, burn): plan beside model."""
    rows = []
    for record in check.to_dict("records"):
        measure = str(record["measure"])
        sign = -1.0 if measure.startswith("cash_flow_") else 1.0
        name, _, year = measure.rpartition("_")
        if name not in ("burn", "cash_flow") or not year.isdigit():
            continue
        planned = float(re.search(r"\d[\d.]*", str(record["reported"]))[0])  # "$57B (±35%)", "+$39B"
        rows.append({"year": int(year), "series": "OpenAI's plan", "burn_usd_bn": sign * planned})
        rows.append({"year": int(year), "series": "Model", "burn_usd_bn": sign * float(record["modelled"])})
    return pd.DataFrame(rows, columns=["year", "series", "burn_usd_bn"])


def burn_check_chart(check: pd.DataFrame) -> Figure:
    return figure(_burn_check_structure, burn=burn_check_frame(check))


def _equity_method_structure() -> alt.Chart:
    title = "Quarter (fiscal year to June)"
    quarter = alt.X("period:N", title=title, axis=alt.Axis(labelAngle=0),
                    sort=alt.EncodingSortField(field="order", op="min"))
    return _side_by_side_structure(
        "quarters", quarter, alt.Tooltip("period:N", title=title), ("Reported", "Modelled"),
        "pretax_usd_bn", "Pre-tax (USD bn)",
        "Microsoft's OpenAI result: reported vs model",
        "Pre-tax, USD bn, Microsoft's fiscal quarters; modelled: its share of OpenAI's result plus dilution gains")


def equity_method_chart(equity_method: pd.DataFrame) -> Figure:
    """Reported beside modelled for each fiscal quarter; a quarter with nothing reported shows the model alone."""
    quarters = equity_method[equity_method["period"].str.startswith("Q")].assign(
        order=lambda frame: range(len(frame)))  # the table's order: quarter by quarter
    long = quarters.melt(id_vars=["period", "order"], value_vars=["reported_pretax_usd_bn", "modelled_pretax_usd_bn"],
                         var_name="series", value_name="pretax_usd_bn").dropna(subset=["pretax_usd_bn"])
    long["series"] = long["series"].map({"reported_pretax_usd_bn": "Reported", "modelled_pretax_usd_bn": "Modelled"})
    return figure(_equity_method_structure, quarters=long)
