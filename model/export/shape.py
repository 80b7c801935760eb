"""A table reshaped so that each column holds one type and one date precision, for files an analyst reads.

The model's tables are made for the screen, where a column may mix kinds of cell: the scenario
comparison's ``value`` holds numbers and, for the choice assumptions, the option's name; a
tranche's ``date`` is a day ("2019-07-22"), a month ("2024-10") or a year ("2021"), as reported.
A CSV read back with pandas (or a spreadsheet's filter) then sees a text column. Here:

- a column mixing numbers and text keeps the numbers under its own name and the text in
  ``<name>_choice`` beside it (empty where the value is a number);
- a date column mixing precisions keeps full dates under its own name (empty where the source gave
  less than a day) and the text as reported in ``<name>_as_reported`` beside it.

>>> frame = pd.DataFrame({"value": [1.5, "pro_rata"], "date": ["2019-07-22", "2021"]})
>>> typed_columns(frame).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
{'value': [1.5, nan], 'value_choice': [None, 'pro_rata'],
 'date': [datetime.date(2019, 7, 22), None], 'date_as_reported': ['2019-07-22', '2021']}
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from model.numbers import is_missing

CHOICE_SUFFIX = "_choice"
AS_REPORTED_SUFFIX = "_as_reported"
_DATE_COLUMNS = ("date", "as_of", "quarter_end")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_ISO_PARTIAL = re.compile(r"\d{4}(-\d{2})?\Z")


def is_date_column(name: str) -> bool:
    """Whether a column's name says it holds dates (``date``, ``as_of``, ``quarter_end``, ``*_date``, and
    a trading day, ``*_session``)."""
    return name in _DATE_COLUMNS or name.endswith(("_date", "_session"))


def full_date(text: Any) -> date | None:
    """The calendar day in ``text`` when it names one; None for "2021", "2024-10" or "".

    >>> full_date("2023-01-23"), full_date("2024-10"), full_date("2021")
    (datetime.date(2023, 1, 23), None, None)
    """
    if isinstance(text, datetime):  # a pandas Timestamp too
        return text.date()
    if isinstance(text, date):
        return text
    if not isinstance(text, str) or not _ISO_DAY.match(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_)


def mixes_numbers_and_text(series: pd.Series) -> bool:
    """An object column holding numbers and text both."""
    if series.dtype != object:
        return False
    values = [v for v in series.tolist() if not is_missing(v)]
    return any(_is_number(v) for v in values) and any(isinstance(v, str) for v in values)


def dated_text(series: pd.Series) -> str | None:
    """"day" when every text cell is a full ISO date, "mixed" when some give only a month or a
    year, None when the column is not dates written as text."""
    texts = [v.strip() for v in series.tolist() if isinstance(v, str) and v.strip()]
    if not texts or not all(_ISO_DAY.match(t) or _ISO_PARTIAL.match(t) for t in texts):
        return None
    return "day" if all(full_date(t) for t in texts) else "mixed"


def typed_columns(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with one type per column and one date precision per column (see the module docstring)."""
    out: dict[str, list[Any]] = {}
    reshaped: set[str] = set()
    for name in df.columns:
        series = df[name]
        key = str(name)
        if mixes_numbers_and_text(series):
            values = series.tolist()
            out[key] = [float(v) if _is_number(v) else np.nan for v in values]
            out[key + CHOICE_SUFFIX] = [v if isinstance(v, str) else None for v in values]
            reshaped.add(key)
        elif is_date_column(key) and (precision := dated_text(series)) is not None:
            values = series.tolist()
            out[key] = [full_date(v) for v in values]
            if precision == "mixed":
                out[key + AS_REPORTED_SUFFIX] = [v if isinstance(v, str) and v.strip() else None for v in values]
            reshaped.add(key)
        else:
            out[key] = series.tolist()
    frame = pd.DataFrame({key: pd.Series(values, index=df.index, dtype=object) for key, values in out.items()})
    for name in df.columns:  # the columns left as they were keep their own dtype
        if str(name) not in reshaped:
            frame[str(name)] = df[name]
    return frame
