"""The dashboard's shared code: controls, charts, tables and formatting.

Only the Streamlit side lives here; the model in ``model/`` knows nothing of it.
"""
