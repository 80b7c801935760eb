"""Scenario analysis as the dashboard calls it: comparison, sensitivity and Monte Carlo, cached.

Each result is cached with ``st.cache_data`` keyed on the scenario's JSON (plus today, the price
and the analysis' own settings), so moving to another page and back costs nothing, and a shared
link with the same settings gives the same numbers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from model.analysis import compare as comparison
from model.analysis import montecarlo, sensitivity
from model.analysis.attribution import Attribution, attribute
from model.datafiles import DataFileError
from model.export.bundle import ExportBundle, MonteCarloSettings, PriceUsed, make_bundle
from model.export.link import PAGE_PARAMS
from model.market import prices as price_feed
from model.scenario import Scenario
from ui import data
from ui.state import cached_presets, page_setting


@st.cache_data(max_entries=64, show_spinner=False)
def _comparison(scenario_json: str, today_iso: str, price: float | None, extra: tuple) -> pd.DataFrame:
    current = Scenario.model_validate_json(scenario_json)
    columns = comparison.preset_columns(current, cached_presets())
    columns += [comparison.Column(key, title, Scenario.model_validate_json(text)) for key, title, text in extra]
    # The presets' runs do not change with the sliders: take them, like the current one, from the
    # dashboard's run cache, so a slider change costs one run here, not one per preset.
    results = {column.key: data.result(column.scenario) for column in columns}
    return comparison.compare(columns, data.facts(), date.fromisoformat(today_iso), price, results=results)


def comparison_table(scenario: Scenario, extra: list[comparison.Column] | None = None) -> pd.DataFrame:
    """The presets, ``scenario`` and any ``extra`` columns side by side (model.analysis.compare's long form)."""
    key = tuple((c.key, c.title, c.scenario.model_dump_json()) for c in extra or [])
    return _comparison(scenario.model_dump_json(), data.today().isoformat(), data.msft_price(), key)


def monte_carlo_settings() -> MonteCarloSettings:
    """The Monte Carlo page's settings as this session has them (its link), else the defaults; the
    exports read them while the page is drawn."""
    value = {name: page_setting(param) for name, param in PAGE_PARAMS.items()}
    return MonteCarloSettings(int(value["mc_draws"]), int(value["mc_seed"]), str(value["mc_method"]),
                              float(value["mc_width"]), value["mc_reported"] == "drawn")


@st.cache_data(max_entries=64, show_spinner=False)
def _tornado(scenario_json: str, today_iso: str, include_fixed: bool) -> pd.DataFrame:
    scenario = Scenario.model_validate_json(scenario_json)
    return sensitivity.tornado(scenario, data.facts(), date.fromisoformat(today_iso), include_fixed=include_fixed)


def tornado_table(scenario: Scenario, include_fixed: bool = False) -> pd.DataFrame:
    """The tornado on the ranges of data/ranges.yaml (the reported terms too with ``include_fixed``)."""
    return _tornado(scenario.model_dump_json(), data.today().isoformat(), include_fixed)


@st.cache_data(max_entries=64, show_spinner=False)
def _grid(scenario_json: str, today_iso: str, row: str, column: str, outcome: str, points: int):
    scenario = Scenario.model_validate_json(scenario_json)
    return sensitivity.two_way(
        scenario, data.facts(), date.fromisoformat(today_iso), row, column, outcome=outcome, points=points
    )


def grid(scenario: Scenario, row: str, column: str, outcome: str, points: int = 5) -> sensitivity.Grid:
    return _grid(scenario.model_dump_json(), data.today().isoformat(), row, column, outcome, points)


@st.cache_data(max_entries=16, show_spinner=False)
def _monte_carlo(
    scenario_json: str, today_iso: str, draws: int, seed: int, ranges_key: tuple, method: str
) -> montecarlo.MonteCarlo:
    scenario = Scenario.model_validate_json(scenario_json)
    chosen = {name: montecarlo.Range(name, low, mode, high) for name, low, mode, high in ranges_key}
    return montecarlo.run_monte_carlo(
        scenario, data.facts(), date.fromisoformat(today_iso), draws=draws, seed=seed, chosen=chosen, method=method
    )


def monte_carlo(
    scenario: Scenario, draws: int, seed: int, chosen: dict[str, montecarlo.Range],
    method: str = montecarlo.DEFAULT_METHOD,
) -> montecarlo.MonteCarlo:
    key = tuple((r.name, float(r.low), float(r.mode), float(r.high)) for r in chosen.values())
    return _monte_carlo(scenario.model_dump_json(), data.today().isoformat(), draws, seed, key, method)


def export_bundle(scenario: Scenario, app_url: str, settings: MonteCarloSettings) -> ExportBundle:
    """What the dashboard's downloads hold for ``scenario``: :func:`model.export.bundle.make_bundle`
    with this session's cached runs passed in. ``app_url`` and ``settings`` are read while the page
    is drawn (:func:`ui.link.page_url`, :func:`monte_carlo_settings`): a download's data is
    made later, outside the script run, where the page's address is no longer known."""
    mc = monte_carlo(scenario, settings.draws, settings.seed, settings.ranges(scenario), settings.method)
    quote = data.msft_quote()
    price = (PriceUsed(quote.close_usd, quote.close_date, quote.description) if quote is not None
             else PriceUsed(None))
    return make_bundle(
        scenario, data.facts(), data.today(), data.result(scenario), data.sources(),
        price=price, settings=settings, app_url=app_url, exported_at=datetime.now(UTC),
        analysis={"scenario_comparison": comparison_table(scenario), "sensitivity": tornado_table(scenario),
                  **mc.tables()},
        market=market_prices(),
    )


def market_prices() -> dict[str, price_feed.Prices]:
    """MSFT and the Market page's tickers as the dashboard holds them (cached), for the market sheets;
    none when even a shipped snapshot is broken: the workbook then says the sheets are missing."""
    try:
        return {price_feed.TICKER: data.msft_prices(), **data.market_prices()}
    except DataFileError:
        return {}


@st.cache_data(max_entries=64, show_spinner=False)
def _attribution(scenario_json: str, today_iso: str) -> Attribution:
    return attribute(Scenario.model_validate_json(scenario_json), data.facts(), date.fromisoformat(today_iso))


def attribution(scenario: Scenario) -> Attribution:
    """Why each headline result moved from the reported terms (model.analysis.attribution), cached."""
    return _attribution(scenario.model_dump_json(), data.today().isoformat())
