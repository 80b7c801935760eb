"""Tables with their CSV download, and the whole model as one Excel workbook.

Downloads are deferred: the file is made only when someone clicks, so a slider change never pays
for CSV or Excel writing. What each button would send is also kept in session state under
``DOWNLOADS_STATE`` (name -> function returning bytes), so tests can check it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from model.exports import csv_bytes
from model.scenario import Scenario
from model.workbook import Cover, workbook_bytes

DOWNLOADS_STATE = "_downloads"


def _register(name: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    st.session_state.setdefault(DOWNLOADS_STATE, {})[name] = make
    return make


def download_csv(df: pd.DataFrame, name: str, label: str | None = None) -> None:
    make = _register(name, lambda: csv_bytes(df))
    st.download_button(
        label or f"Download {name}.csv",
        data=make,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"_download_{name}",
        on_click="ignore",
        icon=":material/download:",
    )


# Columns that hold fractions, shown as percentages (the CSV keeps the fraction).
_PERCENT_COLUMNS = {"rate", "coverage_ratio", "share_of_total", "share_of_msft_market_value", "share_of_draws",
                    "probability_funding_gap", "stake_at_horizon"}


def number_formats(df: pd.DataFrame) -> dict:
    """How each number column reads on screen: money to the cent or the $10M, fractions as %.

    Display only: the CSV keeps full precision. Names stay the column names, units and all.
    """
    config = {}
    for column in df.columns:
        if df[column].dtype.kind != "f":
            continue
        if column in _PERCENT_COLUMNS:
            config[column] = st.column_config.NumberColumn(column, format="percent")
        elif column.endswith(("_usd_bn", "_usd")):
            config[column] = st.column_config.NumberColumn(column, format="%.2f")
    return config


def table(
    df: pd.DataFrame,
    name: str,
    *,
    caption: str | None = None,
    column_config: Mapping | None = None,
    height: int | str = "auto",
    shown: pd.DataFrame | None = None,
) -> None:
    """A table as it is exported (one record per row, units in the column names), with its CSV.

    ``shown``, if given, is what the page displays instead (e.g. values written in their units);
    the download is always ``df``.
    """
    if caption:
        st.caption(caption)
    display = df if shown is None else shown
    config = {**number_formats(display), **(column_config or {})}
    st.dataframe(display, hide_index=True, column_config=config, height=height, width="stretch")
    download_csv(df, name)


def download_workbook(
    tables: Callable[[], Mapping[str, pd.DataFrame]],
    scenario: Scenario,
    sources: Callable[[], pd.DataFrame],
    cover: Callable[[], Cover] = Cover,
) -> None:
    """``tables``, ``sources`` and ``cover`` are called only on click: some tables (the scenario
    comparison, Monte Carlo) take many runs, and the cover records the moment of the export."""
    make = _register("workbook", lambda: workbook_bytes(tables(), scenario, sources(), cover()))
    st.download_button(
        "Download every table (Excel)",
        data=make,
        file_name="openai_exposure.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="_download_workbook",
        on_click="ignore",
        icon=":material/table_view:",
        help="A cover sheet (scenario link, MSFT price, sign convention), one sheet per table, "
        "the scenario and every source.",
    )
