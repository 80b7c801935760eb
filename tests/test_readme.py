"""The figures the README's prose states, checked against the model and the facts, so the text cannot drift.

Every figure in the README outside its code blocks (an amount like $248.8B, a percentage, a multiple like
16.68x, gigawatts, "N of M reported figures") must be claimed by one of the lists below, each entry a
pattern tied to the words around the figure in the README:

- ``MODEL``: a figure the model computes, checked against ``model.engine.run`` at the reported terms on
  the day the README names (``--today YYYY-MM-DD`` in its text), to the decimals the README writes;
- ``FACTS``: a reported fact, checked against data/*.yaml (or a preset, or an assumption's default,
  where the README quotes one);
- the count of reported figures reproduced, checked against ``model check``.

A new figure in the README fails :func:`test_every_figure_in_the_readme_is_checked` until it is given
an entry here; a changed model or fact fails the entry's test until the README says the new number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from model.analysis.calibration import check
from model.analysis.montecarlo import DEFAULT_DRAWS
from model.analysis.ranges import load_ranges
from model.engine import run
from model.equity_method import nine_months
from model.facts import Facts, load_facts
from model.presets import load_presets
from model.scenario import Scenario

README = Path(__file__).resolve().parent.parent / "README.md"
# What counts as a figure: an amount in dollars, a percentage, a multiple, gigawatts, a count of figures.
FIGURE = re.compile(r"\$\d[\d,]*(?:\.\d+)?B\b|\d[\d,]*(?:\.\d+)?(?:%|x\b| GW\b)|\d+ of \d+ reported figures"
                    r"|\d[\d,]* draws")
NUMBER = r"([\d,]+(?:\.\d+)?)"

# (a pattern whose one group is the figure, as the README's sentence holds it; the summary metric; the
# factor from the metric's unit to the README's: 100 for a fraction written as a percentage).
MODEL: list[tuple[str, str, float]] = [
    (rf"Microsoft has invested \${NUMBER}B", "invested_usd_bn", 1),
    (rf"27% to {NUMBER}% \(the 2026 round", "stake_now", 100),
    (rf"worth \${NUMBER}B at the scenario's own value", "stake_value_usd_bn", 1),
    (rf"\(\${NUMBER}B at the last round's price\)", "stake_value_at_mark_usd_bn", 1),
    (rf"With\s+\${NUMBER}B of net revenue share", "revenue_share_net_usd_bn", 1),
    (rf"\${NUMBER}B of Azure revenue from OpenAI", "azure_revenue_usd_bn", 1),
    (rf"the NPV is \${NUMBER}B", "npv_usd_bn", 1),
    (rf"{NUMBER}% of it\s+resting on the stake", "stake_share_of_npv", 100),
    (rf"forward contract flows alone is \${NUMBER}B", "npv_forward_contracts_usd_bn", 1),
    (rf"the TVPI is {NUMBER}x", "tvpi", 1),
    (rf"the DPI {NUMBER}x", "dpi", 1),
    (rf"the IRR to date {NUMBER}% a year", "irr_to_date", 100),
    (rf"at-risk Azure revenue is \${NUMBER}B", "at_risk_azure_revenue_usd_bn", 1),
    (rf"which\s+takes it to {NUMBER}%", "stake_now", 100),
    (rf"a {NUMBER}% free-cash-flow margin", "horizon_fcf_margin", 100),
    (rf"gives {NUMBER}x revenue", "horizon_revenue_multiple", 1),
    (rf"values OpenAI at the last round's \${NUMBER}B", "openai_value_now_usd_bn", 1),
]


def _commitment(facts: Facts, key: str):
    return next(record for record in facts.commitments.commitments if record.id == key)


def _round_2026(facts: Facts):
    return _round(facts, "2026-03-31")


def _oracle_per_year(facts: Facts) -> float:
    note = _commitment(facts, "oracle").note or ""
    found = re.search(r"more than \$(\d+)B a year from its FY2028", note)
    return float(found.group(1)) if found else float("nan")


def _stargate_equity_reported(facts: Facts) -> float:
    note = _commitment(facts, "stargate").note or ""
    found = re.search(r"each committed \$(\d+)B of equity", note)
    reported = float(found.group(1)) if found else float("nan")
    # The README quotes it as what the model counts: the assumption's default must be the reported figure.
    return reported if Scenario().stargate_equity_usd_bn == reported else float("nan")


# (pattern, the reported value from the facts, in the README's unit).
FACTS: list[tuple[str, Callable[[Facts], float]]] = [
    (rf"Azure's \${NUMBER}B from\s+October 2025", lambda f: _commitment(f, "azure").total_usd_bn),
    (rf"Oracle's \${NUMBER}B from mid-2027", lambda f: _commitment(f, "oracle").total_usd_bn),
    (rf"more than\s+\${NUMBER}B a year from its FY2028", _oracle_per_year),
    (rf"AMD {NUMBER} GW", lambda f: _commitment(f, "amd").gigawatts),
    (rf"Broadcom {NUMBER} GW", lambda f: _commitment(f, "broadcom").gigawatts),
    (rf"equity in the joint venture \(\${NUMBER}B\)", _stargate_equity_reported),
    (rf"the\s+venture's \${NUMBER}B build-out", lambda f: _commitment(f, "stargate").announced_usd_bn),
    (rf"all-in \${NUMBER}B per GW", lambda f: load_presets()["announced"].values["gpu_usd_bn_per_gw"]),
    (rf"\${NUMBER}B of\s+Stargate capex", lambda f: load_presets()["announced"].values["stargate_equity_usd_bn"]),
    (rf"starts from the \${NUMBER}B it held on 31 March 2026", lambda f: f.openai.cash.cash_usd_bn),
    (rf"Amazon's contingent \${NUMBER}B", lambda f: _round_2026(f).contingent_usd_bn),
    (rf"The filings' {NUMBER}% at the recapitalization", lambda f: f.recapitalization.msft_stake * 100),
    (rf"diluted from the filings' {NUMBER}%", lambda f: f.recapitalization.msft_stake * 100),
    (rf"the \${NUMBER}B round of 2026", lambda f: _round_2026(f).raised_usd_bn),
    (rf"round of 2026 at \${NUMBER}B", lambda f: _round_2026(f).post_money_usd_bn),
    (rf"OpenAI backlog of about\s+\${NUMBER}B", lambda f: f.microsoft.azure_backlog_from_openai.usd_bn),
    (rf"leaves the remaining \${NUMBER}B", lambda f: _commitment(f, "azure_backlog_rest").total_usd_bn),
    (rf"Besides the \${NUMBER}B commitment", lambda f: _commitment(f, "azure").total_usd_bn),
    # Assumptions' defaults the README quotes (model/scenario.py).
    (rf"price to free cash flow of\s+{NUMBER}x", lambda f: Scenario().horizon_price_to_fcf),
    (rf"mature company's {NUMBER}-", lambda f: _horizon_band(f)[0]),
    (rf"mature company's \d+-{NUMBER}x", lambda f: _horizon_band(f)[1]),
    (rf"calibrated parameter: {NUMBER}%", lambda f: Scenario().openai_cost_of_equity * 100),
    (rf"default {NUMBER}%: Azure's share", lambda f: Scenario().azure_share_of_renewals * 100),
    (rf"default {NUMBER}%\) and bears", lambda f: Scenario().azure_relet_share * 100),
    (rf"part of the round, \${NUMBER}B by default", lambda f: Scenario().msft_round_2026_usd_bn),
    # Microsoft's income statement (model/equity_method.py).
    (rf"OpenAI's 2025 loss of about \${NUMBER}B", lambda f: -_openai_result(f, "2025").usd_bn),
    (rf"booked at {NUMBER}% with no round's money", lambda f: f.recapitalization.prior_msft_share_of_for_profit * 100),
    (rf"\${NUMBER}B of the \$72B", lambda f: Scenario().round_2026_after_march_usd_bn),
    (rf"of the \${NUMBER}B\. The carrying", lambda f: _round_2026(f).undated_usd_bn),
    (rf"the \${NUMBER}B of October 2024", lambda f: _round(f, "2024-10-02").raised_usd_bn),
    (rf"the most it can have been\s+\(\${NUMBER}B", lambda f: f.microsoft.equity_method_carrying_at_most.usd_bn),
    (rf"\+\${NUMBER}B for the nine months", lambda f: _nine_months(f, "modelled")),
    (rf"nine months to March\s+2026 against \+\${NUMBER}B", lambda f: _nine_months(f, "reported")),
]


def _openai_result(facts: Facts, period: str):
    return next(result for result in facts.openai.net_income if result.period == period)


def _round(facts: Facts, day: str):
    return next(round_ for round_ in facts.openai.funding_rounds if round_.date == day)


def _nine_months(facts: Facts, column: str) -> float:
    """The nine months of FY26 in the equity-method table (reported, or modelled at the reported terms)."""
    modelled, reported = nine_months(run(Scenario(), facts, readme_today()).tables["equity_method"], facts)
    return modelled if column == "modelled" else reported


def _horizon_band(facts: Facts) -> tuple[float, float]:
    """The horizon price-to-free-cash-flow band of data/calibration.yaml."""
    from model.analysis.calibration import load_calibration

    target = next(t for t in load_calibration() if t.measure == "horizon_price_to_fcf")
    return target.low, target.high
CHECK_COUNT = rf"reproduces {NUMBER} of {NUMBER} reported figures"
# Not the model's output nor a reported fact, yet a number the README states: Monte Carlo's default draws.
DRAWS = rf"\*\*Monte Carlo\*\*: {NUMBER} draws"
# The cost calibration's ceiling: the highest other costs and compute floor that data/ranges.yaml draws.
COST_CEILING = rf"never more than {NUMBER}% of\s+revenue between them"


def prose() -> str:
    """The README without its fenced code blocks (commands, not statements about the model)."""
    return re.sub(r"```.*?```", "", README.read_text(encoding="utf-8"), flags=re.S)


def readme_today() -> date:
    found = re.findall(r"model summary --today (\d{4}-\d{2}-\d{2})", prose())
    assert len(found) == 1, "the README names the day its model figures are seen from once"
    return date.fromisoformat(found[0])


def figures(pattern: str) -> list[re.Match]:
    found = list(re.finditer(pattern, prose()))
    assert found, f"the README no longer says {pattern!r}: change the sentence and this test together"
    return found


def as_number(text: str) -> float:
    return float(text.replace(",", ""))


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.fixture(scope="module")
def facts() -> Facts:
    return load_facts()


@pytest.fixture(scope="module")
def metrics(facts) -> dict[str, float]:
    summary = run(Scenario(), facts, readme_today()).tables["summary"]
    return dict(zip(summary["metric"], summary["value"], strict=True))


@pytest.mark.parametrize(("pattern", "metric", "factor"), MODEL, ids=[metric for _, metric, _ in MODEL])
def test_the_readmes_model_figures_are_the_models(pattern, metric, factor, metrics):
    for match in figures(pattern):
        written = match.group(1)
        modelled = round(float(metrics[metric]) * factor, decimals(written))
        assert as_number(written) == pytest.approx(modelled, abs=1e-9), (
            f"README says {match.group(0)!r}; the model gives {modelled} ({metric} at the reported terms, "
            f"today {readme_today()})")


@pytest.mark.parametrize(("pattern", "reported"), FACTS, ids=[pattern[:30] for pattern, _ in FACTS])
def test_the_readmes_reported_figures_are_the_facts(pattern, reported, facts):
    expected = reported(facts)
    for match in figures(pattern):
        written = match.group(1)
        assert as_number(written) == pytest.approx(round(expected, decimals(written)), abs=1e-9), (
            f"README says {match.group(0)!r}; data/ says {expected}")


def test_the_readmes_count_of_reproduced_figures_is_the_checks(facts):
    table = check(facts, readme_today(), Scenario())
    for match in figures(CHECK_COUNT):
        assert (as_number(match.group(1)), as_number(match.group(2))) == (int(table["within"].sum()), len(table))


def test_the_readmes_monte_carlo_draws_are_the_default():
    for match in figures(DRAWS):
        assert as_number(match.group(1)) == DEFAULT_DRAWS


def test_the_readmes_cost_ceiling_is_the_ranges_highest_draw():
    highs = {record.name: record.high for record in load_ranges().ranges}
    for match in figures(COST_CEILING):
        ceiling = (highs["openai_noncompute_cost_share"] + highs["compute_floor_share"]) * 100
        assert as_number(match.group(1)) == pytest.approx(ceiling)


def test_every_figure_in_the_readme_is_checked():
    text = prose()
    claimed: list[tuple[int, int]] = []
    for pattern in [p for p, _, _ in MODEL] + [p for p, _ in FACTS] + [CHECK_COUNT, DRAWS, COST_CEILING]:
        for match in re.finditer(pattern, text):
            claimed += [match.span(group) for group in range(1, (match.lastindex or 0) + 1)]
    unchecked = []
    for figure in FIGURE.finditer(text):
        number = re.search(r"\d[\d,]*(?:\.\d+)?", figure.group(0))
        start = figure.start() + number.start()
        if not any(low <= start < high for low, high in claimed):
            line = text.count("\n", 0, start) + 1
            unchecked.append(f"{figure.group(0)!r} (README prose line {line})")
    assert not unchecked, ("figures in the README that no test checks; add each to MODEL or FACTS in "
                           f"tests/test_readme.py: {unchecked}")
