"""The workbook's sheets an analyst can flex: the inputs, the valuation done by spreadsheet formulas,
and the spreadsheet's own charts of the main tables.

The model computes Microsoft's yearly flows (``msft_by_year``); what a spreadsheet reader wants to
move without the model is the top layer: the discount rate and what follows from it. So:

- **inputs**: every assumption of the scenario with its value; the discount rate and the valuation
  year are the cells the formulas read, so changing the rate there recomputes the valuation in
  Excel and LibreOffice (the other assumptions shape the yearly flows, which the model computes:
  change them in the dashboard or with ``--set``);
- **valuation**: one row per year taken by formula from the ``msft_by_year`` sheet (net cash flow,
  the stake as counted, their sum, the discount factor, the present value, the part of the year still
  to come, the investment's paid in and distributions to date), then the engine's metrics as formulas:
  NPV, NPV of forward contract flows, paid in and distributions to date, DPI, TVPI and the IRR to
  date (Azure margin left out of the last four, as in the engine), each beside the model's own figure
  at the exported rate so a reader sees they agree;
- **charts**: Microsoft's cumulative position by year and OpenAI's commitments by counterparty,
  drawn by the spreadsheet from the sheets' cells.

The formulas are the product's own text, written as formulas on purpose; every text that comes from
the scenario or a user still goes through :func:`model.export.tables.safe_cell`.

NPV here is the model's (:func:`model.finance.npv`): each year's flow over ``(1 + rate) ** (year -
valuation year)``, in the valuation year's money.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from model.engine import Result
from model.export.tables import safe_cell
from model.scenario import SPECS, Scenario

INPUTS_SHEET = "inputs"
VALUATION_SHEET = "valuation"
CASH_FLOWS_TABLE = "msft_by_year"
RATE_CELL = f"{INPUTS_SHEET}!$C$2"
BASE_YEAR_CELL = f"{INPUTS_SHEET}!$C$3"
FIRST_YEAR_ROW = 4  # the valuation sheet's first year row (row 3 holds the headers)
# The valuation sheet's metrics, by label, each with its unit and number format.
METRICS = ("NPV", "NPV of forward contract flows", "Paid in to date", "Distributions to date", "DPI", "TVPI",
           "IRR to date")


def _letter(index: int) -> str:
    # Imported here for start-up time: openpyxl takes about 0.2 s to import and only an export needs it.
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def model_figures(result: Result) -> dict[str, float | None]:
    """The model's own values of the valuation sheet's metrics, to set beside the formulas."""
    m = result.metrics
    return {
        "NPV": m.npv_usd_bn,
        "NPV of forward contract flows": m.npv_forward_contracts_usd_bn,
        "Paid in to date": m.paid_in_to_date_usd_bn,
        "Distributions to date": m.distributions_to_date_usd_bn,
        "DPI": m.dpi,
        "TVPI": m.tvpi,
        "IRR to date": m.irr_to_date,
    }


def write_inputs(sheet, scenario: Scenario, valuation_year: int, formats: Mapping[str, str]) -> None:
    """The inputs sheet: the discount rate and valuation year first (the cells the formulas read)."""
    # Imported here for start-up time: openpyxl takes about 0.2 s to import and only an export needs it.
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    editable = PatternFill("solid", fgColor="FFF2CC")
    for column, title in enumerate(("Name", "Assumption", "Value", "Unit", "What it feeds"), start=1):
        sheet.cell(row=1, column=column, value=title).font = bold
    rows: list[tuple[str, str, Any, str, str, str | None]] = [
        ("discount_rate", SPECS["discount_rate"].label, scenario.discount_rate, "fraction",
         "the valuation sheet's formulas: change it and NPV follows", formats["percent"]),
        ("valuation_year", "Valuation year (the model's today)", valuation_year, "year",
         "NPV is in this year's money", "0"),
    ]
    for name, spec in SPECS.items():
        if name == "discount_rate":
            continue
        value = getattr(scenario, name)
        value = value.value if isinstance(value, Enum) else value
        kind_format = formats.get(spec.kind) if isinstance(value, int | float) else None
        rows.append((name, spec.label, value, spec.unit, "the model's yearly flows (dashboard or --set)",
                     kind_format))
    for row, (name, label, value, unit, feeds, number_format) in enumerate(rows, start=2):
        sheet.cell(row=row, column=1, value=name)
        sheet.cell(row=row, column=2, value=safe_cell(label))
        cell = sheet.cell(row=row, column=3, value=safe_cell(value))
        if number_format:
            cell.number_format = number_format
        if row <= 3:
            cell.fill = editable
            cell.font = bold
        sheet.cell(row=row, column=4, value=safe_cell(unit))
        sheet.cell(row=row, column=5, value=feeds)
    for column, width in zip("ABCDE", (34, 44, 12, 12, 56), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"


def write_valuation(sheet, by_year_sheet: str, by_year: pd.DataFrame, figures: Mapping[str, float | None],
                    formats: Mapping[str, str]) -> None:
    """The valuation sheet: yearly rows by formula from ``by_year_sheet``, then the metrics."""
    # Imported here for start-up time: openpyxl takes about 0.2 s to import and only an export needs it.
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    columns = list(by_year.columns)
    source = {name: _letter(columns.index(name) + 1) for name in
              ("year", "net_cash_flow_usd_bn", "stake_value_counted_usd_bn", "share_of_year_to_come",
               "paid_in_to_date_usd_bn", "distributions_to_date_usd_bn")}
    ref = f"'{by_year_sheet}'!"
    sheet.cell(row=1, column=1, value="Valuation by spreadsheet formulas: change the discount rate on the "
               "inputs sheet and every figure here follows").font = Font(bold=True, size=12)
    headers = ("Year", "Net cash flow (USD bn)", "Stake value counted (USD bn)", "Net flow incl. stake (USD bn)",
               "Discount factor", "Present value (USD bn)", "Share of the year to come",
               "PV of forward contract flow (USD bn)", "Paid in to date (USD bn)", "Distributions to date (USD bn)",
               "Investment flow to date incl. stake (USD bn)")
    for column, title in enumerate(headers, start=1):
        header = sheet.cell(row=3, column=column, value=title)
        header.font = bold
        header.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 30
    last = FIRST_YEAR_ROW + len(by_year) - 1
    for offset in range(len(by_year)):
        row, source_row = FIRST_YEAR_ROW + offset, 2 + offset
        cells = (
            (f"={ref}{source['year']}{source_row}", "0"),
            (f"={ref}{source['net_cash_flow_usd_bn']}{source_row}", formats["usd_bn"]),
            (f"={ref}{source['stake_value_counted_usd_bn']}{source_row}", formats["usd_bn"]),
            (f"=B{row}+C{row}", formats["usd_bn"]),
            (f"=1/(1+{RATE_CELL})^(A{row}-{BASE_YEAR_CELL})", "0.0000"),
            (f"=D{row}*E{row}", formats["usd_bn"]),
            (f"={ref}{source['share_of_year_to_come']}{source_row}", "0.0000"),
            (f"=B{row}*G{row}*E{row}", formats["usd_bn"]),
            (f"={ref}{source['paid_in_to_date_usd_bn']}{source_row}", formats["usd_bn"]),
            (f"={ref}{source['distributions_to_date_usd_bn']}{source_row}", formats["usd_bn"]),
            # The stake is counted in today's year only, so after today every entry is zero (no effect on IRR).
            (f"=J{row}-I{row}+C{row}", formats["usd_bn"]),
        )
        for column, (formula, number_format) in enumerate(cells, start=1):
            cell = sheet.cell(row=row, column=column, value=formula)
            cell.number_format = number_format
    span = lambda column: f"{column}{FIRST_YEAR_ROW}:{column}{last}"  # noqa: E731
    paid_in, distributions, stake = f"SUM({span('I')})", f"SUM({span('J')})", f"SUM({span('C')})"
    formulas = {
        "NPV": (f"=SUM({span('F')})", formats["usd_bn"], "USD bn"),
        "NPV of forward contract flows": (f"=SUM({span('H')})", formats["usd_bn"], "USD bn"),
        "Paid in to date": (f"={paid_in}", formats["usd_bn"], "USD bn"),
        "Distributions to date": (f"={distributions}", formats["usd_bn"], "USD bn"),
        "DPI": (f"={distributions}/{paid_in}", "0.00", "x"),
        "TVPI": (f"=({distributions}+{stake})/{paid_in}", "0.00", "x"),
        "IRR to date": (f"=IRR({span('K')})", formats["percent"], "per year"),
    }
    top = last + 2
    for column, title in enumerate(("Figure", "By formula", "Model, at the exported rate", "Unit"), start=1):
        sheet.cell(row=top, column=column, value=title).font = bold
    for row, label in enumerate(METRICS, start=top + 1):
        formula, number_format, unit = formulas[label]
        sheet.cell(row=row, column=1, value=label).font = bold
        cell = sheet.cell(row=row, column=2, value=formula)
        cell.number_format = number_format
        model_value = figures.get(label)
        model_cell = sheet.cell(row=row, column=3, value=None if model_value is None or not np.isfinite(model_value)
                                else float(model_value))
        model_cell.number_format = number_format
        sheet.cell(row=row, column=4, value=unit)
    for column, width in zip("ABCDEFGHIJK", (30, 16, 18, 18, 14, 16, 14, 18, 16, 18, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{FIRST_YEAR_ROW}"


def metric_rows(by_year_rows: int) -> dict[str, int]:
    """The row of each metric on the valuation sheet, for readers (and tests) of the formulas."""
    top = FIRST_YEAR_ROW + by_year_rows - 1 + 2
    return {label: top + 1 + index for index, label in enumerate(METRICS)}


def add_charts(sheet, tables: Mapping[str, pd.DataFrame], sheet_names: Mapping[str, str], book) -> None:
    """The spreadsheet's own charts, on ``sheet``: the cumulative position and the commitments."""
    # Imported here for start-up time: openpyxl takes about 0.2 s to import and only an export needs it.
    from openpyxl.chart import BarChart, LineChart, Reference

    anchor_row = 1
    by_year = tables.get(CASH_FLOWS_TABLE)
    if by_year is not None and "cumulative_position_usd_bn" in by_year.columns:
        data_sheet = book[sheet_names[CASH_FLOWS_TABLE]]
        column = list(by_year.columns).index("cumulative_position_usd_bn") + 1
        chart = LineChart()
        chart.title = "Microsoft's cumulative position (USD bn), stake as counted"
        chart.y_axis.title, chart.x_axis.title = "USD bn", "Year"
        chart.add_data(Reference(data_sheet, min_col=column, min_row=1, max_row=len(by_year) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(data_sheet, min_col=1, min_row=2, max_row=len(by_year) + 1))
        chart.legend = None
        chart.height, chart.width = 8, 18
        sheet.add_chart(chart, f"M{anchor_row}")
        anchor_row += 17
    totals = tables.get("commitment_totals")
    if totals is not None and {"counterparty", "to_horizon_usd_bn"} <= set(totals.columns):
        data_sheet = book[sheet_names["commitment_totals"]]
        value_column = list(totals.columns).index("to_horizon_usd_bn") + 1
        name_column = list(totals.columns).index("counterparty") + 1
        chart = BarChart()
        chart.type = "bar"
        chart.title = "OpenAI's commitments to the horizon, by counterparty (USD bn)"
        chart.add_data(Reference(data_sheet, min_col=value_column, min_row=1, max_row=len(totals) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(data_sheet, min_col=name_column, min_row=2, max_row=len(totals) + 1))
        chart.legend = None
        chart.height, chart.width = 9, 18
        sheet.add_chart(chart, f"M{anchor_row}")
