"""The MSFT price boundary: the feed is faked where the product calls it (the provider, or
yfinance.Ticker); the fake answers are slices of the real snapshot in data/. No network."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance
from yfinance.exceptions import YFRateLimitError

from model.market import prices
from model.market.prices import (
    CACHE_FILE_NAME,
    PRICE_COLUMNS,
    SNAPSHOT_PATH,
    Close,
    PriceFeedError,
    clean_price_frame,
    close_on_or_before,
    default_cache_dir,
    describe,
    latest_close,
    load_prices,
    load_snapshot,
    prices_report,
    read_cache,
    write_cache,
)

NOW = datetime(2026, 9, 29, 15, 0, tzinfo=UTC)
# From data/msft_daily.SOURCE.txt.
SNAPSHOT_SHA256 = "fff1b6ee259c372ca2978557afddd37465ef31aec2e38e6fb176ece51f1fd1a7"


def yahoo_shaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A checked price frame dressed as Ticker.history(auto_adjust=False) returns it: Yahoo's column
    names, the action columns, and bars stamped at midnight New York time."""
    raw = frame.rename(columns=prices.CSV_COLUMNS).astype({"Volume": "int64"})
    raw["Dividends"] = 0.0
    raw["Stock Splits"] = 0.0
    raw.index = frame.index.tz_localize("America/New_York")
    raw.index.name = "Date"
    return raw


@pytest.fixture(scope="module")
def snapshot_frame() -> pd.DataFrame:
    return load_snapshot().frame


@pytest.fixture
def live_answer(snapshot_frame: pd.DataFrame) -> pd.DataFrame:
    """The fake live answer: the snapshot's last two months, shaped as Yahoo sends it."""
    return yahoo_shaped(snapshot_frame.loc["2026-08-03":])


def provider_returning(answer):
    def provider(start: date) -> pd.DataFrame:
        return answer.copy()
    return provider


def provider_raising(error: BaseException):
    def provider(start: date) -> pd.DataFrame:
        raise error
    return provider


# --- the snapshot --------------------------------------------------------------------------------


def test_snapshot_file_is_the_documented_one():
    assert hashlib.sha256(SNAPSHOT_PATH.read_bytes()).hexdigest() == SNAPSHOT_SHA256
    full = load_snapshot(start=date(2010, 1, 1)).frame
    assert len(full) == 4209
    assert full.index[0] == pd.Timestamp("2010-01-04")
    assert full.index[-1] == pd.Timestamp("2026-09-28")


@pytest.mark.parametrize(("day", "close_usd"), [
    # Spot checks listed in data/msft_daily.SOURCE.txt.
    ("2019-01-02", 101.12), ("2019-07-22", 138.43), ("2020-03-16", 135.42),
    ("2023-01-23", 242.58), ("2025-10-28", 542.07), ("2025-10-31", 517.81),
])
def test_snapshot_spot_closes(snapshot_frame, day, close_usd):
    assert snapshot_frame.loc[day, "close"] == pytest.approx(close_usd, abs=1e-9)


def test_snapshot_frame_shape(snapshot_frame):
    assert list(snapshot_frame.columns) == list(PRICE_COLUMNS)
    assert snapshot_frame.index.name == "date"
    assert snapshot_frame.index.tz is None
    assert snapshot_frame.index.is_monotonic_increasing and snapshot_frame.index.is_unique
    assert len(snapshot_frame) == 1945  # rows from 2019-01-02, per SOURCE.txt
    assert snapshot_frame["volume"].dtype == "Int64"


# --- a good live answer -------------------------------------------------------------------------


def test_good_live_answer_is_shown_and_kept_on_disk(tmp_path, live_answer, snapshot_frame):
    result = load_prices(provider=provider_returning(live_answer), cache_dir=tmp_path, now=NOW)

    assert result.provenance.source == "live"
    assert result.provenance.as_of == date(2026, 9, 28)
    assert result.provenance.fetched_at == NOW
    assert "Yahoo Finance" in result.provenance.detail
    # Bars stamped at New York midnight keep their own date; nothing is shifted a day.
    pd.testing.assert_frame_equal(result.frame, snapshot_frame.loc["2026-08-03":])
    assert (tmp_path / CACHE_FILE_NAME).exists()
    assert describe(result, NOW) == "live, just now"
    assert describe(result, NOW + timedelta(minutes=2)) == "live, 2 min ago"
    assert describe(result, NOW + timedelta(hours=3)) == "live, 3 h ago"


def test_provider_is_asked_from_start(tmp_path, live_answer):
    asked = []

    def provider(start: date) -> pd.DataFrame:
        asked.append(start)
        return live_answer

    load_prices(provider=provider, cache_dir=tmp_path, now=NOW, start=date(2026, 8, 10))
    assert asked == [date(2026, 8, 10)]


def test_utc_midnight_stamps_keep_their_date(live_answer):
    as_utc = live_answer.copy()
    as_utc.index = live_answer.index.tz_localize(None).tz_localize("UTC")
    assert clean_price_frame(as_utc).index.equals(clean_price_frame(live_answer).index)
    assert clean_price_frame(as_utc).index[-1] == pd.Timestamp("2026-09-28")


@pytest.mark.parametrize("ticker_level", [0, 1])
def test_download_style_columns_for_msft_alone_are_normalised(live_answer, ticker_level):
    wide = live_answer.copy()
    pairs = [(column, "MSFT") for column in wide.columns]
    wide.columns = pd.MultiIndex.from_tuples([pair[::-1] if ticker_level == 0 else pair for pair in pairs])
    pd.testing.assert_frame_equal(clean_price_frame(wide), clean_price_frame(live_answer))


# --- every kind of feed failure falls back, and says why ----------------------------------------


def _mangled(answer: pd.DataFrame, how: str) -> pd.DataFrame:
    frame = answer.copy()
    if how == "empty":  # what yfinance returns after logging an error
        return pd.DataFrame(columns=list(frame.columns)).rename_axis("Date")
    if how == "missing_adj_close":  # what auto_adjust=True would return
        return frame.drop(columns=["Adj Close"])
    if how == "nan_close":
        frame.iloc[-3, frame.columns.get_loc("Close")] = np.nan
        return frame
    if how == "text_in_volume":
        frame["Volume"] = frame["Volume"].astype(object)
        frame.iloc[3, frame.columns.get_loc("Volume")] = "n/a"
        return frame
    if how == "two_tickers":
        other = frame.copy()
        frame.columns = pd.MultiIndex.from_product([["MSFT"], frame.columns]).swaplevel()
        other.columns = pd.MultiIndex.from_product([["AAPL"], other.columns]).swaplevel()
        return pd.concat([frame, other], axis="columns", sort=False)
    if how == "intraday_bars":
        frame.index = frame.index + pd.Timedelta(hours=10)
        return pd.concat([answer, frame])
    if how == "not_a_frame":
        return None
    raise AssertionError(how)


FAILURES = [
    (provider_raising(ConnectionError("Could not resolve host: query2.finance.yahoo.com")),
     "no connection (server name not found)"),
    (provider_raising(ConnectionError("Connection refused")), "no connection (Yahoo Finance could not be reached)"),
    (provider_raising(RuntimeError("Failed to perform, curl: (7) Failed to connect to a.example port 443")),
     "no connection (Yahoo Finance could not be reached)"),
    (provider_raising(TimeoutError("read timed out")), "timed out"),
    (provider_raising(YFRateLimitError()), "rate limited by Yahoo Finance"),
    (provider_raising(RuntimeError("unexpected answer")), "RuntimeError: unexpected answer"),
    ("empty", "the answer holds no prices"),
    ("missing_adj_close", "columns missing: adj_close"),
    ("nan_close", "1 missing close(s) (first on 2026-09-24)"),
    ("text_in_volume", "volume holds values that are not numbers"),
    ("two_tickers", "the answer mixes tickers (MSFT and AAPL)"),
    ("intraday_bars", "two bars on one date"),
    ("not_a_frame", "expected a table of prices, got NoneType"),
]


@pytest.mark.parametrize(("failure", "reason"), FAILURES)
def test_feed_failure_without_saved_download_shows_snapshot(tmp_path, live_answer, failure, reason):
    provider = provider_returning(_mangled(live_answer, failure)) if isinstance(failure, str) else failure
    if failure == "not_a_frame":
        provider = lambda start: None  # noqa: E731

    result = load_prices(provider=provider, cache_dir=tmp_path, now=NOW)

    assert result.provenance.source == "snapshot"
    assert result.provenance.as_of == date(2026, 9, 28)
    assert result.provenance.fetched_at is None
    assert result.provenance.detail.startswith(f"live feed failed: {reason}")
    assert result.provenance.detail.endswith("; no saved download")
    assert describe(result, NOW).startswith("offline snapshot, as of 2026-09-28 (live feed failed: ")
    assert not (tmp_path / CACHE_FILE_NAME).exists()  # a bad answer is never kept


def test_fallback_order_live_then_saved_download_then_snapshot(tmp_path, live_answer):
    first = load_prices(provider=provider_returning(live_answer), cache_dir=tmp_path, now=NOW)
    later = NOW + timedelta(hours=5)

    second = load_prices(provider=provider_raising(TimeoutError()), cache_dir=tmp_path, now=later)

    assert second.provenance.source == "cached"
    assert second.provenance.fetched_at == NOW
    assert second.provenance.as_of == date(2026, 9, 28)
    assert second.provenance.detail == "live feed failed: timed out"
    assert describe(second, later) == "cached, as of 2026-09-28 (live feed failed: timed out)"
    pd.testing.assert_frame_equal(second.frame, first.frame)

    (tmp_path / CACHE_FILE_NAME).unlink()
    third = load_prices(provider=provider_raising(TimeoutError()), cache_dir=tmp_path, now=later)
    assert third.provenance.source == "snapshot"


def test_saved_download_older_than_snapshot_gives_way(tmp_path, snapshot_frame):
    write_cache(snapshot_frame.loc[:"2026-06-30"], tmp_path, fetched_at=NOW - timedelta(days=90))
    result = load_prices(provider=provider_raising(TimeoutError()), cache_dir=tmp_path, now=NOW)
    assert result.provenance.source == "snapshot"
    assert "saved download ends 2026-06-30, before the snapshot" in result.provenance.detail


@pytest.mark.parametrize(("content", "reason"), [
    ("\x00\x01 not a csv at all", "no download time or checksum"),
    ("Date,Open,High,Low,Close,Adj Close,Volume\n2026-09-28,1,1,1,1,1,1\n", "no download time or checksum"),
    ("# fetched_at=2026-09-29T15:00:00+00:00 sha256={digest}\nDate,Open\n2026-09-28,1\n",
     "columns missing: high, low, close, adj_close, volume"),
    ("# fetched_at=yesterday sha256={digest}\nDate,Open,High,Low,Close,Adj Close,Volume\n",
     "download time unreadable"),
    ("# fetched_at=2026-09-29T15:00:00+00:00 sha256=0123\nDate,Open,High,Low,Close,Adj Close,Volume\n",
     "checksum does not match"),
])
def test_corrupt_saved_download_is_ignored_with_a_reason(tmp_path, content, reason):
    body = content.partition("\n")[2]
    content = content.replace("{digest}", hashlib.sha256(body.encode()).hexdigest())
    (tmp_path / CACHE_FILE_NAME).write_text(content, encoding="utf-8")
    result = load_prices(provider=provider_raising(TimeoutError()), cache_dir=tmp_path, now=NOW)
    assert result.provenance.source == "snapshot"
    assert result.provenance.detail.startswith("live feed failed: timed out; saved download ignored (")
    assert reason in result.provenance.detail


def test_truncated_saved_download_is_ignored(tmp_path, snapshot_frame):
    path = write_cache(snapshot_frame.loc["2026-09-01":], tmp_path, fetched_at=NOW)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) - 20], encoding="utf-8")  # cut inside the last row
    with pytest.raises(PriceFeedError, match="checksum does not match"):
        read_cache(tmp_path)


def test_saved_download_round_trips_and_leaves_no_temporary_file(tmp_path, snapshot_frame):
    frame = snapshot_frame.loc["2026-07-01":]
    write_cache(frame, tmp_path, fetched_at=NOW)
    assert [p.name for p in tmp_path.iterdir()] == [CACHE_FILE_NAME]
    saved = read_cache(tmp_path)
    pd.testing.assert_frame_equal(saved.frame, frame)
    assert saved.provenance.fetched_at == NOW


def test_live_answer_is_shown_even_if_no_copy_can_be_kept(tmp_path, live_answer):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    result = load_prices(provider=provider_returning(live_answer), cache_dir=not_a_directory, now=NOW)
    assert result.provenance.source == "live"
    assert "could not keep a copy on disk" in result.provenance.detail


def test_cache_directory_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MSFT_PRICE_CACHE_DIR", str(tmp_path / "prices"))
    assert default_cache_dir() == tmp_path / "prices"
    monkeypatch.delenv("MSFT_PRICE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "openai-exposure"


def test_naive_now_is_refused(tmp_path, live_answer):
    with pytest.raises(ValueError, match="time-zone-aware"):
        load_prices(provider=provider_returning(live_answer), cache_dir=tmp_path, now=datetime(2026, 9, 29))


# --- the real fetch_live, with yfinance.Ticker replaced ------------------------------------------


class FakeTicker:
    calls: list[tuple[str, dict]] = []
    answer: object = None

    def __init__(self, symbol, session=None):
        self.symbol = symbol

    def history(self, **kwargs):
        FakeTicker.calls.append((self.symbol, kwargs))
        if isinstance(FakeTicker.answer, BaseException):
            raise FakeTicker.answer
        if callable(FakeTicker.answer):
            return FakeTicker.answer()
        return FakeTicker.answer


@pytest.fixture
def fake_ticker(monkeypatch):
    FakeTicker.calls = []
    monkeypatch.setattr(yfinance, "Ticker", FakeTicker)
    return FakeTicker


def test_fetch_live_asks_yahoo_for_unadjusted_daily_bars(tmp_path, fake_ticker, live_answer, snapshot_frame):
    fake_ticker.answer = live_answer
    result = load_prices(cache_dir=tmp_path, now=NOW, start=date(2026, 8, 3))

    assert result.provenance.source == "live"
    pd.testing.assert_frame_equal(result.frame, snapshot_frame.loc["2026-08-03":])
    [(symbol, kwargs)] = fake_ticker.calls
    assert symbol == "MSFT"
    assert kwargs["auto_adjust"] is False
    assert kwargs["start"] == "2026-08-03"
    assert kwargs["interval"] == "1d"
    assert kwargs["timeout"] == prices.LIVE_TIMEOUT_SECONDS


def test_yfinance_logged_error_becomes_the_reason_and_is_not_printed(tmp_path, fake_ticker, capfd):
    def logs_and_returns_empty():
        logging.getLogger("yfinance").error("$MSFT: possibly delisted; no price data found")
        return pd.DataFrame(columns=["Open", "High", "Low", "Close", "Adj Close", "Volume"])

    fake_ticker.answer = logs_and_returns_empty
    result = load_prices(cache_dir=tmp_path, now=NOW)

    assert result.provenance.source == "snapshot"
    assert result.provenance.detail.startswith(
        "live feed failed: Yahoo Finance sent no prices ($MSFT: possibly delisted; no price data found)")
    assert "possibly delisted" not in capfd.readouterr().err


def test_yfinance_rate_limit_falls_back(tmp_path, fake_ticker):
    fake_ticker.answer = YFRateLimitError()
    result = load_prices(cache_dir=tmp_path, now=NOW)
    assert result.provenance.source == "snapshot"
    assert result.provenance.detail.startswith("live feed failed: rate limited by Yahoo Finance")


def test_importing_the_model_does_not_import_yfinance():
    code = ("import sys, model.market.prices, model.market.events; "
            "print('yfinance' in sys.modules, 'streamlit' in sys.modules)")
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert answer.stdout.split() == ["False", "False"]


# --- derived values and words --------------------------------------------------------------------


def test_latest_close_and_close_on_or_before(snapshot_frame):
    assert latest_close(snapshot_frame) == Close(date(2026, 9, 28), 509.22)
    # 2023-01-22 is a Sunday; the Friday before, 2023-01-20, closed at 240.22 (data/msft_daily.csv).
    assert close_on_or_before(snapshot_frame, date(2023, 1, 22)) == Close(date(2023, 1, 20), 240.22)
    assert close_on_or_before(snapshot_frame, date(2023, 1, 23)) == Close(date(2023, 1, 23), 242.58)
    assert close_on_or_before(snapshot_frame, date(2018, 12, 31)) is None


def test_prices_report(tmp_path, live_answer):
    result = load_prices(provider=provider_raising(TimeoutError()), cache_dir=tmp_path, now=NOW)
    report = prices_report(result, NOW)
    assert report.splitlines()[:2] == [
        "MSFT prices: offline snapshot, as of 2026-09-28 (live feed failed: timed out; no saved download)",
        "Latest close: 509.22 USD on 2026-09-28",
    ]


def test_an_unfinished_last_bar_is_dropped_not_the_whole_answer():
    # While the market is open, Yahoo may send today's bar without a close (data/msft_daily.SOURCE.txt
    # saw this for 2026-09-29); the prices before it are still good.
    answer = load_snapshot(start=date(2026, 9, 1)).frame.rename(columns=str.title)
    partial = pd.DataFrame([[510.0, 512.0, 508.0, np.nan, np.nan, 1000]], columns=answer.columns,
                           index=pd.DatetimeIndex([pd.Timestamp("2026-09-29")], name=answer.index.name))
    frame = clean_price_frame(pd.concat([answer, partial]))
    assert frame.index[-1] == pd.Timestamp("2026-09-28")
    assert frame["close"].iloc[-1] == 509.22


def test_the_offline_switch_skips_the_feed(monkeypatch, tmp_path):
    def must_not_be_called(*args, **kwargs):
        raise AssertionError("the feed was asked although it is switched off")

    monkeypatch.setenv("MSFT_PRICE_OFFLINE", "1")
    monkeypatch.setattr(yfinance, "Ticker", must_not_be_called)
    result = load_prices(now=NOW, cache_dir=tmp_path)
    assert result.provenance.source == "snapshot"
    assert "live feed switched off (MSFT_PRICE_OFFLINE=1)" in result.provenance.detail
    assert "failed" not in result.provenance.detail  # switched off by choice: nothing failed
