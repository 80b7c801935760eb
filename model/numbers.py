"""Kinds of number, and the one test of whether a value is missing.

Every figure the product shows or writes is one of a few kinds, and each kind is written one way
on every screen and in every file: money in USD billions (``usd_bn``), money per share (``usd``), a
fraction shown as a percentage (``percent``), a multiple (``multiple``, 2.5x), a calendar year
(``year``), a whole count (``count``, such as a term of 7 years), any other number (``number``), or
one option of a choice (``choice``). An assumption declares its kind where it is declared
(:func:`model.scenario.assumption`); a table's column says it in its name
(:func:`model.export.columns.column_kind`); the headline table carries a unit per row, read by
:func:`unit_kind`.

>>> unit_kind("USD bn"), unit_kind("fraction"), unit_kind("share of draws"), unit_kind("x"), unit_kind("0-10,000")
('usd_bn', 'percent', 'percent', 'multiple', 'count')
>>> is_missing(None), is_missing(float("nan")), is_missing(0.0), is_missing("")
(True, True, False, False)
"""

from __future__ import annotations

import math
from typing import Any, Literal

Kind = Literal["usd_bn", "usd", "percent", "multiple", "year", "count", "number", "choice"]


def is_missing(value: Any) -> bool:
    """No figure: None, NaN (a float or numpy's), or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True


def unit_kind(unit: str) -> Kind:
    """The kind of a figure from the unit its table gives it (the headline table's units, and the
    units of the tables that mix figures in one column)."""
    unit = str(unit or "")
    if unit.startswith("USD bn"):
        return "usd_bn"
    if unit.startswith("USD"):
        return "usd"
    if unit in ("fraction", "per year", "per $ received") or unit.startswith(("of ", "share of ")):
        return "percent"
    if unit.startswith("x"):
        return "multiple"
    if unit == "year":
        return "year"
    if unit in ("years", "0-10,000"):  # a term in whole years; HHI's points on a 0-10,000 scale
        return "count"
    return "number"
