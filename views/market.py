"""Market: MSFT's share price, where it came from, and the deal events on it."""

import streamlit as st

from model.events import events_frame, load_events
from ui import charts, data
from ui import format as fmt
from ui.page import header, section
from ui.tables import table

header("Market", "MSFT's daily close beside the deal's events. Prices in USD per share, as traded.")

with section("the MSFT price"):
    loaded = data.msft_prices()
    quote = data.msft_quote()
    provenance = loaded.provenance
    note = {"live": st.success, "cached": st.warning, "snapshot": st.warning}[provenance.source]
    note(f"Showing **{quote.description}**. Latest close {fmt.usd(quote.close_usd)} on {quote.close_date}.",
         icon=":material/info:")
    try:
        events = events_frame(load_events())
    except Exception as error:  # noqa: BLE001 - the chart is still useful without events
        st.warning(f"Deal events could not be loaded: {error}")
        events = None
    st.altair_chart(charts.price_chart(loaded.frame, events, source=quote.description), width="stretch")
    prices_table = loaded.frame.reset_index()
    prices_table["date"] = prices_table["date"].dt.date
    with st.expander("Daily prices"):
        table(prices_table.rename(columns={c: f"{c}_usd" for c in ("open", "high", "low", "close", "adj_close")}),
              "msft_daily", caption="USD per share; volume in shares.")
    if events is not None:
        with st.expander("Deal events"):
            table(events, "deal_events")
