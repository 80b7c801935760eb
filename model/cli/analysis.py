"""The command line's scenario analysis: ``compare``, ``sensitivity`` and ``montecarlo``.

Each writes its tables as CSV files into a folder (``--out``, default ``./out``), with the same
conventions as ``export`` (model/export/), and takes the same scenario flags (``--preset``,
``--scenario``, ``--set``, ``--today``, ``--price``/``--live``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from model.analysis.compare import compare, preset_columns, wide
from model.analysis.montecarlo import (
    DEFAULT_DRAWS,
    DEFAULT_METHOD,
    DEFAULT_SEED,
    DEFAULT_WIDTH,
    METHODS,
    RangeError,
    default_ranges,
    run_monte_carlo,
)
from model.analysis.sensitivity import OUTCOMES, tornado, two_way
from model.cli.context import DEFAULT_OUT, EXIT_OK, Command, Context, UsageError
from model.export.files import write_atomically
from model.export.tables import csv_bytes


def write_csv_tables(tables: Mapping[str, pd.DataFrame], out: Path) -> list[Path]:
    """Each table as ``<name>.csv`` in the folder ``out``; all are rendered before any is written,
    and each lands through a rename (model.export.files), so a failure never leaves a half-written file."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {out} is a file; CSV output goes to a folder")
    files = {out / f"{name}.csv": csv_bytes(df) for name, df in tables.items()}
    out.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        write_atomically(path, data)
    return list(files)


def _checked(cast: Callable[[str], Any], ok: Callable[[Any], bool], what: str) -> Callable[[str], Any]:
    """An argparse ``type`` that reads ``text`` with ``cast`` and refuses what ``ok`` rejects."""

    def parse(text: str) -> Any:
        try:
            value = cast(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value

    return parse


_width = _checked(float, lambda v: 0.25 <= v <= 2, "a range width; expected 0.25 to 2 (1 = the record's ranges)")
_positive_int = _checked(int, lambda v: v >= 1, "a whole number of at least 1")
_seed = _checked(int, lambda v: v >= 0, "a seed; expected a whole number of at least 0")


def _add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="FOLDER", type=Path, help="folder for the CSV files (default ./out)")


def _report(written: list[Path], out: Path, context: Context, extra: str = "") -> None:
    names = ", ".join(path.name for path in written)
    print(f"wrote {out}/ ({names}): scenario from {context.scenario_source}; today {context.today}{extra}")


# -- compare ---------------------------------------------------------------------------------------


def _add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    _add_out(parser)
    parser.add_argument(
        "--all-assumptions",
        action="store_true",
        help="a row for every assumption, not only those that differ between scenarios",
    )


def _run_compare(args: argparse.Namespace, context: Context) -> int:
    long = compare(
        preset_columns(context.scenario),
        context.facts,
        context.today,
        context.price.price_usd,
        all_assumptions=args.all_assumptions,
    )
    out = args.out or DEFAULT_OUT["csv"]
    tables = {"scenario_comparison": long, "scenario_comparison_wide": wide(long, "amount")}
    _report(write_csv_tables(tables, out), out, context)
    return EXIT_OK


# -- sensitivity -----------------------------------------------------------------------------------


def _add_sensitivity_arguments(parser: argparse.ArgumentParser) -> None:
    _add_out(parser)
    _add_range_arguments(parser)
    parser.add_argument(
        "--grid", nargs=2, metavar=("ROW", "COLUMN"), help="also write a two-way table of two assumptions"
    )
    parser.add_argument(
        "--outcome",
        choices=list(OUTCOMES),
        default="npv_usd_bn",
        help="the result in the two-way table (default npv_usd_bn)",
    )
    parser.add_argument("--points", type=_positive_int, default=5, help="values per side of the grid (default 5)")


def _add_range_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--width",
        metavar="FACTOR",
        type=_width,
        default=DEFAULT_WIDTH,
        help="each range of data/ranges.yaml scaled around its most likely value (default 1: as recorded)",
    )
    parser.add_argument(
        "--draw-reported-terms",
        action="store_true",
        help="also move the reported terms (the stake, the revenue share's rate, end and cap, the tax and "
        "discount rates), which are otherwise held",
    )


def _run_sensitivity(args: argparse.Namespace, context: Context) -> int:
    tables = {
        "sensitivity": tornado(
            context.scenario, context.facts, context.today, args.width, include_fixed=args.draw_reported_terms
        )
    }
    if args.grid:
        try:
            grid = two_way(
                context.scenario, context.facts, context.today, *args.grid, outcome=args.outcome, points=args.points
            )
        except ValueError as error:
            raise UsageError(f"--grid: {error}") from None
        tables["sensitivity_grid"] = grid.long
    out = args.out or DEFAULT_OUT["csv"]
    _report(write_csv_tables(tables, out), out, context)
    return EXIT_OK


# -- Monte Carlo -----------------------------------------------------------------------------------


def _add_montecarlo_arguments(parser: argparse.ArgumentParser) -> None:
    _add_out(parser)
    parser.add_argument(
        "--draws", type=_positive_int, default=DEFAULT_DRAWS, help=f"number of draws (default {DEFAULT_DRAWS})"
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=DEFAULT_SEED,
        help=f"random seed; the same seed gives the same draws (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        default=DEFAULT_METHOD,
        help=f"correlated (a Gaussian copula over the ranges, data/ranges.yaml) or independent draws "
        f"(default {DEFAULT_METHOD})",
    )
    _add_range_arguments(parser)


def _run_montecarlo(args: argparse.Namespace, context: Context) -> int:
    try:
        result = run_monte_carlo(
            context.scenario,
            context.facts,
            context.today,
            draws=args.draws,
            seed=args.seed,
            chosen=default_ranges(context.scenario, args.width, draw_fixed=args.draw_reported_terms),
            method=args.method,
        )
    except RangeError as error:
        raise UsageError(str(error)) from None
    out = args.out or DEFAULT_OUT["csv"]
    extra = f"; {result.draws} draws, seed {result.seed}, {result.method}"
    _report(write_csv_tables(result.tables(), out), out, context, extra)
    return EXIT_OK


COMMANDS = (
    Command(
        "compare",
        "write the presets and the scenario side by side, with variance against the base",
        _run_compare,
        _add_compare_arguments,
    ),
    Command(
        "sensitivity",
        "write a tornado of each assumption's effect (and optionally a two-way table)",
        _run_sensitivity,
        _add_sensitivity_arguments,
    ),
    Command(
        "montecarlo",
        "write Monte Carlo percentiles, fan, funding-gap probability and histogram",
        _run_montecarlo,
        _add_montecarlo_arguments,
    ),
)
