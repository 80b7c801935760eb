"""What a table's column holds, read from its name: a title a person reads, and the kind of number.

The model's tables name their columns for machines (``cumulative_received_usd_bn``): units in the
name, snake_case, the same in every CSV. People read the same column as "Cumulative received
(USD bn)". This module is the one place that turns the first into the second, for the workbook
and for the dashboard's tables alike, and says what kind of number a column holds so that both
write it the same way: money in USD billions to 0.1, per-share amounts to the cent, rates and
shares as percentages, years whole.

A column without a unit in its name (``value``, ``low``, ``swing``) takes its unit, row by row,
from the table's ``unit`` column (``assumption_unit`` for the assumption's own values in the
tornado table); :func:`model.numbers.unit_kind` reads those units.

>>> column_title("cumulative_received_since_2026_usd_bn")
'Cumulative received since 2026 (USD bn)'
>>> column_title("per_msft_share_usd"), column_title("eps_usd"), column_title("share_of_total")
('Per MSFT share (USD)', 'EPS (USD)', 'Share of total (%)')
>>> column_kind("amount_usd_bn"), column_kind("rate"), column_kind("year"), column_kind("value")
('usd_bn', 'percent', 'year', None)
"""

from __future__ import annotations

import re

from model.numbers import Kind

# Words written as people write them, not as snake_case has them.
_WORDS = {
    "msft": "MSFT", "openai": "OpenAI", "npv": "NPV", "irr": "IRR", "moic": "MOIC", "tvpi": "TVPI", "dpi": "DPI",
    "fcf": "FCF", "hhi": "HHI",
    "eps": "EPS", "usd": "USD", "azure": "Azure", "gw": "GW", "p5": "P5", "p10": "P10", "p25": "P25",
    "p50": "P50", "p75": "P75", "p90": "P90", "p95": "P95", "noncompute": "non-compute", "id": "ID",
    "monte": "Monte", "carlo": "Carlo",
}
# Columns that hold a fraction shown as a percentage. Matched on the whole name or its end.
_PERCENT_NAMES = ("rate", "commitments_paid_share", "msft_stake", "equity_value_kept", "stake_at_horizon",
                  "variance_relative", "probability_funding_gap")
_PERCENT_PREFIXES = ("share_of_", "probability_")
_YEAR_NAMES = ("year", "end_year", "break_even_year", "first_funding_gap_year")
_COUNT_NAMES = ("draws", "rank", "percentile")


def column_kind(name: str) -> Kind | None:
    """The kind of number a column holds, from its name; None when its unit is in a unit column."""
    name = str(name)
    if name.endswith("_usd_bn"):
        return "usd_bn"
    if name.endswith("_usd"):
        return "usd"
    if name in _PERCENT_NAMES or name.endswith("_rate") or name.startswith(_PERCENT_PREFIXES):
        return "percent"
    if name in _YEAR_NAMES or name.endswith("_year"):
        return "year"
    if name in _COUNT_NAMES:
        return "count"
    if name == "gigawatts":
        return "number"
    return None


def _unit_suffix(name: str) -> tuple[str, str]:
    if name.endswith("_usd_bn"):
        return name[: -len("_usd_bn")], "USD bn"
    if name.endswith("_usd"):
        return name[: -len("_usd")], "USD"
    if column_kind(name) == "percent":
        return name, "%"
    if name == "gigawatts":
        return name, "GW"
    return name, ""


def column_title(name: str) -> str:
    """``name`` as a column header a person reads: words, capitalised, the unit in brackets."""
    name = str(name)
    stem, unit = _unit_suffix(name)
    words = [_WORDS.get(word, word) for word in re.split(r"[_\s]+", stem) if word]
    if not words:
        words = [unit] if unit else [name]
        unit = ""
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    return f"{text} ({unit})" if unit else text
