"""The one line that says which MSFT price the numbers beside it use, and where it came from.

Every page that shows a figure per MSFT share or as a share of Microsoft's market value calls
``price_badge`` next to it: live ("live, 2 min ago"), the last saved download ("cached, as of ...")
or the snapshot shipped with the product ("offline snapshot, as of 2026-09-28"), and why.
"""

from __future__ import annotations

import streamlit as st

from ui import format as fmt
from ui.data import Quote

# colour, icon: green for live; orange when the feed failed and an older answer stands in.
_LOOK = {
    "live": ("green", ":material/sensors:"),
    "cached": ("orange", ":material/history:"),
    "snapshot": ("orange", ":material/cloud_off:"),
}


def badge_text(quote: Quote) -> str:
    """E.g. "MSFT $509.22 · offline snapshot, as of 2026-09-28"."""
    return f"MSFT {fmt.usd(quote.close_usd)} · {quote.badge or quote.description}"


def price_badge(quote: Quote | None, uses: str = "") -> None:
    """The badge, then (smaller) what uses the price and, for a fallback, why the feed was not used."""
    if quote is None:
        st.caption(":red-badge[:material/error: no MSFT price] The shipped price snapshot could not be read, "
                   "so nothing is shown per share or as a share of market value.")
        return
    colour, icon = _LOOK.get(quote.source, ("gray", ":material/info:"))
    label = badge_text(quote).replace("$", "\\$").replace("[", "(").replace("]", ")")
    notes = [f"close of {quote.close_date}"]
    if uses:
        notes.append(uses)
    if quote.source != "live" and quote.detail:
        notes.append(quote.detail)
    text = "; ".join(notes).replace("$", "\\$")
    st.caption(f":{colour}-badge[{icon} {label}] {text[:1].upper()}{text[1:]}.")
