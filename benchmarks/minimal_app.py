"""Streamlit's floor: one slider and one number computed from it.

benchmarks/latency.py times this app beside the dashboard, so the dashboard's redraw time reads as a
multiple of the fastest redraw Streamlit itself can do on the same machine, in the same run.
"""

import streamlit as st

st.set_page_config(page_title="Minimal app", layout="wide")

value = st.slider("Value", min_value=0, max_value=1000, value=100, step=1, key="value")
st.metric("Value squared", f"{value * value:,}")
