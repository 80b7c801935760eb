"""The command line: the model's figures and exports without a browser (``python -m model --help``).

A subcommand is one :class:`~model.cli.context.Command`; :mod:`model.cli.commands` holds the
model's own (summary, check, export, prices, assumptions) and :mod:`model.cli.analysis` the
scenario analysis (compare, sensitivity, montecarlo)
and :mod:`model.cli.market` the market tables (events). Commands that work on a scenario get the
common flags and a :class:`~model.cli.context.Context` with the scenario, today, the MSFT price and
the model's result. A bad name or value gives exit status 2 and writes nothing; a broken data file
gives exit status 1 and names the file, record and field.
"""

from __future__ import annotations

import argparse
import sys

from model.cli import analysis, commands, market
from model.cli.context import EXIT_FAILURE, EXIT_USAGE, PROG, UsageError, add_scenario_flags, build_context
from model.datafiles import DataFileError

COMMANDS = {command.name: command for command in (*commands.COMMANDS, *analysis.COMMANDS, *market.COMMANDS)}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints the whole usage block first; one line is easier to read and to grep.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Microsoft's exposure to OpenAI, from the command line.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS.values():
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        if command.uses_scenario:
            add_scenario_flags(sub)
        if command.add_arguments is not None:
            command.add_arguments(sub)
    return parser


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
    except DataFileError as error:
        print(f"{PROG} {command.name}: data file error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        print(f"{PROG} {command.name}: {error}", file=sys.stderr)
        return EXIT_FAILURE
