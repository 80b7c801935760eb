"""The scenario's link: the query string that rebuilds a view of the dashboard, written and read.

A link holds every assumption that differs from the reported terms, by its field name
(``?discount_rate=0.12&horizon_year=2040``), a choice by its label as the dashboard's controls write
it (its value is read too), and the settings of a page that its tables use (Monte Carlo's draws,
seed, method, range width and whether reported terms are drawn, :data:`PAGE_PARAMS`). The dashboard
writes it to the address bar and the share box; exports write it on their cover; the dashboard
reads it back on a session's first run. A link written by hand may also name a preset
(``?preset=bear&discount_rate=0.12``): its values are the starting point, the link's own on top.

Reading never raises: each value is read on its own through :func:`model.scenario.lenient`, so one
that cannot be used is named (:class:`~model.scenario.IgnoredValue`) and the others still apply.

>>> from model.scenario import Scenario
>>> share_url(Scenario(discount_rate=0.12), "https://example.org/app/", {"mc_draws": "2000"})
'https://example.org/app/?discount_rate=0.12&mc_draws=2000'
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol
from urllib.parse import urlencode

from model.analysis.montecarlo import DEFAULT_DRAWS, DEFAULT_METHOD, DEFAULT_SEED, DEFAULT_WIDTH, MAX_DRAWS, METHODS
from model.presets import load_presets
from model.scenario import CHOICE_LABELS, SPECS, IgnoredValue, Scenario, lenient


class QueryParams(Protocol):
    """What a link's reader needs of its parameters: names, and every value given for a name
    (Streamlit's ``st.query_params`` has this shape)."""

    def __iter__(self): ...

    def get_all(self, name: str) -> list[str]: ...


@dataclass(frozen=True)
class PageParam:
    """A query parameter that a page binds to its own widget (not an assumption), with its bounds
    (a number) or its options (``kind`` str: one of ``choices``)."""

    name: str
    label: str
    kind: type
    low: float
    high: float
    default: float | str
    choices: tuple[str, ...] = ()

    def parse(self, text: str) -> int | float | str | None:
        """The value ``text`` holds, or None when the page's widget could not take it."""
        text = text.strip()
        if self.kind is str:
            return text if text in self.choices else None
        if self.kind is int:
            if not _WHOLE_NUMBER.fullmatch(text):
                return None
            value: float = int(text.split(".")[0])
        else:
            try:
                value = float(text)
            except ValueError:
                return None
            if not math.isfinite(value):
                return None
        return value if self.low <= value <= self.high else None

    def describe_range(self) -> str:
        if self.kind is str:
            return "one of " + ", ".join(self.choices)
        return f"{self.low:,} to {self.high:,}" if self.kind is int else f"{self.low:g} to {self.high:g}"

    def show(self, value: int | float | str) -> str:
        """A value as the link and its notes write it: 10,000, 0.5 or correlated."""
        if self.kind is str:
            return str(value)
        return f"{value:,}" if self.kind is int else f"{float(value):g}"


_WHOLE_NUMBER = re.compile(r"-?\d{1,12}(\.0*)?")
# Query parameters that a page binds to its own widgets (Monte Carlo's draws, seed, method, range
# width and whether reported terms are drawn): not assumptions, so the link check does not read them
# as such, but it checks them against the same bounds as the page's widgets, which Streamlit would
# otherwise fail on (a 400-digit draws).
PAGE_PARAMS = {
    param.name: param
    for param in (
        PageParam("mc_draws", "Monte Carlo draws", int, 100, MAX_DRAWS, DEFAULT_DRAWS),
        PageParam("mc_seed", "Monte Carlo seed", int, 0, 2**32 - 1, DEFAULT_SEED),
        PageParam("mc_method", "Monte Carlo method", str, 0, 0, DEFAULT_METHOD, METHODS),
        PageParam("mc_width", "Monte Carlo range width (x the record's)", float, 0.25, 2.0, DEFAULT_WIDTH),
        PageParam("mc_reported", "Monte Carlo reported terms", str, 0, 0, "fixed", ("fixed", "drawn")),
    )
}


# The parameter of a hand-written link that names a preset to start from (data/presets.yaml).
PRESET_PARAM = "preset"


def _preset_scenario(text: str) -> tuple[Scenario, IgnoredValue | None]:
    """The preset a link names, by its name or its title in any case, or the reported terms and why."""
    presets = load_presets()
    wanted = text.strip().casefold()
    for preset in presets.values():
        if wanted in (preset.name.casefold(), preset.title.casefold()):
            return preset.scenario, None
    names = ", ".join(presets)
    return Scenario(), IgnoredValue(PRESET_PARAM, text, f"not a preset (the presets: {names})")


# Choice fields show a readable label (model.scenario.CHOICE_LABELS); Streamlit's URL carries the
# label too, while the command line and scenario files use the value. Links accept both.


def choice_options(name: str) -> list[Enum]:
    return list(CHOICE_LABELS[name])


def choice_label(name: str, option: Any) -> str:
    labels = CHOICE_LABELS[name]
    for member, label in labels.items():
        if option == member or option == member.value:
            return label
    return str(option)


def link_values(query_params: QueryParams) -> dict[str, str]:
    """The query parameters as ``name: text``, the last one winning, choice labels turned to values."""
    values: dict[str, str] = {}
    for name in list(query_params):
        all_values = query_params.get_all(name)
        values[name] = all_values[-1] if all_values else ""
    for name, labels in CHOICE_LABELS.items():
        if name in values:
            by_label = {label: member.value for member, label in labels.items()}
            values[name] = by_label.get(values[name], values[name])
    return values


def _read_assumption(name: str, text: str) -> tuple[Any, IgnoredValue | None]:
    """One assumption from a link: its value, or why it was ignored. Never raises."""
    spec = SPECS.get(name)
    if spec is not None and spec.value_type == "int" and not _WHOLE_NUMBER.fullmatch(text.strip()):
        # A whole-number field takes "2040" or "2040.0", not "2040.0000001" nor a 400-digit number.
        return None, IgnoredValue(name, text, f"{name}={text!r} is not a whole number in range")
    try:
        scenario, ignored = lenient({name: text})
    except Exception as error:  # noqa: BLE001 - a value the parser cannot even read is ignored too
        return None, IgnoredValue(name, text, f"{name}={text!r} could not be read ({type(error).__name__})")
    if ignored:
        return None, ignored[0]
    return getattr(scenario, name), None


def read_link(query_params: QueryParams) -> tuple[Scenario, list[IgnoredValue], dict[str, str]]:
    """A link's scenario, the values it ignored (each named) and the page parameters it keeps.

    Never raises, whatever the link holds: each value is read on its own, so one that cannot be
    read is named in the note and the others still apply.
    """
    good: dict[str, Any] = {}
    ignored: list[IgnoredValue] = []
    page: dict[str, str] = {}
    values = link_values(query_params)
    start = Scenario()
    if PRESET_PARAM in values:
        start, problem = _preset_scenario(values.pop(PRESET_PARAM))
        ignored += [problem] if problem else []
    for name, text in values.items():
        if name in PAGE_PARAMS:
            if PAGE_PARAMS[name].parse(text) is None:
                ignored.append(IgnoredValue(name, text, "outside the page's range"))
            else:
                page[name] = text.strip()
            continue
        value, problem = _read_assumption(name, text)
        if problem is None:
            good[name] = value
        else:
            ignored.append(problem)
    return start.model_copy(update=good), ignored, page


def query_pairs(scenario: Scenario) -> dict[str, str]:
    """The scenario as the query parameters the controls write: only values off their default."""
    pairs = {}
    for name, spec in SPECS.items():
        value = getattr(scenario, name)
        if value == spec.default:
            continue
        if name in CHOICE_LABELS:
            pairs[name] = choice_label(name, value)
        elif spec.value_type == "int":
            pairs[name] = str(int(value))
        else:
            pairs[name] = repr(float(value))
    return pairs


def share_url(scenario: Scenario, base_url: str, page: Mapping[str, str] | None = None) -> str:
    """The link that opens ``scenario`` (and ``page``'s own settings, e.g. Monte Carlo's draws) on
    the dashboard served at ``base_url``."""
    base = base_url
    query = urlencode({**query_pairs(scenario), **(page or {})})
    return f"{base}?{query}" if query else base


def scenario_tag(scenario: Scenario, page: Mapping[str, str] | None = None) -> str:
    """A short, stable name for what a link opens, for file names: ``reported-terms`` when the link
    carries nothing, else ``s-`` and 8 hex digits of the SHA-256 of the link's query.

    >>> scenario_tag(Scenario()), scenario_tag(Scenario(discount_rate=0.12))
    ('reported-terms', 's-d7ebcb2a')
    """
    query = urlencode({**query_pairs(scenario), **(page or {})})
    return "reported-terms" if not query else "s-" + hashlib.sha256(query.encode("utf-8")).hexdigest()[:8]


def page_pairs(settings: Mapping[str, int | float]) -> dict[str, str]:
    """Page settings (by parameter name) that are off their default, as query parameters."""
    pairs = {}
    for name, param in PAGE_PARAMS.items():
        value = settings.get(name, param.default)
        if value != param.default:
            pairs[name] = param.show(value).replace(",", "")
    return pairs
