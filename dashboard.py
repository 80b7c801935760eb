"""The dashboard's entry point: the scenario controls in the sidebar, then the chosen page.

Run with ``./dev start`` (``streamlit run dashboard.py``). The sidebar builds the scenario once per
run; pages read it with ``ui.state.current_scenario()``, call the model and draw. Each page draws
itself through ``ui.page.page_content``, a fragment: moving a control reruns the page and the parts
of the sidebar that show the scenario, not the controls (``ui.state.SCENARIO_VIEWS``).

The pages live in ``views/``, not ``pages/``: a folder named ``pages`` beside the entry script
switches Streamlit to its older page discovery, under which ``AppTest`` reruns a page without
this entry script (and so without the sidebar).
"""

from __future__ import annotations

import streamlit as st

from ui.analysis import export_bundle, monte_carlo_settings
from ui.controls import scenario_controls, scenario_file_controls
from ui.link import page_url, show_notes
from ui.page import PAGE_ICON, on_demand, section
from ui.state import FILES_FRAGMENT, current_scenario
from ui.tables import download_exports, file_tag

st.set_page_config(
    page_title="Microsoft–OpenAI exposure",
    page_icon=PAGE_ICON,
    layout="wide",
)

# One line per page; the first page of the first section opens by default.
PAGES = {
    "Exposure": [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("views/investment.py", title="Investment", icon=":material/payments:"),
        st.Page("views/revenue_share.py", title="Revenue share", icon=":material/swap_horiz:"),
        st.Page("views/commitments.py", title="Compute commitments", icon=":material/dns:"),
    ],
    "Scenario analysis": [
        st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("views/sensitivity.py", title="Sensitivity", icon=":material/tune:"),
        st.Page("views/monte_carlo.py", title="Monte Carlo", icon=":material/casino:"),
    ],
    "Market and data": [
        st.Page("views/market.py", title="Market", icon=":material/show_chart:"),
        st.Page("views/model_check.py", title="Model check", icon=":material/verified:"),
        st.Page("views/sources.py", title="Sources", icon=":material/menu_book:"),
    ],
}


@st.fragment(key=FILES_FRAGMENT)
def downloads_and_files() -> None:
    """The workbook and the scenario file, for the scenario the controls hold (a change reruns this)."""
    with on_demand("Downloads and scenario files", key="_files", icon=":material/download:") as is_open:
        if not is_open:
            return
        scenario = current_scenario()
        with section("the workbook download"):
            # Read now, while the page is drawn: the files are made later, on click, outside the
            # script run, where the page's address (st.context.url) is no longer known.
            app_url, settings = page_url(), monte_carlo_settings()
            download_exports(lambda: export_bundle(scenario, app_url, settings), file_tag(), settings)
        with section("the scenario file"):
            scenario_file_controls(scenario)


page = st.navigation(PAGES, position="top")
with section("the scenario controls"):
    scenario_controls()
with st.sidebar:
    downloads_and_files()
show_notes()
page.run()
