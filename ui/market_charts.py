"""The Market page's frames and charts as pure functions (tested through ``to_dict()``).

- the MSFT close over a chosen range, with the deal events as points on the line and rules behind it;
- Microsoft's OpenAI stake as a share of its market value, at each OpenAI valuation;
- the MSFT return in the sessions after each event, in percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd

from model.datafiles import to_date
from ui.figure import STREAMLIT_AUTOSIZE, SUBTITLE_CHARS, TITLE_CHARS, wrap_lines

RANGES = ("1M", "6M", "1Y", "5Y", "Since 2019", "Max")
DEFAULT_RANGE = "Since 2019"
_RANGE_OFFSETS = {"1M": pd.DateOffset(months=1), "6M": pd.DateOffset(months=6),
                  "1Y": pd.DateOffset(years=1), "5Y": pd.DateOffset(years=5)}
_SINCE_2019 = pd.Timestamp("2019-01-01")

# Okabe-Ito, one colour per kind of event; each reads on the light and the dark theme.
CATEGORY_LABELS = {
    "tranche": "Investment tranche",
    "partnership": "Partnership",
    "recapitalization": "Recapitalization",
    "amendment": "Amendment",
    "commitment": "Compute commitment",
    "competition": "Competition",
    "finances": "OpenAI's finances",
}
CATEGORY_COLOURS = {
    "tranche": "#0072B2",
    "partnership": "#009E73",
    "recapitalization": "#CC79A7",
    "amendment": "#E69F00",
    "commitment": "#D55E00",
    "competition": "#56B4E9",
    "finances": "#999933",
}
# The deal's own events, drawn on the price line; the others are marked along the chart's top.
MAJOR_CATEGORIES = ("tranche", "partnership", "recapitalization", "amendment")
PRECISION_SHAPES = {"day": "circle", "month": "diamond", "year": "square"}
# A mid grey: readable on white and on Streamlit's dark background, and quieter than the events.
PRICE_LINE_COLOUR = "#8A8F98"
SUBTITLE_COLOUR = "#8A8F98"
# Room above the title: without it Streamlit's frame can clip the title's first line.
_PADDING = {"top": 12, "left": 5, "right": 5, "bottom": 5}
BEFORE_RECAP, AFTER_RECAP = "before the recapitalization", "after the recapitalization"


def _title(text: str, subtitle: str | list[str] | None = None) -> alt.TitleParams:
    # In lines that fit a phone's chart (ui.figure.wrap_lines), not cut with "…".
    return alt.TitleParams(text=wrap_lines(text, TITLE_CHARS), subtitle=wrap_lines(subtitle or "", SUBTITLE_CHARS),
                           anchor="start", subtitleColor=SUBTITLE_COLOUR)


# Legends below the plot (so that a phone keeps the plot's width), in as many columns as the plot's
# width holds; the chart grows by their height (STREAMLIT_AUTOSIZE).
_LEGEND_COLUMNS = alt.ExprRef("max(1, floor(width / 215))")


def _legend(title: str) -> alt.Legend:
    return alt.Legend(title=title, orient="bottom", direction="horizontal", columns=_LEGEND_COLUMNS, labelLimit=190)


# -- the price and the events ---------------------------------------------------------------------


def price_window(prices: pd.DataFrame, choice: str) -> pd.DataFrame:
    """The sessions in range ``choice`` (one of RANGES), counted back from the last session."""
    if prices.empty:
        return prices
    last = prices.index[-1]
    if choice in _RANGE_OFFSETS:
        start = last - _RANGE_OFFSETS[choice]
    elif choice == "Since 2019":
        start = _SINCE_2019
    elif choice == "Max":
        start = prices.index[0]
    else:
        raise ValueError(f"unknown range {choice!r}; expected one of {', '.join(RANGES)}")
    return prices[prices.index >= start]


def date_shown(reported: str, precision: str) -> str:
    """An event's date as reported, saying where the chart puts one known only by month or year."""
    if precision == "day":
        return reported
    marked = to_date(reported).isoformat()
    return f"{reported} (known to the {precision} only; marked at {marked})"


def event_marks(window: pd.DataFrame, events: pd.DataFrame | None) -> pd.DataFrame:
    """The events (model.market.events.events_frame) inside ``window``, each at the close of its session."""
    columns = ["chart_date", "close_usd", "label", "date_shown", "date_precision", "category",
               "category_label", "explanation", "source"]
    if events is None or events.empty or window.empty:
        return pd.DataFrame(columns=columns)
    inside = events[(events["chart_date"] >= window.index[0]) & (events["chart_date"] <= window.index[-1])].copy()
    closes = window["close"]
    positions = closes.index.searchsorted(inside["chart_date"], side="right") - 1
    inside["close_usd"] = [float(closes.iloc[p]) for p in positions]
    inside["date_shown"] = [date_shown(d, p) for d, p in zip(inside["event_date"], inside["date_precision"],
                                                              strict=True)]
    inside["category_label"] = inside["category"].map(CATEGORY_LABELS).fillna(inside["category"])
    return inside[columns].reset_index(drop=True)


def _category_colour() -> alt.Color:
    # Full opacity in the legend: the faint rules share this scale and would otherwise lend it their fade.
    legend = alt.Legend(title="Event", orient="bottom", direction="horizontal", columns=_LEGEND_COLUMNS,
                        labelLimit=190, symbolOpacity=1, symbolType="circle", symbolStrokeWidth=0, symbolSize=120)
    return alt.Color("category_label:N", title="Event", legend=legend,
                     scale=alt.Scale(domain=list(CATEGORY_LABELS.values()), range=list(CATEGORY_COLOURS.values())))


def date_axis(dates: pd.Series) -> alt.X:
    """A date axis whose labels always carry the year, one tick per year, quarter or month."""
    days = (dates.max() - dates.min()).days if len(dates) else 0
    if days > 5 * 366:
        axis = alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1})
    elif days > 2 * 366:
        axis = alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 6})
    elif days > 366:
        axis = alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 3})
    elif days > 92:
        axis = alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 1})
    else:
        axis = alt.Axis(format="%d %b %Y", tickCount={"interval": "week", "step": 1})
    return alt.X("date:T", title="Date", axis=axis)


def price_chart(window: pd.DataFrame, marks: pd.DataFrame, subtitle: str = "") -> alt.LayerChart:
    """The MSFT close over ``window`` with the events of ``marks`` (see event_marks) on it."""
    frame = window.reset_index()[["date", "close"]]
    x = date_axis(frame["date"])
    y = alt.Y("close:Q", title="MSFT close (USD per share)", scale=alt.Scale(zero=False))
    line = alt.Chart(frame).mark_line(color=PRICE_LINE_COLOUR, strokeWidth=1.5).encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("date:T", title="Session", format="%Y-%m-%d"),
                 alt.Tooltip("close:Q", title="Close (USD per share)", format=",.2f")],
    )
    layers: list[alt.Chart] = [line]
    if not marks.empty:
        tooltip = [alt.Tooltip("label:N", title="Event"), alt.Tooltip("date_shown:N", title="Date"),
                   alt.Tooltip("category_label:N", title="Kind"),
                   alt.Tooltip("explanation:N", title="What happened"), alt.Tooltip("source:N", title="Source"),
                   alt.Tooltip("close_usd:Q", title="MSFT close that session (USD)", format=",.2f")]
        events = alt.Chart(marks)
        rules = events.mark_rule(strokeDash=[2, 3], opacity=0.45).encode(
            x=alt.X("chart_date:T", title="Date"), color=_category_colour(), tooltip=tooltip)
        # The deal's own events as points on the line; the rest (commitments, competition, OpenAI's
        # finances), many of them weeks apart in late 2025, as small marks along the plot's top, where
        # they no longer pile up on the line.
        major = f"indexof({list(MAJOR_CATEGORIES)!r}, datum.category) >= 0"
        points = events.transform_filter(major).mark_point(
            filled=True, size=110, opacity=1, stroke="#FFFFFF", strokeWidth=1).encode(
            x=alt.X("chart_date:T", title="Date"),
            y=alt.Y("close_usd:Q", title="MSFT close (USD per share)"),
            color=_category_colour(),
            shape=alt.Shape("date_precision:N", title="Date known to the",
                            scale=alt.Scale(domain=list(PRECISION_SHAPES), range=list(PRECISION_SHAPES.values())),
                            legend=alt.Legend(title="Date known to the", orient="bottom", direction="horizontal",
                                              columns=_LEGEND_COLUMNS, symbolSize=110,
                                              symbolFillColor=PRICE_LINE_COLOUR, symbolStrokeWidth=0)),
            tooltip=tooltip,
        )
        minor = events.transform_filter(f"!({major})").mark_tick(thickness=3, size=14, opacity=1).encode(
            x=alt.X("chart_date:T", title="Date"), y=alt.value(7), color=_category_colour(), tooltip=tooltip)
        layers += [rules, points, minor]
    first, last = (frame["date"].iloc[0].date(), frame["date"].iloc[-1].date()) if len(frame) else (None, None)
    span = f"Daily close as traded, {first} to {last}" if first else "No prices"
    hint = ("Points on the line: the deal's own events; marks along the top: compute deals, competition and "
            "OpenAI's finances. Hover one, or see the list below." if not marks.empty else
            "No deal event in this range.")
    lines = [f"{span}. {hint}", subtitle] if subtitle else [f"{span}. {hint}"]
    return alt.layer(*layers, title=_title("MSFT share price and the deal's events", lines),
                     ).properties(height=400, padding=_PADDING, autosize=STREAMLIT_AUTOSIZE)


# -- the stake as a share of Microsoft's market value ----------------------------------------------


@dataclass(frozen=True)
class StakeBasis:
    """What the stake-share chart multiplies, with where each number comes from."""

    recap_date: date
    recap_stake: float  # filed, at the recapitalization
    recap_valuation_usd_bn: float
    recap_source: str
    prior_share_of_for_profit: float  # what Microsoft's interest converted into at the recapitalization
    scenario_stake: float  # the sidebar's stake, used after the recapitalization
    shares_outstanding: int
    shares_as_of: str
    # (closing date, share of the existing holders' equity kept, share Microsoft bought in it) for each
    # round after the recap
    rounds_after_recap: tuple[tuple[date, float, float], ...] = ()

    def stake_on(self, day: date) -> float:
        """The scenario's stake on ``day``, diluted by every round closed by then, plus what Microsoft
        bought in them (the model's rule, :func:`model.simulate.microsoft_stake`)."""
        stake = self.scenario_stake
        for closed, kept, bought in self.rounds_after_recap:
            if closed <= day:
                stake = stake * kept + bought
        return stake


def rounds_after(recap_date: date, funding_rounds: list, msft_round_usd_bn: float = 0.0,
                 msft_round_year: int | None = None) -> tuple[tuple[date, float, float], ...]:
    """Each round that closed after the recapitalization: the share of the equity it left holders (its
    paid money only: contingent shares are issued when their money arrives) and the share Microsoft's
    ``msft_round_usd_bn`` bought in the round of ``msft_round_year``, at the round's price."""
    return tuple((to_date(r.date), 1.0 - r.issued_share_paid,
                  msft_round_usd_bn / (r.post_money_usd_bn - r.contingent_usd_bn)
                  if to_date(r.date).year == msft_round_year else 0.0)
                 for r in funding_rounds if to_date(r.date) > recap_date)


def stake_share_frame(valuations: list, basis: StakeBasis, prices: pd.DataFrame,
                      now_valuation_usd_bn: float) -> pd.DataFrame:
    """Microsoft's OpenAI stake ÷ Microsoft's market value at each OpenAI valuation, and now (derived).

    ``valuations``: facts.openai.valuations (date, valuation_usd_bn, event, basis, source).
    Before the recapitalization Microsoft held a capped share of the for-profit's profits, not equity;
    those rows apply ``prior_share_of_for_profit``, the share that interest converted into, and say so.
    At the recapitalization: the filed stake. After it: the scenario's stake. Market value is the MSFT
    close of the session on or before each date times one share count (``shares_as_of``).
    Valuations from before the first loaded price are left out.
    """
    rows = []
    for valuation in valuations:
        rows.append({"date": to_date(valuation.date), "date_reported": valuation.date, "event": valuation.event,
                     "valuation_usd_bn": valuation.valuation_usd_bn, "valuation_basis": valuation.basis,
                     "source": valuation.source})
    rows.append({"date": basis.recap_date, "date_reported": basis.recap_date.isoformat(),
                 "event": "Recapitalization into OpenAI Group PBC",
                 "valuation_usd_bn": basis.recap_valuation_usd_bn,
                 "valuation_basis": "implied by the filed stake value",
                 "source": basis.recap_source})
    if not prices.empty:
        last = prices.index[-1].date()
        rows.append({"date": last, "date_reported": last.isoformat(), "event": "Now (the scenario's valuation)",
                     "valuation_usd_bn": now_valuation_usd_bn, "valuation_basis": "the scenario's assumption",
                     "source": "sidebar"})
    frame = pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)
    is_recap = frame["event"].str.startswith("Recapitalization")
    before = frame["date"] < basis.recap_date
    frame["period"] = [BEFORE_RECAP if b else AFTER_RECAP for b in before]
    frame["stake"] = [basis.prior_share_of_for_profit if b else basis.recap_stake if r else basis.stake_on(day)
                      for b, r, day in zip(before, is_recap, frame["date"], strict=True)]
    frame["stake_basis"] = [
        f"as-converted: the {basis.prior_share_of_for_profit:.1%} of the for-profit Microsoft's interest became"
        " at the recapitalization (not a stake it held then)" if b
        else f"filed stake at the recapitalization ({basis.recap_stake:.0%})" if r
        else f"the scenario's stake ({basis.scenario_stake:.1%})" + (
            f", diluted by the rounds since to {basis.stake_on(day):.1%}" if basis.stake_on(day) != basis.scenario_stake
            else "")
        for b, r, day in zip(before, is_recap, frame["date"], strict=True)
    ]
    frame["stake_value_usd_bn"] = frame["stake"] * frame["valuation_usd_bn"]
    closes = prices["close"] if not prices.empty else pd.Series(dtype="float64")
    positions = closes.index.searchsorted(pd.to_datetime(frame["date"]), side="right") - 1
    frame["msft_close_usd"] = [float(closes.iloc[p]) if p >= 0 else float("nan") for p in positions]
    frame["msft_market_value_usd_bn"] = frame["msft_close_usd"] * basis.shares_outstanding / 1e9
    frame["share_of_msft_market_value"] = frame["stake_value_usd_bn"] / frame["msft_market_value_usd_bn"]
    frame["derived"] = True
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.dropna(subset=["share_of_msft_market_value"]).reset_index(drop=True)


def stake_share_chart(frame: pd.DataFrame, basis: StakeBasis) -> alt.LayerChart:
    """A step line (each value holds until the next valuation), the valuations as points."""
    # The line before the recapitalization runs on to it, so that the step reaches the change.
    recap = frame[frame["event"].str.startswith("Recapitalization")].assign(period=BEFORE_RECAP)
    lines_frame = pd.concat([frame, recap], ignore_index=True)
    y = alt.Y("share_of_msft_market_value:Q", title="Stake value ÷ MSFT market value (%)",
              axis=alt.Axis(format=".1%"), scale=alt.Scale(zero=True))
    x = date_axis(lines_frame["date"])
    period = alt.StrokeDash("period:N", title="Microsoft's stake",
                            scale=alt.Scale(domain=[BEFORE_RECAP, AFTER_RECAP], range=[[5, 4], [1, 0]]),
                            legend=_legend("Microsoft's stake"))
    lines = alt.Chart(lines_frame).mark_line(interpolate="step-after", color=CATEGORY_COLOURS["tranche"],
                                             strokeWidth=2).encode(x=x, y=y, strokeDash=period, detail="period:N")
    points = alt.Chart(frame).mark_point(filled=True, size=90, color=CATEGORY_COLOURS["recapitalization"],
                                         stroke="#FFFFFF", strokeWidth=1).encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("date_reported:N", title="Date"), alt.Tooltip("event:N", title="Event"),
                 alt.Tooltip("valuation_usd_bn:Q", title="OpenAI valuation (USD bn)", format=",.0f"),
                 alt.Tooltip("valuation_basis:N", title="Valuation basis"),
                 alt.Tooltip("stake:Q", title="Microsoft's share", format=".1%"),
                 alt.Tooltip("stake_basis:N", title="Share used"),
                 alt.Tooltip("stake_value_usd_bn:Q", title="Stake value (USD bn, derived)", format=",.1f"),
                 alt.Tooltip("msft_close_usd:Q", title="MSFT close (USD)", format=",.2f"),
                 alt.Tooltip("msft_market_value_usd_bn:Q", title="MSFT market value (USD bn, derived)",
                             format=",.0f"),
                 alt.Tooltip("share_of_msft_market_value:Q", title="Share of market value", format=".2%"),
                 alt.Tooltip("source:N", title="Valuation source")],
    )
    subtitle = [
        f"Derived: Microsoft's share × OpenAI's valuation ÷ (MSFT close × {basis.shares_outstanding / 1e9:.2f} bn "
        f"shares, the count as of {basis.shares_as_of}).",
        f"Dashed: before {basis.recap_date}, Microsoft held a capped profit share, not equity; shown at the "
        f"{basis.prior_share_of_for_profit:.1%} it converted into. Solid: the filed {basis.recap_stake:.0%}, "
        f"then the scenario's {basis.scenario_stake:.1%} diluted by each later round "
        f"({basis.stake_on(date.max):.1%} after the last).",
    ]
    return alt.layer(lines, points, title=_title(
        "Microsoft's OpenAI stake as a share of its market value", subtitle)).properties(
        height=340, padding=_PADDING, autosize=STREAMLIT_AUTOSIZE)


# -- returns after the events ---------------------------------------------------------------------


def returns_table(returns: pd.DataFrame) -> pd.DataFrame:
    """model.market.events.returns_after_events in percent, one row per event, with why a return is missing."""
    table = pd.DataFrame({
        "event_date": returns["event_date"],
        "date_precision": returns["date_precision"],
        "event": returns["event"],
        "category": returns["category"],
        "base_session_date": returns["base_session_date"].dt.strftime("%Y-%m-%d"),
        "close_before_usd": returns["close_before_usd"],
        "return_1_session_pct": returns["return_1d"] * 100,
        "return_5_sessions_pct": returns["return_5d"] * 100,
    })
    notes = []
    for row in returns.itertuples():
        if row.date_precision != "day":
            notes.append(f"date known to the {row.date_precision} only")
        elif pd.isna(row.close_before_usd):
            notes.append("before the first price loaded")
        elif pd.isna(row.return_5d):
            notes.append("too recent")
        else:
            notes.append("")
    table["note"] = notes
    return table
