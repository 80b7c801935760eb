"""The model as the dashboard calls it: facts once per process, runs cached per scenario.

``run`` results are cached with ``st.cache_data`` keyed on the scenario's JSON (a string hashes
in microseconds; a pydantic object would be pickled to hash), today's date and the MSFT price.
Prices come through model.prices, the one boundary with the live feed, cached for minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from model import prices as price_feed
from model.engine import Result, run
from model.facts import Facts, load_facts
from model.scenario import Scenario

PRICE_TTL_SECONDS = 600


@st.cache_resource(show_spinner=False)
def facts() -> Facts:
    return load_facts()


def today() -> date:
    return date.today()


@st.cache_data(max_entries=512, show_spinner=False)
def _run_cached(scenario_json: str, today_iso: str, msft_price_usd: float | None) -> Result:
    scenario = Scenario.model_validate_json(scenario_json)
    return run(scenario, facts(), date.fromisoformat(today_iso), msft_price_usd)


def result(scenario: Scenario) -> Result:
    """The model's run for ``scenario`` today, at the MSFT price the dashboard shows."""
    quote = msft_quote()
    price = quote.close_usd if quote is not None else None
    return _run_cached(scenario.model_dump_json(), today().isoformat(), price)


@dataclass(frozen=True)
class Quote:
    """The MSFT price the numbers use, and where it came from, in words."""

    close_usd: float
    close_date: date
    source: str  # live, cached or snapshot
    description: str  # e.g. "offline snapshot, as of 2026-09-28 (live feed failed: ...)"


@st.cache_data(ttl=PRICE_TTL_SECONDS, show_spinner="Fetching MSFT prices…")
def msft_prices() -> price_feed.Prices:
    # fetch_live is looked up at call time so tests can replace the feed at this one boundary.
    return price_feed.load_prices(provider=price_feed.fetch_live, now=datetime.now(UTC))


def msft_quote() -> Quote | None:
    """The latest MSFT close with its provenance; None if no price at all can be had."""
    try:
        loaded = msft_prices()
    except Exception:  # noqa: BLE001 - numbers without a price are still shown
        return None
    close = price_feed.latest_close(loaded.frame)
    return Quote(
        close_usd=close.close_usd,
        close_date=close.date,
        source=loaded.provenance.source,
        description=price_feed.describe(loaded, datetime.now(UTC)),
    )


def sources() -> pd.DataFrame:
    return facts().sources()
