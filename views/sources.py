"""Sources: every fact the model uses, with its source and the date it speaks for."""

import streamlit as st

from ui import data
from ui.glossary import glossary_markdown
from ui.page import header, page_content, section
from ui.tables import table


@page_content
def page() -> None:
    header("Sources", "Every fact the model uses, with where it comes from and the date it speaks for. "
           "Figures the model works out are marked as derived.")


# Nothing below the header follows the scenario, so a change of assumption does not redraw it: its own
# fragment, which the topics filter reruns.
@st.fragment
def glossary_and_sources() -> None:
    with section("the glossary"), st.expander("Glossary: the terms these pages use", icon=":material/help:",
                                               expanded=True):
        st.markdown(glossary_markdown())

    with section("the sources"):
        sources = data.sources()
        topics = sorted(sources["topic"].dropna().unique())
        chosen = st.multiselect("Topics", topics, key="_source_topics", placeholder="All topics")
        shown = sources[sources["topic"].isin(chosen)] if chosen else sources
        derived_count = int(shown["derived"].astype(bool).sum())
        st.caption(f"{len(shown)} facts shown, {derived_count} of them derived.")
        table(shown, "sources", column_config={
            "derived": st.column_config.CheckboxColumn("derived", help="Worked out by the model, not reported"),
        }, height=600)


page()
glossary_and_sources()
