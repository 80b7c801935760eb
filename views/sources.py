"""Sources: every fact the model uses, with its source and the date it speaks for."""

import streamlit as st

from model.sources import records_table
from ui import data
from ui.glossary import glossary_markdown
from ui.page import header, page_content, section
from ui.tables import table, wide_table


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
        records = records_table(shown)
        derived_count = int(records["derived"].sum())
        st.caption(f"{len(records)} facts ({len(shown)} values) shown, {derived_count} of them derived. "
                   "Each names its source by publication and date (the data files hold no addresses); a weak "
                   "source says so first in its note. Where the source is a Microsoft filing, the filing index "
                   "links to Microsoft's filings of that form on SEC EDGAR.")
        # One record a row, its values side by side: a reader looks a fact up, not a field.
        # Long texts wrap in taller rows: a source is read whole, not cut at the column's edge.
        wide_table(records, key="sources_facts", heading=("record",), height=600, wrap=True, column_config={
            "topic": st.column_config.TextColumn("Topic", width=110),
            "record": st.column_config.TextColumn("Fact", width=170, pinned=True),
            "values": st.column_config.TextColumn("Values", width=280),
            "source": st.column_config.TextColumn("Source", width=270),
            "as_of": st.column_config.TextColumn("As of", width=95),
            "derived": st.column_config.CheckboxColumn("Derived", help="Worked out by the model, not reported"),
            "note": st.column_config.TextColumn("Note", width=320),
            "filing_index": st.column_config.LinkColumn(
                "Filing index", display_text=r"type=(.+)$",
                help="Microsoft's filings of this form on SEC EDGAR (the source names which one)"),
        })
        table(shown, "sources", title="Table: every value on its own row (as the CSV has it)",
              caption="One row per reported value, with its unit, source and date.", heading=("record", "field"))


page()
glossary_and_sources()
