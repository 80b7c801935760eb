"""What moved, and why: the changed assumptions named in the page, each headline figure against the
reported terms, the last change a reader made, and the change in a result shared among the changed
assumptions (:mod:`model.analysis.attribution`, Shapley values) as a waterfall.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from model.analysis.attribution import Attribution
from model.analysis.sensitivity import OUTCOMES
from model.numbers import Kind, is_missing
from model.scenario import SPECS, Scenario, changed_specs
from ui import format as fmt
from ui.charts import IN_COLOUR, OUT_COLOUR, ROW_STEP_PX, TOTAL_COLOUR, chart_title, rows_axis
from ui.controls import reset_one
from ui.figure import Figure, data, figure
from ui.format import readable_value
from ui.link import markdown_text
from ui.page import money_markdown

# A chip's text may shrink below its natural width and wrap inside the column, with a margin on the
# right: Streamlit sizes an element in a horizontal container to its content, which on a 390 px phone
# pushes a long chip's text past the screen's edge.
# On a phone, in a page's first screen (a container keyed ``_first_screen``), the chips come after
# the headline cards: above them, a link with many changes pushed every card below the first screen.
_CHIP_STYLE = """<style>
[class*="st-key-_chip_box_"] { max-width: 100%; padding-right: 0.5rem; }
[class*="st-key-_chip_box_"] > .stElementContainer:has(.stMarkdown) { flex: 0 1 auto; min-width: 0; }
[class*="st-key-_chip_box_"] .stMarkdown span { padding: 0.1rem 0.4rem; border-radius: 0.4rem;
  overflow-wrap: anywhere; }
@media (max-width: 640px) {
  .st-key-_first_screen > [data-testid="stLayoutWrapper"]:has(> .st-key-_chips_section) { order: 1; }
}
</style>"""
LAST_VIEW_STATE = "_last_view"
LAST_CHANGE_STATE = "_last_change"
# Below this a change is the arithmetic's rounding, not a movement worth a delta.
_UNCHANGED = {"usd_bn": 0.05, "usd": 0.005, "percent": 0.0005, "multiple": 0.05, "year": 0.5, "count": 0.5,
              "number": 0.5}

# Each headline figure's one wording on every page's card, its kind, and whether more is better for
# Microsoft (a delta's colour). The tables keep the summary's longer labels (model.engine).
HEADLINES: dict[str, tuple[str, Kind, bool]] = {
    "invested_usd_bn": ("Invested", "usd_bn", False),
    "funded_to_date_usd_bn": ("Funded to date", "usd_bn", False),
    "invested_cash_usd_bn": ("Paid as cash", "usd_bn", False),
    "invested_cost_to_msft_usd_bn": ("Cost to Microsoft", "usd_bn", False),
    "revenue_share_received_usd_bn": ("Revenue share received", "usd_bn", True),
    "at_risk_azure_revenue_usd_bn": ("At-risk Azure revenue", "usd_bn", False),
    "stake_value_usd_bn": ("Stake value", "usd_bn", True),
    "npv_usd_bn": ("NPV", "usd_bn", True),
    "npv_forward_contracts_usd_bn": ("Contract NPV", "usd_bn", True),
    "azure_revenue_usd_bn": ("Azure revenue", "usd_bn", True),
    "tvpi": ("TVPI", "multiple", True),
    "dpi": ("DPI", "multiple", True),
    "irr_to_date": ("IRR to date", "percent", True),
    "break_even_year": ("Break-even year", "year", False),
    "total_funding_gap_usd_bn": ("Funding gap", "usd_bn", False),
    "stake_at_horizon": ("Stake at horizon", "percent", True),
}


# -- the changed assumptions, in the page ------------------------------------------------------------


def changed_chips(scenario: Scenario) -> None:
    """Each assumption changed from the reported terms as a chip in the main column: its new value,
    the reported one, and a reset (on a phone the sidebar is out of sight)."""
    changed = changed_specs(scenario)
    if not changed:
        st.caption(":material/check_circle: Every assumption is at the reported terms.")
        return
    with st.container(key="_chips_section"):
        st.caption(f"**{len(changed)} assumption{'s' if len(changed) != 1 else ''} changed from the reported "
                   "terms**; :material/undo: puts one back:")
        st.html(_CHIP_STYLE)
        with st.container(horizontal=True, key="_changed_chips", gap="small"):
            for spec in changed[:CHIPS_SHOWN]:
                _chip(spec, scenario)
            # The rest behind one button: eight chips filled a phone's screen.
            if len(changed) > CHIPS_SHOWN:
                with st.popover(f"and {len(changed) - CHIPS_SHOWN} more", type="tertiary"):
                    for spec in changed[CHIPS_SHOWN:]:
                        _chip(spec, scenario)


CHIPS_SHOWN = 3


def _chip(spec, scenario: Scenario) -> None:
    """One changed assumption: its reset first, then its text, which wraps on a phone beside the reset."""
    now = readable_value(spec, getattr(scenario, spec.name))
    reported = readable_value(spec, spec.default)
    with st.container(horizontal=True, width="content", gap=None, wrap=False,
                      vertical_alignment="center", key=f"_chip_box_{spec.name}"):
        st.button("", key=f"_chip_{spec.name}", icon=":material/undo:", on_click=reset_one,
                  args=(spec.name,), help=f"Put {spec.label} back to the reported terms: {reported}",
                  type="tertiary")
        st.markdown(f":blue-background[**{markdown_text(spec.label)}** {markdown_text(now)} "
                    f"(reported {markdown_text(reported)})]", width="content")


# -- each figure against the reported terms ------------------------------------------------------------


def delta_text(kind: Kind, now: float | None, reported: float | None) -> str | None:
    """The change from the reported terms as a card's delta, in the figure's own unit; None where
    there is nothing to compare (a missing figure on either side).

    Written to the precision of the card's value (:func:`ui.format.headline`): money to the $1B from
    $100B, to $0.1B below; a multiple to 0.1x; a percentage to 0.1 point.

    >>> delta_text("usd_bn", 231.2, 248.8), delta_text("percent", 0.25, 0.231), delta_text("year", 2027, 2026)
    ('-$17.6B', '+1.9 pp', '+1 yr')
    >>> delta_text("usd_bn", 46.4, 281.3), delta_text("usd_bn", 0.06, 0.0), delta_text("multiple", 0.42, 12.64)
    ('-$235B', '+$0.1B', '-12.2x')
    >>> delta_text("usd_bn", 197.1, 197.1), delta_text("multiple", None, 2.0), delta_text("usd_bn", 1.0, None)
    ('same', 'n/m', None)
    """
    if is_missing(reported):
        return None
    if is_missing(now):  # e.g. an IRR that has no rate in this scenario: the change is not meaningful
        return "n/m"
    change = float(now) - float(reported)
    if abs(change) < _UNCHANGED.get(kind, 0.0):
        return "same"
    sign = "+" if change > 0 else "-"
    size = abs(change)
    if kind in ("usd_bn", "multiple"):
        text = fmt.headline(kind, size)
    elif kind == "usd":
        text = fmt.usd(size)
    elif kind == "percent":
        text = f"{size * 100:.1f} pp"
    elif kind == "year":
        text = f"{size:.0f} yr"
    else:
        text = fmt.number(size)
    return f"{sign}{text}"


def card(label: str, value: str, help_text: str, kind: Kind, now, reported, *, higher_is_better: bool = True
         ) -> tuple[str, str, str, str | None, str]:
    """A headline card for ``ui.page.metric_row``: its delta against the reported terms, coloured
    green where Microsoft is better off (``higher_is_better``), red where worse, grey where equal."""
    delta = delta_text(kind, now, reported)
    colour = "off" if delta in (None, "same", "n/m") else ("normal" if higher_is_better else "inverse")
    return label, value, help_text, delta, colour


def headline_card(name: str, metrics, reported, help_text: str) -> tuple[str, str, str, str | None, str]:
    """The card of headline figure ``name`` (:data:`HEADLINES`): its one label, its value by its kind,
    and its change from the ``reported`` terms' metrics."""
    label, kind, higher_is_better = HEADLINES[name]
    now = getattr(metrics, name)
    return card(label, fmt.headline(kind, now), help_text, kind, now, getattr(reported, name),
                higher_is_better=higher_is_better)


# -- the last change a reader made --------------------------------------------------------------------


def last_change(scenario: Scenario, figures: dict[str, tuple[str, Kind, float]]) -> str | None:
    """What the reader's last change moved: the assumptions it changed and each figure before and
    after, as a sentence; kept until the next change (reruns that change nothing keep it).

    ``figures``: name -> (label, kind, value) for this view.
    """
    now = scenario.model_dump_json()
    previous = st.session_state.get(LAST_VIEW_STATE)
    if previous is not None and previous[0] != now:
        before = Scenario.model_validate_json(previous[0])
        moved = [spec for spec in SPECS.values() if getattr(before, spec.name) != getattr(scenario, spec.name)]
        what = "; ".join(f"{spec.label} {readable_value(spec, getattr(before, spec.name))} → "
                         f"{readable_value(spec, getattr(scenario, spec.name))}" for spec in moved[:4])
        if len(moved) > 4:
            what += f" and {len(moved) - 4} more"
        effects = []
        for name, (label, kind, value) in figures.items():
            old = previous[1].get(name)
            text = delta_text(kind, value, old)
            if text is not None and text != "same":
                effects.append(f"{label} {text}")
        st.session_state[LAST_CHANGE_STATE] = (now, f"**Your last change** ({what}): "
                                               + ("; ".join(effects) if effects else "no headline figure moved") + ".")
    st.session_state[LAST_VIEW_STATE] = (now, {name: value for name, (_, _, value) in figures.items()})
    stored = st.session_state.get(LAST_CHANGE_STATE)
    return stored[1] if stored is not None and stored[0] == now else None


# -- why it moved: the attribution as a waterfall -------------------------------------------------------


def attribution_frame(attribution: Attribution, outcome: str) -> pd.DataFrame:
    """Steps from the reported terms' figure to this scenario's, one per changed assumption, largest first."""
    parts = sorted(zip(attribution.names, attribution.parts[outcome], strict=True), key=lambda item: -abs(item[1]))
    reported = attribution.reported[outcome]
    rows = [{"step": "Reported terms", "start_usd_bn": 0.0, "end_usd_bn": reported, "amount_usd_bn": reported,
             "kind": "start and end"}]
    running = reported
    for name, part in parts:
        rows.append({"step": SPECS[name].label, "start_usd_bn": running, "end_usd_bn": running + part,
                     "amount_usd_bn": float(part), "kind": "raises it" if part >= 0 else "lowers it"})
        running += part
    rows.append({"step": "This scenario", "start_usd_bn": 0.0, "end_usd_bn": running, "amount_usd_bn": running,
                 "kind": "start and end"})
    return pd.DataFrame(rows)


def _attribution_structure(steps: tuple[str, ...], outcome_label: str) -> alt.LayerChart:
    base = alt.Chart(data("steps"))
    y = rows_axis("step:N", list(steps))
    x_title = f"{outcome_label} (USD bn)"
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("start_usd_bn:Q", title=x_title),
        x2="end_usd_bn:Q",
        color=alt.Color("kind:N", title=None,
                        scale=alt.Scale(domain=["lowers it", "raises it", "start and end"],
                                        range=[OUT_COLOUR, IN_COLOUR, TOTAL_COLOUR]),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("step:N", title="Step"),
                 alt.Tooltip("amount_usd_bn:Q", title="Change (USD bn)", format="+,.2f"),
                 alt.Tooltip("end_usd_bn:Q", title="After this step (USD bn)", format=",.2f")],
    )
    labels = base.mark_text(align="left", dx=4, color="#888888").encode(
        y=y,
        x=alt.X("label_at_usd_bn:Q", title=x_title),
        text=alt.Text("amount_usd_bn:Q", format="+,.1f"),
    ).transform_calculate(label_at_usd_bn="max(datum.start_usd_bn, datum.end_usd_bn)")
    title = chart_title(f"Why {outcome_label} moved", " ")
    return alt.layer(bars, labels, title=title).properties(height=alt.Step(ROW_STEP_PX))


def attribution_chart(frame: pd.DataFrame, outcome_label: str) -> Figure:
    return figure(_attribution_structure, (tuple(frame["step"]), outcome_label), steps=frame,
                  subtitle="Each changed assumption's share of the change (Shapley value), USD bn")


def largest_sentence(attribution: Attribution, outcome: str) -> str:
    """The largest contribution to the change in ``outcome``, in words."""
    label = OUTCOMES[outcome][0]
    total = attribution.total(outcome)
    largest = attribution.largest(outcome)
    if largest is None:
        return f"{label} is at the reported terms' {fmt.headline_usd_bn(attribution.reported[outcome])}."
    name, part = largest
    spec = SPECS[name]
    several = abs(total) >= 0.05 and len(attribution.names) > 1
    share = f" ({abs(part) / abs(total):.0%} of the change)" if several else ""
    return money_markdown(
        f"{label} moves by **{'+' if total >= 0 else '-'}{fmt.headline_usd_bn(abs(total))}** from the reported terms' "
        f"{fmt.headline_usd_bn(attribution.reported[outcome])}; the largest part, "
        f"**{'+' if part >= 0 else '-'}{fmt.headline_usd_bn(abs(part))}**{share}, comes from *{spec.label}* "
        f"at {readable_value(spec, getattr(attribution.scenario, name))} "
        f"(reported {readable_value(spec, spec.default)})."
    )


def _risk_structure() -> alt.LayerChart:
    base = alt.Chart(data("risk"))
    y = rows_axis("measure:N", None)
    x = alt.X("loss_usd_bn:Q", title="Lost against the reported terms (USD bn)")
    bars = base.mark_bar().encode(
        y=y, x=x,
        color=alt.condition(alt.datum.loss_usd_bn > 0, alt.value(OUT_COLOUR), alt.value(IN_COLOUR)),
        tooltip=[alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("loss_usd_bn:Q", title="Lost (USD bn; negative: gained)", format=",.2f")],
    )
    labels = base.mark_text(align="left", dx=4, color="#888888").encode(
        y=y, x=alt.X("label_at_usd_bn:Q", title="Lost against the reported terms (USD bn)"),
        text=alt.Text("loss_usd_bn:Q", format=",.1f"),
    ).transform_calculate(label_at_usd_bn="max(datum.loss_usd_bn, 0)")
    return alt.layer(bars, labels, title=chart_title("What Microsoft loses against the reported terms", " ")
                     ).properties(height=alt.Step(ROW_STEP_PX))


def risk_chart(frame: pd.DataFrame) -> Figure:
    return figure(_risk_structure, (), risk=frame,
                  subtitle="USD bn; a loss is positive (orange), a gain negative (green)")
