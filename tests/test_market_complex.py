"""The OpenAI complex (model.market.complex): the tickers' file, what OpenAI owes each company by the
scenario, the rebased prices and the tables handed to the CSVs, the command line and the workbook."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from model.facts import load_facts
from model.market.complex import load_tickers, market_tables, owed_by_openai, rebase_session, rebased_prices
from model.market.prices import MARKET_TICKERS, TICKER, load_snapshot


def test_every_ticker_has_a_snapshot_and_its_contracts_exist():
    tickers = load_tickers()
    assert {t.ticker for t in tickers} == {TICKER, *MARKET_TICKERS}
    names = {c.counterparty for c in load_facts().commitments.commitments}
    for ticker in tickers:
        assert set(ticker.counterparties) <= names, ticker.ticker
    # Only Microsoft's share of backlog is reported in the references; none is estimated.
    assert [t.ticker for t in tickers if t.backlog] == ["MSFT"]
    backlog = next(t.backlog for t in tickers if t.backlog)
    assert backlog.openai_share * backlog.total_usd_bn == pytest.approx(backlog.openai_usd_bn, rel=0.01)


def test_owed_sums_the_commitments_from_the_year_on():
    commitments = pd.DataFrame({
        "year": [2025, 2026, 2027, 2026, 2027, 2027],
        "counterparty": ["Oracle", "Oracle", "Oracle", "AWS", "AWS expansion", "Renewals and new contracts"],
        "scheduled_usd_bn": [5.0, 10.0, 20.0, 3.0, 7.0, 60.0],
        "paid_usd_bn": [5.0, 10.0, 15.0, 3.0, 7.0, 60.0],
        "shortfall_usd_bn": [0.0, 0.0, 5.0, 0.0, 0.0, 0.0],
    })
    owed = owed_by_openai(commitments, load_tickers(), 2026).set_index("ticker")
    assert "SPY" not in owed.index and "QQQ" not in owed.index
    assert owed.loc["ORCL", ["scheduled_usd_bn", "paid_usd_bn", "not_paid_usd_bn"]].tolist() == [30.0, 25.0, 5.0]
    assert owed.loc["AMZN", "scheduled_usd_bn"] == 10.0  # AWS and its expansion
    assert owed.loc["ORCL", "share_of_openai_scheduled"] == pytest.approx(30 / 100)
    assert owed.loc["NVDA", "scheduled_usd_bn"] == 0.0
    assert pd.isna(owed.loc["ORCL", "reported_openai_share_of_backlog"])
    assert owed.loc["MSFT", "reported_openai_share_of_backlog"] == 0.45


def test_rebased_prices_start_at_100_and_coreweave_at_its_listing():
    frames = {t: load_snapshot(date(2019, 1, 1), ticker=t).frame for t in ("SPY", "CRWV")}
    rebased = rebased_prices(frames, date(2025, 1, 18))  # a Saturday
    first = rebased.groupby("ticker").first()
    assert first.loc["SPY", "date"] == pd.Timestamp("2025-01-21")  # the next session (Monday was a holiday)
    assert first.loc["CRWV", "date"] == pd.Timestamp("2025-03-28")  # listed later: from its first session
    assert (first["rebased_index"] == 100.0).all()
    spy = frames["SPY"]["adj_close"]
    last = rebased[rebased["ticker"] == "SPY"]["rebased_index"].iloc[-1]
    assert last == pytest.approx(spy.iloc[-1] / spy.loc["2025-01-21"] * 100)
    assert rebase_session(frames["SPY"], date(2030, 1, 1)) == frames["SPY"].index[-1]


def test_market_tables_are_named_and_dated_as_text():
    study = pd.DataFrame({"event_session": pd.to_datetime(["2025-10-28"]), "estimation_first_session":
                          pd.to_datetime(["2024-10-28"]), "estimation_last_session": pd.to_datetime(["2025-09-16"]),
                          "car_0": [0.0171]})
    rebased = pd.DataFrame({"date": pd.to_datetime(["2025-10-28"]), "ticker": ["SPY"], "adj_close_usd": [1.0],
                            "rebased_index": [100.0], "base_session": pd.to_datetime(["2025-10-28"])})
    tables = market_tables(study, rebased)
    assert list(tables) == ["event_study", "rebased_prices"]
    assert tables["event_study"]["event_session"].tolist() == ["2025-10-28"]
    assert tables["rebased_prices"]["date"].tolist() == ["2025-10-28"]
    assert "openai_complex" in market_tables(study, rebased, pd.DataFrame({"ticker": ["MSFT"]}))
