"""The first screen as its three kinds of readers meet it, at desktop and phone width: one value for
the stake, the changed assumptions named in the page, a change on every headline card, cards of one
width and, on a phone, before the changes; and no page wider than a phone, no chart whose title, axis
title, legend or axis label is cut."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from dashboard_ui import PAGE, PAGES, PHONE, expected, msft_price, open_page
from streamlit_harness import Tab, install_page_clock, metric_value

from model.export.link import query_pairs
from model.presets import load_presets
from model.scenario import SPECS, Scenario, with_values
from ui import format as fmt
from ui.what_moved import CHIPS_SHOWN

DESKTOP = {"width": 1440, "height": 900}
THREE_CHANGES = {"openai_revenue_vs_plan": 0.6, "revenue_share_cap_usd_bn": 20.0, "discount_rate": 0.12}
HEADLINE_CARDS = 12  # the Overview's three rows of four

SENTENCE_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stMarkdownContainer']")]
    .map(e => e.innerText).find(t => t.includes('scenario') && t.includes("Microsoft's $")) || null"""
CHIPS_JS = """() => { const box = document.querySelector("[data-testid='stMain'] .st-key-_changed_chips");
    return box ? box.innerText : ''; }"""
# How far the furthest chip's text reaches past the page's right margin (the main block's padding): a
# positive number is text drawn in the margin or off the screen.
CHIP_OVERHANG_JS = """() => {
    const block = document.querySelector("[data-testid='stMainBlockContainer']");
    const inner = block.getBoundingClientRect().right - parseFloat(getComputedStyle(block).paddingRight);
    const texts = [...document.querySelectorAll(
        "[data-testid='stMain'] [class*='st-key-_chip_box_'] .stMarkdown span")];
    return texts.length ? Math.max(...texts.map(t => t.getBoundingClientRect().right)) - inner : null;
}"""
# The width of every card in a row of cards (ui.page.metric_row), and how far down the first one starts.
CARD_LAYOUT_JS = """() => {
    const cards = [...document.querySelectorAll(
        "[data-testid='stMain'] [class*='st-key-_cards_'] [data-testid='stMetric']")];
    return {widths: cards.map(c => Math.round(c.getBoundingClientRect().width)),
            first_top: cards[0].getBoundingClientRect().top};
}"""
CARD_DELTAS_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stMetric']")]
    .slice(0, COUNT).map(card => ({label: card.querySelector("[data-testid='stMetricLabel']").innerText,
                                   delta: !!card.querySelector("[data-testid='stMetricDelta']")}))""".replace(
    "COUNT", str(HEADLINE_CARDS))
OVERFLOW_JS = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    return {main: main.scrollWidth - main.clientWidth, page: document.documentElement.scrollWidth - window.innerWidth};
}"""
# Every chart's title, axis titles and legend text: inside its chart's box (3 px for the glyph box of a
# rotated axis title, which overhangs its drawn letters), and not cut short with an ellipsis; nor an
# axis label (a row's name, ui.charts.rows_axis).
CUT_TEXT_JS = """() => {
    const cut = [];
    for (const svg of document.querySelectorAll("[data-testid='stMain'] .vega-embed svg")) {
        const box = svg.getBoundingClientRect();
        const texts = svg.querySelectorAll(
            ".role-title text, .role-axis-title text, .role-legend-title text, .role-legend-label text");
        for (const text of texts) {
            const r = text.getBoundingClientRect();
            const words = text.textContent;
            if (!words) continue;
            if (words.endsWith("…") || r.left < box.left - 3 || r.right > box.right + 3) {
                cut.push(words + " [" + Math.round(r.left - box.left) + ".." + Math.round(r.right - box.left)
                         + " of " + Math.round(box.width) + "]");
            }
        }
        for (const label of svg.querySelectorAll(".role-axis-label text")) {
            if (label.textContent.endsWith("…")) cut.push(label.textContent);
        }
    }
    return cut;
}"""


def scenarios() -> dict[str, Scenario]:
    presets = load_presets()
    return {"breakup": presets["breakup"].scenario, "bear": presets["bear"].scenario,
            "three changes": with_values(Scenario(), THREE_CHANGES)}


def link_values(scenario: Scenario) -> dict[str, str]:
    return query_pairs(scenario)


@pytest.fixture(params=["desktop", "phone"])
def reader(request, browser, dashboard):
    viewport = DESKTOP if request.param == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, is_mobile=request.param == "phone",
                                  has_touch=request.param == "phone")
    install_page_clock(context)
    yield Tab(context.new_page(), dashboard.url)
    context.close()


@pytest.mark.parametrize("name", list(scenarios()))
def test_the_first_screen_gives_one_stake_names_the_changes_and_moves_every_card(reader, name):
    scenario = scenarios()[name]
    reader.page.goto(reader.base_url + PAGE["Overview"].path + "?" + urlencode(link_values(scenario)))
    reader.settle(1)
    price, _ = msft_price(reader)
    stake = fmt.headline_usd_bn(expected(scenario, price).metrics.stake_value_usd_bn)

    sentence = reader.page.evaluate(SENTENCE_JS)
    said = "has been written off" if stake == "$0.0B" else f"stake worth {stake}"  # Breakup: written off
    assert sentence is not None and said in sentence, sentence
    assert metric_value(reader.page, "Stake value") == stake

    chips = reader.page.evaluate(CHIPS_JS)
    changed = [spec for spec in SPECS.values() if getattr(scenario, spec.name) != spec.default]
    assert changed and all(spec.label in chips for spec in changed[:CHIPS_SHOWN]), chips
    if len(changed) > CHIPS_SHOWN:  # the rest behind one button
        assert f"and {len(changed) - CHIPS_SHOWN} more" in chips
    assert reader.page.evaluate(CHIP_OVERHANG_JS) <= 0  # every chip's text wraps inside the column

    cards = reader.page.evaluate(CARD_DELTAS_JS)
    assert len(cards) == HEADLINE_CARDS
    assert [card["label"] for card in cards if not card["delta"]] == []
    layout = reader.page.evaluate(CARD_LAYOUT_JS)
    assert max(layout["widths"]) - min(layout["widths"]) <= 1, layout  # every card as wide as the next
    # On a phone the cards come before the changed assumptions: the first row is on the first screen.
    assert layout["first_top"] < reader.page.viewport_size["height"] - 100, layout

    reader.page.wait_for_timeout(1500)  # charts draw after the run's last message
    assert reader.page.evaluate(CUT_TEXT_JS) == []



@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.title)
def test_on_a_phone_no_page_is_wider_than_the_screen_and_no_chart_text_is_cut(phone, page):
    open_page(phone, page)
    phone.page.wait_for_timeout(1500)  # charts draw after the run's last message
    assert phone.page.evaluate(OVERFLOW_JS) == {"main": 0, "page": 0}
    assert phone.page.evaluate(CUT_TEXT_JS) == []
