"""Daily share prices: the one boundary with the outside price feed (Yahoo Finance via yfinance).

`load_prices` (MSFT, which every page needs) tries, in order:
  1. live: `provider(start)`, by default `fetch_live` (Yahoo Finance);
  2. cached: the last good live download, kept on disk as CSV;
  3. snapshot: data/msft_daily.csv, shipped with the product.
`load_many` does the same for several tickers at once (the benchmarks and the companies OpenAI owes,
see MARKET_TICKERS): one batched request (`fetch_live_batch`), then, ticker by ticker, the same checks
and the same fallbacks (that ticker's saved download, then data/prices/<TICKER>_daily.csv), so a ticker
that fails falls back alone while the others stay live.
Every answer, wherever it came from, passes the same checks (`clean_price_frame`) and comes back as a
`Prices`: one price frame and its `Provenance` (which source, as of which session, why a fallback).

Prices are as traded (not adjusted for dividends), in USD per share; `adj_close` is Yahoo's split and
dividend adjusted close.

One concept, one module: the feed, its cache on disk and the snapshot are the three answers to the
one question "what were a ticker's prices", checked by the same rules.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, NamedTuple

import pandas as pd

from model.datafiles import DATA_DIR, DataFileError

TICKER = "MSFT"
DEFAULT_START = date(2019, 1, 1)
# Short on purpose: the page waits for this before it can fall back. yfinance's own time-zone
# lookup, made once per ticker before the history request, uses a fixed 10 s of its own.
LIVE_TIMEOUT_SECONDS = 5.0
SNAPSHOT_PATH = DATA_DIR / "msft_daily.csv"
# Snapshots of the other tickers, one file each, with their provenance in data/prices/SOURCE.txt.
SNAPSHOT_DIR = DATA_DIR / "prices"
BENCHMARKS = ("SPY", "QQQ")
# The companies whose backlogs hold OpenAI's bills (model.market.complex names them).
COUNTERPARTY_TICKERS = ("ORCL", "CRWV", "NVDA", "AMD", "AVGO", "AMZN")
MARKET_TICKERS = (*BENCHMARKS, *COUNTERPARTY_TICKERS)
# MSFT with the Market page's tickers: what the event study and the rebased prices are made from.
COMPLEX_TICKERS = (TICKER, *MARKET_TICKERS)
# From 2010: every event's estimation window (250 sessions before it) lies inside the prices loaded.
COMPLEX_START = date(2010, 1, 1)
CACHE_DIR_ENV = "MSFT_PRICE_CACHE_DIR"
# Set to 1 on a machine with no internet (and in the browser tests): the feed is not asked at all,
# and the saved download or the snapshot is shown at once, saying so.
OFFLINE_ENV = "MSFT_PRICE_OFFLINE"
CACHE_FILE_NAME = "msft_daily_live.csv"
PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
# The snapshot and the cache file share Yahoo's CSV header, so one reader serves both.
CSV_COLUMNS = {"open": "Open", "high": "High", "low": "Low", "close": "Close",
               "adj_close": "Adj Close", "volume": "Volume"}
_REASON_MAX_CHARS = 160

Source = Literal["live", "cached", "snapshot"]
Provider = Callable[[date], pd.DataFrame]
# Asked for several tickers at once; answers one frame with (field, ticker) columns, as yf.download does.
BatchProvider = Callable[[tuple[str, ...], date], pd.DataFrame]


class PriceFeedError(Exception):
    """A price answer that cannot be used; the message says why, in words a user can read."""


class PriceFeedSwitchedOff(PriceFeedError):
    """The feed was not asked, by choice (MSFT_PRICE_OFFLINE): nothing failed, and the note says so."""


@dataclass(frozen=True)
class Provenance:
    source: Source
    as_of: date  # the date of the last daily bar
    fetched_at: datetime | None  # when the live answer arrived (live and cached); None for the snapshot
    # live: the feed's name (plus a note if no copy could be kept); cached and snapshot reached by
    # fallback: why, e.g. "live feed failed: timed out"; snapshot asked for directly: empty.
    detail: str


# eq=False: a DataFrame has no single truth value, so generated __eq__/__hash__ would fail.
@dataclass(frozen=True, eq=False)
class Prices:
    frame: pd.DataFrame  # index "date" (tz-naive, one row per session), columns PRICE_COLUMNS
    provenance: Provenance


class Close(NamedTuple):
    date: date
    close_usd: float


# --- the live feed -----------------------------------------------------------------------------


def fetch_live(start: date = DEFAULT_START, *, timeout_seconds: float = LIVE_TIMEOUT_SECONDS) -> pd.DataFrame:
    """Daily MSFT bars from Yahoo Finance since `start`, as yfinance returns them (not yet checked).

    yfinance usually reports a failed request by logging an error and returning an empty frame; the
    logged reason is captured here and raised as PriceFeedError so that the fallback can say why.
    Rate limits arrive as yfinance's YFRateLimitError and network errors as exceptions: both propagate.
    """
    if os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes"):
        raise PriceFeedSwitchedOff(f"switched off ({OFFLINE_ENV}={os.environ[OFFLINE_ENV]})")
    # Imported here for start-up time, and so that importing the model works offline.
    import yfinance

    with _yfinance_errors() as logged:
        raw = yfinance.Ticker(TICKER).history(
            start=start.isoformat(),
            interval="1d",
            auto_adjust=False,  # keep as-traded OHLC and Yahoo's Adj Close side by side
            actions=False,
            timeout=timeout_seconds,
        )
    if (raw is None or len(raw) == 0) and logged:
        raise PriceFeedError(f"Yahoo Finance sent no prices ({logged[-1]})")
    return raw


def fetch_live_batch(tickers: tuple[str, ...], start: date = DEFAULT_START, *,
                     timeout_seconds: float = LIVE_TIMEOUT_SECONDS) -> pd.DataFrame:
    """Daily bars of several tickers from Yahoo Finance in one batched request (yf.download), as
    yfinance returns them: one frame with (field, ticker) columns, not yet checked.

    A ticker Yahoo cannot answer comes back as empty columns (and a logged error), which
    `split_batch` turns into that ticker's own failure; only a failure of the whole request raises.
    """
    if os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes"):
        raise PriceFeedSwitchedOff(f"switched off ({OFFLINE_ENV}={os.environ[OFFLINE_ENV]})")
    # Imported here for start-up time, and so that importing the model works offline.
    import yfinance

    # yf.download fetches the tickers on its own worker threads: collect what any thread logs.
    with _yfinance_errors(any_thread=True) as logged:
        raw = yfinance.download(list(tickers), start=start.isoformat(), interval="1d", auto_adjust=False,
                                actions=False, group_by="column", progress=False, threads=True,
                                timeout=timeout_seconds, multi_level_index=True)
    if (raw is None or len(raw) == 0) and logged:
        raise PriceFeedError(f"Yahoo Finance sent no prices ({logged[-1]})")
    if raw is None:
        raise PriceFeedError("Yahoo Finance sent no prices")
    return raw


@contextmanager
def _yfinance_errors(*, any_thread: bool = False) -> Iterator[list[str]]:
    """Collect what yfinance logs at WARNING or above in this thread (or any, if asked), instead of
    printing it."""
    messages: list[str] = []
    thread_id = threading.get_ident()

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if any_thread or record.thread == thread_id:
                messages.append(record.getMessage())

    handler = _Collect(level=logging.WARNING)
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


# --- checking a price frame --------------------------------------------------------------------


def clean_price_frame(raw: object, ticker: str = TICKER) -> pd.DataFrame:
    """A checked copy of a price answer, or PriceFeedError saying what is wrong with it.

    Normalised rather than rejected, because the prices themselves are fine:
    - column names in any case or spacing ("Adj Close", "adj close", "adj_close");
    - extra columns (yfinance's Dividends, Stock Splits), which are dropped;
    - multi-level columns as yf.download returns them, when they hold ``ticker`` alone;
    - a time-zone-aware index: each bar keeps the calendar date it has in its own time zone, since
      Yahoo stamps daily bars at midnight exchange time (converting to UTC first would move every
      bar to the day before);
    - a "Date" column instead of a date index; rows out of order;
    - a last bar with no close: while the market is open Yahoo may send today's bar unfinished,
      which is dropped (the day before is then the latest close).
    Rejected: no rows, missing columns, values that are not numbers, a missing close before the last
    bar, a non-positive close,
    two bars on one date (e.g. intraday bars), dates that cannot be read.
    """
    if not isinstance(raw, pd.DataFrame):
        raise PriceFeedError(f"expected a table of prices, got {type(raw).__name__}")
    frame = raw.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        frame = _single_ticker(frame, ticker)
    frame.columns = [str(column).strip().lower().replace(" ", "_") for column in frame.columns]
    if "date" in frame.columns:
        frame = frame.set_index("date")
    if frame.empty:
        raise PriceFeedError("the answer holds no prices")
    missing = [column for column in PRICE_COLUMNS if column not in frame.columns]
    if missing:
        raise PriceFeedError(f"columns missing: {', '.join(missing)}")
    frame = frame[list(PRICE_COLUMNS)]
    frame.index = _session_dates(frame.index)
    for column in PRICE_COLUMNS:
        values = pd.to_numeric(frame[column], errors="coerce")
        not_numbers = values.isna() & frame[column].notna()
        if not_numbers.any():
            raise PriceFeedError(f"{column} holds values that are not numbers "
                                 f"(first on {_first_date(not_numbers)})")
        frame[column] = values.astype("float64")
    frame = frame.sort_index()
    while len(frame) and pd.isna(frame["close"].iloc[-1]):
        frame = frame.iloc[:-1]
    if frame.empty:
        raise PriceFeedError("the answer holds no closing prices")
    if frame["close"].isna().any():
        count = int(frame["close"].isna().sum())
        raise PriceFeedError(f"{count} missing close(s) (first on {_first_date(frame['close'].isna())})")
    if (frame["close"] <= 0).any():
        raise PriceFeedError(f"a close at or below zero (on {_first_date(frame['close'] <= 0)})")
    if frame.index.has_duplicates:
        raise PriceFeedError(f"two bars on one date ({frame.index[frame.index.duplicated()][0].date()})")
    # Int64 keeps whole-share counts exact in exports and still allows a missing volume.
    frame["volume"] = frame["volume"].round().astype("Int64")
    return frame.sort_index()


def _single_ticker(frame: pd.DataFrame, ticker: str) -> pd.DataFrame:
    if frame.columns.nlevels != 2:
        raise PriceFeedError(f"columns have {frame.columns.nlevels} levels; expected prices for {ticker}")
    for level in (0, 1):
        tickers = {str(value).upper() for value in frame.columns.get_level_values(level)}
        if ticker in tickers:
            if tickers != {ticker}:
                others = ", ".join(sorted(tickers - {ticker}))
                raise PriceFeedError(f"the answer mixes tickers ({ticker} and {others})")
            return frame.droplevel(level, axis="columns")
    raise PriceFeedError(f"multi-level columns without {ticker}")


def split_batch(raw: object, ticker: str) -> pd.DataFrame:
    """One ticker's checked frame out of a batched answer (see `fetch_live_batch`), or PriceFeedError
    saying what is wrong with that ticker's part alone.

    Sessions on which this ticker has no bar at all (before its listing, or all of them when Yahoo
    could not answer for it) are dropped before the checks: the batch lines every ticker up on the
    union of their dates.
    """
    if not isinstance(raw, pd.DataFrame):
        raise PriceFeedError(f"expected a table of prices, got {type(raw).__name__}")
    if not isinstance(raw.columns, pd.MultiIndex) or raw.columns.nlevels != 2:
        raise PriceFeedError("a batched answer needs (field, ticker) columns")
    for level in (0, 1):
        names = [str(value).upper() for value in raw.columns.get_level_values(level)]
        if ticker in names:
            part = raw.loc[:, [name == ticker for name in names]].droplevel(level, axis="columns")
            break
    else:
        raise PriceFeedError(f"Yahoo Finance sent nothing for {ticker}")
    part = part.dropna(how="all")
    if part.empty:
        raise PriceFeedError(f"Yahoo Finance sent no prices for {ticker}")
    return clean_price_frame(part, ticker)


def _session_dates(index: pd.Index) -> pd.DatetimeIndex:
    try:
        dates = pd.DatetimeIndex(index)
    except (TypeError, ValueError) as error:
        raise PriceFeedError(f"dates cannot be read ({_short(error)})") from error
    if dates.hasnans:
        raise PriceFeedError("a bar has no date")
    if dates.tz is not None:
        dates = dates.tz_localize(None)  # keeps the wall-clock date, see clean_price_frame
    dates = dates.normalize()
    dates.name = "date"
    return dates


def _first_date(mask: pd.Series) -> str:
    return str(mask[mask].index[0].date())


# --- loading with fallbacks --------------------------------------------------------------------


def load_prices(
    *,
    provider: Provider = fetch_live,
    cache_dir: Path | None = None,
    now: datetime,
    start: date = DEFAULT_START,
) -> Prices:
    """MSFT daily prices from `start`: live if the feed answers well, else the last saved live answer,
    else the shipped snapshot. Never raises for a feed or cache problem; raises DataFileError only if
    the shipped snapshot itself is broken. `now` must be time-zone aware (it stamps the download).
    """
    _require_aware(now)
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        frame = clean_price_frame(provider(start))
    except Exception as error:  # any feed failure falls back; its reason is shown to the user
        happened = "" if isinstance(error, PriceFeedSwitchedOff) else "failed: "
        reasons = [f"live feed {happened}{_explain(error)}"]
    else:
        frame = frame[frame.index >= pd.Timestamp(start)]
        if frame.empty:
            reasons = [f"live feed failed: no prices since {start.isoformat()}"]
        else:
            detail = "Yahoo Finance"
            try:
                write_cache(frame, directory, fetched_at=now)
            except OSError as error:
                detail += f"; could not keep a copy on disk ({_short(error)})"
            return Prices(frame, Provenance("live", _last_date(frame), now, detail))

    return _fall_back(TICKER, reasons, directory, start)


def load_many(
    tickers: tuple[str, ...] = MARKET_TICKERS,
    *,
    provider: BatchProvider = fetch_live_batch,
    cache_dir: Path | None = None,
    now: datetime,
    start: date = DEFAULT_START,
) -> dict[str, Prices]:
    """Daily prices of each of `tickers` from `start`, asked of the feed in one batched request.

    Each ticker is then checked on its own: live if its part of the answer is good, else its last saved
    live answer, else its shipped snapshot (data/prices/<TICKER>_daily.csv). A ticker that fails falls
    back alone, saying why, while the others stay live. Raises DataFileError only if a shipped snapshot
    that is needed is itself broken.
    """
    _require_aware(now)
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        raw = provider(tuple(tickers), start)
        failure = None
    except Exception as error:  # any feed failure falls back; its reason is shown to the user
        raw, failure = None, error
    answers: dict[str, Prices] = {}
    for ticker in tickers:
        if failure is not None:
            happened = "" if isinstance(failure, PriceFeedSwitchedOff) else "failed: "
            answers[ticker] = _fall_back(ticker, [f"live feed {happened}{_explain(failure)}"], directory, start)
            continue
        try:
            frame = split_batch(raw, ticker)
            frame = frame[frame.index >= pd.Timestamp(start)]
            if frame.empty:
                raise PriceFeedError(f"no prices since {start.isoformat()}")
        except Exception as error:  # this ticker alone falls back
            answers[ticker] = _fall_back(ticker, [f"live feed failed: {_explain(error)}"], directory, start)
            continue
        detail = "Yahoo Finance"
        try:
            write_cache(frame, directory, fetched_at=now, ticker=ticker)
        except OSError as error:
            detail += f"; could not keep a copy on disk ({_short(error)})"
        answers[ticker] = Prices(frame, Provenance("live", _last_date(frame), now, detail))
    return answers


def load_complex(*, live: bool = False, now: datetime | None = None,
                 start: date = COMPLEX_START) -> dict[str, Prices]:
    """MSFT, the benchmarks and the counterparties (COMPLEX_TICKERS): the snapshots shipped in data/
    (reproducible; the default), or with ``live`` the feed (``load_prices`` and ``load_many``, each ticker
    falling back alone), which needs ``now``."""
    if not live:
        return {ticker: load_snapshot(start, ticker=ticker) for ticker in COMPLEX_TICKERS}
    if now is None:
        raise ValueError("load_complex(live=True) needs now")
    # The feeds are looked up at call time (not bound as defaults) so tests can replace them at this boundary.
    answers = {TICKER: load_prices(provider=fetch_live, now=now, start=start)}
    answers.update(load_many(MARKET_TICKERS, provider=fetch_live_batch, now=now, start=start))
    return answers


def _fall_back(ticker: str, reasons: list[str], directory: Path, start: date) -> Prices:
    """The saved download of `ticker` if it is good and not older than the snapshot, else the snapshot;
    the provenance's detail says why the live feed (and the saved download) were not used."""
    snapshot = load_snapshot(start, ticker=ticker)
    try:
        cached = read_cache(directory, start, ticker=ticker)
    except PriceFeedError as error:
        reasons.append(str(error))
        cached = None
    else:
        if cached is None:
            reasons.append("no saved download")
    if cached is not None and cached.provenance.as_of < snapshot.provenance.as_of:
        reasons.append(f"saved download ends {cached.provenance.as_of}, before the snapshot")
        cached = None
    chosen = cached if cached is not None else snapshot
    detail = "; ".join(reasons)
    return Prices(chosen.frame, Provenance(chosen.provenance.source, chosen.provenance.as_of,
                                           chosen.provenance.fetched_at, detail))


def snapshot_path(ticker: str = TICKER) -> Path:
    """Where the snapshot of `ticker` is shipped: data/msft_daily.csv, else data/prices/<TICKER>_daily.csv."""
    return SNAPSHOT_PATH if ticker == TICKER else SNAPSHOT_DIR / f"{ticker}_daily.csv"


def cache_file_name(ticker: str = TICKER) -> str:
    """The saved download's file name: msft_daily_live.csv for MSFT, spy_daily_live.csv for SPY, ..."""
    return f"{ticker.lower()}_daily_live.csv"


def load_snapshot(start: date = DEFAULT_START, path: Path | None = None, *, ticker: str = TICKER) -> Prices:
    """The price snapshot of `ticker` shipped in data/, from `start`."""
    path = path if path is not None else snapshot_path(ticker)
    try:
        frame = _read_price_csv(path, ticker)
    except (OSError, PriceFeedError) as error:
        raise DataFileError(f"{path.name}: the price snapshot cannot be used ({_short(error)})") from error
    frame = frame[frame.index >= pd.Timestamp(start)]
    if frame.empty:
        raise DataFileError(f"{path.name}: no prices from {start.isoformat()} on")
    return Prices(frame, Provenance("snapshot", _last_date(frame), None, ""))


def default_cache_dir() -> Path:
    """$MSFT_PRICE_CACHE_DIR if set, else the per-user cache directory (XDG_CACHE_HOME or ~/.cache)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "openai-exposure"


def write_cache(frame: pd.DataFrame, cache_dir: Path, *, fetched_at: datetime, ticker: str = TICKER) -> Path:
    """Keep a good live answer on disk; the file is replaced whole, so a reader never sees half of it."""
    _require_aware(fetched_at)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / cache_file_name(ticker)
    body = frame.rename(columns=CSV_COLUMNS).rename_axis("Date").to_csv(date_format="%Y-%m-%d")
    header = f"# fetched_at={fetched_at.isoformat()} sha256={_digest(body)}\n"
    with tempfile.NamedTemporaryFile("w", dir=cache_dir, prefix=f".{ticker.lower()}_daily.", suffix=".tmp",
                                     delete=False, encoding="utf-8", newline="") as handle:
        handle.write(header + body)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.replace(handle.name, target)
    except OSError:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return target


def read_cache(cache_dir: Path, start: date = DEFAULT_START, *, ticker: str = TICKER) -> Prices | None:
    """The saved live answer, None if there is none, PriceFeedError if it cannot be used."""
    path = cache_dir / cache_file_name(ticker)
    if not path.exists():
        return None
    try:
        header, _, body = path.read_text(encoding="utf-8").partition("\n")
        fields = dict(part.split("=", 1) for part in header.removeprefix("#").split() if "=" in part)
        if "fetched_at" not in fields or "sha256" not in fields:
            raise PriceFeedError("no download time or checksum")
        if fields["sha256"] != _digest(body):
            raise PriceFeedError("checksum does not match: the file was changed or cut short")
        fetched_at = _parse_fetched_at(fields["fetched_at"])
        frame = _read_price_csv(io.StringIO(body), ticker)
    except (OSError, UnicodeDecodeError, PriceFeedError) as error:
        raise PriceFeedError(f"saved download ignored ({_short(error)})") from error
    frame = frame[frame.index >= pd.Timestamp(start)]
    if frame.empty:
        raise PriceFeedError(f"saved download ignored (no prices since {start.isoformat()})")
    return Prices(frame, Provenance("cached", _last_date(frame), fetched_at, "saved download"))


def _read_price_csv(source: Path | io.StringIO, ticker: str = TICKER) -> pd.DataFrame:
    try:
        raw = pd.read_csv(source)
    except (ValueError, pd.errors.ParserError) as error:
        raise PriceFeedError(f"not a price table: {_short(error)}") from error
    return clean_price_frame(raw, ticker)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse_fetched_at(text: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError as error:
        raise PriceFeedError(f"download time unreadable: {text[:40]!r}") from error
    if stamp.tzinfo is None:
        raise PriceFeedError("download time has no time zone")
    return stamp


# --- derived from a price frame (pure) ---------------------------------------------------------


def latest_close(frame: pd.DataFrame) -> Close:
    """The last session's date and close."""
    return Close(_last_date(frame), float(frame["close"].iloc[-1]))


def close_on_or_before(frame: pd.DataFrame, day: date) -> Close | None:
    """The close of the last session on or before `day`; None if the prices start later."""
    position = int(frame.index.searchsorted(pd.Timestamp(day), side="right")) - 1
    if position < 0:
        return None
    return Close(frame.index[position].date(), float(frame["close"].iloc[position]))


def _last_date(frame: pd.DataFrame) -> date:
    return frame.index[-1].date()


# --- words for people --------------------------------------------------------------------------


def describe(prices: Prices, now: datetime) -> str:
    """The badge text: which prices are shown and as of when, e.g. "live, 2 min ago",
    "cached, as of 2026-11-20 (live feed failed: timed out)", "offline snapshot, as of 2026-09-28 (...)".
    """
    provenance = prices.provenance
    if provenance.source == "live":
        return f"live, {_age(provenance.fetched_at, now)}"
    name = "cached" if provenance.source == "cached" else "offline snapshot"
    text = f"{name}, as of {provenance.as_of.isoformat()}"
    return f"{text} ({provenance.detail})" if provenance.detail else text


def prices_report(prices: Prices, now: datetime) -> str:
    """The plain-text answer of `python -m model prices`."""
    close = latest_close(prices.frame)
    provenance = prices.provenance
    lines = [
        f"MSFT prices: {describe(prices, now)}",
        f"Latest close: {close.close_usd:.2f} USD on {close.date.isoformat()}",
        f"Sessions: {len(prices.frame)} ({prices.frame.index[0].date()} .. {close.date})",
    ]
    if provenance.fetched_at is not None:
        lines.append(f"Downloaded: {provenance.fetched_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if provenance.source == "live":
        lines.append(f"Source: {provenance.detail}")
    return "\n".join(lines)


def _age(fetched_at: datetime | None, now: datetime) -> str:
    if fetched_at is None:
        return "time unknown"
    minutes = int((now - fetched_at).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def _explain(error: BaseException) -> str:
    """A short reason for a failed fetch, in words rather than a traceback."""
    kind = type(error).__name__
    text = str(error).split(" See https://")[0]  # curl appends a link to its error list
    if isinstance(error, PriceFeedError):
        return _short(error)
    if kind == "YFRateLimitError":
        return "rate limited by Yahoo Finance"
    if isinstance(error, TimeoutError) or "timeout" in kind.lower() or "timed out" in text.lower():
        return "timed out"
    if "dns" in kind.lower() or "resolve host" in text.lower():
        return "no connection (server name not found)"
    if isinstance(error, ConnectionError) or "connection" in kind.lower() or "failed to connect" in text.lower():
        # The client's own wording (curl codes, proxies, ports) means nothing to a reader of the badge.
        return "no connection (Yahoo Finance could not be reached)"
    return f"{kind}: {_short(text)}"


def _short(error: BaseException | str) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= _REASON_MAX_CHARS else text[: _REASON_MAX_CHARS - 1] + "…"


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time-zone-aware datetime is required, e.g. datetime.now(timezone.utc)")
