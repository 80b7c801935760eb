"""A headline figure as text in its unit, the same on the command line's summary and the PDF tear sheet.

>>> format_metric(0.2051, "fraction"), format_metric(16.745, "x"), format_metric(248.84, "USD bn")
('20.5%', '16.75x', '248.8 USD bn')
>>> format_metric(2263.48, "0-10,000"), format_metric(None, "year")
('2,263 (of 0-10,000)', 'n/a')
"""

from __future__ import annotations

from typing import Any

from model.numbers import is_missing, unit_kind


def format_metric(value: Any, unit: str) -> str:
    """A headline figure in its unit, as a reader expects it: 20.5% rather than 0.205 fraction."""
    if is_missing(value):
        return "n/a"
    value = float(value)
    kind = unit_kind(unit)
    if kind == "year":
        return str(round(value))
    if kind == "percent":
        return f"{value:.1%}" + (f" {unit}" if unit != "fraction" else "")
    if kind == "multiple":
        return f"{value:,.2f}x"
    if kind == "usd":
        return f"{value:,.2f} {unit}"
    if kind == "usd_bn":
        return f"{value:,.1f} {unit}" if abs(value) >= 100 else f"{value:,.2f} {unit}"
    if kind == "count":  # an index on a fixed scale, e.g. HHI on 0-10,000
        return f"{value:,.0f} (of {unit})"
    return f"{value:,.4g} {unit}".rstrip()
