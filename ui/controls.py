"""The sidebar: every assumption of :mod:`model.scenario` as a control bound to the page's URL.

Each control is created with ``key=<field name>`` and ``bind="query-params"``, so the query
parameter is the field name (``?discount_rate=0.12&horizon_year=2040``). Streamlit writes a
parameter only while its control is off its default, so the address bar always holds exactly the
assumptions that differ from the reported terms. The controls live in the entry script, outside
any page, so their parameters survive page switches. A shared link is checked before any control
exists (:mod:`ui.link`); a change reruns what shows the scenario, not the controls (:mod:`ui.state`).

Presets, reset and an uploaded scenario file set the controls through ``st.session_state`` in a
callback, before the controls are created (the one way code may change a bound control);
Streamlit then writes the new values to the URL itself.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from model.export.link import choice_label, choice_options, share_url
from model.scenario import GROUPS, SPECS, FieldSpec, Scenario, ScenarioError, changed_specs, from_json, to_json
from ui.format import readable_value
from ui.link import NOTES_STATE, check_link_once, markdown_text, page_url
from ui.share import share_box
from ui.state import (
    SCENARIO_STATE,
    SHARE_FRAGMENT,
    SUMMARY_FRAGMENT,
    current_scenario,
    matching_preset,
    page_pairs,
    presets_or_error,
    redraw_scenario_views,
    scenario_from_controls,
    set_controls,
)

UPLOAD_KEY = "_scenario_upload"


def control_label(spec: FieldSpec) -> str:
    if spec.value_type == "choice":
        return spec.label
    return f"{spec.label} ({spec.unit})"



# -- callbacks (run before the script, so they may set bound controls) ----------------------------


def _apply_preset(name: str) -> None:
    presets, _ = presets_or_error()
    set_controls(presets[name].scenario)
    st.session_state.pop(NOTES_STATE, None)


def _reset() -> None:
    set_controls(Scenario())
    st.session_state.pop(NOTES_STATE, None)


def reset_one(name: str) -> None:
    st.session_state[name] = SPECS[name].default
    # The button is in the summary's fragment; the control it resets is not: rerun the whole app.
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


# -- the sidebar ---------------------------------------------------------------------------------


def _control(spec: FieldSpec) -> Any:
    if spec.value_type == "choice":
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
    cast = int if spec.value_type == "int" else float
    return st.slider(
        control_label(spec),
        min_value=cast(spec.low),
        max_value=cast(spec.high),
        value=cast(spec.default),
        step=cast(spec.step),
        # A fraction reads as a percentage, as in every table (0.15 -> 15%); the link keeps 0.15.
        format="percent" if spec.kind == "percent" else spec.fmt,
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
    check_link_once()
    presets, presets_error = presets_or_error()
    sidebar = st.sidebar

    sidebar.markdown("### Scenario")
    if presets:
        sidebar.caption("Start from a preset")
        # A row that wraps, not columns: columns stack on a phone, which read the presets column by column.
        with sidebar.container(horizontal=True, gap="small", key="_presets"):
            for preset in presets.values():
                st.button(
                    preset.title,
                    key=f"_preset_{preset.name}",
                    on_click=_apply_preset,
                    args=(preset.name,),
                    help=preset.story,
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


@st.fragment(key=SUMMARY_FRAGMENT)
def _summary() -> None:
    """The preset the scenario is, or how many assumptions it changes, each with its own reset."""
    scenario = current_scenario()
    presets, _ = presets_or_error()
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
    share_box(share_url(current_scenario(), page_url(), page_pairs()))


def _changed_list(scenario: Scenario, changed: list[FieldSpec]) -> None:
    """Each assumption off the reported terms, its value against the reported one, and its own reset."""
    if not changed:
        return
    with st.container(key="_changed_assumptions"):
        for spec in changed:
            # Text and reset side by side on every screen (columns would stack them on a phone).
            row = st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=False)
            now = readable_value(spec, getattr(scenario, spec.name))
            row.caption(
                f"**{markdown_text(spec.label)}**: {markdown_text(now)} "
                f"(reported: {markdown_text(readable_value(spec, spec.default))})"
            )
            row.button(
                "",
                key=f"_reset_{spec.name}",
                icon=":material/undo:",
                on_click=reset_one,
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
        max_upload_size=1,  # a scenario file is a few KB: the box says "1MB per file", not 200MB
        type=["json"],
        key=UPLOAD_KEY,
        on_change=_load_upload,
        help="A file saved with the button above, or any JSON object of name: value pairs.",
    )
