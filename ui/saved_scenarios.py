"""Saved scenarios: keep scenarios for this session and compare them beside the presets.

The sidebar's "Open a scenario file" (ui/controls.py) replaces the current scenario. This panel,
on the Compare page, instead keeps scenarios next to it: the current one under a name, or a JSON
scenario file. A file is read strictly (``model.scenario.from_json``); one that is not a valid
scenario is refused with the field and the reason, and nothing already saved changes. Saved
scenarios live in the session only; download them as JSON to keep them.
"""

from __future__ import annotations

import re

import streamlit as st

from model.analysis.compare import Column
from model.scenario import Scenario
from ui.controls import read_scenario_upload
from ui.link import markdown_text

SAVED_STATE = "_saved_scenarios"  # name -> Scenario, in the order saved
MESSAGE_STATE = "_saved_scenarios_message"
NAME_KEY = "_saved_scenario_name"
UPLOAD_KEY = "_saved_scenario_upload"
MAX_SAVED = 8
MAX_NAME = 40


def saved() -> dict[str, Scenario]:
    return dict(st.session_state.get(SAVED_STATE, {}))


def clean_name(text: str) -> str:
    """A heading fit for a table column: printable, trimmed, at most 40 characters."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w .,()+%-]", "", str(text))).strip()[:MAX_NAME]


def save(name: str, scenario: Scenario) -> str | None:
    """Keep ``scenario`` as ``name``; the reason if it cannot be kept, else None."""
    name = clean_name(name)
    if not name:
        return "give the scenario a name"
    kept = saved()
    if name not in kept and len(kept) >= MAX_SAVED:
        return f"at most {MAX_SAVED} saved scenarios; remove one first"
    kept[name] = scenario
    st.session_state[SAVED_STATE] = kept
    return None


def remove(name: str) -> None:
    kept = saved()
    kept.pop(name, None)
    st.session_state[SAVED_STATE] = kept


def columns() -> list[Column]:
    """The saved scenarios as comparison columns (after the presets and the current one)."""
    return [Column(f"saved_{index + 1}", name, scenario) for index, (name, scenario) in enumerate(saved().items())]


def _save_current(scenario: Scenario) -> None:
    problem = save(st.session_state.get(NAME_KEY, ""), scenario)
    st.session_state[MESSAGE_STATE] = ("error", f"Not saved: {problem}") if problem else ("ok", "Saved.")


def _add_upload() -> None:
    read = read_scenario_upload(UPLOAD_KEY)
    if read is None:
        return
    file_name, scenario, problem = read
    if problem is not None:
        st.session_state[MESSAGE_STATE] = ("error", f"{file_name} was not added: {problem}")
        return
    name = clean_name(file_name.rsplit(".", 1)[0]) or "uploaded"
    problem = save(name, scenario)
    st.session_state[MESSAGE_STATE] = ("error", f"Not added: {problem}") if problem else ("ok", f"Added {name}.")


def panel(current: Scenario) -> None:
    """Save the current scenario, add a scenario file, remove saved ones; shows what went wrong."""
    with st.expander("Saved scenarios to compare", icon=":material/bookmark:"):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input("Name for the current scenario", key=NAME_KEY, max_chars=MAX_NAME)
        right.button("Save", key="_save_scenario", on_click=_save_current, args=(current,), width="stretch")
        st.file_uploader(
            "Add a scenario file (JSON) as a column",
            max_upload_size=1,  # a scenario file is a few KB: the box says "1MB per file", not 200MB
            type=["json"],
            key=UPLOAD_KEY,
            on_change=_add_upload,
            help="The current scenario is left as it is; the file becomes one more column.",
        )
        message = st.session_state.pop(MESSAGE_STATE, None)
        if message:
            kind, text = message
            (st.error if kind == "error" else st.success)(markdown_text(text, limit=600))
        for name in saved():
            line, button = st.columns([4, 1], vertical_alignment="center")
            line.markdown(markdown_text(name))
            button.button("Remove", key=f"_remove_saved_{name}", on_click=remove, args=(name,))
        if saved():
            st.caption("Saved scenarios last for this session; download a scenario as JSON to keep it.")
