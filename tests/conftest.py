"""Fixtures shared by the unit tests."""

from datetime import date

import pytest

from model.cli import main
from model.facts import load_facts

# The day the tests look at the model from; fixed so results do not change with the calendar.
TODAY = date(2026, 11, 21)


def cli(argv: list[str]) -> int:
    """``python -m model``'s exit status for ``argv``, whether main returns it or argparse raises it."""
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


@pytest.fixture(scope="session")
def facts():
    return load_facts()


@pytest.fixture
def today():
    return TODAY


@pytest.fixture(autouse=True)
def _no_batched_price_feed(monkeypatch):
    """The Market page's batched request (benchmarks and counterparties) never reaches the network in a test:
    unless a test fakes it itself, it fails at once and every ticker shows its snapshot."""
    from model.market import prices

    def refuse(tickers, start):
        raise prices.PriceFeedError("no network in tests")

    monkeypatch.setattr(prices, "fetch_live_batch", refuse)
