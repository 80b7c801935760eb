"""Charts of the scenario analysis: tornado, two-way heat map, Monte Carlo fan, gap probability,
histogram, lower-tail drivers and the correlation matrix. Pure functions: tidy frames in, figures out
(tested through ``to_dict()``); each structure is built once per setting (ui.figure). Every chart has
a title, axis titles with units and tooltips."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from ui.charts import IN_COLOUR, LINE_COLOUR, OUT_COLOUR, ROW_STEP_PX, TOTAL_COLOUR, chart_title, rows_axis
from ui.figure import Figure, data, figure

# One colour a scenario column (Okabe-Ito, colour-blind safe, readable on light and dark; Tol's purple
# in place of Okabe-Ito's yellow, which all but vanished on a white page).
SCENARIO_COLOURS = ["#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9", "#AA4499", "#999999"]

LOW_COLOUR, HIGH_COLOUR = "#D55E00", "#0072B2"


def _title(text: str, subtitle: str = "") -> alt.TitleParams:
    return chart_title(text, subtitle)


def tornado_frame(tornado: pd.DataFrame, outcome: str, top: int | None = None) -> pd.DataFrame:
    """One outcome's rows as bars: one bar per end (low, high) from the current result."""
    rows = tornado[tornado["outcome"] == outcome].sort_values("rank")
    if top:
        rows = rows.head(top)
    bars = []
    for end in ("low", "high"):
        part = rows[
            ["rank", "label", "name", "assumption_unit", "value", end, "outcome_now", f"outcome_at_{end}", "swing"]
        ]
        part = part.rename(columns={end: "assumption_at", f"outcome_at_{end}": "outcome_at"})
        part.insert(0, "end", f"{end} end")
        bars.append(part)
    frame = pd.concat(bars, ignore_index=True)
    frame["change"] = frame["outcome_at"] - frame["outcome_now"]
    return frame


def _tornado_structure(outcome_label: str, unit: str, height: int) -> alt.LayerChart:
    bars = alt.Chart(data("tornado")).mark_bar().encode(
        # Widest swing on top: the table's rank, so the structure does not change with the order.
        y=rows_axis("label:N", alt.EncodingSortField(field="rank", op="min", order="ascending")),
        x=alt.X("outcome_at:Q", title=f"{outcome_label} ({unit})", scale=alt.Scale(zero=False)),
        x2=alt.X2("outcome_now:Q"),
        color=alt.Color(
            "end:N",
            title="Assumption at its",
            scale=alt.Scale(domain=["low end", "high end"], range=[LOW_COLOUR, HIGH_COLOUR]),
            legend=alt.Legend(orient="bottom", direction="horizontal", titleOrient="top"),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Assumption"),
            alt.Tooltip("end:N", title="Moved to"),
            alt.Tooltip("assumption_at:Q", title="Assumption value", format=",.4g"),
            alt.Tooltip("assumption_unit:N", title="Unit"),
            alt.Tooltip("outcome_at:Q", title=f"{outcome_label} ({unit})", format=",.2f"),
            alt.Tooltip("change:Q", title=f"Change ({unit})", format="+,.2f"),
        ],
    )
    rule = (
        alt.Chart(data("now"))
        .mark_rule(color="#888888")
        .encode(x="now:Q", tooltip=[alt.Tooltip("now:Q", title=f"Current {outcome_label} ({unit})", format=",.2f")])
    )
    return alt.layer(
        bars,
        rule,
        title=_title(
            f"What moves {outcome_label}",
            "Each assumption alone moved to the low and high ends of its range; widest swing on top; "
            f"grey line: the current scenario ({unit})",
        ),
    ).properties(height=height)


# Every bar named, above it (ui.charts.rows_axis).
TORNADO_ROW_PX = ROW_STEP_PX


def tornado_height(rows: int) -> int:
    """The plot's height in pixels for ``rows`` assumptions (the chart grows by its title, axis and
    legend on top of it: ui.figure.STREAMLIT_AUTOSIZE)."""
    return TORNADO_ROW_PX * max(rows, 4)


def tornado_chart(tornado: pd.DataFrame, outcome: str, outcome_label: str, unit: str) -> Figure:
    frame = tornado_frame(tornado, outcome)
    now = float(frame["outcome_now"].iloc[0]) if len(frame) else 0.0
    height = tornado_height(frame["label"].nunique())
    return figure(_tornado_structure, (outcome_label, unit, height), tornado=frame,
                  now=pd.DataFrame({"now": [now]}))


def _grid_structure(row_label: str, column_label: str, outcome_label: str, unit: str) -> alt.LayerChart:
    base = alt.Chart(data("grid"))
    tooltip = [
        alt.Tooltip("row_text:N", title=row_label),
        alt.Tooltip("column_text:N", title=column_label),
        alt.Tooltip("value_usd_bn:Q", title=f"{outcome_label} ({unit})", format=",.2f"),
    ]
    # Values as the sidebar writes them (7.2%, not 0.072), in the order of the values themselves.
    # The two assumptions are named in the subtitle, which wraps: as axis titles, a long name ran past
    # a phone's narrow plot and pushed the chart over its left edge.
    y = alt.Y("row_text:O", title=None, sort=alt.EncodingSortField(field="row_value", order="ascending"))
    x = alt.X("column_text:O", title=None, sort=alt.EncodingSortField(field="column_value", order="ascending"),
              axis=alt.Axis(labelAngle=0))
    rects = base.mark_rect().encode(
        y=y,
        x=x,
        # Blue for a high result, orange for a low one: the tornado's colours for the high and low ends.
        color=alt.Color("value_usd_bn:Q", title=unit, scale=alt.Scale(scheme="blueorange", reverse=True)),
        tooltip=tooltip,
    )
    # Light text on the darkest cells at either end of the scale, dark text elsewhere.
    text = base.mark_text(fontSize=11).encode(
        y=y, x=x, text=alt.Text("value_usd_bn:Q", format=",.1f"),
        color=alt.Color("ink:N", scale=None), tooltip=tooltip,
    )
    return alt.layer(
        rects,
        text,
        title=_title(
            f"{outcome_label} over two assumptions",
            [f"Rows: {row_label}.", f"Columns: {column_label}.",
             f"Every other assumption as in the current scenario ({unit})"],
        ),
    ).resolve_scale(color="independent").properties(height=300)


def grid_chart(
    long: pd.DataFrame,
    row_label: str,
    column_label: str,
    outcome_label: str,
    unit: str,
    row_text: Callable[[float], str] = str,
    column_text: Callable[[float], str] = str,
) -> Figure:
    """``row_text``/``column_text`` write an assumption's value as people read it (e.g. 7.2%)."""
    frame = long.copy()
    frame["row_text"] = frame["row_value"].map(row_text)
    frame["column_text"] = frame["column_value"].map(column_text)
    values = frame["value_usd_bn"]
    low, high = values.min(), values.max()
    reach = (values - (low + high) / 2).abs() / ((high - low) / 2 if high > low else 1.0)
    frame["ink"] = ["#FFFFFF" if far > 0.55 else "#1A1A1A" for far in reach]
    return figure(_grid_structure, (row_label, column_label, outcome_label, unit), grid=frame)


def _fan_structure() -> alt.LayerChart:
    base = alt.Chart(data("fan"))
    x = alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("p10_cumulative_position_usd_bn:Q", title="P10 (USD bn)", format=",.2f"),
        alt.Tooltip("p50_cumulative_position_usd_bn:Q", title="P50 (USD bn)", format=",.2f"),
        alt.Tooltip("p90_cumulative_position_usd_bn:Q", title="P90 (USD bn)", format=",.2f"),
    ]
    band = base.mark_area(opacity=0.3, color=TOTAL_COLOUR).encode(
        x=x,
        y=alt.Y("p10_cumulative_position_usd_bn:Q", title="Cumulative position (USD bn)"),
        y2="p90_cumulative_position_usd_bn:Q",
        tooltip=tooltip,
    )
    median = base.mark_line(point=True, color=TOTAL_COLOUR).encode(
        x=x, y="p50_cumulative_position_usd_bn:Q", tooltip=tooltip
    )
    return alt.layer(
        band,
        median,
        title=_title(
            "Microsoft's cumulative position with OpenAI, stake as counted: P10 to P90",
            " ",
        ),
    ).properties(height=340)


def fan_subtitle(draws: int, stake_valuation: str, stake_year: int) -> list[str]:
    """What the fan draws, following the valuation method, and why it differs from the Overview's
    cumulative cash (which leaves the stake out); short lines, as Vega does not wrap a subtitle."""
    head = f"{draws:,} draws; line: median; band: 10th to 90th percentile; undiscounted (USD bn)."
    price = "the last round's price" if stake_valuation == "market_mark" else "the scenario's value of OpenAI"
    return [head, f"The stake counts in {stake_year} at {price}: the step there is the stake,",
            "which the Overview's cumulative cash leaves out."]


def fan_chart(fan: pd.DataFrame, draws: int, stake_valuation: str = "scenario_value",
              stake_year: int | None = None) -> Figure:
    """The cumulative position's fan; the stake's value lands in ``stake_year`` (today's), by either
    valuation method, which the subtitle names."""
    landing = int(stake_year or fan["year"].min())
    return figure(_fan_structure, fan=fan, subtitle=fan_subtitle(draws, stake_valuation, landing))


def _gap_probability_structure() -> alt.Chart:
    return (
        alt.Chart(
            data("gap"),
            title=_title(
                "Probability that OpenAI cannot fund its commitments",
                " ",
            ),
        )
        .mark_bar(color=OUT_COLOUR)
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "probability_funding_gap:Q",
                title="Probability (share of draws)",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("probability_funding_gap:Q", title="Probability", format=".1%"),
                alt.Tooltip("mean_funding_gap_usd_bn:Q", title="Mean gap (USD bn)", format=",.2f"),
                alt.Tooltip("p90_funding_gap_usd_bn:Q", title="P90 gap (USD bn)", format=",.2f"),
            ],
        )
        .properties(height=300)
    )


def gap_probability_chart(gap: pd.DataFrame, draws: int) -> Figure:
    subtitle = f"Share of {draws:,} draws with a funding gap in the year"
    return figure(_gap_probability_structure, gap=gap, subtitle=subtitle)


def _histogram_structure(label: str) -> alt.LayerChart:
    bars = (
        alt.Chart(data("bins"))
        .mark_bar(color=IN_COLOUR, opacity=0.8)
        .encode(
            x=alt.X("bin_start_usd_bn:Q", title=f"{label} (USD bn)", bin="binned"),
            x2="bin_end_usd_bn:Q",
            y=alt.Y("draws:Q", title="Draws (count)"),
            tooltip=[
                alt.Tooltip("bin_start_usd_bn:Q", title="From (USD bn)", format=",.1f"),
                alt.Tooltip("bin_end_usd_bn:Q", title="To (USD bn)", format=",.1f"),
                alt.Tooltip("draws:Q", title="Draws"),
                alt.Tooltip("share_of_draws:Q", title="Share of draws", format=".1%"),
            ],
        )
    )
    rules = (
        alt.Chart(data("marks"))
        .mark_rule(color=LINE_COLOUR, strokeWidth=2, strokeDash=[4, 3])
        .encode(
            x="value_usd_bn:Q",
            tooltip=[
                alt.Tooltip("name:N", title="Percentile"),
                alt.Tooltip("value_usd_bn:Q", title=f"{label} (USD bn)", format=",.2f"),
            ],
        )
    )
    text = (
        alt.Chart(data("marks"))
        .mark_text(align="left", dx=3, dy=-6, color=LINE_COLOUR)
        .encode(x="value_usd_bn:Q", y=alt.value(8), text="name:N")
    )
    return alt.layer(
        bars, rules, text, title=_title(f"Distribution of {label}", "Dashed lines: P10, P50 and P90 (USD bn)")
    ).properties(height=300)


def histogram_chart(histogram: pd.DataFrame, percentiles: pd.DataFrame, outcome: str, label: str) -> Figure:
    bins = histogram[histogram["outcome"] == outcome]
    marks = percentiles[(percentiles["outcome"] == outcome) & percentiles["statistic"].isin(["p10", "p50", "p90"])]
    marks = marks.assign(name=marks["statistic"].str.upper())
    return figure(_histogram_structure, (label,), bins=bins, marks=marks)


def _scenario_results_structure(scenarios: tuple[str, ...]) -> alt.LayerChart:
    base = alt.Chart(data("results")).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=200)),
        yOffset=alt.YOffset("scenario_title:N", sort=list(scenarios)),
        x=alt.X("amount_usd_bn:Q", title="USD bn"),
        color=alt.Color("scenario_title:N", title="Scenario", sort=list(scenarios),
                        scale=alt.Scale(domain=list(scenarios), range=SCENARIO_COLOURS[: len(scenarios)]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=120,
                                          columns=alt.ExprRef("max(1, floor(width / 130))"))),
        tooltip=[alt.Tooltip("scenario_title:N", title="Scenario"), alt.Tooltip("label:N", title="Result"),
                 alt.Tooltip("amount_usd_bn:Q", title="USD bn", format=",.1f")],
    )
    # A mark at each bar's end, so that a scenario at zero (no bar) still shows where it is.
    ends = base.mark_tick(thickness=2, size=10)
    return alt.layer(base.mark_bar(), ends).properties(
        title=chart_title("The key results, scenario by scenario", " "), height=alt.Step(11))


def scenario_results_chart(frame: pd.DataFrame) -> Figure:
    """The key results of every scenario on one chart: a group of bars per result, a bar per scenario."""
    scenarios = tuple(dict.fromkeys(frame["scenario_title"]))
    return figure(_scenario_results_structure, (scenarios,), results=frame,
                  subtitle="NPV, stake value, at-risk Azure revenue and OpenAI's funding gap; USD bn")


# -- what drives the lower tail, and the correlations ----------------------------------------------


def _drivers_structure(height: int) -> alt.Chart:
    return (
        alt.Chart(
            data("drivers"),
            title=_title("The assumptions most linked with NPV",
                         ["Rank correlation with NPV across the draws, the ten strongest;",
                          "green: a higher value goes with a higher NPV; orange: a lower one"]),
        )
        .mark_bar()
        .encode(
            y=rows_axis("label:N", alt.EncodingSortField(field="rank", op="min", order="ascending")),
            x=alt.X("rank_correlation_with_npv:Q", title="Rank correlation with NPV"),
            # The subtitle says what the colours mean: a legend would not fit beside a phone's bars.
            color=alt.Color("direction:N",
                            scale=alt.Scale(domain=["raises NPV", "lowers NPV"], range=[IN_COLOUR, OUT_COLOUR]),
                            legend=None),
            tooltip=[
                alt.Tooltip("label:N", title="Assumption"),
                alt.Tooltip("rank_correlation_with_npv:Q", title="Rank correlation with NPV", format="+.2f"),
                alt.Tooltip("mean_percentile_in_worst_10pct:Q", title="Where it sits in its range, worst 10%",
                            format=".0%"),
            ],
        )
        .properties(height=height)
    )


DRIVERS_SHOWN = 10


def drivers_chart(drivers: pd.DataFrame, top: int = DRIVERS_SHOWN) -> Figure:
    """The ``top`` assumptions most linked with NPV (the table has every one)."""
    drivers = drivers.head(top)
    frame = drivers.assign(direction=["raises NPV" if v >= 0 else "lowers NPV"
                                      for v in drivers["rank_correlation_with_npv"]])
    return figure(_drivers_structure, (tornado_height(len(frame)),), drivers=frame)


def correlation_matrix_frame(correlations: pd.DataFrame) -> pd.DataFrame:
    """The correlated pairs as cells of a symmetric matrix (both halves and the unit diagonal). Rows
    carry a number and the assumption's name, columns the number alone, so the matrix fits a phone."""
    names: dict[str, str] = {}
    for a, label_a, b, label_b in correlations[["assumption_a", "label_a", "assumption_b", "label_b"]].itertuples(
            index=False):
        names.setdefault(a, label_a)
        names.setdefault(b, label_b)
    width = 1 if len(names) < 10 else 2
    number = {name: f"{i:0{width}d}" for i, name in enumerate(names, start=1)}
    cells = {(name, name): 1.0 for name in names}
    for row in correlations.itertuples():
        cells[(row.assumption_a, row.assumption_b)] = cells[(row.assumption_b, row.assumption_a)] = row.correlation_used
    return pd.DataFrame([
        {"row": f"{number[a]}. {names[a]}", "column": number[b], "row_label": names[a], "column_label": names[b],
         "correlation": v,
         "ink": "#FFFFFF" if abs(v) > 0.55 else "#1A1A1A"}
        for (a, b), v in cells.items()
    ])


def _correlation_structure() -> alt.LayerChart:
    base = alt.Chart(data("cells"))
    tooltip = [alt.Tooltip("row_label:N", title="Assumption"), alt.Tooltip("column_label:N", title="With"),
               alt.Tooltip("correlation:Q", title="Correlation of normal scores", format="+.2f")]
    # Numbered labels sort in their own order (zero-padded past nine), with no sort field to send.
    y = rows_axis("row:N", "ascending")
    x = alt.X("column:N", title="With (number of the row)",
              axis=alt.Axis(labelAngle=0, labelOverlap=False, orient="top"))
    rects = base.mark_rect().encode(
        y=y, x=x, tooltip=tooltip,
        color=alt.Color("correlation:Q", title="Correlation (-1 to 1)",
                        scale=alt.Scale(scheme="blueorange", domain=[-1, 1], reverse=True),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=140,
                                          titleOrient="top")),
    )
    # Light text on the darkest cells, dark text elsewhere, on either theme.
    text = base.mark_text(fontSize=9).encode(y=y, x=x, text=alt.Text("correlation:Q", format="+.1f"),
                                             color=alt.Color("ink:N", scale=None), tooltip=tooltip)
    return alt.layer(rects, text, title=_title(
        "Correlations used in this run",
        "Correlation of the normal scores of the Gaussian copula; blank: drawn independently",
    )).resolve_scale(color="independent").properties(height=alt.Step(ROW_STEP_PX))


def correlation_chart(correlations: pd.DataFrame) -> Figure:
    return figure(_correlation_structure, cells=correlation_matrix_frame(correlations))
