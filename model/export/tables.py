"""Tables as files an analyst can open: clean CSV and one Excel workbook.

Every exported cell is safe to open in a spreadsheet: text that a spreadsheet would run as a
formula is neutralised the way the OWASP CSV-injection guidance recommends (a leading single
quote), while real numbers, negative ones included, stay numbers.

CSV conventions, the same for every table: one header row (units are in the column names), one
record per row, no index, UTF-8 without a byte-order mark, ``\\n`` line ends, ISO dates
(``YYYY-MM-DD``), booleans as ``TRUE``/``FALSE`` (what Excel, LibreOffice and R write and read
back as booleans; pandas reads them as bool too), empty cells for missing values and numbers
without thousands separators.

Floats are written with 12 significant digits. A float64 carries about 16, and the last three or
four of a computed figure are arithmetic noise (``0.1 + 0.2`` is ``0.30000000000000004``); 12
digits drop that noise yet keep far more precision than any USD-billion figure here has, so a
round trip through a spreadsheet or ``pandas.read_csv`` gives back the same figures. Values are
written in plain notation up to 1e12; beyond that (never reached by amounts in USD billions) the
exponent form ``1.5e+13`` that every spreadsheet reads as a number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from model.export.shape import typed_columns
from model.numbers import is_missing
from model.scenario import SPECS, Scenario

FLOAT_SIGNIFICANT_DIGITS = 12
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCENARIO_TABLE = "scenario"
SOURCES_TABLE = "sources"

# OWASP CSV injection: a cell starting with one of these may be run as a formula (or, for tab,
# carriage return and line feed, hide what follows from the eye and then be run).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Text that is a plain negative decimal ("-3.1", "-0.41") is read as a number by every
# spreadsheet and cannot carry a formula, so it is left as it is rather than quoted.
_PLAIN_NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?\Z")
# Characters the xlsx format cannot hold at all (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CSV_SPECIAL = (",", '"', "\r", "\n")
_SHEET_NAME_INVALID = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def safe_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell: formula-looking text gets a leading quote.

    Only text is changed; numbers, dates, booleans and missing values come back as they are.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("@SUM(A1)"), safe_cell("+1"), safe_cell("-2+3")
    ("'@SUM(A1)", "'+1", "'-2+3")
    >>> safe_cell(-1.5), safe_cell("-1.5"), safe_cell("Oracle")
    (-1.5, '-1.5', 'Oracle')
    """
    if isinstance(value, Enum):
        value = value.value
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_TRIGGERS) and not _PLAIN_NEGATIVE_NUMBER.match(value):
        return "'" + value
    return value


def _round_float(value: float) -> float:
    """``value`` to 12 significant digits, so that arithmetic noise never reaches a file."""
    rounded = float(format(value, f".{FLOAT_SIGNIFICANT_DIGITS}g"))
    return 0.0 if rounded == 0 else rounded  # no "-0"


def _format_float(value: float) -> str:
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return format(_round_float(value), f".{FLOAT_SIGNIFICANT_DIGITS}g")


def _format_datetime(value: datetime) -> str:
    if value.tzinfo is None and value.time() == datetime.min.time():
        return value.date().isoformat()
    return value.isoformat()


def text_cell(value: Any) -> str:
    """One value as CSV text, by the conventions in the module docstring."""
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return _format_float(float(value))
    if isinstance(value, datetime):  # pandas.Timestamp included; before date: it is a date too
        return _format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return _format_datetime(pd.Timestamp(value))
    return safe_cell(value if isinstance(value, str | Enum) else str(value))


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """A frame whose index is data (named) becomes columns; a plain row number is dropped."""
    if any(name is not None for name in df.index.names):
        df = df.reset_index()
    if isinstance(df.columns, pd.MultiIndex):
        df = df.copy()
        df.columns = [" / ".join(str(part) for part in col if str(part)) for col in df.columns]
    return df


def _rows(df: pd.DataFrame) -> Iterable[list[Any]]:
    # itertuples keeps each cell's own Python type (bool stays bool in object columns).
    for row in df.itertuples(index=False, name=None):
        yield list(row)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as clean CSV bytes (UTF-8, ``\\n`` line ends), ready for a download button: one type
    and one date precision per column (:func:`model.export.shape.typed_columns`)."""
    df = typed_columns(tidy(df))
    lines = [_csv_line(text_cell(str(column)) for column in df.columns)]
    lines += [_csv_line(text_cell(value) for value in row) for row in _rows(df)]
    return "".join(lines).encode("utf-8")


def _csv_line(cells: Iterable[str]) -> str:
    return ",".join(_csv_field(cell) for cell in cells) + "\n"


def _csv_field(text: str) -> str:
    # By hand rather than with the csv module: with "\n" line ends it leaves a lone "\r"
    # unquoted, and most readers (pandas included) then split the record in two.
    if any(char in text for char in _CSV_SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


# -- the scenario as a table -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def scenario_frame(scenario: Scenario) -> pd.DataFrame:
    """Every assumption of ``scenario`` with its declaration: one row per assumption."""
    rows = []
    for name, spec in SPECS.items():
        rows.append(
            {
                "name": name,
                "label": spec.label,
                "value": _plain(getattr(scenario, name)),
                "unit": spec.unit,
                "default": _plain(spec.default),
                "low": spec.low,
                "high": spec.high,
                "group": spec.group,
                "description": spec.help,
            }
        )
    # object dtype keeps ints as ints and the one choice field as text in the mixed columns.
    return pd.DataFrame(rows, dtype=object)


# -- Excel workbook --------------------------------------------------------------------------------


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique Excel sheet name for ``name``: at most 31 characters, none of []:*?/\\."""
    base = _SHEET_NAME_INVALID.sub("_", str(name)).strip("'") or "sheet"
    if base.lower() == "history":  # reserved by Excel
        base += "_"
    taken_lower = {t.lower() for t in taken}
    candidate, number = base[:SHEET_NAME_MAX], 1
    while candidate.lower() in taken_lower:
        number += 1
        suffix = f"_{number}"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    return candidate


def workbook_cell(value: Any) -> Any:
    """One value as an xlsx cell holds it: numbers as numbers, dates as dates, text made safe."""
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return _round_float(value) if math.isfinite(value) else _format_float(value)
    if isinstance(value, datetime):
        # Excel has no time zones; an aware time is written in UTC.
        if value.tzinfo is not None:
            value = pd.Timestamp(value).tz_convert("UTC").tz_localize(None)
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    text = value.value if isinstance(value, Enum) else str(value)
    return safe_cell(_XLSX_ILLEGAL.sub("", text))


def all_tables(
    tables: Mapping[str, pd.DataFrame], scenario: Scenario, sources: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    out = dict(tables)
    # The model's own tables never use these names; if one did, it would keep its sheet and
    # the scenario or sources sheet would get a numbered name rather than overwrite it.
    for name, df in ((SCENARIO_TABLE, scenario_frame(scenario)), (SOURCES_TABLE, sources)):
        key = name
        while key in out:
            key += "_"
        out[key] = df
    return out
