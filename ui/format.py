"""Numbers as people read them: every figure with its unit."""

from __future__ import annotations

from typing import Any

from model.export.link import choice_label
from model.numbers import Kind, is_missing, unit_kind
from model.scenario import SPECS, FieldSpec


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


def by_kind(kind: Kind, value: Any) -> str:
    """A model figure written by its kind: USD bn, USD, percent, x, year, count."""
    if isinstance(value, str):
        return value.replace("_", " ")
    if is_missing(value):
        return ""
    if kind == "usd_bn":
        return usd_bn(value)
    if kind == "percent":
        return percent(value)
    if kind == "multiple":
        return multiple(value, 2)
    if kind == "year":
        return str(int(value))
    if kind == "usd":
        return usd(value)
    return number(value)


def by_unit(unit: str, value: Any) -> str:
    """A model figure in the unit its table gives it (the summary's and the comparison's rows)."""
    return by_kind(unit_kind(unit), value)


def readable_value(spec: FieldSpec, value: Any) -> str:
    """An assumption's value as the sidebar says it: 12%, 2040, 1.2 x plan, a rule by its label."""
    if spec.value_type == "choice":
        return choice_label(spec.name, value)
    text = assumption_value(spec, value)
    return text if spec.kind in ("percent", "year") or spec.unit == "years" else f"{text} {spec.unit}"


def row_value(name: str, unit: str, value: Any) -> str:
    """A row of a table that mixes assumptions and results (the comparison): an assumption with its
    unit (a rule in its value's few words, to fit a column), a result by its unit."""
    spec = SPECS.get(name)
    if spec is None:
        return by_unit(unit, value)
    return assumption_value(spec, value) if spec.value_type == "choice" else readable_value(spec, value)


def row_kind(name: str, unit: str) -> Kind:
    spec = SPECS.get(name)
    return spec.kind if spec is not None else unit_kind(unit)
