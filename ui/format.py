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
