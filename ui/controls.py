"""The sidebar: every assumption of :mod:`model.scenario` as a control bound to the page's URL.

How the URL and the controls agree
----------------------------------
Each control is created with ``key=<field name>`` and ``bind="query-params"``, so the query
parameter is the field name (``?discount_rate=0.12&horizon_year=2040``). Streamlit writes a
parameter only while its control is off its default, so the address bar always holds exactly the
assumptions that differ from the reported terms. The controls live in the entry script, outside
any page, so their parameters survive page switches.

Streamlit itself drops a URL value that it cannot use (out of range, not a number, not an option)
silently, truncates ``2040.5`` for a whole-number slider, and writes a choice by its label. A shared
link must instead say what it ignored, and must agree with ``model.scenario.lenient`` (the rules
the command line and scenario files follow). So on the first run of a session, before any control
exists (and so before any parameter is bound), the raw parameters go through ``lenient``; if the
link is not already in the controls' own form (``query_pairs``), the URL is rewritten to that form
and the run starts again. Controls are seeded only from a URL both readers agree on, and the note
naming each ignored value is kept in session state until dismissed.

Presets, reset and an uploaded scenario file set the controls through ``st.session_state`` in a
callback, before the controls are created (the one way code may change a bound control);
Streamlit then writes the new values to the URL itself.

What a change redraws
---------------------
Moving a control reruns only what shows the scenario (``SCENARIO_VIEWS``): the page and the
sidebar's summary, share box and downloads, each a fragment with a key. The thirty controls are not
sent again: the browser already shows the moved one at its new value, and the others did not move.
Presets, resets and scenario files change the controls themselves, so they rerun the whole app.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from model.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED, MAX_DRAWS
from model.scenario import (
    CHOICE_LABELS,
    GROUPS,
    SPECS,
    FieldSpec,
    IgnoredValue,
    Scenario,
    ScenarioError,
    changed_specs,
    from_json,
    lenient,
    load_presets,
    to_json,
)
from model.sensitivity import DEFAULT_RELATIVE
from ui.format import assumption_value, is_fraction_unit
from ui.page import PAGE_FRAGMENT
from ui.share import share_box

_LOG = logging.getLogger(__name__)

SCENARIO_STATE = "_scenario"
LINK_CHECKED_STATE = "_link_checked"
NOTES_STATE = "_ignored_notes"
UPLOAD_KEY = "_scenario_upload"
DEFAULT_APP_URL = "http://localhost:8501/"

# The fragments that show the scenario, by key (st.fragment(key=...)): what a change reruns, in
# this order. The page first: measured against the sidebar's parts first (latency.py, two runs each),
# its numbers showed 0 to 40 ms sooner and the page was redrawn up to 20 ms sooner.
SUMMARY_FRAGMENT = "scenario_summary"
SHARE_FRAGMENT = "share_link"
FILES_FRAGMENT = "scenario_files"
SCENARIO_VIEWS = (PAGE_FRAGMENT, SUMMARY_FRAGMENT, SHARE_FRAGMENT, FILES_FRAGMENT)


@dataclass(frozen=True)
class PageParam:
    """A query parameter that a page binds to its own widget (not an assumption), with its bounds."""

    name: str
    label: str
    kind: type
    low: float
    high: float
    default: float

    def parse(self, text: str) -> int | float | None:
        """The value ``text`` holds, or None when the page's widget could not take it."""
        text = text.strip()
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
        return f"{self.low:,} to {self.high:,}" if self.kind is int else f"{self.low:g} to {self.high:g}"


_WHOLE_NUMBER = re.compile(r"-?\d{1,12}(\.0*)?")
# Query parameters that a page binds to its own widgets (Monte Carlo's draws, seed and range width):
# not assumptions, so the link check does not read them as such, but it checks them against the
# same bounds as the page's widgets, which Streamlit would otherwise fail on (a 400-digit draws).
PAGE_PARAMS = {
    param.name: param
    for param in (
        PageParam("mc_draws", "Monte Carlo draws", int, 100, MAX_DRAWS, DEFAULT_DRAWS),
        PageParam("mc_seed", "Monte Carlo seed", int, 0, 2**32 - 1, DEFAULT_SEED),
        PageParam("mc_range", "Monte Carlo range either way", float, 0.05, 0.5, DEFAULT_RELATIVE),
    )
}
PAGE_QUERY_PARAMS = tuple(PAGE_PARAMS)

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


def control_label(spec: FieldSpec) -> str:
    if spec.kind == "choice":
        return spec.label
    return f"{spec.label} ({spec.unit})"


# -- reading a link ------------------------------------------------------------------------------


def link_values(query_params: Any) -> dict[str, str]:
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
    if spec is not None and spec.kind == "int" and not _WHOLE_NUMBER.fullmatch(text.strip()):
        # A whole-number field takes "2040" or "2040.0", not "2040.0000001" nor a 400-digit number.
        return None, IgnoredValue(name, text, f"{name}={text!r} is not a whole number in range")
    try:
        scenario, ignored = lenient({name: text})
    except Exception as error:  # noqa: BLE001 - a value the parser cannot even read is ignored too
        return None, IgnoredValue(name, text, f"{name}={text!r} could not be read ({type(error).__name__})")
    if ignored:
        return None, ignored[0]
    return getattr(scenario, name), None


def read_link(query_params: Any) -> tuple[Scenario, list[IgnoredValue], dict[str, str]]:
    """A link's scenario, the values it ignored (each named) and the page parameters it keeps.

    Never raises, whatever the link holds: each value is read on its own, so one that cannot be
    read is named in the note and the others still apply.
    """
    good: dict[str, Any] = {}
    ignored: list[IgnoredValue] = []
    page: dict[str, str] = {}
    for name, text in link_values(query_params).items():
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
    return Scenario().model_copy(update=good), ignored, page


def _check_link_once() -> None:
    """On a session's first run, before any control exists, read the link leniently.

    If the link is not already in the controls' own form (a value ignored, an unknown name, a
    choice given by value, a value written differently), the URL is rewritten to that form and the
    run starts again, so that the controls are seeded from a link both readers agree on.
    """
    if LINK_CHECKED_STATE in st.session_state:
        return
    st.session_state[LINK_CHECKED_STATE] = True
    try:
        raw = {name: st.query_params.get_all(name) for name in list(st.query_params)}
        scenario, ignored, page = read_link(st.query_params)
        canonical = {**query_pairs(scenario), **page}
    except Exception as error:  # noqa: BLE001 - a link that cannot be read at all opens on the defaults
        _LOG.exception("could not read the link")
        st.session_state[NOTES_STATE] = (
            "unreadable link", f"This link could not be read ({error}); the page opened on the reported terms."
        )
        st.query_params.clear()
        st.rerun()
    if ignored:
        st.session_state[NOTES_STATE] = ("link", ignored)
    if raw != {name: [value] for name, value in canonical.items()}:
        # No control is bound yet in a new session, so the URL may still be written directly.
        st.query_params.from_dict(canonical)
        st.rerun()


# -- callbacks (run before the script, so they may set bound controls) ----------------------------


def set_controls(scenario: Scenario) -> None:
    for name in SPECS:
        st.session_state[name] = getattr(scenario, name)


def _apply_preset(name: str) -> None:
    presets, _ = _presets()
    set_controls(presets[name].scenario)
    st.session_state.pop(NOTES_STATE, None)


def _reset() -> None:
    set_controls(Scenario())
    st.session_state.pop(NOTES_STATE, None)


def _reset_one(name: str) -> None:
    st.session_state[name] = SPECS[name].default
    # The button is in the summary's fragment; the control it resets is not: rerun the whole app.
    st.rerun()


def linked_setting(param: PageParam) -> dict[str, Any]:
    """The arguments of a page's widget for ``param``: its bounds, default and key, bound to the link;
    a change reruns what shows the scenario, as a change of assumption does (the share box holds it)."""
    return {"min_value": param.low, "max_value": param.high, "value": param.default, "key": param.name,
            "bind": "query-params", "on_change": redraw_scenario_views}


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


def read_scenario_upload(key: str) -> tuple[str, Scenario | None, str | None] | None:
    """The scenario file uploaded under ``key``, read strictly: (file name, scenario, None), or
    (file name, None, why it was refused); None when no file is there."""
    upload = st.session_state.get(key)
    if upload is None:
        return None
    try:
        return upload.name, from_json(upload.getvalue()), None
    except ScenarioError as error:
        return upload.name, None, str(error)


def _load_upload() -> None:
    """A scenario file opened: its values go to the controls, or the note says why not. The uploader
    is in the downloads' fragment, the controls and the note are not: the whole app reruns."""
    read = read_scenario_upload(UPLOAD_KEY)
    if read is None:
        return
    file_name, scenario, problem = read
    if problem is not None:
        st.session_state[NOTES_STATE] = ("upload", f"{file_name} was not loaded: {problem}")
    else:
        set_controls(scenario)
        st.session_state.pop(NOTES_STATE, None)
    st.rerun()


def dismiss_notes() -> None:
    st.session_state.pop(NOTES_STATE, None)


# -- presets -------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def cached_presets() -> dict:
    return load_presets()


def _presets() -> tuple[dict, str | None]:
    """The presets, or none and the reason (a broken presets file must not stop the page)."""
    try:
        return cached_presets(), None
    except Exception as error:  # noqa: BLE001 - any failure here is shown, not raised
        return {}, f"Presets could not be loaded: {error}"


def matching_preset(scenario: Scenario, presets: dict) -> Any:
    for preset in presets.values():
        if preset.scenario == scenario:
            return preset
    return None


# -- the link to share -----------------------------------------------------------------------------


def query_pairs(scenario: Scenario) -> dict[str, str]:
    """The scenario as the query parameters the controls write: only values off their default."""
    pairs = {}
    for name, spec in SPECS.items():
        value = getattr(scenario, name)
        if value == spec.default:
            continue
        if name in CHOICE_LABELS:
            pairs[name] = choice_label(name, value)
        elif spec.kind == "int":
            pairs[name] = str(int(value))
        else:
            pairs[name] = repr(float(value))
    return pairs


def share_url(scenario: Scenario, base_url: str | None, page: dict[str, str] | None = None) -> str:
    """The link that opens ``scenario`` (and ``page``'s own settings, e.g. Monte Carlo's draws)."""
    base = base_url or DEFAULT_APP_URL
    query = urlencode({**query_pairs(scenario), **(page or {})})
    return f"{base}?{query}" if query else base


def page_setting(param: PageParam) -> int | float:
    """A page setting (Monte Carlo's draws, say) as this session has it: its widget's state (already
    updated when a change reruns the script, before the page that holds it runs), else the link's
    value, else the default."""
    value = st.session_state.get(param.name)
    if value is None and param.name in st.query_params:
        value = param.parse(st.query_params[param.name])
    return param.default if value is None else value


def page_pairs() -> dict[str, str]:
    """The page settings in this session that are off their default, as query parameters."""
    pairs = {}
    for name, param in PAGE_PARAMS.items():
        value = page_setting(param)
        if value != param.default:
            pairs[name] = str(int(value)) if param.kind is int else f"{float(value):g}"
    return pairs


# -- the sidebar ---------------------------------------------------------------------------------


def _control(spec: FieldSpec) -> Any:
    if spec.kind == "choice":
        options = choice_options(spec.name)
        return st.selectbox(
            control_label(spec),
            options,
            index=options.index(spec.default),
            format_func=lambda option, name=spec.name: choice_label(name, option),
            key=spec.name,
            help=spec.help,
            bind="query-params",
            on_change=redraw_scenario_views,
        )
    cast = int if spec.kind == "int" else float
    return st.slider(
        control_label(spec),
        min_value=cast(spec.low),
        max_value=cast(spec.high),
        value=cast(spec.default),
        step=cast(spec.step),
        # A fraction reads as a percentage, as in every table (0.15 -> 15%); the link keeps 0.15.
        format="percent" if is_fraction_unit(spec.unit) else spec.fmt,
        key=spec.name,
        help=spec.help,
        bind="query-params",
        on_change=redraw_scenario_views,
    )


def specs_by_group() -> dict[str, list[FieldSpec]]:
    groups: dict[str, list[FieldSpec]] = {group: [] for group in GROUPS}
    for spec in SPECS.values():
        groups[spec.group].append(spec)
    return {group: specs for group, specs in groups.items() if specs}


def scenario_controls() -> Scenario:
    """Draw the sidebar and return the scenario it holds; also kept in session state for pages."""
    _check_link_once()
    presets, presets_error = _presets()
    sidebar = st.sidebar

    sidebar.markdown("### Scenario")
    if presets:
        sidebar.caption("Start from a preset")
        columns = sidebar.columns(2)
        for index, preset in enumerate(presets.values()):
            columns[index % 2].button(
                preset.title,
                key=f"_preset_{preset.name}",
                on_click=_apply_preset,
                args=(preset.name,),
                help=preset.story,
                width="stretch",
            )
    elif presets_error:
        sidebar.error(presets_error)
    story_box = sidebar.container()
    sidebar.button(
        "Reset to the reported terms",
        key="_reset",
        on_click=_reset,
        icon=":material/restart_alt:",
        width="stretch",
    )
    share_container = sidebar.container()

    values = {}
    for index, (group, specs) in enumerate(specs_by_group().items()):
        with sidebar.expander(group, expanded=index == 0):
            for spec in specs:
                values[spec.name] = _control(spec)

    scenario = scenario_from_controls(values)
    st.session_state[SCENARIO_STATE] = scenario
    with story_box:
        _summary()
    with share_container:
        _share()
    return scenario


def scenario_from_controls(values: dict[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(values)
    except Exception:  # noqa: BLE001 - a control value the model refuses falls back leniently
        scenario, _ = lenient(values)
        return scenario


@st.fragment(key=SUMMARY_FRAGMENT)
def _summary() -> None:
    """The preset the scenario is, or how many assumptions it changes, each with its own reset."""
    scenario = current_scenario()
    presets, _ = _presets()
    preset = matching_preset(scenario, presets)
    changed = changed_specs(scenario)
    if preset is not None:
        st.caption(f"**{preset.title}.** {preset.story}")
    else:
        st.caption(
            f"**Custom scenario**: {len(changed)} assumption{'s' if len(changed) != 1 else ''} "
            "changed from the reported terms."
        )
    _changed_list(scenario, changed)


@st.fragment(key=SHARE_FRAGMENT)
def _share() -> None:
    share_box(share_url(current_scenario(), st.context.url, page_pairs()))


def readable_value(spec: FieldSpec, value: Any) -> str:
    """An assumption's value as the sidebar says it: 12%, 2040, 1.2 x plan, a rule by its label."""
    if spec.kind == "choice":
        return choice_label(spec.name, value)
    text = assumption_value(spec.unit, value)
    return text if is_fraction_unit(spec.unit) or spec.unit in ("year", "years") else f"{text} {spec.unit}"


def _changed_list(scenario: Scenario, changed: list[FieldSpec]) -> None:
    """Each assumption off the reported terms, its value against the reported one, and its own reset."""
    if not changed:
        return
    with st.container(key="_changed_assumptions"):
        for spec in changed:
            text, button = st.columns([5, 1], vertical_alignment="center", gap="small")
            now = readable_value(spec, getattr(scenario, spec.name))
            text.caption(
                f"**{markdown_text(spec.label)}**: {markdown_text(now)} "
                f"(reported: {markdown_text(readable_value(spec, spec.default))})"
            )
            button.button(
                "",
                key=f"_reset_{spec.name}",
                icon=":material/undo:",
                on_click=_reset_one,
                args=(spec.name,),
                help=f"Back to the reported terms: {readable_value(spec, spec.default)}",
                type="tertiary",
            )


def scenario_file_controls(scenario: Scenario) -> None:
    """Save the scenario as JSON, or open one (a file that is not a scenario is refused, with why)."""
    st.download_button(
        "Download scenario (JSON)",
        data=lambda: to_json(scenario),
        file_name="scenario.json",
        mime="application/json",
        key="_download_scenario",
        on_click="ignore",
        icon=":material/download:",
    )
    st.file_uploader(
        "Open a scenario file (JSON)",
        type=["json"],
        key=UPLOAD_KEY,
        on_change=_load_upload,
        help="A file saved with the button above, or any JSON object of name: value pairs.",
    )


def current_scenario() -> Scenario:
    """The scenario the sidebar built in this run (defaults if a page runs on its own)."""
    return st.session_state.get(SCENARIO_STATE) or Scenario()


# -- notes about values not used -------------------------------------------------------------------


def markdown_text(text: str, limit: int = 80) -> str:
    """Untrusted text (from a link or a file) shown literally in Markdown."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    specials = "\\`*_{}[]()#+-.!|<>$~:"
    return "".join("\\" + ch if ch in specials else ch for ch in text)


def ignored_line(item: IgnoredValue) -> str:
    spec = SPECS.get(item.name)
    shown = markdown_text(item.value) if item.value != "" else "(empty)"
    if item.name in PAGE_PARAMS:
        param = PAGE_PARAMS[item.name]
        default = f"{param.default:,}" if param.kind is int else f"{param.default:g}"
        return (
            f"**{param.label}** (`{item.name}`): {shown} is not allowed "
            f"(allowed: {markdown_text(param.describe_range())}); using the default, {markdown_text(default)}"
        )
    if spec is None:
        name = markdown_text(item.name) if item.name.strip() else "(a value with no name)"
        return f"**{name}**: not an assumption of this model"
    if spec.kind == "choice":
        default, allowed = choice_label(item.name, spec.default), spec.describe_range()
    elif is_fraction_unit(spec.unit):
        # The link holds the fraction (0.09); the note also says it as people read it (9%).
        default = f"{spec.format(spec.default)} ({assumption_value(spec.unit, spec.default)})"
        allowed = (f"{spec.describe_range()} "
                   f"({assumption_value(spec.unit, spec.low)} to {assumption_value(spec.unit, spec.high)})")
    else:
        default, allowed = spec.format(spec.default), spec.describe_range()
    return (
        f"**{markdown_text(spec.label)}** (`{item.name}`): {shown} is not allowed "
        f"(allowed: {markdown_text(allowed)}); using the default, {markdown_text(default)}"
    )


def show_notes() -> None:
    """The note about a link's or a file's values that were not used, until dismissed."""
    note = st.session_state.get(NOTES_STATE)
    if not note:
        return
    kind, detail = note
    if kind == "link":
        count = len(detail)
        lines = "\n".join(f"- {ignored_line(item)}" for item in detail)
        st.warning(
            f"This link had {count} value{'s' if count != 1 else ''} that could not be used; "
            f"the page opened with the default instead:\n\n{lines}",
            icon=":material/link_off:",
        )
    else:
        st.error(markdown_text(detail, limit=600), icon=":material/description:")
    st.button("Dismiss", key="_dismiss_notes", on_click=dismiss_notes)


def scenario_as_dict(scenario: Scenario) -> dict[str, Any]:
    return json.loads(scenario.model_dump_json())
