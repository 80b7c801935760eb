"""What every page shares: a guard that turns an error into a message, the model run, headers."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui import data
from ui import format as fmt
from ui.state import PAGE_FRAGMENT, current_scenario

_LOG = logging.getLogger(__name__)

# An emoji, drawn by the browser: a :material/ icon would be fetched from a font host on every load.
PAGE_ICON = "📊"

# A page's content, as the fragment that a change of assumption reruns (with the sidebar's summary,
# link and downloads, ``ui.state.SCENARIO_VIEWS``), while the sidebar's controls stay as drawn.
# Every page draws itself through it: ``@page_content`` on a function the page file then calls (a
# page whose body does not follow the scenario, Sources, keeps only its header in it).
page_content = st.fragment(key=PAGE_FRAGMENT)


@contextmanager
def section(what: str) -> Iterator[None]:
    """Render one part of a page; if it fails, say so and let the rest of the page render.

    Streamlit's own st.rerun/st.stop are BaseExceptions and pass through untouched.
    """
    try:
        yield
    except Exception as error:  # noqa: BLE001 - a page never shows a traceback
        _LOG.exception("could not show %s", what)
        st.error(f"Could not show {what}: {error}", icon=":material/error:")


@contextmanager
def on_demand(label: str, *, key: str, icon: str | None = None) -> Iterator[bool]:
    """A closed expander whose content is made only while the reader has it open: yields whether
    it is open. Opening or closing it reruns the fragment it is in (``on_change="rerun"``), so a
    slider change never makes, sends or redraws content nobody is looking at."""
    with st.expander(label, key=key, icon=icon, on_change="rerun") as box:
        yield bool(box.open)


def header(title: str, summary: str) -> None:
    st.title(title)
    st.caption(summary)


def model_result():
    """The model's run for the sidebar's scenario; if the model cannot run, say why and stop the page."""
    try:
        return data.result(current_scenario())
    except Exception as error:  # noqa: BLE001 - shown, not raised
        _LOG.exception("model run failed")
        st.error(f"The model could not run for this scenario: {error}", icon=":material/error:")
        st.stop()


def ink() -> str:
    """A neutral colour for lines drawn over coloured bars, readable in the current theme."""
    theme = getattr(st.context, "theme", None)
    return "#E0E0E0" if getattr(theme, "type", None) == "dark" else "#333333"


def money_markdown(text: str) -> str:
    """Dollar signs shown as dollars: Streamlit's Markdown would read a pair of them as maths."""
    return text.replace("$", "\\$")


def assumption_note(text: str) -> None:
    st.caption(f":material/tune: **Assumption.** {money_markdown(text)}")


def derived_note(text: str) -> None:
    st.caption(f":material/calculate: **Derived.** {money_markdown(text)}")


# Cards in a row share its width equally, whatever their text; on a phone a label wraps onto a second
# line (a change too) and a value is drawn smaller, where Streamlit would cut both with "…" (a card is ~170 px wide).
_CARD_STYLE = """<style>
[class*="st-key-_cards_"] > div { flex: 1 1 0 !important; min-width: 0 !important; }
[class*="st-key-_cards_"] [data-testid="stMetricLabel"] *,
[class*="st-key-_cards_"] [data-testid="stMetricDelta"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
@media (max-width: 640px) {
  [class*="st-key-_cards_"] [data-testid="stMetricValue"] { font-size: 1.6rem !important; }
  [class*="st-key-_cards_"] [data-testid="stMetricValue"] * { overflow: visible !important;
    text-overflow: clip !important; }
}
</style>"""


def metric_row(cards: list[tuple]) -> None:
    """Headline cards (four, or any even number), each (label, value, help) or (label, value, help,
    delta, delta colour): all across on a desktop, two by two on a phone, every card as wide as the next.

    Streamlit stacks columns one above the other on a narrow screen. Each half is a horizontal
    container that never wraps, so the two halves stack as rows of two cards on a phone instead of
    full-width ones."""
    st.html(_CARD_STYLE)
    middle = (len(cards) + 1) // 2
    # A key per row (from its labels, so it is the same on every rerun) for the style above.
    row = zlib.crc32("|".join(str(card[0]) for card in cards).encode())
    for index, (half, pair) in enumerate(zip(st.columns(2), (cards[:middle], cards[middle:]), strict=True)):
        with half, st.container(horizontal=True, wrap=False, key=f"_cards_{row}_{index}"):
            for label, value, help_text, *delta in pair:
                text, colour = (delta + [None, "off"])[:2]
                st.metric(label, value, help=help_text, border=True, delta=text, delta_color=colour or "off",
                          delta_arrow="auto" if colour not in (None, "off") else "off")


def chart(figure, width: str = "stretch") -> None:
    """A ``ui.figure.Figure`` drawn in Streamlit's theme, its frames sent as they are."""
    st.vega_lite_chart(figure.streamlit_spec(), width=width)


def rate_path_text(scenario) -> str:
    """The revenue-share rate path in words: flat, or moving year by year to its final rate."""
    now, final, end = scenario.revenue_share_rate, scenario.revenue_share_rate_final, scenario.revenue_share_end_year
    if fmt.percent(now) == fmt.percent(final):
        return f"Rate {fmt.percent(now)} of OpenAI's revenue each year through {end}, the last year paid"
    return (f"Rate {fmt.percent(now)} now, moving in equal yearly steps to {fmt.percent(final)} in {end}, "
            "the last year paid")
