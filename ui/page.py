"""What every page shares: a guard that turns an error into a message, and the page header."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

_LOG = logging.getLogger(__name__)


@contextmanager
def section(what: str) -> Iterator[None]:
    """Render one part of a page; if it fails, say so and let the rest of the page render.

    Streamlit's own st.rerun/st.stop are BaseExceptions and pass through untouched.
    """
    try:
        yield
    except Exception as error:  # noqa: BLE001 - a page never shows a traceback
        _LOG.exception("could not show %s", what)
        st.error(f"Could not show {what}: {error}", icon=":material/error:")


def header(title: str, summary: str) -> None:
    st.title(title)
    st.caption(summary)
