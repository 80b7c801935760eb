"""Tables with their CSV download, and the whole model as one Excel workbook.

Downloads are deferred: the file is made only when someone clicks, so a slider change never pays
for CSV or Excel writing. What each button would send is also kept in session state under
``DOWNLOADS_STATE`` (name -> function returning bytes), so tests can check it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from model.columns import column_kind, column_title, unit_kind
from model.exports import csv_bytes
from model.scenario import Scenario
from model.workbook import Cover, workbook_bytes
from ui import format as fmt

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


MISSING = "–"  # what an empty cell shows: never "None" or "nan"
# Above this many rows a table is shown with Streamlit's own number formats rather than styled cell
# by cell (styling sends every cell's text to the browser).
STYLED_ROWS_MAX = 1000
_SCREEN_FORMATS: dict[str, str] = {"usd_bn": "%.2f", "usd": "%.2f", "percent": "percent", "multiple": "%.2fx",
                                   "year": "%d", "count": "%d"}


def cell_text(kind: str | None, value: Any) -> str:
    """One number as a table shows it: money to the $10M (USD bn) or the cent, fractions as %,
    an empty cell as a dash, and never "-0.00"."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return str(value)
    if kind is None and isinstance(value, int | np.integer):
        return str(value)
    value = float(value)
    if kind == "percent":
        text = fmt.percent(value)
    elif kind == "multiple":
        text = fmt.multiple(value, 2)
    elif kind in ("year", "count"):
        text = str(int(value)) if kind == "year" else f"{int(value):,}"
    elif kind in ("usd_bn", "usd"):
        text = f"{value:,.2f}"
    else:
        text = f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return _NEGATIVE_ZERO.sub(r"\1", text)


_NEGATIVE_ZERO = re.compile(r"^-(0(?:\.0+)?(?:%|x)?)$")


def column_labels(df: pd.DataFrame) -> dict:
    """Every column headed as a person reads it (units in brackets); the CSV keeps the names."""
    return {column: st.column_config.Column(column_title(column)) for column in df.columns}


def number_formats(df: pd.DataFrame) -> dict:
    """Streamlit's own formats for a table too long to style cell by cell (see STYLED_ROWS_MAX)."""
    config = {}
    for column in df.columns:
        kind = column_kind(column)
        if df[column].dtype.kind in "fi" and kind in _SCREEN_FORMATS:
            config[column] = st.column_config.NumberColumn(column_title(column), format=_SCREEN_FORMATS[kind])
    return config


_TEXT_COLUMNS = ("unit", "assumption_unit", "label", "name")


def styled(df: pd.DataFrame) -> Any:
    """``df`` with every number written by :func:`cell_text` (by its column's kind, or row by row
    from a ``unit`` column) and every empty cell a dash; the values underneath still sort."""
    shown = df.copy()
    formatters = {}
    for column in df.columns:
        series = df[column]
        kind = column_kind(column)
        if series.dtype.kind == "b":
            continue
        units = _unit_column(df, column)
        if kind is None and units is not None and column not in _TEXT_COLUMNS and series.dtype.kind in "fiO":
            shown[column] = [
                cell_text(_unit_kind(unit), value) if _is_number(value) or _is_missing(value) else value
                for unit, value in zip(df[units], series, strict=True)
            ]
        elif series.dtype.kind in "fi" or kind is not None:
            if series.isna().any():
                # Streamlit draws a missing number as "None" whatever the Styler says: such a column
                # is shown as its text, a dash where nothing is.
                shown[column] = [cell_text(kind, value) for value in series]
            else:
                formatters[column] = partial(cell_text, kind)
    return shown.style.format(formatters, na_rep=MISSING)


def _unit_column(df: pd.DataFrame, column: str) -> str | None:
    # The tornado's low/value/high are the assumption's values; its other figures are the result's.
    if "assumption_unit" in df.columns and column in ("low", "value", "high", "most_likely"):
        return "assumption_unit"
    return "unit" if "unit" in df.columns else None


def _unit_kind(unit: Any) -> str | None:
    return None if not isinstance(unit, str) else ("count" if unit == "0-10,000" else unit_kind(unit))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def dataframe(df: pd.DataFrame, *, column_config: Mapping | None = None, height: int | str = "auto") -> None:
    """A table on screen: readable headers, numbers in their units, a dash for an empty cell."""
    if len(df) > STYLED_ROWS_MAX:
        config = {**column_labels(df), **number_formats(df), **(column_config or {})}
        st.dataframe(df, hide_index=True, column_config=config, height=height, width="stretch")
        return
    config = {**column_labels(df), **(column_config or {})}
    st.dataframe(styled(df), hide_index=True, column_config=config, height=height, width="stretch")


def table(
    df: pd.DataFrame,
    name: str,
    *,
    caption: str | None = None,
    column_config: Mapping | None = None,
    height: int | str = "auto",
    shown: pd.DataFrame | None = None,
) -> None:
    """A table with its CSV: on screen with readable headers and numbers in their units
    (:func:`dataframe`), in the CSV as exported (snake_case names with units, full precision).

    ``shown``, if given, is what the page displays instead (e.g. values written in their units);
    the download is always ``df``.
    """
    if caption:
        st.caption(caption)
    dataframe(df if shown is None else shown, column_config=column_config, height=height)
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
