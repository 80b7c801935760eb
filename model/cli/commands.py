"""The command line's own commands: ``summary``, ``check``, ``export``, ``prices`` and ``assumptions``.

    python -m model summary [--preset bear] [--set name=value ...] [--scenario file.json]
    python -m model export --format csv|xlsx|pdf [--out PATH] [--app-url URL] [same scenario flags]
    python -m model check [same scenario flags]     (exit 1 when a reported figure is missed)
    python -m model prices
    python -m model assumptions
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from model.analysis.calibration import check, figure_text, unexplained_misses
from model.cli.context import DEFAULT_OUT, EXIT_FAILURE, EXIT_OK, Command, Context, UsageError
from model.cli.market import all_prices
from model.export.bundle import ExportBundle, MonteCarloSettings, PriceUsed, make_bundle
from model.export.figures import format_metric
from model.export.files import ExportError, write_bundle
from model.export.link import PAGE_PARAMS
from model.market import prices as price_feed
from model.numbers import is_missing
from model.scenario import GROUPS, SPECS, Scenario, changed_specs
from model.sources import sources_table


def changed_assumptions(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(label and name, value, default) for every assumption off its default, as text."""
    return [(f"{spec.label} ({spec.name})", spec.format(getattr(scenario, spec.name)), spec.format(spec.default))
            for spec in changed_specs(scenario)]


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
        if not is_missing(record.get("per_msft_share_usd")):
            extras.append(f"{record['per_msft_share_usd']:,.2f} USD per MSFT share")
        if not is_missing(record.get("share_of_msft_market_value")):
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
    parser.add_argument("--format", choices=("csv", "xlsx", "pdf"), default="csv", help="default: csv")
    parser.add_argument(
        "--out",
        metavar="PATH",
        type=Path,
        help="csv: a folder (default ./out); xlsx, pdf: a file (default ./openai-exposure.xlsx or .pdf)",
    )
    parser.add_argument(
        "--app-url",
        metavar="URL",
        type=_app_url,
        help="the dashboard's public address, for the scenario link on the cover (default: no link)",
    )
    # The Monte Carlo sheets' settings: the same names, bounds and defaults as the link's page parameters.
    for name, flag, metavar in (("mc_draws", "--mc-draws", "N"), ("mc_seed", "--mc-seed", "N"),
                                ("mc_method", "--mc-method", "METHOD"), ("mc_width", "--mc-width", "FACTOR"),
                                ("mc_reported", "--mc-reported", "fixed|drawn")):
        param = PAGE_PARAMS[name]
        parser.add_argument(flag, metavar=metavar, type=_page_value(param), default=param.default,
                            help=f"{param.label} for the Monte Carlo sheets ({param.describe_range()}; "
                            f"default {param.show(param.default)})")


def _app_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"{text!r} is not a dashboard address; expected e.g. https://host/app/")
    return text


def _page_value(param):
    def parse(text: str):
        value = param.parse(text)
        if value is None:
            raise argparse.ArgumentTypeError(f"{text!r} is not allowed; allowed: {param.describe_range()}")
        return value

    return parse


def export_bundle(args: argparse.Namespace, context: Context) -> ExportBundle:
    """What ``export`` writes: the same bundle as the dashboard's downloads for this scenario."""
    settings = MonteCarloSettings(int(args.mc_draws), int(args.mc_seed), str(args.mc_method), float(args.mc_width),
                                  args.mc_reported == "drawn")
    price = PriceUsed(context.price.price_usd, context.price.as_of, context.price.feed)
    now = datetime.now(UTC)
    # The market sheets' prices: the snapshots, or with --live the feed (each ticker falling back alone).
    return make_bundle(context.scenario, context.facts, context.today, context.result,
                       sources_table(context.facts), price=price, settings=settings, app_url=args.app_url,
                       exported_at=now, market=all_prices(args.live, now))


def _run_export(args: argparse.Namespace, context: Context) -> int:
    out = args.out or DEFAULT_OUT[args.format]
    bundle = export_bundle(args, context)
    try:
        written = write_bundle(bundle, out, args.format)
    except ExportError as error:
        raise UsageError(f"--out: {error}") from None
    shown = out if args.format != "csv" else f"{out}/ ({len(written)} CSV files)"
    print(
        f"wrote {shown}: scenario from {context.scenario_source} (tag {bundle.tag}); today {context.today}; "
        f"MSFT price {context.price.source}"
    )
    if bundle.link is None:
        print("no --app-url given: the cover carries no scenario link")
    else:
        print(f"scenario link: {bundle.link}")
    return EXIT_OK


def check_text(table: Any) -> str:
    """The calibration table as aligned text: one line per reported figure."""
    rows = [("", "figure", "reported", "band", "modelled")]
    for record in table.to_dict("records"):
        mark = "ok" if record["within"] else "OUT (known)" if record["known_miss"] else "OUT"
        rows.append((mark, record["label"], record["reported"], record["band"],
                     figure_text(record["modelled"], record["kind"], 3)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    failed = int((~table["within"]).sum())
    known = table[~table["within"] & (table["known_miss"] != "")]
    lines.append("")
    lines.append(f"{len(table) - failed} of {len(table)} reported figures reproduced within their band"
                 + (f"; {failed} outside" if failed else "")
                 + (f", of them {len(known)} known and explained" if len(known) else ""))
    lines += [f"  known: {record['label']}: {record['known_miss']}" for record in known.to_dict("records")]
    return "\n".join(lines)


def _run_check(args: argparse.Namespace, context: Context) -> int:
    table = check(context.facts, context.today, context.scenario)
    print(f"Scenario: {context.scenario_source}; today {context.today}")
    print(check_text(table))
    if args.verbose:
        print()
        for record in table.to_dict("records"):
            print(f"{record['label']}: {record['basis']} ({record['source']}, as of {record['as_of']})")
    return EXIT_OK if unexplained_misses(table).empty else EXIT_FAILURE


def _add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", action="store_true", help="also print each figure's basis and source")


def _run_prices(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    print(price_feed.prices_report(price_feed.load_prices(now=now), now))
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


COMMANDS = (
    Command("summary", "print the headline figures of a scenario", _run_summary),
    Command("check", "compare the scenario with every reported figure it must reproduce; exit 1 if one "
            "is outside its band", _run_check, _add_check_arguments),
    Command("assumptions", "list every assumption with its default and allowed range", _run_assumptions,
            uses_scenario=False),
    Command("export", "write every table as CSV files, one Excel workbook or a one-page PDF tear sheet",
            _run_export, _add_export_arguments),
    Command("prices", "fetch MSFT prices and say which source answered, as of when", _run_prices,
            uses_scenario=False),
)
