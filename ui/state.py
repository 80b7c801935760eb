"""The scenario a session holds, and what a change of it reruns.

The sidebar's controls hold the scenario (one per assumption, keyed by its field name); each run
stores the scenario they make in session state, and pages read it with :func:`current_scenario`.
Moving a control reruns only what shows the scenario (:data:`SCENARIO_VIEWS`): the page and the
sidebar's summary, share box and downloads, each a fragment with a key. The controls themselves are
not sent again: the browser already shows the moved one at its new value, and the others did not move.
Presets, resets and scenario files change the controls themselves, so they rerun the whole app.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from model.export.link import PAGE_PARAMS, PageParam
from model.export.link import page_pairs as link_page_pairs
from model.presets import Preset, load_presets
from model.scenario import SPECS, Scenario, lenient

SCENARIO_STATE = "_scenario"

# The fragments that show the scenario, by key (st.fragment(key=...)): what a change reruns, in
# this order. The page first: measured against the sidebar's parts first (latency.py, two runs each),
# its numbers showed 0 to 40 ms sooner and the page was redrawn up to 20 ms sooner.
PAGE_FRAGMENT = "page"
SUMMARY_FRAGMENT = "scenario_summary"
SHARE_FRAGMENT = "share_link"
FILES_FRAGMENT = "scenario_files"
SCENARIO_VIEWS = (PAGE_FRAGMENT, SUMMARY_FRAGMENT, SHARE_FRAGMENT, FILES_FRAGMENT)


def current_scenario() -> Scenario:
    """The scenario the sidebar built in this run (defaults if a page runs on its own)."""
    return st.session_state.get(SCENARIO_STATE) or Scenario()


def scenario_from_controls(values: dict[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(values)
    except Exception:  # noqa: BLE001 - a control value the model refuses falls back leniently
        scenario, _ = lenient(values)
        return scenario


def set_controls(scenario: Scenario) -> None:
    for name in SPECS:
        st.session_state[name] = getattr(scenario, name)



def redraw_scenario_views() -> None:
    """``on_change`` of a control: the scenario from the controls' new values, then a rerun of what
    shows it (``SCENARIO_VIEWS``), not of the controls. Also used by a page's own linked settings
    (Monte Carlo's draws), which the share box's link holds."""
    st.session_state[SCENARIO_STATE] = scenario_from_controls(
        {name: st.session_state[name] for name in SPECS if name in st.session_state}
    )
    try:
        st.rerun(list(SCENARIO_VIEWS))
    except StreamlitAPIException:  # one was not drawn in the last run (its page failed first): all
        st.rerun()


def linked_setting(param: PageParam) -> dict[str, Any]:
    """The arguments of a page's widget for ``param``: its bounds, default and key, bound to the link;
    a change reruns what shows the scenario, as a change of assumption does (the share box holds it)."""
    bound = {"key": param.name, "bind": "query-params", "on_change": redraw_scenario_views}
    if param.kind is str:  # a choice (Monte Carlo's method): a radio or segmented control
        return {"options": list(param.choices), "index": param.choices.index(param.default), **bound}
    return {"min_value": param.low, "max_value": param.high, "value": param.default, **bound}


def page_setting(param: PageParam) -> int | float | str:
    """A page setting (Monte Carlo's draws, say) as this session has it: its widget's state (already
    updated when a change reruns the script, before the page that holds it runs), else the link's
    value, else the default."""
    value = st.session_state.get(param.name)
    if value is None and param.name in st.query_params:
        value = param.parse(st.query_params[param.name])
    return param.default if value is None else value


def page_pairs() -> dict[str, str]:
    """The page settings in this session that are off their default, as query parameters."""
    return link_page_pairs({name: page_setting(param) for name, param in PAGE_PARAMS.items()})


@st.cache_resource(show_spinner=False)
def cached_presets() -> dict[str, Preset]:
    return load_presets()


def presets_or_error() -> tuple[dict[str, Preset], str | None]:
    """The presets, or none and the reason (a broken presets file must not stop the page)."""
    try:
        return cached_presets(), None
    except Exception as error:  # noqa: BLE001 - any failure here is shown, not raised
        return {}, f"Presets could not be loaded: {error}"


def matching_preset(scenario: Scenario, presets: dict[str, Preset]) -> Preset | None:
    for preset in presets.values():
        if preset.scenario == scenario:
            return preset
    return None
