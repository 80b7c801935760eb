"""The dashboard as the browser tests see it: its pages, its controls, and the numbers expected on them.

Expected numbers come from the model itself (model.engine.run) at the MSFT price the page says it
used, formatted the way the pages format them (ui.format), so a test fails if the page shows any
other number than the model's for the scenario in its controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from streamlit_harness import Tab, open_expander_holding, slider

from model.engine import Result, run
from model.facts import Facts, load_facts
from model.scenario import SPECS, Scenario
from ui import format as fmt
from ui.controls import control_label


@dataclass(frozen=True)
class Page:
    section: str  # the top navigation's menu
    title: str
    path: str  # URL path ("" for the default page)


PAGES = (
    Page("Exposure", "Overview", ""),
    Page("Exposure", "Investment", "investment"),
    Page("Exposure", "Revenue share", "revenue_share"),
    Page("Exposure", "Compute commitments", "commitments"),
    Page("Scenario analysis", "Compare", "compare"),
    Page("Scenario analysis", "Sensitivity", "sensitivity"),
    Page("Scenario analysis", "Monte Carlo", "monte_carlo"),
    Page("Market and data", "Market", "market"),
    Page("Market and data", "Model check", "model_check"),
    Page("Market and data", "Sources", "sources"),
)
PAGE = {page.title: page for page in PAGES}
PHONE = {"width": 390, "height": 844}  # a phone's screen, in CSS pixels

# Overview's headline metrics: label -> the figure from a run, formatted as the page formats it.
HEADLINES = {
    "Invested": lambda m: fmt.headline_usd_bn(m.invested_usd_bn),
    "Revenue share received": lambda m: fmt.headline_usd_bn(m.revenue_share_received_usd_bn),
    "At-risk Azure revenue": lambda m: fmt.headline_usd_bn(m.at_risk_azure_revenue_usd_bn),
    "Stake value": lambda m: fmt.headline_usd_bn(m.stake_value_usd_bn),
    "NPV": lambda m: fmt.headline_usd_bn(m.npv_usd_bn),
    "Contract NPV": lambda m: fmt.headline_usd_bn(m.npv_forward_contracts_usd_bn),
    "Azure revenue": lambda m: fmt.headline_usd_bn(m.azure_revenue_usd_bn),
    "TVPI": lambda m: fmt.multiple(m.tvpi),
    "IRR to date": lambda m: fmt.rate(m.irr_to_date),
    "Break-even year": lambda m: fmt.year(m.break_even_year),
    "Funding gap": lambda m: fmt.headline_usd_bn(m.total_funding_gap_usd_bn),
    "Stake at horizon": lambda m: fmt.percent(m.stake_at_horizon),
}

PRICE_BADGE = re.compile(r"MSFT \$([\d,]+\.\d+) · (live|cached|offline snapshot)")


@cache
def facts() -> Facts:
    return load_facts()


def expected(scenario: Scenario, msft_price_usd: float) -> Result:
    # The dashboard runs the model for today's date (ui.data.today).
    return run(scenario, facts(), date.today(), msft_price_usd)


def url(tab: Tab, page: Page, values: dict[str, Any] | None = None) -> str:
    query = urlencode(values or {})
    return tab.base_url + page.path + (f"?{query}" if query else "")


def open_page(tab: Tab, page: Page, values: dict[str, Any] | None = None, raw_query: str | None = None) -> None:
    """Open ``page`` as a first visit (its own session), optionally with a link's values."""
    address = url(tab, page, values)
    if raw_query is not None:
        address = tab.base_url + page.path + "?" + raw_query
    tab.page.goto(address)
    tab.settle(1)


def navigate(tab: Tab, page: Page) -> None:
    """Switch page the way a person does: the top navigation's menu, then the page."""
    runs = tab.runs_finished()
    tab.page.locator("[data-testid='stTopNavSection']", has_text=page.section).click()
    tab.page.locator("[data-testid='stTopNavDropdownLink']", has_text=page.title).click()
    tab.settle(runs + 1)


def query_values(tab: Tab) -> dict[str, str]:
    """The address bar's query parameters (last value of each)."""
    return {name: values[-1] for name, values in parse_qs(urlsplit(tab.page.url).query).items()}


def url_path(tab: Tab) -> str:
    return urlsplit(tab.page.url).path.strip("/")


def msft_price(tab: Tab) -> tuple[float, str]:
    """The MSFT price the page says its numbers use, and its source, from the price badge."""
    text = tab.page.locator("[data-testid='stMain']").inner_text()
    found = PRICE_BADGE.search(text)
    assert found, f"no MSFT price badge on the page:\n{text[:800]}"
    return float(found.group(1).replace(",", "")), found.group(2)


def control(tab: Tab, name: str) -> Any:
    """The slider thumb for an assumption, its sidebar group opened."""
    thumb = slider(tab.page, control_label(SPECS[name]))
    open_expander_holding(tab.page, thumb)
    return thumb


def slider_value(tab: Tab, name: str) -> float:
    return float(control(tab, name).input_value())


def selectbox_text(tab: Tab, name: str) -> str:
    """The option a choice control shows (its combobox input holds the option's label)."""
    label = control_label(SPECS[name])
    field = tab.page.locator(f'[data-testid="stSelectbox"] input[role="combobox"][aria-label="{label}"]')
    open_expander_holding(tab.page, field)
    return field.input_value()


def press(tab: Tab, name: str, key: str) -> None:
    """A key on an assumption's slider thumb; returns when the page has redrawn."""
    thumb = control(tab, name)
    runs = tab.runs_finished()
    thumb.press(key)
    tab.settle(runs + 1)


def warning_text(tab: Tab) -> str:
    alerts = tab.page.locator("[data-testid='stAlert']")
    return "\n".join(alerts.all_inner_texts())


def failures_shown(tab: Tab) -> list[str]:
    """Tracebacks and "could not show" messages on the page (a page must show neither)."""
    main = tab.page.locator("[data-testid='stMain']")
    found = [f"traceback: {text[:300]}" for text in main.locator("[data-testid='stException']").all_inner_texts()]
    found += [line for line in main.inner_text().splitlines()
              if line.startswith(("Could not show", "The model could not run"))]
    return found


def screenshot(tab: Tab, path) -> None:
    """The whole page, not just the window: the window grows to the main area's height first
    (Streamlit scrolls inside its main area, so a full-page capture alone would stop at the fold)."""
    page = tab.page
    size = page.viewport_size
    height = page.evaluate(
        "() => { const main = document.querySelector(\"[data-testid='stMain']\");"
        " return main ? main.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12000)})
    try:
        tab.settle(tab.runs_finished())
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
