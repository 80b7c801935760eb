"""The command line's market tables: ``events`` writes the event study (MSFT and the counterparties, net
of a benchmark), the rebased prices and what OpenAI owes each company by the scenario, as CSV files
into a folder (``--out``, default ``./out``), the same tables as the Market page's downloads.

Prices come from the snapshots shipped in data/ (reproducible), or with ``--live`` through the one
price boundary (one batched request, each ticker falling back alone), which is reported per ticker.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path

from model.cli.analysis import write_csv_tables
from model.cli.context import DEFAULT_OUT, EXIT_OK, Command, Context
from model.market import prices as price_feed
from model.market.complex import DEFAULT_REBASE, load_tickers, market_tables, owed_by_openai, rebased_prices
from model.market.event_study import complex_event_study
from model.market.events import load_events

PRICES_START = price_feed.COMPLEX_START


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def _add_events_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="FOLDER", type=Path,
                        help="folder for the CSV files (default ./out)")
    parser.add_argument("--benchmark", choices=price_feed.BENCHMARKS, default="SPY",
                        help="the market the returns are netted of: SPY (S&P 500, default) or QQQ (Nasdaq-100)")
    parser.add_argument("--rebase", metavar="YYYY-MM-DD", type=_iso_date, default=DEFAULT_REBASE,
                        help=f"the date the prices are rebased to 100 on (default {DEFAULT_REBASE})")


def all_prices(live: bool, now: datetime) -> dict[str, price_feed.Prices]:
    """MSFT, the benchmarks and the counterparties: the shipped snapshots, or live with fallbacks."""
    return price_feed.load_complex(live=live, now=now, start=PRICES_START)


def _run_events(args: argparse.Namespace, context: Context) -> int:
    now = datetime.now(UTC)
    loaded = all_prices(args.live, now)
    frames = {ticker: answer.frame for ticker, answer in loaded.items()}
    study = complex_event_study(frames, load_events(), args.benchmark)
    shown = {t: f for t, f in frames.items() if t not in price_feed.BENCHMARKS or t == args.benchmark}
    exposure = owed_by_openai(context.result.tables["commitments"], load_tickers(), context.today.year)
    tables = market_tables(study, rebased_prices(shown, args.rebase), exposure)
    out = args.out or DEFAULT_OUT["csv"]
    written = write_csv_tables(tables, out)
    print(f"wrote {out}/ ({', '.join(p.name for p in written)}): net of {args.benchmark}, rebased to "
          f"{args.rebase}; scenario from {context.scenario_source}; today {context.today}")
    for ticker, answer in loaded.items():
        print(f"  {ticker}: {price_feed.describe(answer, now)}")
    return EXIT_OK


COMMANDS = (
    Command(
        "events",
        "write the event study (MSFT and the counterparties net of a benchmark), rebased prices and what "
        "OpenAI owes each company",
        _run_events,
        _add_events_arguments,
    ),
)
