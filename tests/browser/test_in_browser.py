"""The dashboard end to end in headless chromium: what a visitor, an analyst and a shareholder with a
link each see. Every expected number comes from model.engine.run for the scenario in the controls,
at the MSFT price the page says it used (dashboard_ui.expected)."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from dashboard_ui import (
    HEADLINES,
    PAGE,
    PAGES,
    PHONE,
    control,
    expected,
    failures_shown,
    msft_price,
    navigate,
    open_page,
    press,
    query_values,
    screenshot,
    selectbox_text,
    slider_value,
    url_path,
    warning_text,
)
from playwright.sync_api import expect
from streamlit_harness import choice_option, metric_value

from model.export.link import read_link, scenario_tag
from model.presets import load_presets
from model.scenario import SHORTFALL_RULE_LABELS, Scenario, ShortfallRule
from ui import format as fmt
from ui.tables import CARDS_PREFIX

OVERVIEW = PAGE["Overview"]

# A scenario off the defaults in four assumptions of different kinds (rate, year, share, choice).
class _Params(dict):
    """A plain dict of one value per name, shaped as the link reader takes query parameters."""

    def get_all(self, name: str) -> list[str]:
        return [str(self[name])]


LINK_VALUES = {
    "discount_rate": 0.12,
    "horizon_year": 2040,
    "msft_stake": 0.3,
    "shortfall_rule": SHORTFALL_RULE_LABELS[ShortfallRule.azure_paid_last],
}
LINK_SCENARIO = Scenario(discount_rate=0.12, horizon_year=2040, msft_stake=0.3,
                         shortfall_rule=ShortfallRule.azure_paid_last)


def shown_headlines(tab) -> dict[str, str | None]:
    return {label: metric_value(tab.page, label) for label in HEADLINES}


def expected_headlines(scenario: Scenario, price: float) -> dict[str, str]:
    metrics = expected(scenario, price).metrics
    return {label: figure(metrics) for label, figure in HEADLINES.items()}


def test_first_page_shows_the_headline_numbers_of_the_reported_terms(tab):
    open_page(tab, OVERVIEW)

    price, source = msft_price(tab)
    # The server's feed is cut off (streamlit_harness.offline_env): the page must say it fell back.
    assert source == "offline snapshot"
    assert shown_headlines(tab) == expected_headlines(Scenario(), price)
    npv_per_share = expected(Scenario(), price).tables["summary"].set_index("metric").loc["npv_usd_bn"]
    assert metric_value(tab.page, "NPV, per MSFT share") == fmt.usd(npv_per_share["per_msft_share_usd"])
    assert failures_shown(tab) == []


def test_a_shared_link_opens_with_exactly_its_values_and_their_numbers(tab):
    open_page(tab, OVERVIEW, LINK_VALUES)

    assert slider_value(tab, "discount_rate") == pytest.approx(0.12)
    assert slider_value(tab, "horizon_year") == 2040
    assert slider_value(tab, "msft_stake") == pytest.approx(0.3)
    assert selectbox_text(tab, "shortfall_rule") == SHORTFALL_RULE_LABELS[ShortfallRule.azure_paid_last]
    price, _ = msft_price(tab)
    assert shown_headlines(tab) == expected_headlines(LINK_SCENARIO, price)
    # The link stays in the address bar, so it can be passed on again.
    assert query_values(tab) == {name: str(value) for name, value in LINK_VALUES.items()}
    assert "This link had" not in warning_text(tab)


def copied_link_values(tab) -> dict[str, str]:
    """The query of the link the share box's Copy link button holds."""
    link = tab.page.locator("#copy-scenario-link").get_attribute("data-url")
    return {name: values[-1] for name, values in parse_qs(urlsplit(link).query).items()}


def test_a_slider_moved_by_keyboard_updates_the_numbers_and_the_address(tab):
    open_page(tab, OVERVIEW)
    price, _ = msft_price(tab)
    before = shown_headlines(tab)
    runs, fragment_runs = tab.runs_finished(), tab.fragment_runs_finished()

    press(tab, "discount_rate", "ArrowRight")  # one step: 0.09 -> 0.095

    # One run, of what shows the scenario only: the controls were not sent again.
    assert (tab.runs_finished(), tab.fragment_runs_finished()) == (runs + 1, fragment_runs + 1)
    moved = Scenario(discount_rate=0.095)
    assert slider_value(tab, "discount_rate") == pytest.approx(0.095)
    assert shown_headlines(tab) == expected_headlines(moved, price)
    assert shown_headlines(tab)["NPV"] != before["NPV"]
    assert float(query_values(tab)["discount_rate"]) == pytest.approx(0.095)
    assert float(copied_link_values(tab)["discount_rate"]) == pytest.approx(0.095)
    assert "1 assumption changed" in tab.page.locator("[data-testid='stSidebar']").inner_text()

    address = tab.page.url
    tab.page.reload()
    tab.settle(1)  # the reloaded page counts its runs afresh
    assert tab.page.url == address
    assert slider_value(tab, "discount_rate") == pytest.approx(0.095)
    assert shown_headlines(tab) == expected_headlines(moved, price)


def test_a_preset_and_the_resets_set_the_controls_the_numbers_and_the_address(tab):
    open_page(tab, OVERVIEW, LINK_VALUES)
    price, _ = msft_price(tab)

    click_and_settle(tab, tab.page.get_by_role("button", name="Bear", exact=True))
    bear = load_presets()["bear"].scenario
    assert shown_headlines(tab) == expected_headlines(bear, price)
    assert scenario_of(query_values(tab)) == bear == scenario_of(copied_link_values(tab))

    press(tab, "discount_rate", "ArrowRight")  # off the preset: its own reset appears in the summary
    moved = scenario_of(query_values(tab))
    assert moved.discount_rate > bear.discount_rate
    assert moved == bear.model_copy(update={"discount_rate": moved.discount_rate})
    assert moved == scenario_of(copied_link_values(tab))
    # Streamlit draws a button with help twice, one of them hidden: the visible one.
    click_and_settle(tab, tab.page.locator(".st-key-_reset_discount_rate button >> visible=true"))
    assert slider_value(tab, "discount_rate") == pytest.approx(Scenario().discount_rate)
    back = bear.model_copy(update={"discount_rate": Scenario().discount_rate})
    assert shown_headlines(tab) == expected_headlines(back, price)
    assert scenario_of(query_values(tab)) == back == scenario_of(copied_link_values(tab))

    click_and_settle(tab, tab.page.get_by_role("button", name="Reset to the reported terms"))
    assert shown_headlines(tab) == expected_headlines(Scenario(), price)
    assert query_values(tab) == {} == copied_link_values(tab)


def scenario_of(values: dict[str, str]) -> Scenario:
    """The scenario a link's values open, read as the dashboard reads a link (nothing ignored)."""
    class Query(dict):
        def get_all(self, name):
            return [self[name]]

    scenario, ignored, _ = read_link(Query(values))
    assert ignored == []
    return scenario


def click_and_settle(tab, target) -> None:
    runs = tab.runs_finished()
    target.click()
    tab.settle(runs + 1)


def test_switching_pages_keeps_the_scenario(tab):
    open_page(tab, OVERVIEW, LINK_VALUES)
    price, _ = msft_price(tab)
    result = expected(LINK_SCENARIO, price)

    navigate(tab, PAGE["Investment"])
    assert url_path(tab) == "investment"
    assert query_values(tab) == {name: str(value) for name, value in LINK_VALUES.items()}
    assert slider_value(tab, "discount_rate") == pytest.approx(0.12)
    assert metric_value(tab.page, "NPV") == fmt.headline_usd_bn(result.metrics.npv_usd_bn)
    assert metric_value(tab.page, "DPI") == fmt.multiple(result.metrics.dpi)

    navigate(tab, PAGE["Compute commitments"])
    assert url_path(tab) == "commitments"
    assert query_values(tab) == {name: str(value) for name, value in LINK_VALUES.items()}
    assert metric_value(tab.page, "At-risk Azure revenue") == fmt.headline_usd_bn(
        result.metrics.at_risk_azure_revenue_usd_bn)

    navigate(tab, OVERVIEW)
    assert shown_headlines(tab) == expected_headlines(LINK_SCENARIO, price)


def test_a_csv_download_parses_and_matches_the_page(tab, artifacts_dir):
    open_page(tab, OVERVIEW, LINK_VALUES)
    price, _ = msft_price(tab)

    with tab.page.expect_download() as download_info:
        tab.page.get_by_role("button", name="Download summary.csv").click()
    download = download_info.value
    saved = artifacts_dir / "downloads" / download.suggested_filename
    download.save_as(saved)

    # The file is named by the scenario it holds (the same tag for the same link), so downloads do not collide.
    scenario, _, page = read_link(_Params(LINK_VALUES))
    assert download.suggested_filename == f"summary_{scenario_tag(scenario, page)}.csv"
    table = pd.read_csv(saved)
    assert {"metric", "label", "value", "unit"} <= set(table.columns)
    rows = table.set_index("metric")
    metrics = expected(LINK_SCENARIO, price).metrics
    for metric in ("npv_usd_bn", "invested_usd_bn", "stake_value_now_usd_bn", "at_risk_azure_revenue_usd_bn"):
        assert math.isclose(rows.loc[metric, "value"], getattr(metrics, metric), rel_tol=1e-9, abs_tol=1e-9)
    # The file holds what the page shows (same numbers, before rounding for display).
    assert fmt.headline_usd_bn(rows.loc["npv_usd_bn", "value"]) == metric_value(tab.page, "NPV")
    assert fmt.headline_usd_bn(rows.loc["invested_usd_bn", "value"]) == metric_value(tab.page, "Invested")


def test_a_link_with_bad_values_opens_on_defaults_and_names_what_it_ignored(tab):
    # Not a number, out of range, unknown name; the one good value must still be used.
    open_page(tab, OVERVIEW, raw_query="discount_rate=abc&horizon_year=2999&msft_stake=0.3&no_such_thing=1")

    note = warning_text(tab)
    assert "This link had 3 values that could not be used" in note
    assert "Discount rate" in note and "abc" in note
    assert "Horizon" in note and "2999" in note
    assert "no_such_thing" in note
    assert slider_value(tab, "discount_rate") == pytest.approx(0.09)
    assert slider_value(tab, "horizon_year") == 2035
    assert slider_value(tab, "msft_stake") == pytest.approx(0.3)
    price, _ = msft_price(tab)
    assert shown_headlines(tab) == expected_headlines(Scenario(msft_stake=0.3), price)
    assert failures_shown(tab) == []


def test_every_page_renders_without_errors_and_is_captured(tab, artifacts_dir):
    failures = {}
    for number, page in enumerate(PAGES, start=1):
        open_page(tab, page, {"discount_rate": 0.12})
        control(tab, "discount_rate")  # the sidebar is there on every page
        shown = failures_shown(tab)
        if shown:
            failures[page.title] = shown
        name = page.title.lower().replace(" ", "_")
        screenshot(tab, artifacts_dir / "screenshots" / f"{number:02d}_{name}.png")
    assert failures == {}


def test_the_copy_link_button_copies_the_link_that_opens_this_scenario(tab, dashboard):
    tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=dashboard.url.rstrip("/"))
    open_page(tab, PAGE["Investment"], LINK_VALUES)

    button = tab.page.locator("#copy-scenario-link")
    assert button.is_visible()  # in view in the sidebar, not inside a closed expander
    button.click()
    expect(button).to_have_text("Link copied")
    copied = tab.page.evaluate("navigator.clipboard.readText()")

    link = urlsplit(copied)
    assert link.path.strip("/") == "investment"
    assert {name: values[-1] for name, values in parse_qs(link.query).items()} == {
        name: str(value) for name, value in LINK_VALUES.items()}
    # The same link as the one written out under "Show the link".
    tab.page.get_by_text("Show the link").click()
    assert tab.page.locator("[data-testid='stSidebar'] [data-testid='stCode']").inner_text().strip() == copied





OVERFLOW_JS = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    return {main: main.scrollWidth - main.clientWidth, page: document.documentElement.scrollWidth - window.innerWidth};
}"""


def test_on_a_phone_compare_shows_numbers_on_the_first_screen(phone, artifacts_dir):
    open_page(phone, PAGE["Compare"])

    # The results are one card a row on a phone (ui.tables.wide_table), each scenario's value whole.
    results = phone.page.locator(f"[class*='st-key-{CARDS_PREFIX}compare_result'] .table-card").first
    box = results.bounding_box()
    # The first card starts on the first screen with room for several of its lines.
    assert box is not None and box["y"] + 4 * 35 < PHONE["height"], box
    # Its lines are the model's figures: the first row that differs between the scenarios, each with its unit.
    # Every preset keeps 2026 at the reported pace (the multiple of plan starts in 2027), so the revenue
    # share received to date is the same in all of them and hidden; the first row that differs is the
    # revenue share still to come.
    to_come = fmt.usd_bn(expected(Scenario(), 1.0).metrics.revenue_share_to_come_usd_bn)
    heading = results.locator(".table-card-heading").inner_text()
    assert heading == "Revenue share to come" and f"Base: {to_come}" in results.inner_text(), results.inner_text()
    assert phone.page.evaluate(OVERFLOW_JS) == {"main": 0, "page": 0}
    phone.page.screenshot(path=str(artifacts_dir / "screenshots" / "phone_compare_first_screen.png"))


@pytest.mark.parametrize("title", ["Overview", "Compute commitments", "Market"])
def test_on_a_phone_no_page_is_wider_than_the_screen(phone, title):
    open_page(phone, PAGE[title])
    assert phone.page.evaluate(OVERFLOW_JS) == {"main": 0, "page": 0}
    assert failures_shown(phone) == []


@pytest.mark.parametrize("page, label, option", [
    ("Market", "Range", "5Y"),
    ("Sensitivity", "Result", "At-risk Azure revenue (USD bn)"),
    ("Compare", "Show", "Change vs base (%)"),
    ("Monte Carlo", "Distribution of", "Stake value as counted"),
])
def test_a_pages_own_choice_reruns_only_its_part_of_the_page(tab, page, label, option):
    open_page(tab, PAGE[page])
    runs, fragment_runs = tab.runs_finished(), tab.fragment_runs_finished()
    choice_option(tab.page, label, option).click()
    tab.settle(runs + 1)
    assert (tab.runs_finished(), tab.fragment_runs_finished()) == (runs + 1, fragment_runs + 1)
    assert failures_shown(tab) == []
    # The sidebar was not sent again, and still holds the scenario.
    assert slider_value(tab, "discount_rate") == Scenario().discount_rate
