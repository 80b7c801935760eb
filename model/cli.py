"""The command line: the model's figures and exports without a browser.

    python -m model summary [--preset bear] [--set name=value ...] [--scenario file.json]
    python -m model export --format csv|xlsx [--out PATH] [same scenario flags]
    python -m model check [same scenario flags]     (exit 1 when a reported figure is missed)
    python -m model prices

The scenario is built in layers: the preset (default: the reported terms), then the values a
``--scenario`` file names, then each ``--set``. A bad name or value stops the command before it
writes anything, with a one-line message naming the value and its allowed range, and exit
status 2. A broken data file gives exit status 1 and names the file, record and field.

A subcommand is one :class:`Command` passed to :func:`register`; commands that work on a scenario
get the common flags and a :class:`Context` with the scenario, today, the MSFT price and the
model's result.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from model.scenario import (
    GROUPS,
    SPECS,
    Scenario,
    ScenarioError,
    changed_specs,
    load_presets,
    parse_assignments,
    with_values,
)

PROG = "python -m model"
DEFAULT_OUT = {"csv": Path("out"), "xlsx": Path("openai-exposure.xlsx")}

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A value given on the command line that cannot be used; the message is one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints the whole usage block first; one line is easier to read and to grep.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- the MSFT price ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceUsed:
    """The MSFT price a run uses, and where it came from, in words a reader can check."""

    price_usd: float | None
    source: str
    as_of: date | None = None  # the close's date


def _prices_module() -> Any | None:
    """The price feed module, when this installation has it."""
    if importlib.util.find_spec("model.prices") is None:
        return None
    import model.prices

    return model.prices


def _require_prices_module(flag: str) -> Any:
    prices_module = _prices_module()
    if prices_module is None:
        raise UsageError(f"{flag}: the MSFT price feed (model/prices.py) is not part of this installation")
    return prices_module


def snapshot_price(today: date) -> PriceUsed:
    """The close of the last session on or before ``today`` in the snapshot shipped in data/."""
    prices_module = _require_prices_module("MSFT price")
    close = prices_module.close_on_or_before(prices_module.load_snapshot().frame, today)
    if close is None:
        return PriceUsed(None, f"none: the offline snapshot starts after {today}")
    return PriceUsed(
        close.close_usd, f"close of {close.date} from the offline snapshot data/msft_daily.csv", close.date
    )


def live_price(today: date, now: datetime) -> PriceUsed:
    """The live close (or the feed's own fallback), saying which source answered."""
    prices_module = _require_prices_module("--live")
    prices = prices_module.load_prices(now=now)
    close = prices_module.close_on_or_before(prices.frame, today)
    where = prices_module.describe(prices, now)
    if close is None:
        return PriceUsed(None, f"none on or before {today} ({where})")
    return PriceUsed(close.close_usd, f"close of {close.date} ({where})", close.date)


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
    _facts: Any = field(default=None, repr=False)

    @cached_property
    def facts(self) -> Any:
        from model.facts import load_facts

        return self._facts if self._facts is not None else load_facts()

    @cached_property
    def result(self) -> Any:
        from model.engine import run

        return run(self.scenario, self.facts, today=self.today, msft_price_usd=self.price.price_usd)


def build_context(args: argparse.Namespace) -> Context:
    scenario, how = build_scenario(args.preset, args.scenario, args.set or [])
    today = args.today or date.today()
    if args.price is not None:
        price = PriceUsed(args.price, "given with --price")
    elif args.live:
        price = live_price(today, datetime.now(UTC))
    else:
        price = snapshot_price(today)
    return Context(scenario=scenario, scenario_source=how, today=today, price=price)


def _add_scenario_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scenario")
    group.add_argument("--preset", metavar="NAME", help="start from a preset (base, bull, bear, breakup, announced)")
    group.add_argument("--scenario", metavar="FILE.json", type=Path, help="values from a JSON scenario file")
    group.add_argument("--set", metavar="NAME=VALUE", action="append", help="one assumption; repeat for more")
    group.add_argument("--today", metavar="YYYY-MM-DD", type=_date, help="the model's today (default: today)")
    price = group.add_mutually_exclusive_group()
    price.add_argument("--price", metavar="USD", type=_price, help="MSFT price to use")
    price.add_argument("--live", action="store_true", help="fetch the MSFT price live (default: snapshot)")


# -- commands ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """One subcommand. ``run`` gets the parsed flags and, if ``uses_scenario``, a Context."""

    name: str
    help: str
    run: Callable[..., int]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    uses_scenario: bool = True


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    COMMANDS[command.name] = command
    return command


def changed_assumptions(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(label and name, value, default) for every assumption off its default, as text."""
    return [(f"{spec.label} ({spec.name})", spec.format(getattr(scenario, spec.name)), spec.format(spec.default))
            for spec in changed_specs(scenario)]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_metric(value: Any, unit: str) -> str:
    """A headline figure in its unit, as a reader expects it: 20.5% rather than 0.205 fraction."""
    if _missing(value):
        return "n/a"
    value = float(value)
    if unit == "year":
        return str(round(value))
    if unit in ("fraction", "per year"):
        return f"{value:.1%}" + (" per year" if unit == "per year" else "")
    if unit == "x":
        return f"{value:,.2f}x"
    if unit == "USD":
        return f"{value:,.2f} USD"
    if unit == "USD bn":
        return f"{value:,.1f} USD bn" if abs(value) >= 100 else f"{value:,.2f} USD bn"
    if unit.startswith("0-"):  # an index on a fixed scale, e.g. HHI on 0-10,000
        return f"{value:,.0f} (of {unit})"
    return f"{value:,.4g} {unit}".rstrip()


def summary_text(context: Context) -> str:
    """The headline figures as text: the scenario's changed values first, then the metrics."""
    lines = [f"Scenario: {context.scenario_source}"]
    changed = changed_assumptions(context.scenario)
    if changed:
        width = max(len(label) for label, _, _ in changed)
        lines += [f"  {label:<{width}}  {value}  (default {default})" for label, value, default in changed]
    else:
        lines.append("  every assumption at its default (the reported terms)")
    lines.append(f"Today: {context.today}")
    lines.append(f"MSFT price: {format_metric(context.price.price_usd, 'USD')}, {context.price.source}")
    lines.append("")
    lines.append("Headline figures (from Microsoft's side: money in is positive)")
    summary = context.result.tables["summary"]
    rows = []
    for record in summary.to_dict("records"):
        extras = []
        if not _missing(record.get("per_msft_share_usd")):
            extras.append(f"{record['per_msft_share_usd']:,.2f} USD per MSFT share")
        if not _missing(record.get("share_of_msft_market_value")):
            extras.append(f"{record['share_of_msft_market_value']:.2%} of MSFT market value")
        label = str(record["label"]) + (" *" if record.get("derived") else "")
        rows.append((label, format_metric(record["value"], str(record.get("unit") or "")), "; ".join(extras)))
    width_label = max(len(label) for label, _, _ in rows)
    width_value = max(len(value) for _, value, _ in rows)
    for label, value, extras in rows:
        lines.append(f"  {label:<{width_label}}  {value:>{width_value}}  {extras}".rstrip())
    lines.append("")
    lines.append("* derived by the model from the assumptions above (see sources with: export)")
    return "\n".join(lines)


def _run_summary(args: argparse.Namespace, context: Context) -> int:
    print(summary_text(context))
    return EXIT_OK


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="default: csv")
    parser.add_argument(
        "--out",
        metavar="PATH",
        type=Path,
        help="csv: a folder (default ./out); xlsx: a file (default ./openai-exposure.xlsx)",
    )


def _run_export(args: argparse.Namespace, context: Context) -> int:
    from model.compare import compare, preset_columns
    from model.exports import ExportError, write_tables
    from model.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED, run_monte_carlo
    from model.sensitivity import DEFAULT_RELATIVE, tornado
    from model.workbook import Cover

    out = args.out or DEFAULT_OUT[args.format]
    sources = context.facts.sources()
    # The same tables as the dashboard's workbook: the model's, the presets side by side, the
    # tornado and a Monte Carlo run at the default settings.
    comparison = compare(preset_columns(context.scenario), context.facts, context.today, context.price.price_usd,
                         results={"current": context.result})
    monte_carlo = run_monte_carlo(context.scenario, context.facts, context.today)
    tables = {
        **context.result.tables,
        "scenario_comparison": comparison,
        "sensitivity": tornado(context.scenario, context.facts, context.today),
        **monte_carlo.tables(),
    }
    cover = Cover(
        exported_at=datetime.now(UTC),
        scenario_note=context.scenario_source,
        msft_price_usd=context.price.price_usd,
        msft_price_as_of=context.price.as_of,
        msft_price_source=context.price.source,
        today=context.today,
        notes=(
            f"Monte Carlo sheets: {DEFAULT_DRAWS:,} draws, seed {DEFAULT_SEED}, each range "
            f"{DEFAULT_RELATIVE:.0%} either way (the defaults of: {PROG} montecarlo).",
        ),
    )
    try:
        written = write_tables(tables, context.scenario, sources, out, args.format, cover)
    except ExportError as error:
        raise UsageError(f"--out: {error}") from None
    shown = out if args.format == "xlsx" else f"{out}/ ({len(written)} CSV files)"
    print(
        f"wrote {shown}: scenario from {context.scenario_source}; today {context.today}; "
        f"MSFT price {context.price.source}"
    )
    return EXIT_OK


def check_text(table: Any) -> str:
    """The calibration table as aligned text: one line per reported figure."""
    rows = [("", "figure", "reported", "band", "modelled")]
    for record in table.to_dict("records"):
        mark = "ok" if record["within"] else "OUT"
        rows.append((mark, record["label"], record["reported"], record["band"], f"{record['modelled']:,.3g}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    failed = int((~table["within"]).sum())
    lines.append("")
    lines.append(f"{len(table) - failed} of {len(table)} reported figures reproduced within their band"
                 + (f"; {failed} outside" if failed else ""))
    return "\n".join(lines)


def _run_check(args: argparse.Namespace, context: Context) -> int:
    from model.calibration import check

    table = check(context.facts, context.today, context.scenario)
    print(f"Scenario: {context.scenario_source}; today {context.today}")
    print(check_text(table))
    if args.verbose:
        print()
        for record in table.to_dict("records"):
            print(f"{record['label']}: {record['basis']} ({record['source']}, as of {record['as_of']})")
    return EXIT_OK if table["within"].all() else EXIT_FAILURE


def _add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", action="store_true", help="also print each figure's basis and source")


def _run_prices(args: argparse.Namespace) -> int:
    prices_module = _prices_module()
    if prices_module is None:
        print(
            f"{PROG} prices: the live price feed (model/prices.py) is not part of this installation",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    now = datetime.now(UTC)
    print(prices_module.prices_report(prices_module.load_prices(now=now), now))
    return EXIT_OK


def _run_assumptions(args: argparse.Namespace) -> int:
    """Every assumption: the names --set and scenario files take, with default and range."""
    for group in GROUPS:
        print(group)
        for name, spec in SPECS.items():
            if spec.group == group:
                print(f"  {name:<36} default {spec.format(spec.default):<22} {spec.describe_range()}")
                print(f"  {'':<36} {spec.label}: {spec.help}")
        print()
    return EXIT_OK


register(Command("summary", "print the headline figures of a scenario", _run_summary))
register(Command("check", "compare the scenario with every reported figure it must reproduce; exit 1 if one "
                 "is outside its band", _run_check, _add_check_arguments))
register(Command("assumptions", "list every assumption with its default and allowed range", _run_assumptions,
                 uses_scenario=False))
register(Command("export", "write every table as CSV files or one Excel workbook", _run_export, _add_export_arguments))
register(
    Command(
        "prices",
        "fetch MSFT prices and say which source answered, as of when",
        _run_prices,
        uses_scenario=False,
    )
)

# compare, sensitivity and montecarlo register themselves (they need the names above).
import model.analysis_cli  # noqa: E402, F401


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Microsoft's exposure to OpenAI, from the command line.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS.values():
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        if command.uses_scenario:
            _add_scenario_flags(sub)
        if command.add_arguments is not None:
            command.add_arguments(sub)
    return parser


def _data_file_errors() -> tuple[type[Exception], ...]:
    # The facts and the price files each define their own DataFileError; both name file and field.
    errors: list[type[Exception]] = []
    for module_name in ("model.facts", "model.events"):
        if importlib.util.find_spec(module_name) is not None:
            errors.append(importlib.import_module(module_name).DataFileError)
    return tuple(errors)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = COMMANDS[args.command]
    try:
        if not command.uses_scenario:
            return command.run(args)
        return command.run(args, build_context(args))
    except UsageError as error:
        print(f"{PROG} {command.name}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except _data_file_errors() as error:
        print(f"{PROG} {command.name}: data file error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        print(f"{PROG} {command.name}: {error}", file=sys.stderr)
        return EXIT_FAILURE
