"""The command line: summary, export and prices, and bad input refused before anything is written."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import model.market.prices
from model.analysis.compare import compare, preset_columns
from model.analysis.montecarlo import run_monte_carlo
from model.analysis.sensitivity import tornado
from model.cli import main
from model.cli.context import build_scenario
from model.engine import run
from model.export.columns import column_title
from model.export.shape import typed_columns
from model.facts import load_facts
from model.presets import load_presets
from model.scenario import SPECS, Scenario
from model.sources import sources_table
from tests.conftest import cli

REPO_ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 21)
# The last close in data/msft_daily.csv (2026-09-28), see data/msft_daily.SOURCE.txt.
SNAPSHOT_CLOSE_USD = 509.22
MODEL_FLAGS = ["--today", TODAY.isoformat()]
# What an export carries besides the model's own tables, as the dashboard's workbook does.
ANALYSIS_TABLES = ["scenario_comparison", "sensitivity", "monte_carlo_ranges", "monte_carlo_correlations",
                   "monte_carlo_fan", "monte_carlo_gap_probability", "monte_carlo_percentiles",
                   "monte_carlo_histogram", "monte_carlo_drivers", "monte_carlo_risk",
                   # the Market page's tables (model.export.bundle.MARKET_TABLES), from the snapshots
                   "event_study", "rebased_prices", "openai_complex"]


@pytest.fixture(scope="module")
def expected_tables() -> dict[str, pd.DataFrame]:
    return run(Scenario(), load_facts(), today=TODAY, msft_price_usd=SNAPSHOT_CLOSE_USD).tables


@pytest.fixture(autouse=True)
def no_price_feed(monkeypatch, tmp_path_factory):
    """The live feed fails as it would offline, and nothing is cached in the user's home."""

    def offline(start):
        raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")

    original = model.market.prices.load_prices
    cache_dir = tmp_path_factory.mktemp("price-cache")

    def load_prices_offline(**kwargs):
        return original(provider=offline, cache_dir=cache_dir, **kwargs)

    monkeypatch.setattr(model.market.prices, "load_prices", load_prices_offline)


# -- summary ---------------------------------------------------------------------------------------


def test_summary_prints_headline_figures_and_the_price_source(capsys, expected_tables):
    assert cli(["summary", *MODEL_FLAGS]) == 0
    out = capsys.readouterr().out
    assert "every assumption at its default" in out
    assert "MSFT price: 509.22 USD, close of 2026-09-28 from the offline snapshot" in out
    for label in expected_tables["summary"]["label"]:
        assert label in out


def test_summary_lists_changed_assumptions_first(capsys):
    argv = ["summary", *MODEL_FLAGS, "--preset", "bear", "--set", "discount_rate=0.12"]
    assert cli(argv) == 0
    out = capsys.readouterr().out
    headline = out.index("Headline figures")
    for name in [*load_presets()["bear"].values, "discount_rate"]:
        assert 0 <= out.index(f"({name})") < headline
    assert "0.120 per year  (default 0.090 per year)" in out


def test_summary_uses_the_given_price(capsys):
    assert cli(["summary", *MODEL_FLAGS, "--price", "600"]) == 0
    assert "MSFT price: 600.00 USD, given with --price" in capsys.readouterr().out


def test_summary_live_says_which_source_answered(capsys):
    assert cli(["summary", *MODEL_FLAGS, "--live"]) == 0
    out = capsys.readouterr().out
    assert "close of 2026-09-28 (offline snapshot, as of 2026-09-28 (live feed failed" in out


def test_summary_uses_the_close_on_or_before_today(capsys):
    # data/msft_daily.csv: 2024-01-06 is a Saturday; the session before it is 2024-01-05, close 367.75.
    assert cli(["summary", "--today", "2024-01-06"]) == 0
    assert "MSFT price: 367.75 USD, close of 2024-01-05 from the offline snapshot" in capsys.readouterr().out


# -- export ----------------------------------------------------------------------------------------


def assert_same_figures(path: Path, expected: pd.DataFrame) -> None:
    # The CSV holds one type and one date precision per column (model.export.shape).
    expected = typed_columns(expected)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == list(expected.columns), path.name
    assert len(back) == len(expected), path.name
    for column in expected.columns:
        want, got = expected[column], back[column]
        if pd.api.types.is_bool_dtype(want):
            assert got.tolist() == ["TRUE" if v else "FALSE" for v in want], (path.name, column)
        elif pd.api.types.is_numeric_dtype(want) or all(
            isinstance(v, float) or v is None for v in want.tolist()
        ):
            got_numbers = pd.to_numeric(got.replace("", math.nan)).astype(float)
            pd.testing.assert_series_equal(
                got_numbers, want.astype(float), check_names=False, rtol=1e-11, obj=f"{path.name}:{column}"
            )
        else:
            for got_text, value in zip(got, want, strict=True):
                assert got_text.removeprefix("'") == plain_text(value), (path.name, column)


def plain_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, ".12g")
    return str(getattr(value, "value", value))


def test_export_csv_figures_equal_the_model(tmp_path, capsys, expected_tables):
    out = tmp_path / "out"
    assert cli(["export", *MODEL_FLAGS, "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    names = {path.stem for path in out.glob("*.csv")}
    assert names == {*expected_tables, *ANALYSIS_TABLES, "scenario", "sources"}
    for name, table in expected_tables.items():
        assert_same_figures(out / f"{name}.csv", table)
    # As in the dashboard's workbook: the presets beside the scenario exported.
    comparison = compare(preset_columns(Scenario()), load_facts(), TODAY, SNAPSHOT_CLOSE_USD)
    assert_same_figures(out / "scenario_comparison.csv", comparison)
    assert_same_figures(out / "sensitivity.csv", tornado(Scenario(), load_facts(), TODAY))
    monte_carlo = run_monte_carlo(Scenario(), load_facts(), TODAY)
    for name, table in monte_carlo.tables().items():
        assert_same_figures(out / f"{name}.csv", table)
    assert_same_figures(out / "sources.csv", sources_table(load_facts()))
    scenario = pd.read_csv(out / "scenario.csv")
    assert scenario["name"].tolist() == list(SPECS)


def test_export_csv_carries_the_scenario(tmp_path):
    out = tmp_path / "bear"
    assert cli(["export", *MODEL_FLAGS, "--preset", "bear", "--out", str(out)]) == 0
    scenario = pd.read_csv(out / "scenario.csv").set_index("name")
    assert float(scenario.loc["openai_revenue_vs_plan", "value"]) == 0.6
    bear = run(load_presets()["bear"].scenario, load_facts(), today=TODAY, msft_price_usd=SNAPSHOT_CLOSE_USD)
    assert_same_figures(out / "summary.csv", bear.tables["summary"])


def test_export_xlsx_has_a_sheet_per_table(tmp_path, expected_tables):
    out = tmp_path / "model.xlsx"
    assert cli(["export", *MODEL_FLAGS, "--format", "xlsx", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames == ["cover", "inputs", "valuation", *expected_tables, *ANALYSIS_TABLES, "scenario",
                               "sources"]
    summary = expected_tables["summary"]
    rows = list(book["summary"].iter_rows(values_only=True))
    assert list(rows[0]) == [column_title(name) for name in summary.columns]
    cover = {row[0]: row[1] for row in book["cover"].iter_rows(values_only=True) if row[0]}
    assert cover["MSFT price (USD)"] == SNAPSHOT_CLOSE_USD
    assert cover["Model date (today)"] == datetime(2026, 11, 21)
    values = [row[list(summary.columns).index("value")] for row in rows[1:]]
    for got, want in zip(values, summary["value"], strict=True):
        if want is None or (isinstance(want, float) and math.isnan(want)):
            assert got is None
        else:
            assert got == pytest.approx(float(want), rel=1e-11)


@pytest.mark.parametrize(("fmt", "default_name"),
                         [("csv", "out"), ("xlsx", "openai-exposure.xlsx"), ("pdf", "openai-exposure.pdf")])
def test_export_default_paths(tmp_path, monkeypatch, fmt, default_name):
    monkeypatch.chdir(tmp_path)
    assert cli(["export", *MODEL_FLAGS, "--format", fmt]) == 0
    assert [path.name for path in tmp_path.iterdir()] == [default_name]


# -- bad input ---------------------------------------------------------------------------------------


def scenario_file(tmp_path: Path, text: str) -> str:
    folder = tmp_path / "input"
    folder.mkdir()
    path = folder / "scenario.json"
    path.write_text(text)
    return str(path)


BAD_INPUTS = {
    "unknown preset": (["--preset", "moon"], ["'moon'", "base, bull, bear, breakup"]),
    "unknown assumption": (["--set", "bogus=1"], ["'bogus'", "python -m model assumptions"]),
    "misspelt assumption": (["--set", "discount_rat=0.1"], ["'discount_rat'", "did you mean 'discount_rate'"]),
    "out of range": (["--set", "discount_rate=0.9"], ["discount_rate", "0 to 0.25 per year"]),
    "not a number": (["--set", "msft_stake=lots"], ["msft_stake", "0 to 0.5"]),
    "not whole": (["--set", "horizon_year=2040.5"], ["horizon_year", "2030 to 2050 year"]),
    "unknown rule": (["--set", "shortfall_rule=lottery"], ["shortfall_rule", "one of pro_rata"]),
    "no equals sign": (["--set", "discount_rate"], ["'discount_rate'", "name=value"]),
    "bad date": (["--today", "2026-02-30"], ["--today", "'2026-02-30'", "YYYY-MM-DD"]),
    "bad price": (["--price", "free"], ["--price", "'free'", "positive number"]),
    "negative price": (["--price", "-5"], ["--price", "'-5'", "positive number"]),
    "bad format": (["--format", "docx"], ["'docx'", "csv", "xlsx", "pdf"]),
    "bad app url": (["--app-url", "localhost:8501"], ["--app-url", "'localhost:8501'", "dashboard address"]),
    "app url with a query": (["--app-url", "https://x.org/?a=1"], ["--app-url", "dashboard address"]),
    "too many draws": (["--mc-draws", "10000000"], ["--mc-draws", "100 to"]),
    "draws not whole": (["--mc-draws", "2000.5"], ["--mc-draws", "'2000.5'"]),
    "range too wide": (["--mc-width", "9"], ["--mc-width", "0.25 to 2"]),
    "unknown method": (["--mc-method", "guess"], ["--mc-method", "one of correlated"]),
    "scenario not JSON": ("{not json", ["--scenario", "not a JSON scenario file"]),
    "scenario not an object": ("[1, 2]", ["--scenario", "expected an object"]),
    "scenario out of range": ('{"msft_stake": 0.9}', ["--scenario", "msft_stake", "0 to 0.5"]),
    "scenario unknown name": ('{"moonshot": 1}', ["--scenario", "'moonshot'"]),
    "scenario missing": (None, ["--scenario", "cannot be read"]),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(case, fmt, tmp_path, capsys):
    flags, expected = BAD_INPUTS[case]
    if case != "bad format":
        flags = ["--format", fmt, *flags] if isinstance(flags, list) else flags
    if not isinstance(flags, list):  # a scenario file with this text (None: no file at all)
        path = scenario_file(tmp_path, flags) if flags is not None else str(tmp_path / "missing.json")
        flags = ["--format", fmt, "--scenario", path]
    before = sorted(tmp_path.rglob("*"))
    out = tmp_path / "out"
    assert cli(["export", *MODEL_FLAGS, "--out", str(out), *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    for text in expected:
        assert text in err
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize(("fmt", "existing"), [("csv", "file"), ("xlsx", "folder"), ("pdf", "folder")])
def test_export_onto_the_wrong_kind_of_path_exits_2(tmp_path, capsys, fmt, existing):
    target = tmp_path / "target"
    target.write_text("keep") if existing == "file" else target.mkdir()
    assert cli(["export", *MODEL_FLAGS, "--format", fmt, "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err
    assert [path.name for path in tmp_path.rglob("*")] == ["target"]
    assert existing == "folder" or target.read_text() == "keep"


def test_scenario_layers_preset_then_file_then_set(tmp_path):
    path = Path(scenario_file(tmp_path, json.dumps({"discount_rate": 0.12, "msft_stake": 0.2})))
    scenario, how = build_scenario("bear", path, ["msft_stake=0.3"])
    bear = load_presets()["bear"].scenario
    assert scenario == bear.model_copy(update={"discount_rate": 0.12, "msft_stake": 0.3})
    assert how.startswith("preset 'bear', then file")


# -- prices and the module entry point -----------------------------------------------------------------


def test_prices_reports_the_source_it_got(capsys):
    assert cli(["prices"]) == 0
    out = capsys.readouterr().out
    assert "offline snapshot, as of 2026-09-28" in out
    assert "live feed failed" in out
    assert "509.22" in out


def test_python_dash_m_model_runs():
    completed = subprocess.run(
        [sys.executable, "-m", "model", "summary", *MODEL_FLAGS, "--price", "509.22"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Headline figures" in completed.stdout


def test_python_dash_m_model_bad_input():
    completed = subprocess.run(
        [sys.executable, "-m", "model", "summary", "--set", "discount_rate=2"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().endswith("allowed: 0 to 0.25 per year")
    assert completed.stdout == ""


def test_assumptions_lists_every_name_with_its_range(capsys):
    assert main(["assumptions"]) == 0
    out = capsys.readouterr().out
    for name, spec in SPECS.items():
        assert name in out
        assert spec.describe_range() in out
