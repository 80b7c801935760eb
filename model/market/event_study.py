"""The market's verdict on the deal's events: a market-model event study (MacKinlay 1997).

For a stock i and a benchmark m (SPY for the S&P 500 or QQQ for the Nasdaq-100), daily simple returns
on Yahoo's adjusted close (dividends included, as a total return): R_t = P_t / P_{t-1} - 1.

**Event session (day 0).** The first session on or after the event's date; an event on a weekend or a
holiday therefore moves to the next session, and one whose news came out after the close
(``timing: after_close`` in data/events.yaml, with its source) to the session after. Most events have
no known time of day: day 0 is then their date, and news that came out after that close shows on day
+1, which the [-1, +1] and [0, +5] windows hold. Events known only by month or year have no day 0 and
so no abnormal return: which session the news reached the market is unknown, and a window guessed
around the first of the month would measure something else.

**Estimation window.** Sessions [-250, -30] before day 0 (221 returns, about a trading year): long
enough for a stable beta, ending a month and a half before the event so that leaks and run-ups to it
do not enter the normal return. Where the prices start later (CoreWeave listed on 2025-03-28) the window
starts at the first return, and an event with fewer than MIN_ESTIMATION_SESSIONS returns in it has no
estimate.

**Market model.** OLS on the estimation window: R_it = α + β R_mt + ε_t, with σ² = Σ ε̂² / (L₁ - 2).
The abnormal return on an event-window day is AR_t = R_it - (α̂ + β̂ R_mt), and CAR(τ₁, τ₂) = Σ AR_t.

**t-statistic.** CAR / sd(CAR) with the variance that allows for the estimation error of α̂, β̂
(MacKinlay 1997, eqs. 9-11): Var(CAR) = ι'Vι, V = σ² (I + X* (X'X)⁻¹ X*'), where X is the estimation
window's [1, R_m] and X* the event window's. It is what an OLS of R_i on R_m plus one dummy per
event-window day gives for the t of the dummies' sum (tests/test_event_study.py checks that with
statsmodels). |t| > 1.96 is significant at 5% under normal errors with 219 degrees of freedom.

Not handled (and said on the page): events whose estimation windows hold other events, events on the
same day as earnings or another event (both move the stock), and cross-correlation among stocks on
one event date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from model.market.events import DealEvent

ESTIMATION_WINDOW = (-250, -30)  # sessions relative to day 0, both ends included
# Fewer returns than this give a beta too noisy to net anything out (about three months of sessions).
MIN_ESTIMATION_SESSIONS = 60
# name -> (first, last) session relative to day 0, both included
CAR_WINDOWS = {"car_0": (0, 0), "car_m1_p1": (-1, 1), "car_0_p5": (0, 5)}
CAR_WINDOW_LABELS = {"car_0": "day 0", "car_m1_p1": "[-1, +1]", "car_0_p5": "[0, +5]"}
PATH_WINDOW = (-5, 10)  # the sessions drawn around an event on the cumulative abnormal return chart

STUDY_COLUMNS = [
    "ticker", "benchmark", "event_id", "event_date", "date_precision", "event", "category", "event_session",
    "session_rule", "estimation_first_session", "estimation_last_session", "estimation_sessions",
    "alpha_daily", "beta", "residual_sd_daily",
    *[column for name in CAR_WINDOWS for column in (name, f"t_{name}")], "note",
]


def daily_returns(prices: pd.DataFrame) -> pd.Series:
    """Simple daily returns on the adjusted close (dividends and splits included), indexed by session.

    >>> frame = pd.DataFrame({"adj_close": [100.0, 110.0, 99.0]},
    ...                      index=pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-06"]))
    >>> [round(r, 4) for r in daily_returns(frame)]
    [0.1, -0.1]
    """
    column = "adj_close" if "adj_close" in prices.columns else "close"
    return prices[column].astype("float64").pct_change().dropna()


@dataclass(frozen=True)
class MarketModel:
    """The OLS fit R_i = α + β R_m + ε on an estimation window."""

    alpha: float
    beta: float
    residual_variance: float  # σ² = Σ ε̂² / (n - 2)
    xtx_inverse: np.ndarray  # (X'X)⁻¹ of the estimation window's [1, R_m]
    sessions: int
    first_session: date
    last_session: date

    def abnormal(self, stock: np.ndarray, market: np.ndarray) -> np.ndarray:
        return stock - (self.alpha + self.beta * market)

    def car_variance(self, market: np.ndarray) -> float:
        """Var(CAR) over event-window days with benchmark returns ``market``: ι'σ²(I + X*(X'X)⁻¹X*')ι."""
        x_star = np.column_stack([np.ones_like(market), market])
        summed = x_star.sum(axis=0)
        return float(self.residual_variance * (len(market) + summed @ self.xtx_inverse @ summed))


def fit_market_model(stock: pd.Series, market: pd.Series) -> MarketModel:
    """OLS of ``stock`` on ``market`` returns (aligned on their index).

    >>> days = pd.bdate_range("2025-01-01", periods=5)
    >>> m = pd.Series([0.01, -0.02, 0.005, 0.0, 0.015], index=days)
    >>> fit = fit_market_model(0.001 + 1.5 * m, m)
    >>> round(fit.alpha, 6), round(fit.beta, 6), round(fit.residual_variance, 12)
    (0.001, 1.5, 0.0)
    """
    y, x = stock.align(market, join="inner")
    design = np.column_stack([np.ones(len(x)), x.to_numpy()])
    coefficients, *_ = np.linalg.lstsq(design, y.to_numpy(), rcond=None)
    residuals = y.to_numpy() - design @ coefficients
    return MarketModel(
        alpha=float(coefficients[0]), beta=float(coefficients[1]),
        residual_variance=float(residuals @ residuals / (len(y) - 2)),
        xtx_inverse=np.linalg.inv(design.T @ design), sessions=len(y),
        first_session=y.index[0].date(), last_session=y.index[-1].date(),
    )


def event_session(sessions: pd.DatetimeIndex, event: DealEvent) -> tuple[int | None, str]:
    """Day 0's position in ``sessions`` and the rule that put it there (or why there is none)."""
    if event.date_precision != "day":
        return None, f"no return: the date is known to the {event.date_precision} only, so the session the news " \
                     "reached the market is unknown"
    day = pd.Timestamp(event.start_date)
    after_close = event.timing == "after_close"
    position = int(sessions.searchsorted(day, side="right" if after_close else "left"))
    if position >= len(sessions):
        return None, "no return: after the last session loaded"
    if position == 0 and sessions[0] > day + pd.Timedelta(days=7):
        return None, "no return: before the first price loaded"
    session = sessions[position].date()
    if after_close:
        rule = f"after the close on {event.date}: the next session, {session}"
    elif session != event.start_date:
        rule = f"not a trading day: the next session, {session}"
    else:
        rule = "the event's date"
    return position, rule


def study_event(stock: pd.Series, market: pd.Series, event: DealEvent, ticker: str, benchmark: str) -> dict:
    """One row of the event study (STUDY_COLUMNS) for ``ticker`` on ``event`` against ``benchmark``."""
    stock, market = stock.align(market, join="inner")
    row: dict = dict.fromkeys(STUDY_COLUMNS, None)
    row.update(ticker=ticker, benchmark=benchmark, event_id=event.id, event_date=event.date,
               date_precision=event.date_precision, event=event.label, category=event.category)
    for name in CAR_WINDOWS:
        row[name] = row[f"t_{name}"] = float("nan")
    for column in ("alpha_daily", "beta", "residual_sd_daily"):
        row[column] = float("nan")
    position, rule = event_session(stock.index, event)
    row["session_rule"] = rule
    if position is None:
        row["note"] = rule
        return row
    row["event_session"] = stock.index[position].date()
    first, last = position + ESTIMATION_WINDOW[0], position + ESTIMATION_WINDOW[1]
    if last - max(first, 0) + 1 < MIN_ESTIMATION_SESSIONS:
        available = max(last - max(first, 0) + 1, 0)
        row["note"] = (f"no estimate: {available} returns before the event in the estimation window, "
                       f"fewer than {MIN_ESTIMATION_SESSIONS}")
        return row
    window = slice(max(first, 0), last + 1)
    model = fit_market_model(stock.iloc[window], market.iloc[window])
    row.update(estimation_first_session=model.first_session, estimation_last_session=model.last_session,
               estimation_sessions=model.sessions, alpha_daily=model.alpha, beta=model.beta,
               residual_sd_daily=float(np.sqrt(model.residual_variance)))
    notes = []
    if first < 0:
        notes.append(f"estimation window shortened to {model.sessions} returns (prices start later)")
    for name, (start, end) in CAR_WINDOWS.items():
        if position + end >= len(stock):
            notes.append(f"{CAR_WINDOW_LABELS[name]} not yet complete")
            continue
        days = slice(position + start, position + end + 1)
        benchmark_returns = market.iloc[days].to_numpy()
        car = float(model.abnormal(stock.iloc[days].to_numpy(), benchmark_returns).sum())
        row[name] = car
        row[f"t_{name}"] = car / np.sqrt(model.car_variance(benchmark_returns))
    row["note"] = "; ".join(notes)
    return row


def event_study(stock_prices: pd.DataFrame, benchmark_prices: pd.DataFrame, events, ticker: str,
                benchmark: str) -> pd.DataFrame:
    """The event study of ``ticker`` on each of ``events`` against ``benchmark``: one row per event
    (STUDY_COLUMNS); CARs are fractions, t-statistics plain numbers, NaN with a note where there is none.
    """
    stock, market = daily_returns(stock_prices), daily_returns(benchmark_prices)
    rows = [study_event(stock, market, event, ticker, benchmark) for event in events]
    # Two events on one session: the return is one, and cannot tell them apart.
    for row in rows:
        others = [other["event"] for other in rows
                  if other is not row and other["event_session"] is not None
                  and other["event_session"] == row["event_session"]]
        if others:
            row["note"] = "; ".join(filter(None, [row["note"], f"same session as: {', '.join(others)}"]))
    frame = pd.DataFrame(rows, columns=STUDY_COLUMNS)
    for column in ("event_session", "estimation_first_session", "estimation_last_session"):
        frame[column] = pd.to_datetime(frame[column])
    frame["estimation_sessions"] = frame["estimation_sessions"].astype("Int64")
    return frame


def complex_event_study(prices: dict[str, pd.DataFrame], events, benchmark: str, msft: str = "MSFT"
                        ) -> pd.DataFrame:
    """MSFT on every event, and each counterparty in ``prices`` on the events that concern it."""
    parts = [event_study(prices[msft], prices[benchmark], events, msft, benchmark)]
    for ticker, frame in prices.items():
        concerning = [event for event in events if ticker in event.concerns]
        if ticker != msft and concerning:
            parts.append(event_study(frame, prices[benchmark], concerning, ticker, benchmark))
    return pd.concat(parts, ignore_index=True)


def abnormal_path(stock_prices: pd.DataFrame, benchmark_prices: pd.DataFrame, events, ticker: str,
                  benchmark: str, window: tuple[int, int] = PATH_WINDOW) -> pd.DataFrame:
    """The cumulative abnormal return from ``window[0]`` to each session up to ``window[1]`` around each
    day-dated event, with the same market model as ``event_study``: for the chart.

    Columns: ticker, benchmark, event_id, event, event_session, session (relative to day 0), date,
    abnormal_return, car (from window[0] through that session; fractions).
    """
    stock, market = daily_returns(stock_prices).align(daily_returns(benchmark_prices), join="inner")
    rows = []
    for event in events:
        position, _ = event_session(stock.index, event)
        if position is None:
            continue
        first, last = position + ESTIMATION_WINDOW[0], position + ESTIMATION_WINDOW[1]
        if last - max(first, 0) + 1 < MIN_ESTIMATION_SESSIONS or position + window[0] < 0:
            continue
        model = fit_market_model(stock.iloc[max(first, 0): last + 1], market.iloc[max(first, 0): last + 1])
        days = slice(position + window[0], min(position + window[1], len(stock) - 1) + 1)
        abnormal = model.abnormal(stock.iloc[days].to_numpy(), market.iloc[days].to_numpy())
        for offset, (session, value, total) in enumerate(zip(stock.index[days], abnormal, np.cumsum(abnormal),
                                                             strict=True)):
            rows.append({"ticker": ticker, "benchmark": benchmark, "event_id": event.id, "event": event.label,
                         "event_session": stock.index[position], "session": window[0] + offset, "date": session,
                         "abnormal_return": float(value), "car": float(total)})
    return pd.DataFrame(rows, columns=["ticker", "benchmark", "event_id", "event", "event_session", "session",
                                       "date", "abnormal_return", "car"])
