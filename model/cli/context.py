"""What every command of the command line shares: the scenario its flags describe, the MSFT price
it uses, and the :class:`Context` a scenario command works on.

The scenario is built in layers: the preset (default: the reported terms), then the values a
``--scenario`` file names, then each ``--set``. A bad name or value stops the command before it
writes anything, with a one-line message naming the value and its allowed range, and exit
status 2 (:class:`UsageError`).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path

from model.engine import Result, run
from model.facts import Facts, load_facts
from model.market import prices as price_feed
from model.presets import load_presets
from model.scenario import Scenario, ScenarioError, parse_assignments, with_values

PROG = "python -m model"
DEFAULT_OUT = {"csv": Path("out"), "xlsx": Path("openai-exposure.xlsx"), "pdf": Path("openai-exposure.pdf")}

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A value given on the command line that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Command:
    """One subcommand. ``run`` gets the parsed flags and, if ``uses_scenario``, a Context."""

    name: str
    help: str
    run: Callable[..., int]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    uses_scenario: bool = True


# -- the MSFT price ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceUsed:
    """The MSFT price a run uses, and where it came from, in words a reader can check."""

    price_usd: float | None
    source: str
    as_of: date | None = None  # the close's date
    feed: str = ""  # which prices answered, as the dashboard's badge says it (the exports' cover)


def snapshot_price(today: date) -> PriceUsed:
    """The close of the last session on or before ``today`` in the snapshot shipped in data/."""
    close = price_feed.close_on_or_before(price_feed.load_snapshot().frame, today)
    if close is None:
        return PriceUsed(None, f"none: the offline snapshot starts after {today}")
    return PriceUsed(
        close.close_usd, f"close of {close.date} from the offline snapshot data/msft_daily.csv", close.date,
        "offline snapshot data/msft_daily.csv",
    )


def live_price(today: date, now: datetime) -> PriceUsed:
    """The live close (or the feed's own fallback), saying which source answered."""
    prices = price_feed.load_prices(now=now)
    close = price_feed.close_on_or_before(prices.frame, today)
    where = price_feed.describe(prices, now)
    if close is None:
        return PriceUsed(None, f"none on or before {today} ({where})")
    return PriceUsed(close.close_usd, f"close of {close.date} ({where})", close.date, where)


# -- scenario and context ----------------------------------------------------------------------------


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def _price(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a price; expected a positive number of USD")
    return value


def build_scenario(preset: str | None, scenario_file: Path | None, assignments: list[str]) -> tuple[Scenario, str]:
    """The scenario the flags describe, and a few words on how it was built."""
    how = []
    scenario = Scenario()
    if preset is not None:
        presets = load_presets()
        if preset not in presets:
            raise UsageError(f"--preset: unknown preset {preset!r}; allowed: {', '.join(presets)}")
        scenario = presets[preset].scenario
        how.append(f"preset {preset!r}")
    if scenario_file is not None:
        scenario = _apply_file(scenario, scenario_file)
        how.append(f"file {scenario_file}")
    if assignments:
        try:
            scenario = parse_assignments(assignments, base=scenario)
        except ScenarioError as error:
            raise UsageError(f"--set: {error}") from None
        how.append("--set " + " ".join(assignments))
    return scenario, ", then ".join(how) or "the reported terms (defaults)"


def _apply_file(base: Scenario, path: Path) -> Scenario:
    # Only the values the file names replace the preset's, so a file can hold a few changes.
    try:
        text = path.read_bytes()
    except OSError as error:
        raise UsageError(f"--scenario {path}: cannot be read ({error.strerror or error})") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"--scenario {path}: not a JSON scenario file ({error})") from None
    if not isinstance(data, dict):
        raise UsageError(f"--scenario {path}: not a JSON scenario file (expected an object of name: value)")
    try:
        return with_values(base, data)
    except ScenarioError as error:
        raise UsageError(f"--scenario {path}: {error}") from None


@dataclass
class Context:
    """What a scenario command works on, built once from the common flags."""

    scenario: Scenario
    scenario_source: str
    today: date
    price: PriceUsed
    _facts: Facts | None = field(default=None, repr=False)

    @cached_property
    def facts(self) -> Facts:
        return self._facts if self._facts is not None else load_facts()

    @cached_property
    def result(self) -> Result:
        return run(self.scenario, self.facts, today=self.today, msft_price_usd=self.price.price_usd)


def build_context(args: argparse.Namespace) -> Context:
    scenario, how = build_scenario(args.preset, args.scenario, args.set or [])
    today = args.today or date.today()
    if args.price is not None:
        price = PriceUsed(args.price, "given with --price", feed="given with --price")
    elif args.live:
        price = live_price(today, datetime.now(UTC))
    else:
        price = snapshot_price(today)
    return Context(scenario=scenario, scenario_source=how, today=today, price=price)


def add_scenario_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scenario")
    group.add_argument("--preset", metavar="NAME", help="start from a preset (base, bull, bear, breakup, announced)")
    group.add_argument("--scenario", metavar="FILE.json", type=Path, help="values from a JSON scenario file")
    group.add_argument("--set", metavar="NAME=VALUE", action="append", help="one assumption; repeat for more")
    group.add_argument("--today", metavar="YYYY-MM-DD", type=_date, help="the model's today (default: today)")
    price = group.add_mutually_exclusive_group()
    price.add_argument("--price", metavar="USD", type=_price, help="MSFT price to use")
    price.add_argument("--live", action="store_true",
                       help="fetch prices live: MSFT's, and for export the market sheets' (default: the snapshots)")
