"""The Market page's event-study and OpenAI-complex charts as pure functions (tested through ``to_dict()``).

- each event's cumulative abnormal return (net of the benchmark) with its 95% interval, one row per event,
  so that no two labels can overlap;
- MSFT, the benchmark and the counterparties rebased to 100 on one session, with the deal's events.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from model.market.event_study import CAR_WINDOW_LABELS
from ui.figure import STREAMLIT_AUTOSIZE, SUBTITLE_CHARS, TITLE_CHARS, wrap_lines
from ui.market_charts import CATEGORY_COLOURS, CATEGORY_LABELS, SUBTITLE_COLOUR, date_axis

_PADDING = {"top": 12, "left": 5, "right": 5, "bottom": 5}
CRITICAL_T = 1.96  # two-sided 5% under normal errors (219 degrees of freedom)
SIGNIFICANT, NOT_SIGNIFICANT = "significant at 5% (|t| > 1.96)", "not significant"
# Okabe-Ito again: MSFT in blue, the benchmarks in greys, one colour per counterparty.
TICKER_COLOURS = {"MSFT": "#0072B2", "SPY": "#8A8F98", "QQQ": "#B0B4BA", "ORCL": "#D55E00", "CRWV": "#CC79A7",
                  "NVDA": "#009E73", "AMD": "#E69F00", "AVGO": "#56B4E9", "AMZN": "#999933"}
_LEGEND_COLUMNS = alt.ExprRef("max(1, floor(width / 150))")


def _title(text: str, subtitle: list[str]) -> alt.TitleParams:
    # In lines that fit a phone's chart (ui.figure.wrap_lines), not cut with "…".
    return alt.TitleParams(text=wrap_lines(text, TITLE_CHARS), subtitle=wrap_lines(subtitle, SUBTITLE_CHARS),
                           anchor="start", subtitleColor=SUBTITLE_COLOUR)


def car_frame(study: pd.DataFrame, window: str) -> pd.DataFrame:
    """The rows of ``study`` (model.market.event_study) that have a CAR over ``window``, in percent, with
    the 95% interval (CAR ± 1.96 × CAR / t, i.e. ± 1.96 sd) and a label carrying the session."""
    rows = study[study[window].notna()].copy()
    sd = rows[window] / rows[f"t_{window}"]
    frame = pd.DataFrame({
        "label": [f"{session:%Y-%m-%d} · {event}" for session, event in zip(rows["event_session"], rows["event"],
                                                                           strict=True)],
        "event": rows["event"], "ticker": rows["ticker"], "event_session": rows["event_session"],
        "category_label": rows["category"].map(CATEGORY_LABELS).fillna(rows["category"]),
        "car_pct": rows[window] * 100, "t_stat": rows[f"t_{window}"],
        "low_pct": (rows[window] - CRITICAL_T * sd.abs()) * 100,
        "high_pct": (rows[window] + CRITICAL_T * sd.abs()) * 100,
        "significance": [SIGNIFICANT if abs(t) > CRITICAL_T else NOT_SIGNIFICANT
                         for t in rows[f"t_{window}"]],
        "note": rows["note"].fillna(""),
    })
    return frame.sort_values("event_session", ascending=False, kind="stable").reset_index(drop=True)


def car_chart(frame: pd.DataFrame, window: str, ticker: str, benchmark: str) -> alt.LayerChart:
    """One row per event (newest on top): a bar for the CAR, a line for its 95% interval."""
    window_label = CAR_WINDOW_LABELS[window]
    order = list(frame["label"])
    # Two lines per label (the session, then the event), at most 180 px wide, so that a phone keeps a plot;
    # a longer event name ends in "…", and the tooltip and the table below have it whole.
    y = alt.Y("label:N", title=None, sort=order,
              axis=alt.Axis(labelLimit=180, labelFontSize=11, labelExpr="split(datum.label, ' · ')",
                            labelLineHeight=13))
    x_title = f"CAR {window_label} net of {benchmark} (%)"
    tooltip = [alt.Tooltip("event:N", title="Event"), alt.Tooltip("event_session:T", title="Day 0", format="%Y-%m-%d"),
               alt.Tooltip("car_pct:Q", title=f"CAR {window_label} (%)", format="+.2f"),
               alt.Tooltip("t_stat:Q", title="t-statistic", format="+.2f"),
               alt.Tooltip("low_pct:Q", title="95% interval from (%)", format="+.2f"),
               alt.Tooltip("high_pct:Q", title="95% interval to (%)", format="+.2f"),
               alt.Tooltip("note:N", title="Note")]
    base = alt.Chart(frame)
    colour = alt.Color("significance:N", title=None,
                       scale=alt.Scale(domain=[SIGNIFICANT, NOT_SIGNIFICANT],
                                       range=[CATEGORY_COLOURS["commitment"], "#8A8F98"]),
                       legend=alt.Legend(orient="bottom", direction="horizontal", columns=_LEGEND_COLUMNS,
                                         labelLimit=240))
    bars = base.mark_bar(height={"band": 0.55}).encode(
        x=alt.X("car_pct:Q", title=x_title), y=y, color=colour, tooltip=tooltip)
    interval = base.mark_rule(strokeWidth=1.5, color="#8A8F98").encode(
        x=alt.X("low_pct:Q", title=x_title), x2="high_pct:Q", y=y, tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#8A8F98", strokeDash=[3, 3]).encode(x="zero:Q")
    subtitle = [f"Cumulative abnormal return {window_label}, market model net of {benchmark}.",
                "Grey line: 95% interval. Day-dated events; hover for t."]
    return alt.layer(zero, interval, bars, title=_title(
        f"{ticker} on the deal's events, net of the market", subtitle)).properties(
        height=alt.Step(36), padding=_PADDING, autosize=STREAMLIT_AUTOSIZE)


def rebased_chart(rebased: pd.DataFrame, marks: pd.DataFrame, names: dict[str, str], base_label: str
                  ) -> alt.LayerChart:
    """Each ticker's adjusted close rebased to 100 (model.market.complex.rebased_prices), one line each,
    with the deal's events inside the range as faint rules (named on hover)."""
    frame = rebased.assign(name=rebased["ticker"].map(lambda t: f"{t} · {names.get(t, t)}"))
    tickers = list(dict.fromkeys(frame["ticker"]))
    domain = [f"{t} · {names.get(t, t)}" for t in tickers]
    colours = [TICKER_COLOURS.get(t, "#8A8F98") for t in tickers]
    x = date_axis(frame["date"])
    y = alt.Y("rebased_index:Q", title="Adjusted close, rebased (base session = 100)", scale=alt.Scale(zero=False))
    colour = alt.Color("name:N", title="Company", scale=alt.Scale(domain=domain, range=colours),
                       legend=alt.Legend(orient="bottom", direction="horizontal", columns=_LEGEND_COLUMNS,
                                         labelLimit=200, symbolType="stroke", symbolStrokeWidth=3))
    lines = alt.Chart(frame).mark_line(strokeWidth=1.6).encode(
        x=x, y=y, color=colour,
        strokeWidth=alt.condition(alt.datum.ticker == "MSFT", alt.value(3), alt.value(1.4)),
        tooltip=[alt.Tooltip("name:N", title="Company"), alt.Tooltip("date:T", title="Session", format="%Y-%m-%d"),
                 alt.Tooltip("rebased_index:Q", title="Rebased (base = 100)", format=",.1f"),
                 alt.Tooltip("adj_close_usd:Q", title="Adjusted close (USD)", format=",.2f")])
    layers: list[alt.Chart] = []
    if not marks.empty:
        layers.append(alt.Chart(marks).mark_rule(strokeDash=[2, 3], opacity=0.4, color="#8A8F98").encode(
            x=alt.X("chart_date:T", title="Date"),
            tooltip=[alt.Tooltip("label:N", title="Event"), alt.Tooltip("date_shown:N", title="Date"),
                     alt.Tooltip("explanation:N", title="What happened")]))
    layers.append(lines)
    subtitle = [f"Total return (dividends reinvested), 100 on {base_label}; a company listed later starts at "
                "100 on its first session.", "Dashed rules: the deal's events (hover one to name it)."]
    return alt.layer(*layers, title=_title("MSFT, the market and the companies OpenAI owes", subtitle)).properties(
        height=420, padding=_PADDING, autosize=STREAMLIT_AUTOSIZE)
