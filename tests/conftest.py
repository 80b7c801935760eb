"""Fixtures shared by the unit tests."""

from datetime import date

import pytest

from model.facts import load_facts

# The day the tests look at the model from; fixed so results do not change with the calendar.
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="session")
def facts():
    return load_facts()


@pytest.fixture
def today():
    return TODAY
