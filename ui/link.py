"""A shared link, read on a session's first run, and the note naming any value it ignored.

Each control is created with ``key=<field name>`` and ``bind="query-params"``, so the query
parameter is the field name. Streamlit itself drops a URL value that it cannot use (out of range,
not a number, not an option) silently, truncates ``2040.5`` for a whole-number slider, and writes a
choice by its label. A shared link must instead say what it ignored, and must agree with
``model.scenario.lenient`` (the rules the command line and scenario files follow). So on the first
run of a session, before any control exists (and so before any parameter is bound), the raw
parameters go through :func:`model.export.link.read_link`; if the link is not already in the
controls' own form (``query_pairs``), the URL is rewritten to that form and the run starts again.
Controls are seeded only from a URL both readers agree on, and the note naming each ignored value is
kept in session state until dismissed (a scenario file that is refused leaves its note there too).
"""

from __future__ import annotations

import logging

import streamlit as st

from model.export.link import PAGE_PARAMS, PRESET_PARAM, choice_label, query_pairs, read_link
from model.scenario import SPECS, IgnoredValue
from ui.format import assumption_value

_LOG = logging.getLogger(__name__)

LINK_CHECKED_STATE = "_link_checked"
NOTES_STATE = "_ignored_notes"
# Where the dashboard's links point when the page's own address is not known (a test's session).
DEFAULT_APP_URL = "http://localhost:8501/"


def check_link_once() -> None:
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
        default = param.show(param.default)
        return (
            f"**{param.label}** (`{item.name}`): {shown} is not allowed "
            f"(allowed: {markdown_text(param.describe_range())}); using the default, {markdown_text(default)}"
        )
    if item.name == PRESET_PARAM:
        reason = markdown_text(item.reason, limit=200)
        return f"**Preset** (`{PRESET_PARAM}`): {shown} is {reason}; starting from the reported terms"
    if spec is None:
        name = markdown_text(item.name) if item.name.strip() else "(a value with no name)"
        return f"**{name}**: not an assumption of this model"
    if spec.value_type == "choice":
        default, allowed = choice_label(item.name, spec.default), spec.describe_range()
    elif spec.kind == "percent":
        # The link holds the fraction (0.09); the note also says it as people read it (9%).
        default = f"{spec.format(spec.default)} ({assumption_value(spec, spec.default)})"
        allowed = (f"{spec.describe_range()} "
                   f"({assumption_value(spec, spec.low)} to {assumption_value(spec, spec.high)})")
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


def dismiss_notes() -> None:
    st.session_state.pop(NOTES_STATE, None)


def page_url() -> str:
    """The address this page was opened at (without its query), for links that open it again."""
    return (st.context.url or DEFAULT_APP_URL).split("?", 1)[0]
