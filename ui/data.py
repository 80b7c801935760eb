"""The model as the dashboard calls it: facts once per process, runs cached per scenario.

``run`` results are cached with ``st.cache_data`` keyed on the scenario's JSON (a string hashes
in microseconds; a pydantic object would be pickled to hash), today's date and the MSFT price.
Prices come through model.market.prices, the one boundary with the live feed, cached for minutes (see
``_prices``: a page waits on the feed at most once, and never while an older answer can be shown).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from model.analysis.calibration import check, load_calibration
from model.engine import Result, run
from model.facts import Facts, load_facts
from model.market import prices as price_feed
from model.scenario import Scenario
from model.sources import sources_table

_LOG = logging.getLogger(__name__)


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
    return _run_cached(scenario.model_dump_json(), today().isoformat(), msft_price())


@st.cache_resource(show_spinner=False)
def calibration_targets() -> list:
    return load_calibration()


@st.cache_data(max_entries=64, show_spinner="Checking the model against the public record…")
def _check_cached(scenario_json: str, today_iso: str, price: float | None) -> pd.DataFrame:
    # The page's own run (cached): no calibrated figure depends on the MSFT price.
    made = _run_cached(scenario_json, today_iso, price)
    return check(facts(), date.fromisoformat(today_iso), made.scenario, calibration_targets(), made)


def calibration(scenario: Scenario) -> pd.DataFrame:
    """Every reported figure the model must reproduce, beside the model's figure for ``scenario``."""
    return _check_cached(scenario.model_dump_json(), today().isoformat(), msft_price())


@dataclass(frozen=True)
class Quote:
    """The MSFT price the numbers use, and where it came from, in words."""

    close_usd: float
    close_date: date
    source: str  # live, cached or snapshot
    description: str  # e.g. "offline snapshot, as of 2026-09-28 (live feed failed: ...)"
    badge: str = ""  # the same without the reason: "live, 2 min ago", "offline snapshot, as of 2026-09-28"
    detail: str = ""  # the feed's name, or why the live feed was not used


# How prices are cached. The page reads them through st.cache_data with a short ttl and
# refresh_mode="background": once an answer is older than the ttl, Streamlit hands the page the old
# answer at once and recomputes it in a worker thread; only a page opened after 2 x ttl with no
# visits in between (the hard expiry) waits for a new answer. A fallback answer (cached download or
# snapshot) is therefore retried every RECHECK_SECONDS without any page waiting on the dead feed,
# while a live answer is kept for LIVE_TTL_SECONDS so that Yahoo is asked at most that often.
LIVE_TTL_SECONDS = 600
RECHECK_SECONDS = 60
# The Market page offers "max": everything the snapshot holds (it starts 2010-01-04). A saved
# download or a live answer that starts later is shown from where it starts.
PRICES_START = price_feed.COMPLEX_START  # the same history as the command line's


class _LiveAnswers:
    """The last live answer per cache directory, shared by every session of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, price_feed.Prices] = {}

    def fresh(self, key: str, now: datetime) -> price_feed.Prices | None:
        with self._lock:
            held = self._answers.get(key)
        fetched_at = held.provenance.fetched_at if held is not None else None
        if fetched_at is None or (now - fetched_at).total_seconds() >= LIVE_TTL_SECONDS:
            return None
        return held

    def keep(self, key: str, answer: price_feed.Prices) -> None:
        with self._lock:
            self._answers[key] = answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


_LIVE_ANSWERS = _LiveAnswers()


@st.cache_data(ttl=RECHECK_SECONDS, refresh_mode="background", max_entries=8,
               show_spinner="Fetching MSFT prices…")
def _prices(cache_dir: str, _provider: price_feed.Provider) -> price_feed.Prices:
    # The provider and the cache directory are arguments, not looked up in here, because a
    # background refresh runs later in another thread with the arguments of the call that found
    # the answer stale: it must use the same feed and folder as that call.
    now = datetime.now(UTC)
    held = _LIVE_ANSWERS.fresh(cache_dir, now)
    if held is not None:
        return held
    answer = price_feed.load_prices(provider=_provider, cache_dir=Path(cache_dir), now=now,
                                    start=PRICES_START)
    if answer.provenance.source == "live":
        _LIVE_ANSWERS.keep(cache_dir, answer)
    return answer


def msft_prices() -> price_feed.Prices:
    """MSFT daily prices since PRICES_START with their provenance (live, cached or snapshot).

    Raises DataFileError only if the snapshot shipped in data/ is itself broken.
    """
    # fetch_live is looked up at call time so tests can replace the feed at this one boundary.
    return _prices(str(price_feed.default_cache_dir()), price_feed.fetch_live)


@st.cache_data(ttl=RECHECK_SECONDS, refresh_mode="background", max_entries=4,
               show_spinner="Fetching the benchmarks' and the counterparties' prices…")
def _market_prices(cache_dir: str, tickers: tuple[str, ...],
                   _provider: price_feed.BatchProvider) -> dict[str, price_feed.Prices]:
    # As _prices, for the tickers of the Market page in one batched request; the answer is kept for
    # LIVE_TTL_SECONDS only when every ticker came live (a fallback is retried every RECHECK_SECONDS).
    now = datetime.now(UTC)
    key = f"{cache_dir}|{','.join(tickers)}"
    held = _LIVE_MARKET.fresh(key, now)
    if held is not None:
        return held
    answers = price_feed.load_many(tickers, provider=_provider, cache_dir=Path(cache_dir), now=now,
                                   start=PRICES_START)
    if all(answer.provenance.source == "live" for answer in answers.values()):
        _LIVE_MARKET.keep(key, answers, now)
    return answers


class _LiveBatches:
    """The last all-live batched answer per cache directory and tickers, shared by every session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[datetime, dict[str, price_feed.Prices]]] = {}

    def fresh(self, key: str, now: datetime) -> dict[str, price_feed.Prices] | None:
        with self._lock:
            held = self._answers.get(key)
        if held is None or (now - held[0]).total_seconds() >= LIVE_TTL_SECONDS:
            return None
        return held[1]

    def keep(self, key: str, answers: dict[str, price_feed.Prices], fetched_at: datetime) -> None:
        with self._lock:
            self._answers[key] = (fetched_at, answers)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


_LIVE_MARKET = _LiveBatches()


def market_prices(tickers: tuple[str, ...] = price_feed.MARKET_TICKERS) -> dict[str, price_feed.Prices]:
    """Daily prices of the benchmarks and the counterparties (one batched request), each with its own
    provenance: a ticker the feed fails on falls back alone. MSFT is not among them: it comes from
    msft_prices, which every page needs before the Market page asks for these.

    Raises DataFileError only if a snapshot shipped in data/prices/ is itself broken.
    """
    # fetch_live_batch is looked up at call time so tests can replace the feed at this one boundary.
    return _market_prices(str(price_feed.default_cache_dir()), tuple(tickers), price_feed.fetch_live_batch)


def forget_prices() -> None:
    """Drop every cached price answer, so that the next page asks the feed again."""
    _prices.clear()
    _LIVE_ANSWERS.clear()
    _market_prices.clear()
    _LIVE_MARKET.clear()


def quote_of(loaded: price_feed.Prices, now: datetime) -> Quote:
    """The latest close of ``loaded``, described as of ``now``."""
    close = price_feed.latest_close(loaded.frame)
    provenance = loaded.provenance
    short = price_feed.Prices(loaded.frame, replace(provenance, detail=""))
    return Quote(
        close_usd=close.close_usd,
        close_date=close.date,
        source=provenance.source,
        description=price_feed.describe(loaded, now),
        badge=price_feed.describe(short, now),
        detail=provenance.detail,
    )


def msft_quote() -> Quote | None:
    """The latest MSFT close with its provenance; None if no price at all can be had."""
    try:
        loaded = msft_prices()
    except Exception:  # noqa: BLE001 - numbers without a price are still shown
        _LOG.exception("no MSFT price could be loaded")
        return None
    return quote_of(loaded, datetime.now(UTC))


def sources() -> pd.DataFrame:
    return sources_table(facts())


def msft_price() -> float | None:
    """The MSFT close the numbers use (None when no price could be had): every cached run keys on it."""
    quote = msft_quote()
    return quote.close_usd if quote is not None else None
