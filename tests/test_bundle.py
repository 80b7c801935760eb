"""One export bundle for the command line and the dashboard; a workbook whose formulas LibreOffice
recalculates to the model's figures; CSVs named by the scenario; the one-page PDF tear sheet.

The LibreOffice test converts two workbooks (as exported, and with the discount rate cell changed)
in one headless run, shared by its assertions; the tear sheet is read back with pypdf and rendered
with pdftoppm (poppler-utils, installed by ./dev test).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import openpyxl
import pandas as pd
import pypdf
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import model.market.prices as price_feed
import ui.data
import ui.link
from model import finance
from model.engine import run
from model.export import flex
from model.export.bundle import MARKET_TABLES, MonteCarloSettings, PriceUsed, make_bundle, market_sheets
from model.export.files import zip_bytes
from model.export.link import scenario_tag
from model.export.tearsheet import tearsheet_pdf
from model.export.workbook import COVER_SHEET
from model.scenario import Scenario
from model.sources import sources_table
from tests.conftest import TODAY, cli

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = Scenario(openai_revenue_vs_plan=0.6, discount_rate=0.1)
PRICE = PriceUsed(509.22, None, "given")
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


@pytest.fixture(scope="module")
def bundle(facts):
    result = run(SCENARIO, facts, TODAY, msft_price_usd=PRICE.usd)
    return make_bundle(SCENARIO, facts, TODAY, result, sources_table(facts), price=PRICE,
                       settings=MonteCarloSettings(draws=500), app_url="https://example.org/app/")


# -- the bundle: the same for the command line and the dashboard ------------------------------------------


def _offline(start):
    raise price_feed.PriceFeedError("no network in tests")


def cover_rows(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows: dict = {}
    for row in book[COVER_SHEET].iter_rows(values_only=True):
        if row[0]:  # a label given more than once (Note) keeps every value, in order
            rows[row[0]] = f"{rows[row[0]]} | {row[1]}" if row[0] in rows else row[1]
    rows.pop("Exported at (UTC)")
    return book.sheetnames, rows


def test_the_command_line_and_the_dashboard_export_the_same_workbook(monkeypatch, tmp_path):
    monkeypatch.setattr(price_feed, "fetch_live", _offline)
    monkeypatch.setenv(price_feed.CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(ui.data, "today", lambda: TODAY)
    load_prices = price_feed.load_prices  # the command line's feed fails the same way, at the same boundary
    monkeypatch.setattr(price_feed, "load_prices", lambda **kwargs: load_prices(**{"provider": _offline, **kwargs}))
    drawing = {"now": True}

    def page_url():  # the page's address is known only while the script runs
        return "http://dashboard.example:8611/" if drawing["now"] else "http://localhost:8501/"

    monkeypatch.setattr(ui.link, "page_url", page_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params = {"openai_revenue_vs_plan": "0.6", "mc_draws": "500", "mc_seed": "7"}
    at.run()
    at.session_state["_files"] = True
    at.run()
    assert not at.exception
    drawing["now"] = False  # the download's data is made later, outside the script run
    from_dashboard = at.session_state["_downloads"]["workbook"]()

    out = tmp_path / "cli.xlsx"
    assert cli(["export", "--today", TODAY.isoformat(), "--live", "--set", "openai_revenue_vs_plan=0.6",
                "--mc-draws", "500", "--mc-seed", "7", "--app-url", "http://dashboard.example:8611/",
                "--format", "xlsx", "--out", str(out)]) == 0
    dashboard_sheets, dashboard_cover = cover_rows(from_dashboard)
    cli_sheets, cli_cover = cover_rows(out.read_bytes())
    assert dashboard_sheets == cli_sheets
    assert dashboard_cover == cli_cover
    link = urlparse(dashboard_cover["Scenario link"])
    assert link.netloc == "dashboard.example:8611"
    assert parse_qs(link.query) == {"openai_revenue_vs_plan": ["0.6"], "mc_draws": ["500"], "mc_seed": ["7"]}
    assert "500 draws, seed 7" in " ".join(str(v) for k, v in dashboard_cover.items() if k == "Note")
    assert set(MARKET_TABLES) <= set(dashboard_sheets)
    assert "prices: snapshot to" in " ".join(str(v) for k, v in dashboard_cover.items() if k == "Note")
    # The sheets hold the same figures too: Monte Carlo at the same draws and seed; the market sheets from
    # the dashboard's cached prices and the command line's --live, both fallen back to the snapshots.
    for sheet in ("summary", "monte_carlo_percentiles", "scenario_comparison", *MARKET_TABLES):
        ours = pd.read_excel(io.BytesIO(from_dashboard), sheet_name=sheet)
        theirs = pd.read_excel(out, sheet_name=sheet)
        pd.testing.assert_frame_equal(ours, theirs)


def test_without_an_address_the_command_line_says_the_cover_has_no_link(tmp_path, capsys):
    out = tmp_path / "model.xlsx"
    assert cli(["export", "--today", TODAY.isoformat(), "--price", "500", "--format", "xlsx",
                "--mc-draws", "200", "--out", str(out)]) == 0
    assert "no --app-url given" in capsys.readouterr().out
    _, rows = cover_rows(out.read_bytes())
    assert "Scenario link" not in rows
    assert any("No dashboard address" in str(v) for k, v in rows.items() if k == "Note")


# -- the market sheets ---------------------------------------------------------------------------------------


def test_the_market_sheets_are_the_market_pages_tables_from_the_snapshots(bundle):
    study, rebased, owed = (bundle.tables[name] for name in MARKET_TABLES)
    msft = study[study["ticker"] == "MSFT"]
    assert (msft["benchmark"] == "SPY").all() and msft["car_m1_p1"].notna().sum() >= 10
    assert set(study["ticker"]) > {"MSFT", "ORCL"}  # the counterparties on the events that concern them
    first = rebased.groupby("ticker").first()
    assert set(first.index) == {"MSFT", "SPY", "ORCL", "CRWV", "NVDA", "AMD", "AVGO", "AMZN"}
    assert first["rebased_index"].tolist() == pytest.approx([100.0] * len(first))
    assert first.loc["MSFT", "date"] == "2025-01-02"
    commitments = bundle.result.tables["commitments"]
    oracle = commitments[(commitments["counterparty"] == "Oracle") & (commitments["year"] >= TODAY.year)]
    assert owed.set_index("ticker").loc["ORCL", "scheduled_usd_bn"] == pytest.approx(oracle["scheduled_usd_bn"].sum())
    book = openpyxl.load_workbook(io.BytesIO(bundle.workbook()))
    header = [cell.value for cell in book["event_study"][1]]
    session = book["event_study"].cell(2, header.index("Event session") + 1).value
    assert hasattr(session, "year"), session  # a trading day is a date in the workbook, not text


def test_without_prices_the_market_sheets_say_so_and_keep_what_openai_owes(bundle):
    tables, note = market_sheets({}, bundle.result, TODAY)
    assert list(tables) == ["openai_complex"] and "no prices could be loaded" in note


# -- CSVs named by the scenario; the zip -------------------------------------------------------------------


def test_csv_names_differ_by_scenario_and_read_back_as_numbers(bundle, facts):
    assert scenario_tag(Scenario()) == "reported-terms"
    assert bundle.tag != scenario_tag(Scenario()) and bundle.tag.startswith("s-")
    with zipfile.ZipFile(io.BytesIO(zip_bytes(bundle))) as archive:
        names = archive.namelist()
        folder = f"openai-exposure_{bundle.tag}/"
        assert {folder + "scenario.json", folder + "README.md", folder + "commitments.csv",
                folder + "event_study.csv", folder + "rebased_prices.csv", folder + "openai_complex.csv"} <= set(names)
        comparison = pd.read_csv(archive.open(folder + "scenario_comparison.csv"))
        tranches = pd.read_csv(archive.open(folder + "tranches.csv"))
        readme = archive.read(folder + "README.md").decode()
    assert comparison["value"].dtype.kind == "f" and comparison["base_value"].dtype.kind == "f"
    assert set(comparison["value_choice"].dropna()) >= {"pro_rata"}
    assert pd.to_datetime(tranches["date"].dropna(), format="%Y-%m-%d").notna().all()
    assert "2021" in tranches["date_as_reported"].astype(str).tolist()
    assert "`value_choice`" in readme and bundle.tag in readme


# -- the workbook recalculated by LibreOffice ------------------------------------------------------------


def _valuation_values(fods: Path) -> list[list[float | None]]:
    body = ET.parse(fods).getroot().find(f"{{{OFFICE}}}body/{{{OFFICE}}}spreadsheet")
    sheet = next(t for t in body.findall(f"{{{TABLE}}}table") if t.get(f"{{{TABLE}}}name") == flex.VALUATION_SHEET)
    rows = []
    for row in sheet.findall(f"{{{TABLE}}}table-row"):
        cells = []
        for cell in row.findall(f"{{{TABLE}}}table-cell"):
            value = cell.get(f"{{{OFFICE}}}value")
            cells += [float(value) if value is not None else None] * int(
                cell.get(f"{{{TABLE}}}number-columns-repeated", "1")) if len(cells) < 8 else []
        for _ in range(int(row.get(f"{{{TABLE}}}number-rows-repeated", "1")) if len(rows) < 200 else 1):
            rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, bundle):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice Calc is not installed: ./dev test installs Debian's libreoffice-calc-nogui")
    folder = tmp_path_factory.mktemp("recalc")
    (folder / "as_exported.xlsx").write_bytes(bundle.workbook())
    book = openpyxl.load_workbook(io.BytesIO(bundle.workbook()))
    assert book[flex.INPUTS_SHEET]["A2"].value == "discount_rate"
    book[flex.INPUTS_SHEET]["C2"].value = 0.15
    book.save(folder / "rate_changed.xlsx")
    completed = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "fods", "--outdir", str(folder), str(folder / "as_exported.xlsx"),
         str(folder / "rate_changed.xlsx")],
        capture_output=True, text=True, timeout=240, check=False,
    )
    for name in ("as_exported", "rate_changed"):
        assert (folder / f"{name}.fods").exists(), completed.stdout + completed.stderr
    rows = flex.metric_rows(len(bundle.tables["msft_by_year"]))

    def metrics(name: str) -> dict[str, float | None]:
        values = _valuation_values(folder / f"{name}.fods")
        return {label: values[row - 1][1] for label, row in rows.items()}

    return metrics("as_exported"), metrics("rate_changed")


def test_libreoffice_recalculates_the_formulas_to_the_models_figures(recalculated, bundle):
    as_exported, _ = recalculated
    for label, model_value in flex.model_figures(bundle.result).items():
        assert as_exported[label] == pytest.approx(model_value, rel=1e-3), label


def test_a_changed_discount_rate_recomputes_the_npv(recalculated, bundle):
    as_exported, rate_changed = recalculated
    by_year = bundle.result.tables["msft_by_year"]
    flows = (by_year["net_cash_flow_usd_bn"] + by_year["stake_value_counted_usd_bn"]).to_numpy(dtype=float)
    offset = TODAY.year - int(by_year["year"].iloc[0])
    assert rate_changed["NPV"] == pytest.approx(finance.npv(0.15, flows, base_offset=offset), rel=1e-3)
    assert rate_changed["NPV"] != pytest.approx(as_exported["NPV"], rel=1e-3)
    # The forward contract flows are discounted too; the investment's returns do not depend on the rate.
    forward = (by_year["net_cash_flow_usd_bn"] * by_year["share_of_year_to_come"]).to_numpy(dtype=float)
    assert rate_changed["NPV of forward contract flows"] == pytest.approx(
        finance.npv(0.15, forward, base_offset=offset), rel=1e-3)
    for label in ("Paid in to date", "Distributions to date", "DPI", "TVPI", "IRR to date"):
        assert rate_changed[label] == pytest.approx(as_exported[label], rel=1e-9), label


def test_formulas_live_only_on_the_valuation_sheet(bundle):
    book = openpyxl.load_workbook(io.BytesIO(bundle.workbook()))
    for sheet in book.worksheets:
        formulas = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        assert bool(formulas) == (sheet.title == flex.VALUATION_SHEET), sheet.title
    assert book[flex.VALUATION_SHEET]._charts  # the spreadsheet's own charts


# -- the PDF tear sheet -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tear_sheet(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tearsheet")
    flags = ["--today", TODAY.isoformat(), "--price", "509.22", "--set", "openai_revenue_vs_plan=0.6"]
    assert cli(["export", *flags, "--format", "pdf", "--mc-draws", "200", "--out", str(folder / "t.pdf")]) == 0
    return folder / "t.pdf", flags


def test_the_tear_sheet_is_one_page_with_the_summarys_headline_numbers(tear_sheet, capsys):
    path, flags = tear_sheet
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    capsys.readouterr()
    assert cli(["summary", *flags]) == 0
    summary = capsys.readouterr().out
    for label in ("NPV", "NPV of forward contract flows", "TVPI", "DPI", "IRR to date", "Stake value as counted",
                  "At-risk Azure revenue", "OpenAI funding gap, all years"):
        line = next(line for line in summary.splitlines() if line.strip().startswith(label + " "))
        figure = line.split("  ")[-1].strip() if "USD per MSFT share" not in line else \
            line.split(" USD bn")[0].split()[-1] + " USD bn"
        assert figure.split(";")[0].strip() in text, (label, figure)
    assert "OpenAI revenue vs its plan" in text and "0.60 x plan" in text


def test_the_tear_sheets_pictures_are_real(tear_sheet, tmp_path):
    path, _ = tear_sheet
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed: ./dev test installs Debian's poppler-utils")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(path), str(tmp_path / "page")],
                   check=True, timeout=60)
    page = np.asarray(Image.open(tmp_path / "page.png").convert("RGB")).astype(int)
    # The charts' blue (#1f77b4): lines and bars cover a real area of the page, in both halves.
    blue = (abs(page[..., 0] - 0x1F) < 40) & (abs(page[..., 1] - 0x77) < 40) & (abs(page[..., 2] - 0xB4) < 40)
    half = page.shape[1] // 2
    assert blue[:, :half].sum() > 100 and blue[:, half:].sum() > 500
    assert len(pypdf.PdfReader(path).pages[0].images) == 2


def test_the_tear_sheet_of_the_bundle_renders(bundle):
    assert tearsheet_pdf(bundle).startswith(b"%PDF")
