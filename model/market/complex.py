"""The OpenAI complex: MSFT, a benchmark and the listed companies whose backlogs hold OpenAI's bills.

- ``load_tickers`` reads data/market.yaml: each ticker's name, role, the lines of data/commitments.yaml
  that are its contracts with OpenAI, and, only where the company reported it, the share of its backlog
  that is OpenAI's (with the source);
- ``owed_by_openai``: per ticker, what the model's commitments table says OpenAI owes it from a year on,
  by the scenario (scheduled, paid and not paid), beside the reported backlog;
- ``rebased_prices``: each ticker's adjusted close rebased to 100 on a chosen session;
- ``market_tables``: the Market page's tables as one dict of DataFrames, for the CSVs, the command line
  and the workbook.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from model.datafiles import DATA_DIR, load_file

MARKET_PATH = DATA_DIR / "market.yaml"
# The first session of 2025, before Stargate, Oracle and the recapitalization: where the command line,
# the exports and the Market page rebase the prices to 100 unless told otherwise.
DEFAULT_REBASE = date(2025, 1, 2)
Role = Literal["subject", "benchmark", "counterparty"]


class ReportedBacklog(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: str = Field(min_length=1)
    total_usd_bn: float = Field(gt=0)
    openai_share: float = Field(gt=0, le=1)
    openai_usd_bn: float = Field(gt=0)
    period_end: str
    source: str = Field(min_length=1)
    as_of: str


class MarketTicker(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ticker: str = Field(pattern=r"^[A-Z]{1,5}$")
    name: str = Field(min_length=1)
    role: Role
    counterparties: tuple[str, ...] = ()
    backlog: ReportedBacklog | None = None


class _MarketFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tickers: list[MarketTicker] = Field(min_length=1)


def load_tickers(path: Path = MARKET_PATH) -> tuple[MarketTicker, ...]:
    """The Market page's tickers in the file's order; DataFileError naming file, record and field."""
    return tuple(load_file(path, _MarketFile).tickers)


EXPOSURE_COLUMNS = [
    "ticker", "company", "role", "contracts_in_model", "from_year", "to_year", "scheduled_usd_bn", "paid_usd_bn",
    "not_paid_usd_bn", "share_of_openai_scheduled", "reported_backlog", "reported_backlog_usd_bn",
    "reported_openai_share_of_backlog", "reported_openai_backlog_usd_bn", "backlog_period_end", "backlog_source",
]


def owed_by_openai(commitments: pd.DataFrame, tickers: tuple[MarketTicker, ...], from_year: int) -> pd.DataFrame:
    """What OpenAI owes each company from ``from_year`` to the horizon, by the scenario (derived).

    ``commitments``: the engine's ``commitments`` table (year, counterparty, scheduled_usd_bn, paid_usd_bn,
    shortfall_usd_bn). ``share_of_openai_scheduled`` is over every line of that table in the same years,
    renewals included. The reported backlog columns are empty where the company reported no share.
    """
    ahead = commitments[commitments["year"] >= from_year]
    all_scheduled = float(ahead["scheduled_usd_bn"].sum())
    to_year = int(commitments["year"].max()) if len(commitments) else from_year
    rows = []
    for ticker in tickers:
        if ticker.role == "benchmark":
            continue
        mine = ahead[ahead["counterparty"].isin(ticker.counterparties)]
        scheduled = float(mine["scheduled_usd_bn"].sum())
        backlog = ticker.backlog
        rows.append({
            "ticker": ticker.ticker, "company": ticker.name, "role": ticker.role,
            "contracts_in_model": "; ".join(ticker.counterparties), "from_year": from_year, "to_year": to_year,
            "scheduled_usd_bn": scheduled, "paid_usd_bn": float(mine["paid_usd_bn"].sum()),
            "not_paid_usd_bn": float(mine["shortfall_usd_bn"].sum()),
            "share_of_openai_scheduled": scheduled / all_scheduled if all_scheduled > 0 else float("nan"),
            "reported_backlog": backlog.measure if backlog else None,
            "reported_backlog_usd_bn": backlog.total_usd_bn if backlog else float("nan"),
            "reported_openai_share_of_backlog": backlog.openai_share if backlog else float("nan"),
            "reported_openai_backlog_usd_bn": backlog.openai_usd_bn if backlog else float("nan"),
            "backlog_period_end": backlog.period_end if backlog else None,
            "backlog_source": backlog.source if backlog else None,
        })
    return pd.DataFrame(rows, columns=EXPOSURE_COLUMNS)


def rebase_session(frame: pd.DataFrame, base: date) -> pd.Timestamp:
    """The session a ticker is rebased on: the first on or after ``base``, else its last session; a ticker
    listed after ``base`` (CoreWeave) is rebased on its first session."""
    position = int(frame.index.searchsorted(pd.Timestamp(base), side="left"))
    return frame.index[min(position, len(frame) - 1)]


def rebased_prices(prices: dict[str, pd.DataFrame], base: date) -> pd.DataFrame:
    """Each ticker's adjusted close (dividends reinvested) as an index, 100 on its rebase session
    (``rebase_session``), from that session on. Long format: date, ticker, adj_close_usd, rebased_index,
    base_session.

    >>> days = pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-06"])
    >>> frame = pd.DataFrame({"adj_close": [50.0, 55.0, 60.0]}, index=days)
    >>> rebased_prices({"X": frame}, date(2025, 1, 3))["rebased_index"].round(2).tolist()
    [100.0, 109.09]
    """
    parts = []
    for ticker, frame in prices.items():
        session = rebase_session(frame, base)
        after = frame.loc[session:, "adj_close"].astype("float64")
        parts.append(pd.DataFrame({"date": after.index, "ticker": ticker, "adj_close_usd": after.to_numpy(),
                                   "rebased_index": (after / after.iloc[0] * 100).to_numpy(),
                                   "base_session": session}))
    columns = ["date", "ticker", "adj_close_usd", "rebased_index", "base_session"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def market_tables(event_study: pd.DataFrame, rebased: pd.DataFrame,
                  exposure: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The Market page's own tables, named as their CSV files and workbook sheets: the event study
    (CARs and t-statistics), the rebased prices, and (when a scenario was run) what OpenAI owes each
    company. Dates as ISO text; fractions stay fractions (the column names say so)."""
    study = event_study.copy()
    for column in ("event_session", "estimation_first_session", "estimation_last_session"):
        study[column] = study[column].dt.strftime("%Y-%m-%d")
    prices = rebased.copy()
    for column in ("date", "base_session"):
        prices[column] = pd.to_datetime(prices[column]).dt.strftime("%Y-%m-%d")
    tables = {"event_study": study, "rebased_prices": prices}
    if exposure is not None:
        tables["openai_complex"] = exposure
    return tables
