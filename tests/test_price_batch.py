"""More tickers through the one price boundary: the benchmarks and the counterparties in one batched
request (``fetch_live_batch``), each ticker checked and falling back on its own (its saved download,
then its snapshot in data/prices/). The feed is faked where the product calls it (the batch provider,
or ``yfinance.download``); the fake answers are built from the real snapshots. No network."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
import yfinance

from model.market import prices
from model.market.prices import MARKET_TICKERS, load_many, load_snapshot, snapshot_path, split_batch
from model.market.prices import fetch_live_batch as real_fetch_live_batch  # conftest fakes the module attribute

NOW = datetime(2026, 9, 29, 15, 0, tzinfo=UTC)
START = date(2019, 1, 1)
# From data/prices/SOURCE.txt.
SNAPSHOT_SHA256 = {
    "SPY": "04a88d1feac53c679472f50394f1213bbae41f34186e868465172d9365ca2651",
    "QQQ": "804d30e09b59f053235e3f16bf0361da505e24de9cbc066fdd7237f53b3b8e99",
    "ORCL": "e9326b53509c4bdd7746200de56511fea877df2ab332d3118b1b717351394ae1",
    "NVDA": "8410fbfdbceb6ae145733cd524e4e0757fb495381ce3973764ea52fe775b12ff",
    "AMD": "5065b47d9470f91e24228a60e3bf0f05fdad228f60de7937643b68f00972ef88",
    "AVGO": "bd32969bc00b788b0a2522fb62e326cf85f66c34187a316b7e9937aeda83ae01",
    "AMZN": "284171d667e806ffd086a9eaff50345f2e0a387944a4d4ecb9a4c80455c20ac0",
    "CRWV": "a50818857aac28e01df7097051ae15cdfc0d0d17c457a08fdef90fb2020955cf",
}


@pytest.fixture(scope="module")
def snapshots() -> dict[str, pd.DataFrame]:
    return {ticker: load_snapshot(START, ticker=ticker).frame for ticker in MARKET_TICKERS}


def batch_answer(frames: dict[str, pd.DataFrame], until: str = "2026-06-30") -> pd.DataFrame:
    """A batched answer as yf.download(group_by="column") sends it: (field, ticker) columns on the union
    of the dates, NaN where a ticker has no bar (CRWV before its listing), Yahoo's field names."""
    parts = {ticker: frame.loc[:until].rename(columns=prices.CSV_COLUMNS) for ticker, frame in frames.items()}
    joined = pd.concat(parts, axis="columns", sort=True)  # (ticker, field)
    joined = joined.swaplevel(axis="columns").sort_index(axis="columns")
    joined.columns.names = ["Price", "Ticker"]
    joined.index = joined.index.tz_localize("America/New_York")  # Yahoo stamps bars at midnight New York
    joined.index.name = "Date"
    return joined


def provider_returning(answer: pd.DataFrame):
    calls: list[tuple[tuple[str, ...], date]] = []

    def provider(tickers: tuple[str, ...], start: date) -> pd.DataFrame:
        calls.append((tickers, start))
        return answer.copy()

    provider.calls = calls
    return provider


@pytest.mark.parametrize("ticker", sorted(SNAPSHOT_SHA256))
def test_snapshots_are_the_documented_files(ticker):
    assert hashlib.sha256(snapshot_path(ticker).read_bytes()).hexdigest() == SNAPSHOT_SHA256[ticker]
    frame = load_snapshot(START, ticker=ticker).frame
    assert frame.index[-1] == pd.Timestamp("2026-09-28")
    assert len(frame) == (377 if ticker == "CRWV" else 1945)  # rows per SOURCE.txt


def test_offline_every_ticker_shows_its_snapshot_with_its_as_of(monkeypatch, tmp_path):
    monkeypatch.setenv(prices.OFFLINE_ENV, "1")
    answers = load_many(cache_dir=tmp_path, now=NOW, start=START)  # the real fetch_live_batch, switched off
    assert list(answers) == list(MARKET_TICKERS)
    for ticker, answer in answers.items():
        assert answer.provenance.source == "snapshot", ticker
        assert answer.provenance.as_of == date(2026, 9, 28)
        assert answer.provenance.detail.startswith("live feed switched off")
        assert prices.describe(answer, NOW).startswith("offline snapshot, as of 2026-09-28")


def test_a_good_batch_makes_every_ticker_live_in_one_request(tmp_path, snapshots):
    provider = provider_returning(batch_answer(snapshots))
    answers = load_many(provider=provider, cache_dir=tmp_path, now=NOW, start=START)
    assert provider.calls == [(MARKET_TICKERS, START)]
    for ticker, answer in answers.items():
        assert answer.provenance.source == "live", ticker
        assert answer.provenance.as_of == date(2026, 6, 30)
        pd.testing.assert_frame_equal(answer.frame, snapshots[ticker].loc[:"2026-06-30"], check_freq=False)
        assert (tmp_path / prices.cache_file_name(ticker)).exists()
    # CRWV's rows before its listing were NaN in the batch and are not prices.
    assert answers["CRWV"].frame.index[0] == pd.Timestamp("2025-03-28")


def _empty_for(answer: pd.DataFrame, ticker: str) -> pd.DataFrame:
    answer = answer.copy()
    answer.loc[:, (slice(None), ticker)] = np.nan  # what yf.download leaves for a ticker it could not get
    return answer


def _gap_for(answer: pd.DataFrame, ticker: str) -> pd.DataFrame:
    answer = answer.copy()
    answer.iloc[-5:-2, answer.columns.get_loc(("Close", ticker))] = np.nan
    return answer


def _missing(answer: pd.DataFrame, ticker: str) -> pd.DataFrame:
    return answer.drop(columns=ticker, level="Ticker")


@pytest.mark.parametrize(("spoil", "reason"), [
    (_empty_for, "Yahoo Finance sent no prices for ORCL"),
    (_gap_for, "missing close"),
    (_missing, "Yahoo Finance sent nothing for ORCL"),
])
def test_one_failing_ticker_falls_back_alone(tmp_path, snapshots, spoil, reason):
    answer = spoil(batch_answer(snapshots), "ORCL")
    answers = load_many(provider=provider_returning(answer), cache_dir=tmp_path, now=NOW, start=START)
    assert answers["ORCL"].provenance.source == "snapshot"
    assert answers["ORCL"].provenance.as_of == date(2026, 9, 28)
    assert reason in answers["ORCL"].provenance.detail
    assert not (tmp_path / prices.cache_file_name("ORCL")).exists()  # a bad answer is never kept
    assert {t: a.provenance.source for t, a in answers.items() if t != "ORCL"} == dict.fromkeys(
        [t for t in MARKET_TICKERS if t != "ORCL"], "live")


def test_a_failing_ticker_uses_its_own_saved_download_first(tmp_path, snapshots):
    prices.write_cache(snapshots["ORCL"], tmp_path, fetched_at=datetime(2026, 9, 28, 21, tzinfo=UTC), ticker="ORCL")
    answer = _empty_for(batch_answer(snapshots), "ORCL")
    answers = load_many(provider=provider_returning(answer), cache_dir=tmp_path, now=NOW, start=START)
    assert answers["ORCL"].provenance.source == "cached"
    assert answers["ORCL"].provenance.detail.startswith("live feed failed: Yahoo Finance sent no prices for ORCL")
    assert answers["SPY"].provenance.source == "live"


def test_a_failing_request_falls_back_for_every_ticker(tmp_path):
    def provider(tickers, start):
        raise TimeoutError("timed out")

    answers = load_many(provider=provider, cache_dir=tmp_path, now=NOW, start=START)
    assert {a.provenance.source for a in answers.values()} == {"snapshot"}
    assert all(a.provenance.detail == "live feed failed: timed out; no saved download" for a in answers.values())


def test_split_batch_refuses_a_single_ticker_frame(snapshots):
    with pytest.raises(prices.PriceFeedError, match=r"\(field, ticker\) columns"):
        split_batch(snapshots["SPY"], "SPY")


def test_fetch_live_batch_asks_yfinance_once_for_every_ticker(monkeypatch, snapshots):
    monkeypatch.delenv(prices.OFFLINE_ENV, raising=False)
    calls = []

    def download(tickers, **kwargs):
        calls.append((tickers, kwargs))
        return batch_answer(snapshots)

    monkeypatch.setattr(yfinance, "download", download)
    raw = real_fetch_live_batch(MARKET_TICKERS, START)
    assert len(calls) == 1
    tickers, kwargs = calls[0]
    assert tickers == list(MARKET_TICKERS)
    assert kwargs["auto_adjust"] is False and kwargs["interval"] == "1d" and kwargs["start"] == "2019-01-01"
    assert kwargs["timeout"] == prices.LIVE_TIMEOUT_SECONDS and kwargs["progress"] is False
    assert split_batch(raw, "NVDA").index[-1] == pd.Timestamp("2026-06-30")


def test_fetch_live_batch_turns_a_logged_failure_into_the_reason(monkeypatch):
    monkeypatch.delenv(prices.OFFLINE_ENV, raising=False)

    def download(tickers, **kwargs):
        import logging
        logging.getLogger("yfinance").error("Failed download: ['SPY']: YFRateLimitError")
        return pd.DataFrame()

    monkeypatch.setattr(yfinance, "download", download)
    with pytest.raises(prices.PriceFeedError, match="YFRateLimitError"):
        real_fetch_live_batch(("SPY",), START)
