"""The share box: a visible "Copy link" button for the scenario's link, and the link itself.

Streamlit has no copy button of its own outside a code block's hover toolbar, which a phone never
shows; this one is a plain HTML button that writes the link to the clipboard. The link goes in as an
escaped attribute and the script reads it from there, so nothing in the link can become markup.
"""

from __future__ import annotations

import html

import streamlit as st

from ui.page import on_demand

COPY_BUTTON_ID = "copy-scenario-link"

# Clipboard API where the page is a secure context (https, localhost); else a hidden text area and
# the older copy command, which works over plain http too. Streamlit's HTML element strips inline
# handlers, and runs scripts only when allowed: the script binds the button by its id (assigning
# onclick, so a redraw binds it once).
_SCRIPT = """
<script>
(() => {
  const button = document.getElementById("__BUTTON_ID__");
  if (!button) return;
  button.onclick = () => {
    const url = button.dataset.url;
    const label = button.querySelector("span");
    const done = () => {
      label.textContent = "Link copied";
      setTimeout(() => { label.textContent = "Copy link"; }, 2000);
    };
    const fallback = () => {
      const area = document.createElement("textarea");
      area.value = url;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, fallback);
    } else {
      fallback();
    }
  };
})();
</script>
""".replace("__BUTTON_ID__", COPY_BUTTON_ID)

_STYLE = (
    "width: 100%; display: flex; align-items: center; justify-content: center; gap: 0.5rem;"
    " min-height: 2.5rem; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer;"
    " font: inherit; font-size: 0.95rem; color: inherit; background: transparent;"
    " border: 1px solid rgba(128, 128, 128, 0.45);"
)


def copy_button_html(url: str) -> str:
    """The button's markup: the link only ever inside an escaped attribute, the script fixed text."""
    return (
        f'<button id="{COPY_BUTTON_ID}" type="button" data-url="{html.escape(url, quote=True)}" '
        f'title="Copy this scenario\'s link to the clipboard" style="{_STYLE}">'
        "<span>Copy link</span></button>" + _SCRIPT
    )


def share_box(url: str) -> None:
    """The copy button, always in view, and the link itself in a closed expander below it."""
    st.markdown("**Share this scenario**")
    st.html(copy_button_html(url), unsafe_allow_javascript=True)
    st.caption("The whole scenario is in the link (and in the address bar): it opens exactly these numbers.")
    # On demand: a code block loads the browser's syntax highlighter (1.5 MB of script).
    with on_demand("Show the link", key="_show_link", icon=":material/link:") as is_open:
        if is_open:
            st.code(url, language=None, wrap_lines=True)
