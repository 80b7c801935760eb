"""The whole model as one Excel workbook an analyst keeps: a cover sheet, then a sheet per table.

One concept, the workbook's layout (its cells, formats, cover and print set-up); the sheets an analyst
flexes by formula are :mod:`model.export.flex`.

What makes it a workbook rather than a dump of the CSVs:

- a **cover** sheet first: the scenario (its link when the exporter has one, and every assumption
  changed from the reported terms), the MSFT price used and as of when, the sign convention, the
  units, when it was exported, and a contents list linking to each sheet;
- **readable headers with units** (``Amount (USD bn)``; :func:`model.export.columns.column_title`), bold,
  frozen, with an autofilter;
- **number formats**: money in USD billions to 0.1, per-share amounts and EPS to the cent, rates and
  shares as percentages, years whole (:mod:`model.export.columns` says which column is which; a column
  whose unit is in a ``unit`` column is formatted row by row). Cells keep full precision;
- **real dates beside reported text dates**: a ``date`` or ``as_of`` column holding text as the
  source gave it ("2021", "2024-10") keeps that text, headed "Date as reported", and the column
  beside it holds the calendar date wherever a full date was reported (empty where only a month or
  a year was);
- the **sources** sheet stores its values as numbers (and dates, and TRUE/FALSE) where they are;
- landscape pages, fitted to the page width, the header row repeated on every page.

Every text cell goes through :func:`model.export.tables.safe_cell`, so nothing in the workbook runs as a
formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from model.engine import Result
from model.export import flex
from model.export.columns import column_kind, column_title
from model.export.shape import dated_text, full_date, is_date_column
from model.export.tables import SOURCES_TABLE, all_tables, safe_cell, sheet_name, tidy, workbook_cell
from model.numbers import Kind, is_missing, unit_kind
from model.scenario import SPECS, Scenario, changed_specs

COVER_SHEET = "cover"
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DD HH:MM:SS"
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'
NUMBER_FORMATS: dict[Kind, str] = {
    "usd_bn": "#,##0.0",
    "usd": "#,##0.00",
    "percent": "0.0%",
    "multiple": '0.00"x"',
    "year": "0",
    "count": "#,##0",
    "number": "General",
}
# The sources sheet shows reported figures as reported (0.4938 stays 0.4938), percentages aside.
SOURCE_NUMBER_FORMATS: dict[Kind, str] = {"percent": "0.0##%"}
COLUMN_WIDTH_MIN, COLUMN_WIDTH_MAX, NUMBER_WIDTH = 8, 60, 12
HEADER_WIDTH_MAX = 28  # longer headers wrap onto a second line rather than widen the column
TEXT_WIDTH_MAX = 48  # longer text wraps within its column, its row made taller
LINE_HEIGHT = 15  # points per line of wrapped text (11-point Calibri, as Excel and Calc lay it out)
# A landscape A4 page holds about 150 characters of column width at 100%; below 60% print is too small
# to read, so a wider sheet prints at 60% across pages instead of being squeezed onto one.
PAGE_WIDTH_CHARACTERS = 150
PRINT_SCALE_MIN = 60

SIGN_CONVENTION = "From Microsoft's point of view, money in is positive and money out negative."
UNITS_NOTE = (
    "Amounts in USD billions unless a column says otherwise; per-share amounts and EPS in USD. "
    "Rates and shares are stored as fractions and shown as percentages; every cell keeps full precision."
)
DATES_NOTE = (
    "Dates reported as text (2021, 2024-10) are kept in the columns headed \"as reported\"; the column "
    "beside holds the calendar date wherever a full date was reported."
)

_NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?\Z")
# Columns whose numbers take their unit from the assumption's unit in the tornado table.
_ASSUMPTION_VALUE_COLUMNS = ("low", "value", "high")


@dataclass(frozen=True)
class Cover:
    """What the cover sheet says beyond the scenario itself; every part is optional."""

    exported_at: datetime | None = None
    link: str | None = None  # the dashboard link that opens this scenario
    scenario_note: str = ""  # how the scenario was built, e.g. "preset 'bear'"
    msft_price_usd: float | None = None
    msft_price_as_of: date | None = None
    msft_price_source: str = ""
    today: date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. the Monte Carlo draws and seed
    tag: str = ""  # the scenario's short name in file names (model.export.link.scenario_tag)


# -- cells ---------------------------------------------------------------------------------------------


def typed_value(text: Any) -> Any:
    """Reported text as what it is: a number, a date, a boolean, or the text itself.

    >>> typed_value("13.0"), typed_value("2030"), typed_value("-3.1"), typed_value("t2019")
    (13.0, 2030, -3.1, 't2019')
    >>> typed_value("2025-09-30"), typed_value("True"), typed_value("")
    (datetime.date(2025, 9, 30), True, None)
    """
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    if stripped == "":
        return None
    if _NUMBER_TEXT.match(stripped):
        number = float(stripped)
        if math.isfinite(number):
            return int(number) if re.fullmatch(r"-?\d+", stripped) else number
    if stripped in ("True", "False"):
        return stripped == "True"
    return full_date(stripped) or text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not is_missing(value)


# -- one table as a sheet ------------------------------------------------------------------------------


@dataclass
class _Column:
    title: str
    values: list[Any]
    formats: list[str | None]
    is_unit: bool = False  # a unit column beside its values: indented, so "2,263" and "0-10,000" do not touch


def _date_text_column(name: str, series: pd.Series) -> str | None:
    """"day" for dates written as text, "mixed" when some give only a month or a year, else None."""
    return dated_text(series) if is_date_column(name) else None


def _unit_column(frame: pd.DataFrame, name: str) -> str | None:
    if "assumption_unit" in frame.columns and name in _ASSUMPTION_VALUE_COLUMNS:
        return "assumption_unit"
    return "unit" if "unit" in frame.columns else None


def _unit_kind(unit: Any) -> Kind | None:
    if unit is None or is_missing(unit):
        return None
    return unit_kind(unit)


def _format_of(kind: Kind | None, value: Any, table: str, unit_in_own_column: bool = False) -> str | None:
    if isinstance(value, bool):
        # Calc shows a boolean cell without a boolean format as 1 or 0; this one reads TRUE/FALSE everywhere.
        return BOOLEAN_FORMAT
    if isinstance(value, datetime):
        return DATETIME_FORMAT if value.time() != datetime.min.time() else DATE_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if kind is None or not _is_number(value):
        return None
    if table == SOURCES_TABLE:
        return SOURCE_NUMBER_FORMATS.get(kind, "General")
    if unit_in_own_column and kind == "multiple":
        return "0.00"  # the "x" is in the unit column beside: written once
    return NUMBER_FORMATS[kind]


def _columns(table: str, df: pd.DataFrame) -> list[_Column]:
    frame = tidy(df)
    out: list[_Column] = []
    for position, name in enumerate(frame.columns):
        name = str(name)
        series = frame.iloc[:, position]
        raw = series.tolist()
        if table == SOURCES_TABLE and name == "value":
            raw = [typed_value(v) for v in raw]
        cells = [workbook_cell(v) for v in raw]
        by_name = column_kind(name)
        unit_column = None if by_name else _unit_column(frame, name)
        units = frame[unit_column].tolist() if unit_column else [None] * len(cells)
        kinds = [by_name or _unit_kind(unit) for unit in units]
        formats = [_format_of(kind, cell, table, unit_column is not None)
                   for kind, cell in zip(kinds, cells, strict=True)]
        precision = _date_text_column(name, series)
        if precision == "day":
            dates = [full_date(v) for v in raw]
            out.append(_Column(column_title(name), dates, [DATE_FORMAT if d else None for d in dates]))
        elif precision == "mixed":
            out.append(_Column(f"{column_title(name)} as reported", cells, formats))
            dates = [full_date(v) for v in raw]
            out.append(_Column(column_title(name), dates, [DATE_FORMAT if d else None for d in dates]))
        else:
            out.append(_Column(column_title(name), cells, formats, is_unit=name in ("unit", "assumption_unit")))
    return out


def _display_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime | date):
        return 19 if number_format == DATETIME_FORMAT else 10
    if _is_number(value):
        return NUMBER_WIDTH
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_table(sheet, columns: list[_Column]) -> None:
    # Imported here for start-up time: openpyxl takes about 0.2 s to import and only an export needs it.
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True)
    wrapped = Alignment(vertical="top", wrap_text=True)
    top, unit_alignment = Alignment(vertical="top"), Alignment(vertical="top", indent=1)
    lines_per_row = [1] * (max((len(c.values) for c in columns), default=0) + 2)
    widths = []
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=safe_cell(column.title))
        cell.font = header_font
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        width = min(max(
            [min(len(column.title), HEADER_WIDTH_MAX)]
            + [_display_width(v, f) for v, f in zip(column.values, column.formats, strict=True)]
        ) + 2, TEXT_WIDTH_MAX)
        width = max(width, COLUMN_WIDTH_MIN)
        widths.append(width)
        lines_per_row[1] = max(lines_per_row[1], _lines(column.title, width))
        for row, (value, number_format) in enumerate(zip(column.values, column.formats, strict=True), start=2):
            target = sheet.cell(row=row, column=index, value=value)
            if number_format:
                target.number_format = number_format
            if isinstance(value, str):
                # Long text wraps within its column, and its row is made tall enough for it.
                target.alignment = unit_alignment if column.is_unit else wrapped
                lines_per_row[row] = max(lines_per_row[row], _lines(value, width))
            else:
                target.alignment = top
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row, lines in enumerate(lines_per_row):
        if row >= 1 and lines > 1:
            sheet.row_dimensions[row].height = LINE_HEIGHT * lines
    rows = max((len(c.values) for c in columns), default=0) + 1
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows}"
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    _print_setup(sheet, sum(widths))


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide."""
    usable = max(width - 2, 1)
    return sum(max(1, math.ceil(len(line) / usable)) for line in str(text).splitlines() or [""])


def _print_setup(sheet, width: float = 0) -> None:
    """Landscape; fitted to the page's width while that keeps the print readable (at least
    ``PRINT_SCALE_MIN`` percent), else printed at that scale across pages, header row repeated."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if width * PRINT_SCALE_MIN / 100 <= PAGE_WIDTH_CHARACTERS:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        sheet.page_setup.scale = PRINT_SCALE_MIN
        sheet.sheet_properties.pageSetUpPr.fitToPage = False


# -- the cover sheet -----------------------------------------------------------------------------------


def _changed(scenario: Scenario) -> list[tuple[str, str, str]]:
    return [(spec.label, spec.format(getattr(scenario, spec.name)), f"reported terms: {spec.format(spec.default)}")
            for spec in changed_specs(scenario)]


def cover_rows(scenario: Scenario, cover: Cover) -> list[tuple[str, Any, str | None]]:
    """The cover's rows as (label, value, number format): the scenario, its link, the price, the dates."""
    rows: list[tuple[str, Any, str | None]] = []

    def add(label: str, value: Any, number_format: str | None = None) -> None:
        rows.append((label, value, number_format))

    changed = _changed(scenario)
    add("Scenario", cover.scenario_note or (
        "the reported terms (every assumption at its default)" if not changed
        else f"{len(changed)} assumption{'s' if len(changed) != 1 else ''} changed from the reported terms"
    ))
    if cover.tag:
        add("Scenario tag (in file names)", cover.tag)
    if cover.link:
        add("Scenario link", cover.link)
    for label, value, default in changed:
        add(f"  {label}", f"{value} ({default})")
    if cover.msft_price_usd is not None:
        add("MSFT price (USD)", float(cover.msft_price_usd), NUMBER_FORMATS["usd"])
    if cover.msft_price_as_of is not None:
        add("MSFT price as of", cover.msft_price_as_of, DATE_FORMAT)
    if cover.msft_price_source:
        add("MSFT price source", cover.msft_price_source)
    if cover.today is not None:
        add("Model date (today)", cover.today, DATE_FORMAT)
    if cover.exported_at is not None:
        add("Exported at (UTC)", workbook_cell(cover.exported_at), DATETIME_FORMAT)
    add("Sign convention", SIGN_CONVENTION)
    add("Units", UNITS_NOTE)
    add("Dates", DATES_NOTE)
    for note in cover.notes:
        add("Note", note)
    return rows


COVER_VALUE_WIDTH = 90


def _write_cover(sheet, scenario: Scenario, cover: Cover, contents: list[tuple[str, str, int]]) -> None:
    # Imported here for start-up time: openpyxl takes about 0.2 s to import and only an export needs it.
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    bold = Font(bold=True)
    rows = cover_rows(scenario, cover)
    title = sheet.cell(row=1, column=1, value="Microsoft–OpenAI exposure: the model's tables")
    title.font = Font(bold=True, size=14)
    for offset, (label, value, number_format) in enumerate(rows, start=3):
        label_cell = sheet.cell(row=offset, column=1, value=safe_cell(label))
        label_cell.font = bold
        label_cell.alignment = Alignment(vertical="top")
        cell = sheet.cell(row=offset, column=2, value=workbook_cell(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number_format:
            cell.number_format = number_format
        if label == "Scenario link":
            cell.hyperlink = value
            cell.style = "Hyperlink"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value, str):
            # Calc and Excel keep a row one line high unless told: a wrapped note would print over the next.
            lines = _lines(value, COVER_VALUE_WIDTH)
            if lines > 1:
                sheet.row_dimensions[offset].height = LINE_HEIGHT * lines
    row = len(rows) + 4
    for column, heading in enumerate(("Sheet", "Holds", "Rows"), start=1):
        sheet.cell(row=row, column=column, value=heading).font = bold
    for title_text, holds, count in contents:
        row += 1
        cell = sheet.cell(row=row, column=1, value=safe_cell(title_text))
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{title_text}'!A1")
        cell.style = "Hyperlink"
        sheet.cell(row=row, column=2, value=safe_cell(holds))
        sheet.cell(row=row, column=3, value=count)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = COVER_VALUE_WIDTH
    sheet.column_dimensions["C"].width = 8
    _print_setup(sheet, 130)


# -- the workbook --------------------------------------------------------------------------------------


def workbook_bytes(
    tables: Mapping[str, pd.DataFrame],
    scenario: Scenario,
    sources: pd.DataFrame,
    cover: Cover | None = None,
    *,
    result: Result | None = None,
) -> bytes:
    """One .xlsx: the cover, then (given the model's ``result`` and its ``msft_by_year`` table) the
    inputs and the valuation by formulas with the charts, a sheet per table, "scenario" and "sources"."""
    # Imported here for start-up time: openpyxl takes about 0.2 s to import and only an export needs it.
    from openpyxl import Workbook

    sheets = all_tables(tables, scenario, sources)
    book = Workbook()
    cover_sheet = book.active
    taken: list[str] = [COVER_SHEET]
    cover_sheet.title = COVER_SHEET
    flexible = result is not None and flex.CASH_FLOWS_TABLE in tables
    if flexible:
        inputs = book.create_sheet(flex.INPUTS_SHEET)
        valuation = book.create_sheet(flex.VALUATION_SHEET)
        taken += [flex.INPUTS_SHEET, flex.VALUATION_SHEET]
    contents: list[tuple[str, str, int]] = []
    names: dict[str, str] = {}
    for name, df in sheets.items():
        title = sheet_name(name, taken)
        taken.append(title)
        names[name] = title
        sheet = book.create_sheet(title)
        _write_table(sheet, _columns(name, df))
        contents.append((title, column_title(name), len(df)))
    if flexible:
        by_year = tidy(tables[flex.CASH_FLOWS_TABLE])
        valuation_year = (cover.today if cover and cover.today else result.today).year
        flex.write_inputs(inputs, scenario, valuation_year, NUMBER_FORMATS)
        flex.write_valuation(valuation, names[flex.CASH_FLOWS_TABLE], by_year, flex.model_figures(result),
                             NUMBER_FORMATS)
        flex.add_charts(valuation, tables, names, book)
        for sheet in (inputs, valuation):
            _print_setup(sheet, 120)
        contents[:0] = [(flex.INPUTS_SHEET, "Inputs: the scenario's assumptions; the discount rate drives "
                         "the valuation", len(SPECS) + 1),
                        (flex.VALUATION_SHEET, "Valuation by formulas (NPV, TVPI, DPI, IRR to date) and charts",
                         len(by_year))]
    _write_cover(cover_sheet, scenario, cover or Cover(), contents)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
