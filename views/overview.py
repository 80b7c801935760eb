import streamlit as st

from ui.controls import current_scenario

st.title("overview")
st.json(current_scenario().model_dump(mode="json"))
