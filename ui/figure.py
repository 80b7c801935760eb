"""Charts whose structure is built once and filled with each run's data.

Building an Altair chart and turning it into a validated Vega-Lite spec takes 20-50 ms a chart,
several times the budget of a whole page's redraw after a slider change. Yet a chart's structure
(marks, encodings, scales, titles) depends only on a few settings, while its data changes with
every run. So each chart's structure is built once per settings, on named data sets, validated and
kept; a run only supplies its frames (``Figure``). Altair stays the way charts are written.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

# What Altair's default theme adds to every spec; Streamlit draws with its own theme instead.
_DEFAULT_VIEW_CONFIG = {"continuousWidth": 300, "continuousHeight": 300}


def data(name: str) -> alt.NamedData:
    """A data set a structure refers to by name; the run's frame of that name fills it."""
    return alt.NamedData(name=name)


@lru_cache(maxsize=512)
def _structure(build: Callable[..., Any], settings: tuple) -> dict:
    spec = build(*settings).to_dict()  # validated against the Vega-Lite schema, once
    config = spec.get("config", {})
    if config.get("view") == _DEFAULT_VIEW_CONFIG:
        del config["view"]
    if not config:
        spec.pop("config", None)
    return spec


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
        return spec

    def to_dict(self) -> dict:
        """The whole Vega-Lite spec with the data inline, as Altair's ``to_dict`` gives it."""
        spec = self._spec()
        spec["datasets"] = {name: alt.utils.data.to_values(frame)["values"] for name, frame in self.frames.items()}
        return spec

    def streamlit_spec(self) -> dict:
        """The spec for ``st.vega_lite_chart``: frames as they are (Streamlit sends them as Arrow)."""
        spec = self._spec()
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
    return Figure(_structure(build, tuple(settings)), frames, subtitle)
