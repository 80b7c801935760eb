"""What one export holds, made in one place for the command line and the dashboard alike.

An export of a scenario is: the model's tables, the scenario comparison (the presets beside it),
the tornado, and a Monte Carlo run at the chosen draws, seed and range width; the scenario and the
sources; and a cover (:class:`~model.export.workbook.Cover`) naming the scenario, the MSFT price
used and as of when, the model's today, the export time, and the scenario's link. The link is built
from the dashboard address the exporter gives (the page's own address on the dashboard, ``--app-url``
on the command line) and carries every setting the sheets used, Monte Carlo's included; without an
address the cover says so rather than point at a guess.

:func:`make_bundle` builds an :class:`ExportBundle`; the dashboard passes in the analysis tables it
has already cached, the command line lets them be computed here. Either way the sheets and the
cover rows are the same for the same scenario (a test checks it), and the files (workbook, CSV
zip, PDF tear sheet) are all written from the bundle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from model.analysis.compare import compare, preset_columns
from model.analysis.montecarlo import (
    DEFAULT_DRAWS,
    DEFAULT_METHOD,
    DEFAULT_SEED,
    DEFAULT_WIDTH,
    Range,
    default_ranges,
    run_monte_carlo,
)
from model.analysis.sensitivity import tornado
from model.engine import Result
from model.export.link import page_pairs, scenario_tag, share_url
from model.export.workbook import Cover
from model.facts import Facts
from model.market import prices as price_feed
from model.market.complex import DEFAULT_REBASE, load_tickers, market_tables, owed_by_openai, rebased_prices
from model.market.event_study import complex_event_study
from model.market.events import load_events
from model.scenario import Scenario

NO_LINK_NOTE = (
    "No dashboard address was given, so this cover carries no link "
    "(on the command line: --app-url https://your-dashboard/)."
)
ANALYSIS_TABLES = ("scenario_comparison", "sensitivity")
MARKET_TABLES = ("event_study", "rebased_prices", "openai_complex")
# The Market page's defaults: the export does not follow the page's own choices, which its link does not carry.
MARKET_BENCHMARK = "SPY"


@dataclass(frozen=True)
class MonteCarloSettings:
    """The Monte Carlo run the export's sheets hold (the Monte Carlo page's part of the link): draws,
    seed, method, the width of the record's ranges and whether the reported terms are drawn."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    method: str = DEFAULT_METHOD
    width: float = DEFAULT_WIDTH
    draw_reported_terms: bool = False

    def ranges(self, scenario: Scenario) -> dict[str, Range]:
        return default_ranges(scenario, self.width, draw_fixed=self.draw_reported_terms)

    def page(self) -> dict[str, str]:
        """The link's page parameters for these settings (only those off their default)."""
        return page_pairs({"mc_draws": self.draws, "mc_seed": self.seed, "mc_method": self.method,
                           "mc_width": self.width, "mc_reported": "drawn" if self.draw_reported_terms else "fixed"})

    def describe(self) -> str:
        terms = "reported terms drawn too" if self.draw_reported_terms else "reported terms held"
        return (f"{self.draws:,} draws, seed {self.seed}, {self.method} draws, ranges of data/ranges.yaml "
                f"x {self.width:g}, {terms}")

    def note(self) -> str:
        return f"Monte Carlo sheets: {self.describe()}."


@dataclass(frozen=True)
class PriceUsed:
    """The MSFT price the export's figures use, as the cover shows it."""

    usd: float | None
    as_of: date | None = None
    source: str = ""


@dataclass(frozen=True)
class ExportBundle:
    """Everything one export of a scenario holds; the files are written from it."""

    scenario: Scenario
    result: Result
    tables: dict[str, pd.DataFrame]
    sources: pd.DataFrame
    cover: Cover
    settings: MonteCarloSettings
    link: str | None
    tag: str  # the short, stable name of the scenario (model.export.link.scenario_tag) for file names
    facts: Facts = field(repr=False)

    def workbook(self) -> bytes:
        # Imported here for start-up time: the workbook writer pulls in openpyxl only when asked.
        from model.export.workbook import workbook_bytes

        return workbook_bytes(self.tables, self.scenario, self.sources, self.cover, result=self.result)

    def file_name(self, stem: str, extension: str) -> str:
        """``stem`` and the scenario's tag: ``openai-exposure_s-d7ebcb2a.xlsx``."""
        return f"{stem}_{self.tag}.{extension}"


def analysis_tables(
    scenario: Scenario,
    facts: Facts,
    today: date,
    result: Result,
    settings: MonteCarloSettings,
    *,
    msft_price_usd: float | None = None,
    given: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """The scenario comparison, the tornado and the Monte Carlo tables; any already in ``given``
    (the dashboard's cached runs) are taken from there."""
    given = dict(given or {})
    out: dict[str, pd.DataFrame] = {}
    out["scenario_comparison"] = given.get("scenario_comparison")
    if out["scenario_comparison"] is None:
        out["scenario_comparison"] = compare(preset_columns(scenario), facts, today, msft_price_usd,
                                             results={"current": result})
    out["sensitivity"] = given.get("sensitivity")
    if out["sensitivity"] is None:
        out["sensitivity"] = tornado(scenario, facts, today)
    monte_carlo = {name: df for name, df in given.items() if name.startswith("monte_carlo")}
    if not monte_carlo:
        run = run_monte_carlo(scenario, facts, today, draws=settings.draws, seed=settings.seed,
                              chosen=settings.ranges(scenario), method=settings.method)
        monte_carlo = run.tables()
    out.update(monte_carlo)
    return out


def market_sheets(
    prices: Mapping[str, price_feed.Prices], result: Result, today: date,
    *, benchmark: str = MARKET_BENCHMARK, rebase: date = DEFAULT_REBASE,
) -> tuple[dict[str, pd.DataFrame], str]:
    """The Market page's tables (``event_study``, ``rebased_prices``, ``openai_complex``) from ``prices``
    (MSFT, the benchmarks and the counterparties), and the cover's note saying what they rest on.

    Without MSFT's or the benchmark's prices there is no event study and no rebased prices; the note says
    so and what OpenAI owes each company, which needs no price, is still there.
    """
    exposure = owed_by_openai(result.tables["commitments"], load_tickers(), today.year)
    if price_feed.TICKER not in prices or benchmark not in prices:
        return {"openai_complex": exposure}, ("Market sheets: no prices could be loaded, so only openai_complex "
                                              "(what OpenAI owes each company) is here.")
    frames = {ticker: answer.frame for ticker, answer in prices.items()}
    shown = [t for t in (price_feed.TICKER, benchmark, *price_feed.COUNTERPARTY_TICKERS) if t in frames]
    tables = market_tables(complex_event_study(frames, load_events(), benchmark),
                           rebased_prices({t: frames[t] for t in shown}, rebase), exposure)
    by_source: dict[tuple[str, date], list[str]] = {}
    for ticker, answer in prices.items():
        by_source.setdefault((answer.provenance.source, answer.provenance.as_of), []).append(ticker)
    where = "; ".join(f"{source} to {as_of} ({', '.join(tickers)})" for (source, as_of), tickers in by_source.items())
    return tables, (f"Market sheets: event study net of {benchmark}, prices rebased to 100 on the first session "
                    f"from {rebase}; prices: {where}.")


def make_bundle(
    scenario: Scenario,
    facts: Facts,
    today: date,
    result: Result,
    sources: pd.DataFrame,
    *,
    price: PriceUsed,
    settings: MonteCarloSettings = MonteCarloSettings(),  # noqa: B008 - frozen, so one default is safe
    app_url: str | None = None,
    exported_at: datetime | None = None,
    analysis: Mapping[str, pd.DataFrame] | None = None,
    market: Mapping[str, price_feed.Prices] | None = None,
) -> ExportBundle:
    """The export of ``scenario``: its tables, the cover, and the link on the dashboard at ``app_url``.

    ``market``: the prices of MSFT, the benchmarks and the counterparties for the market sheets; by
    default the snapshots shipped in data/ (:func:`model.market.prices.load_complex`).
    """
    page = settings.page()
    link = share_url(scenario, app_url, page) if app_url else None
    sheets, market_note = market_sheets(price_feed.load_complex() if market is None else market, result, today)
    notes: tuple[str, ...] = (settings.note(), market_note) + (() if link else (NO_LINK_NOTE,))
    cover = Cover(
        exported_at=exported_at,
        link=link,
        msft_price_usd=price.usd,
        msft_price_as_of=price.as_of,
        msft_price_source=price.source or ("no MSFT price could be loaded" if price.usd is None else ""),
        today=today,
        notes=notes,
        tag=scenario_tag(scenario, page),
    )
    tables: dict[str, Any] = {
        **result.tables,
        **analysis_tables(scenario, facts, today, result, settings, msft_price_usd=price.usd, given=analysis),
        **sheets,
    }
    return ExportBundle(scenario, result, tables, sources, cover, settings, link, cover.tag, facts)
