"""Numbers as people read them: every figure with its unit."""

from __future__ import annotations

import math


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def usd_bn(value: float | None, digits: int = 1) -> str:
    """``-3.14`` -> ``"-$3.1B"``: USD billions with the sign in front."""
    if _missing(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{digits}f}B"


def headline_usd_bn(value: float | None) -> str:
    """A headline card's money: to $0.1B below $100B, to the $1B above (a card is narrow on a phone)."""
    return usd_bn(value, 0 if value is not None and abs(value) >= 100 else 1)


def usd(value: float | None, digits: int = 2) -> str:
    if _missing(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.205`` -> ``"20.5%"``."""
    if _missing(value):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def multiple(value: float | None, digits: int = 1) -> str:
    if _missing(value):
        return "n/a"
    return f"{value:,.{digits}f}x"


def year(value: int | float | None, never: str = "not within the horizon") -> str:
    if _missing(value):
        return never
    return str(int(value))


def number(value: float | None, digits: int = 0) -> str:
    if _missing(value):
        return "n/a"
    return f"{value:,.{digits}f}"


# Units of assumptions that are fractions, shown as percentages (0.072 -> 7.2%).
_FRACTION_UNITS = ("per year", "per $ received")


def is_fraction_unit(unit: str) -> bool:
    return unit.startswith("of ") or unit in _FRACTION_UNITS


def assumption_value(unit: str, value: float | int | str | None) -> str:
    """An assumption's value as a person reads it: fractions as %, years whole, others 4 figures."""
    if isinstance(value, str):
        return value.replace("_", " ")
    if _missing(value):
        return ""
    if unit in ("year", "years"):
        return str(int(value))
    if is_fraction_unit(unit):
        return _short_percent(value)
    return f"{value:,.4g}"


def _short_percent(value: float) -> str:
    """A percentage with no trailing zeros: 0.2 -> 20%, 0.072 -> 7.2%, 0.0725 -> 7.25%."""
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def by_unit(unit: str, value: float | None) -> str:
    """A model figure in its own unit, as in the summary table: USD bn, fraction, x, year, count."""
    if isinstance(value, str):
        return value.replace("_", " ")
    if _missing(value):
        return ""
    if unit == "USD bn":
        return usd_bn(value)
    if unit in ("fraction", "per year"):
        return percent(value)
    if unit == "x":
        return multiple(value, 2)
    if unit == "year":
        return str(int(value))
    if unit == "USD":
        return usd(value)
    return number(value)
