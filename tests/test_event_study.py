"""The market-model event study (model.market.event_study): zero abnormal return where the market model
holds exactly, one real event worked by hand, the t-statistics against statsmodels' OLS, and the rules
that place an event on a session. Prices are the real snapshots in data/; no network."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from model.market.event_study import (
    CAR_WINDOWS,
    ESTIMATION_WINDOW,
    abnormal_path,
    complex_event_study,
    daily_returns,
    event_session,
    event_study,
    fit_market_model,
)
from model.market.events import DealEvent, load_events
from model.market.prices import MARKET_TICKERS, load_snapshot

START = date(2010, 1, 1)


def make_event(event_id="e", day="2024-06-03", precision="day", **extra) -> DealEvent:
    return DealEvent(id=event_id, date=day, date_precision=precision, label=f"Event {event_id}", explanation="x",
                     category="commitment", source="test", as_of=day, **extra)


def prices_from_returns(returns: pd.Series, first_price: float = 100.0) -> pd.DataFrame:
    """A price frame whose adjusted close has exactly ``returns`` (the first session has no return)."""
    levels = first_price * np.cumprod(np.concatenate([[1.0], 1.0 + returns.to_numpy()]))
    index = pd.DatetimeIndex([returns.index[0] - pd.offsets.BDay(1), *returns.index], name="date")
    return pd.DataFrame({"close": levels, "adj_close": levels}, index=index)


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.Series, pd.Series]:
    """400 business days of benchmark returns and a stock with α = 0.0004, β = 1.3 and noise."""
    rng = np.random.default_rng(23)
    days = pd.bdate_range("2023-01-02", periods=400)
    market = pd.Series(rng.normal(0.0005, 0.01, len(days)), index=days)
    noise = pd.Series(rng.normal(0.0, 0.012, len(days)), index=days)
    return market, noise


@pytest.fixture(scope="module")
def snapshots() -> dict[str, pd.DataFrame]:
    frames = {ticker: load_snapshot(START, ticker=ticker).frame for ticker in MARKET_TICKERS}
    frames["MSFT"] = load_snapshot(START).frame
    return frames


def test_known_alpha_and_beta_give_zero_abnormal_return(synthetic):
    market, _ = synthetic
    stock = 0.0004 + 1.3 * market  # the market model holds exactly: nothing is abnormal
    event = make_event(day=str(market.index[300].date()))
    row = event_study(prices_from_returns(stock), prices_from_returns(market), [event], "X", "M").iloc[0]
    assert row["alpha_daily"] == pytest.approx(0.0004, abs=1e-12)
    assert row["beta"] == pytest.approx(1.3, abs=1e-10)
    assert row["estimation_sessions"] == ESTIMATION_WINDOW[1] - ESTIMATION_WINDOW[0] + 1
    for name in CAR_WINDOWS:
        assert row[name] == pytest.approx(0.0, abs=1e-12)


def test_a_jump_on_day_0_is_the_abnormal_return(synthetic):
    market, noise = synthetic
    stock = 0.0004 + 1.3 * market + noise
    day = market.index[300]
    jumped = stock.copy()
    jumped[day] += 0.05
    event = [make_event(day=str(day.date()))]
    plain = event_study(prices_from_returns(stock), prices_from_returns(market), event, "X", "M").iloc[0]
    moved = event_study(prices_from_returns(jumped), prices_from_returns(market), event, "X", "M").iloc[0]
    # The estimation window ends 30 sessions before: the jump changes no estimate, only the abnormal return.
    assert moved["beta"] == plain["beta"]
    assert moved["car_0"] - plain["car_0"] == pytest.approx(0.05, abs=1e-9)
    assert moved["car_0_p5"] - plain["car_0_p5"] == pytest.approx(0.05, abs=1e-9)


@pytest.mark.parametrize("window", list(CAR_WINDOWS))
def test_t_statistics_match_statsmodels_dummy_regression(synthetic, window):
    """Independent check: OLS (statsmodels) of the stock on the market over the estimation window and
    the event window, with one dummy per event-window day; the t of the dummies' sum is the CAR's t
    with the variance ι'σ²(I + X*(X'X)⁻¹X*')ι (Karafiath 1988; MacKinlay 1997)."""
    market, noise = synthetic
    stock = 0.0004 + 1.3 * market + noise
    position = 300
    event = make_event(day=str(market.index[position].date()))
    row = event_study(prices_from_returns(stock), prices_from_returns(market), [event], "X", "M").iloc[0]

    first, last = CAR_WINDOWS[window]
    estimation = list(range(position + ESTIMATION_WINDOW[0], position + ESTIMATION_WINDOW[1] + 1))
    event_days = list(range(position + first, position + last + 1))
    rows = estimation + event_days
    design = pd.DataFrame({"const": 1.0, "market": market.iloc[rows].to_numpy()})
    for k, day in enumerate(event_days):
        design[f"d{k}"] = [1.0 if r == day else 0.0 for r in rows]
    fit = sm.OLS(stock.iloc[rows].to_numpy(), design).fit()
    contrast = np.r_[0.0, 0.0, np.ones(len(event_days))]
    test = fit.t_test(contrast)
    assert row[window] == pytest.approx(float(np.squeeze(test.effect)), rel=1e-9)
    assert row[f"t_{window}"] == pytest.approx(float(np.squeeze(test.tvalue)), rel=1e-9)
    # And the market model itself is statsmodels' fit on the estimation window.
    plain = sm.OLS(stock.iloc[estimation].to_numpy(), sm.add_constant(market.iloc[estimation].to_numpy())).fit()
    assert row["alpha_daily"] == pytest.approx(plain.params[0], rel=1e-9)
    assert row["beta"] == pytest.approx(plain.params[1], rel=1e-9)
    assert row["residual_sd_daily"] == pytest.approx(np.sqrt(plain.scale), rel=1e-9)


def test_msft_on_the_recapitalization_worked_by_hand(snapshots):
    """MSFT against SPY on 2025-10-28 (the recapitalization, announced that day: day 0 is that session).

    Estimation window: sessions -250..-30, i.e. 2024-10-28 .. 2025-09-16, 221 returns;
    α̂ = 0.000287199 a day, β̂ = 0.921505, σ̂ = 0.0111065 (residual sd, 219 degrees of freedom).
    Adjusted closes (data/msft_daily.csv, data/prices/SPY_daily.csv):
      MSFT 2025-10-27 527.1826 -> 2025-10-28 537.6464: R = 537.6464 / 527.1826 - 1 = 0.0198485
      SPY  2025-10-27 677.9261 -> 2025-10-28 679.7267: R = 679.7267 / 677.9261 - 1 = 0.0026560
    AR(0) = 0.0198485 - (0.000287199 + 0.921505 × 0.0026560) = 0.0198485 - 0.0027348 = 0.0171138 (+1.71%)
    t = 0.0171138 / sqrt(σ̂² (1 + x*'(X'X)⁻¹x*)) = 0.0171138 / 0.011132 = 1.54: not significant at 5%.
    """
    event = [e for e in load_events() if e.id == "recapitalization_2025"]
    row = event_study(snapshots["MSFT"], snapshots["SPY"], event, "MSFT", "SPY").iloc[0]
    assert row["event_session"] == pd.Timestamp("2025-10-28")
    assert (row["estimation_first_session"], row["estimation_last_session"]) == (
        pd.Timestamp("2024-10-28"), pd.Timestamp("2025-09-16"))
    assert row["estimation_sessions"] == 221
    assert row["alpha_daily"] == pytest.approx(0.000287199, abs=1e-9)
    assert row["beta"] == pytest.approx(0.921505, abs=1e-6)
    assert row["residual_sd_daily"] == pytest.approx(0.0111065, abs=1e-7)
    msft_return = 537.6464 / 527.1826 - 1
    spy_return = 679.7267 / 677.9261 - 1
    assert msft_return == pytest.approx(0.0198485, abs=1e-7) and spy_return == pytest.approx(0.0026560, abs=1e-7)
    assert row["car_0"] == pytest.approx(msft_return - (0.000287199 + 0.921505 * spy_return), abs=1e-8)
    assert row["car_0"] == pytest.approx(0.0171138, abs=1e-7)
    assert row["t_car_0"] == pytest.approx(1.537, abs=1e-3)


def test_weekend_after_close_and_month_dated_events(snapshots):
    sessions = daily_returns(snapshots["MSFT"]).index
    # 2025-03-29 is a Saturday: the next session, Monday 2025-03-31.
    position, rule = event_session(sessions, make_event(day="2025-03-29"))
    assert sessions[position] == pd.Timestamp("2025-03-31") and "not a trading day" in rule
    # News after the close of a session moves to the next one.
    position, rule = event_session(sessions, make_event(day="2024-10-30", timing="after_close",
                                                        timing_source="results after the close"))
    assert sessions[position] == pd.Timestamp("2024-10-31") and rule.startswith("after the close")
    position, rule = event_session(sessions, make_event(day="2025-01-21"))
    assert sessions[position] == pd.Timestamp("2025-01-21") and rule == "the event's date"
    position, rule = event_session(sessions, make_event(day="2024-10", precision="month"))
    assert position is None and "known to the month only" in rule


def test_a_known_time_of_day_needs_a_source():
    with pytest.raises(ValueError, match="needs its source"):
        make_event(timing="after_close")


def test_too_recent_and_too_early_events_say_why(snapshots):
    late = make_event("late", day="2026-09-24")  # 2 sessions before the last one
    early = make_event("early", day="2019-02-01")  # SPY starts 2019-01-02: 20 returns before it
    study = event_study(snapshots["MSFT"], snapshots["SPY"], [late, early], "MSFT", "SPY").set_index("event_id")
    assert np.isfinite(study.loc["late", "car_m1_p1"]) and np.isnan(study.loc["late", "car_0_p5"])
    assert "[0, +5] not yet complete" in study.loc["late", "note"]
    assert np.isnan(study.loc["early", "car_0"]) and study.loc["early", "note"].startswith("no estimate")


def test_complex_study_runs_each_counterparty_on_the_events_that_concern_it(snapshots):
    events = load_events()
    study = complex_event_study(snapshots, events, "QQQ")
    assert set(study.loc[study["ticker"] == "MSFT", "event_id"]) == {e.id for e in events}
    oracle = set(study.loc[study["ticker"] == "ORCL", "event_id"])
    assert oracle == {e.id for e in events if "ORCL" in e.concerns}
    assert "oracle_2025" in oracle and "amd_2025" not in oracle
    assert set(study["benchmark"]) == {"QQQ"}
    # Two events on 2026-04-27 share one return, and say so.
    same = study[(study["ticker"] == "MSFT") & (study["event_id"] == "amendment_2026")].iloc[0]
    assert "same session as: WSJ: OpenAI missed targets" in same["note"]
    # Headline moves, net of the Nasdaq-100: AMD on its OpenAI deal (+22.6% on the day, t ≈ 10).
    amd = study[(study["ticker"] == "AMD") & (study["event_id"] == "amd_2025")].iloc[0]
    assert amd["car_0"] == pytest.approx(0.2255, abs=1e-4) and amd["t_car_0"] > 9


def test_abnormal_path_ends_where_the_study_sums(snapshots):
    event = [e for e in load_events() if e.id == "oracle_2025"]
    path = abnormal_path(snapshots["ORCL"], snapshots["SPY"], event, "ORCL", "SPY", window=(-1, 5))
    row = event_study(snapshots["ORCL"], snapshots["SPY"], event, "ORCL", "SPY").iloc[0]
    assert list(path["session"]) == list(range(-1, 6))
    assert path.loc[path["session"] == 1, "car"].iloc[0] == pytest.approx(row["car_m1_p1"], abs=1e-12)
    assert path["abnormal_return"].iloc[1:].sum() == pytest.approx(row["car_0_p5"], abs=1e-12)


def test_fit_market_model_is_ols(synthetic):
    market, noise = synthetic
    stock = 0.001 + 0.7 * market + noise
    fit = fit_market_model(stock, market)
    slope, intercept = np.polyfit(market.to_numpy(), stock.to_numpy(), 1)
    assert (fit.alpha, fit.beta) == pytest.approx((intercept, slope), rel=1e-9)
