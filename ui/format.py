"""Numbers as people read them: every figure with its unit.

One rule per kind of number, on every page (the CSV downloads keep full precision):

- money: on a card or in a sentence by :func:`headline_usd_bn` ($281B, $8.0B); in a table to the
  $0.1B (``TABLE_DIGITS``), whether the table writes "$281.3B" or 281.3 under a "(USD bn)" header;
- a percentage to 0.1%; a rate per year with no meaning (flows that define no IRR) "n/m";
- a multiple to 0.1x (12.6x), on cards and in tables alike;
- a year whole; money per share to the cent.
"""

from __future__ import annotations

from typing import Any

from model.export.link import choice_label
from model.numbers import Kind, is_missing, unit_kind
from model.scenario import SPECS, FieldSpec

# Digits after the point a table writes for each kind (see the module's rules).
TABLE_DIGITS: dict[str, int] = {"usd_bn": 1, "usd": 2, "percent": 1, "multiple": 1}


def usd_bn(value: float | None, digits: int = 1) -> str:
    """``-3.14`` -> ``"-$3.1B"``: USD billions with the sign in front."""
    if is_missing(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{digits}f}B"


def headline_usd_bn(value: float | None) -> str:
    """Money as a figure on a card or in a sentence, one rule everywhere: to the $1B from $100B, to
    $0.1B below (a card is narrow on a phone), "under $0.1B" for less but not nothing, never "$0B".

    >>> headline_usd_bn(248.84), headline_usd_bn(8.04), headline_usd_bn(0.02), headline_usd_bn(0.0)
    ('$249B', '$8.0B', 'under $0.1B', '$0.0B')
    """
    if is_missing(value):
        return "n/a"
    if value != 0 and abs(value) < 0.05:
        return "under $0.1B"
    return usd_bn(value, 0 if abs(value) >= 100 else 1)


def headline(kind: Kind, value: Any) -> str:
    """A figure on a headline card or in a sentence, by its kind: money by :func:`headline_usd_bn`, a
    percentage or a rate to 0.1% ("n/m" where there is no rate), a multiple to 0.1x, a year whole.

    >>> headline("usd_bn", 281.3), headline("percent", 0.2062), headline("multiple", 12.64), headline("year", None)
    ('$281B', '20.6%', '12.6x', 'not within the horizon')
    """
    if kind == "usd_bn":
        return headline_usd_bn(value)
    if kind == "percent":
        return rate(value)
    if kind == "multiple":
        return multiple(value)
    if kind == "year":
        return year(value)
    return by_kind(kind, value)


def usd(value: float | None, digits: int = 2) -> str:
    if is_missing(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.205`` -> ``"20.5%"``."""
    if is_missing(value):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def rate(value: float | None) -> str:
    """A return per year, or "n/m" (not meaningful) where the flows define no rate.

    >>> rate(0.971), rate(None)
    ('97.1%', 'n/m')
    """
    return "n/m" if is_missing(value) else percent(value)


def multiple(value: float | None, digits: int = 1) -> str:
    if is_missing(value):
        return "n/a"
    return f"{value:,.{digits}f}x"


def year(value: int | float | None, never: str = "not within the horizon") -> str:
    if is_missing(value):
        return never
    return str(int(value))


def number(value: float | None, digits: int = 0) -> str:
    if is_missing(value):
        return "n/a"
    return f"{value:,.{digits}f}"


def assumption_value(spec: FieldSpec, value: float | int | str | None) -> str:
    """An assumption's value as a person reads it, by its declared kind: fractions as %, years
    whole, others to 4 figures; a choice by its value's words."""
    if isinstance(value, str):
        return value.replace("_", " ")
    if is_missing(value):
        return ""
    if spec.kind in ("year", "count"):
        return str(int(value))
    if spec.kind == "percent":
        return _short_percent(value)
    return f"{value:,.4g}"


def _short_percent(value: float) -> str:
    """A percentage with no trailing zeros: 0.2 -> 20%, 0.072 -> 7.2%, 0.0725 -> 7.25%."""
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def by_kind(kind: Kind, value: Any, digits: int | None = None) -> str:
    """A model figure written by its kind as a table writes it (``TABLE_DIGITS``: $0.1B, 0.1%, 0.1x),
    year, count; ``digits`` after the point where a band needs more.

    >>> by_kind("usd_bn", 281.348), by_kind("multiple", 12.62), by_kind("percent", 0.2474)
    ('$281.3B', '12.6x', '24.7%')
    """
    if isinstance(value, str):
        return value.replace("_", " ")
    if is_missing(value):
        return ""
    if kind in TABLE_DIGITS and digits is None:
        digits = TABLE_DIGITS[kind]
    if kind == "usd_bn":
        return usd_bn(value, digits)
    if kind == "percent":
        return percent(value, digits)
    if kind == "multiple":
        return multiple(value, digits)
    if kind == "year":
        return str(int(value))
    if kind == "usd":
        return usd(value)
    return number(value)


def band(kind: Kind, low: float | None, high: float | None) -> str:
    """A band of a figure's kind, each end as declared but no finer than the table's rule
    (``TABLE_DIGITS``); money to the $0.01B only in a band narrower than $1B, whose ends would
    otherwise run together.

    >>> band("percent", 0.241, 0.253), band("usd_bn", 13.05, 13.15), band("multiple", 25.0, None)
    ('24.1% to 25.3%', '$13.05B to $13.15B', 'at least 25x')
    >>> band("usd_bn", 37.05, 76.95), band("usd_bn", -1.152, -0.384)
    ('$37.0B to $77.0B', '-$1.15B to -$0.38B')
    """
    finest = TABLE_DIGITS.get(kind, 2)
    if kind == "usd_bn" and not is_missing(low) and not is_missing(high) and high - low < 1:
        finest = 2

    def end(value: float) -> str:
        shown = value * 100 if kind == "percent" else value
        declared = f"{shown:g}"
        digits = len(declared.partition(".")[2]) if "e" not in declared else finest
        return by_kind(kind, value, min(digits, finest))

    if is_missing(low):
        return f"at most {end(high)}"
    if is_missing(high):
        return f"at least {end(low)}"
    return end(low) if low == high else f"{end(low)} to {end(high)}"


def by_unit(unit: str, value: Any) -> str:
    """A model figure in the unit its table gives it (the summary's and the comparison's rows); a
    rate per year that the flows do not define is "n/m", as on the cards.

    >>> by_unit("per year", None), by_unit("x", 0.4167), by_unit("USD bn", 210.70)
    ('n/m', '0.4x', '$210.7B')
    """
    if unit == "per year":
        return rate(value)
    return by_kind(unit_kind(unit), value)


def readable_value(spec: FieldSpec, value: Any) -> str:
    """An assumption's value as the sidebar says it: 12%, 2040, 1.2 x plan, $38B, $100B per year, a
    rule by its label."""
    if spec.value_type == "choice":
        return choice_label(spec.name, value)
    text = assumption_value(spec, value)
    if spec.kind == "usd_bn" and text:  # money as money: "$100B per year", not "100 USD bn per year"
        return f"${text}B{spec.unit.removeprefix('USD bn')}"
    return text if spec.kind in ("percent", "year") or spec.unit == "years" else f"{text} {spec.unit}"


def row_value(name: str, unit: str, value: Any) -> str:
    """A row of a table that mixes assumptions and results (the comparison): an assumption as the
    sidebar writes it (a rule by its label), a result by its unit."""
    spec = SPECS.get(name)
    return by_unit(unit, value) if spec is None else readable_value(spec, value)


def row_kind(name: str, unit: str) -> Kind:
    spec = SPECS.get(name)
    return spec.kind if spec is not None else unit_kind(unit)
