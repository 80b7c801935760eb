"""Charts whose structure is built once and filled with each run's data.

Building an Altair chart and turning it into a validated Vega-Lite spec takes 20-50 ms a chart,
several times the budget of a whole page's redraw after a slider change. Yet a chart's structure
(marks, encodings, scales, titles) depends only on a few settings, while its data changes with
every run. So each chart's structure is built once per settings, on named data sets, validated and
kept; a run only supplies its frames (``Figure``), cut to the columns the chart uses, so that no
more is converted and sent to the browser than is drawn. Altair stays the way charts are written.
"""

from __future__ import annotations

import copy
import json
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

# What Altair's default theme adds to every spec; Streamlit draws with its own theme instead.
_DEFAULT_VIEW_CONFIG = {"continuousWidth": 300, "continuousHeight": 300}


# The chart as wide as its column, and as tall as its plot plus whatever the title, axes and legends
# take. Streamlit's default for a single chart ("fit") squeezes all of those into the height given,
# which on a narrow screen leaves the plot little room once a legend wraps into rows below it,
# and in practice clips the title when a legend sits below the plot.
STREAMLIT_AUTOSIZE = {"type": "fit-x", "contains": "padding"}


def data(name: str) -> alt.NamedData:
    """A data set a structure refers to by name; the run's frame of that name fills it."""
    return alt.NamedData(name=name)


# A column is used where the spec names it as a field or an expression reads it (datum.name).
_FIELD = re.compile(r'"field": "([^"]+)"|datum\.([A-Za-z_][A-Za-z0-9_]*)')


@lru_cache(maxsize=512)
def _structure(build: Callable[..., Any], settings: tuple) -> tuple[dict, frozenset[str]]:
    spec = build(*settings).to_dict()  # validated against the Vega-Lite schema, once
    config = spec.get("config", {})
    if config.get("view") == _DEFAULT_VIEW_CONFIG:
        del config["view"]
    if not config:
        spec.pop("config", None)
    used = frozenset(a or b for a, b in _FIELD.findall(json.dumps(spec)))
    return spec, used


def _used_columns(frame: pd.DataFrame, used: frozenset[str]) -> pd.DataFrame:
    keep = [column for column in frame.columns if column in used]
    return frame if len(keep) == len(frame.columns) else frame[keep]


# How many characters of a title and of a subtitle fit on one line of a phone's chart (about 360 px,
# measured on the dashboard's fonts: 7.2 px a character in a title, 4.8 in a subtitle, with room).
TITLE_CHARS, SUBTITLE_CHARS = 42, 56


def wrap_lines(text: str | list[str], width: int) -> str | list[str]:
    """``text`` (or each of its lines) broken at spaces into lines of at most ``width`` characters.

    >>> wrap_lines("Microsoft's cumulative position with OpenAI, stake included", 30)
    ["Microsoft's cumulative", 'position with OpenAI, stake', 'included']
    >>> wrap_lines("Short", 30)
    'Short'
    """
    lines = [text] if isinstance(text, str) else list(text)
    wrapped = [part for line in lines for part in (textwrap.wrap(line, width) or [""])]
    return wrapped[0] if len(wrapped) == 1 and isinstance(text, str) else wrapped


@dataclass(frozen=True)
class Figure:
    """A chart: its structure (shared between runs, never changed) and this run's frames."""

    structure: Mapping[str, Any]
    frames: Mapping[str, pd.DataFrame]
    subtitle: str | None = field(default=None)

    def _spec(self) -> dict:
        spec = copy.deepcopy(dict(self.structure))
        if self.subtitle is not None:
            spec["title"]["subtitle"] = self.subtitle
        title = spec.get("title")
        if isinstance(title, dict):
            # Vega cuts a title wider than its chart with "…"; a phone's chart is ~360 px wide, so a
            # long title or subtitle is given in lines that fit it instead.
            title["text"] = wrap_lines(title.get("text", ""), TITLE_CHARS)
            if title.get("subtitle"):
                title["subtitle"] = wrap_lines(title["subtitle"], SUBTITLE_CHARS)
        # An x-axis title at the plot's right end: centred under a narrow plot (long labels on the
        # left, a phone) it would run past the chart's edge.
        spec.setdefault("config", {}).setdefault("axisX", {}).setdefault("titleAnchor", "end")
        return spec

    def to_dict(self) -> dict:
        """The whole Vega-Lite spec with the data inline, as Altair's ``to_dict`` gives it."""
        spec = self._spec()
        spec["datasets"] = {name: alt.utils.data.to_values(frame)["values"] for name, frame in self.frames.items()}
        return spec

    def streamlit_spec(self) -> dict:
        """The spec for ``st.vega_lite_chart``: frames as they are (Streamlit sends them as Arrow)."""
        spec = self._spec()
        spec["autosize"] = STREAMLIT_AUTOSIZE
        spec["datasets"] = dict(self.frames)
        return spec


def figure(
    build: Callable[..., Any], settings: tuple = (), subtitle: str | None = None, **frames: pd.DataFrame
) -> Figure:
    """``build(*settings)`` (an Altair chart on ``data(name)`` sets, built once) filled with ``frames``.

    ``settings`` must be hashable and few: each distinct tuple builds its structure once. A
    subtitle that follows a slider (a year, a cap) goes in ``subtitle`` instead, so that moving the
    slider never rebuilds the structure.
    """
    structure, used = _structure(build, tuple(settings))
    return Figure(structure, {name: _used_columns(frame, used) for name, frame in frames.items()}, subtitle)
