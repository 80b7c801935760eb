"""The dashboard's pages, one file a page, each run by ``st.navigation`` in ``dashboard.py``.

The folder is ``views/``, not ``pages/``: a folder named ``pages`` beside the entry script switches
Streamlit to its older page discovery, which runs a deep-linked page without the entry script (and
so without the sidebar and its scenario). A page reads the scenario, calls the model through
``ui`` and draws; pages never import one another (an import-linter contract in pyproject.toml).
"""
