"""Tables with their CSV download, and the whole model as one Excel workbook.

Downloads are deferred: the file is made only when someone clicks, so a slider change never pays
for CSV or Excel writing. What each button would send is also kept in session state under
``DOWNLOADS_STATE`` (name -> function returning bytes), so tests can check it. Tables that support a
page rather than make it open on demand (``table`` with a title), so a slider change does not
redraw them unseen.

A wide table (:func:`wide_table`) is drawn twice: as the sortable table on a screen wider than a
phone, and as one card per row on a phone, where a table's columns past the second or third would
only scroll sideways. CSS picks which one shows, by the screen's width.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from model.export.bundle import ExportBundle, MonteCarloSettings
from model.export.columns import column_kind, column_title
from model.export.files import ZIP_MIME, zip_bytes
from model.export.link import PAGE_PARAMS, page_pairs, scenario_tag
from model.export.tables import CSV_MIME, XLSX_MIME, csv_bytes
from model.numbers import is_missing, unit_kind
from ui import format as fmt
from ui.page import on_demand
from ui.state import current_scenario, page_setting

DOWNLOADS_STATE = "_downloads"


def _register(name: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    st.session_state.setdefault(DOWNLOADS_STATE, {})[name] = make
    return make


def file_tag() -> str:
    """The current scenario's short name for file names, the same as its link gives
    (:func:`model.export.link.scenario_tag` of the assumptions and the page settings)."""
    page = page_pairs({name: page_setting(param) for name, param in PAGE_PARAMS.items()})
    return scenario_tag(current_scenario(), page)


def download_csv(df: pd.DataFrame, name: str, label: str | None = None) -> None:
    make = _register(name, lambda: csv_bytes(df))
    st.download_button(
        label or f"Download {name}.csv",
        data=make,
        file_name=f"{name}_{file_tag()}.csv",
        mime=CSV_MIME,
        key=f"_download_{name}",
        on_click="ignore",
        icon=":material/download:",
    )


MISSING = "–"  # what an empty cell shows: never "None" or "nan"

# How a column of each kind is written on screen, by Streamlit's own number formats in the browser
# (no cell-by-cell text from the server: a styled table cost more server time than the model's run).
# (format, step, decimals): "localized" writes thousands separators and exactly the step's decimals
# in the reader's locale; "percent" writes a fraction as a percentage with the step's decimals less
# two (step 0.001: 0.205 -> "20.5%"). Values are rounded to ``decimals`` before they are sent.
# The digits are ui.format's table rule (money to $0.1B, 0.1%, 0.1x), so every page writes a figure alike.
_SCREEN_FORMATS: dict[str, tuple[str, float | None, int | None]] = {
    "usd_bn": ("localized", 10.0 ** -fmt.TABLE_DIGITS["usd_bn"], fmt.TABLE_DIGITS["usd_bn"]),
    "usd": ("localized", 10.0 ** -fmt.TABLE_DIGITS["usd"], fmt.TABLE_DIGITS["usd"]),
    "percent": ("percent", 10.0 ** -(fmt.TABLE_DIGITS["percent"] + 2), fmt.TABLE_DIGITS["percent"] + 2),
    "multiple": (f"%.{fmt.TABLE_DIGITS['multiple']}fx", None, fmt.TABLE_DIGITS["multiple"]),
    "year": ("%d", None, 0),
    "count": ("localized", 1, 0),
    "number": ("localized", None, None),
}


def cell_text(kind: str | None, value: Any) -> str:
    """One number as a table shows it (ui.format's table rule): money to the $0.1B (USD bn) or the
    cent, fractions as %, multiples to 0.1x, an empty cell as a dash, and never "-0.0"."""
    if is_missing(value):
        return MISSING
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return str(value)
    if kind is None and isinstance(value, int | np.integer):
        return str(value)
    value = float(value)
    if kind in ("percent", "multiple"):
        text = fmt.by_kind(kind, value)
    elif kind in ("year", "count"):
        text = str(int(value)) if kind == "year" else f"{int(value):,}"
    elif kind in ("usd_bn", "usd"):
        text = f"{value:,.{fmt.TABLE_DIGITS[kind]}f}"
    else:
        text = f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return _NEGATIVE_ZERO.sub(r"\1", text)


_NEGATIVE_ZERO = re.compile(r"^-(0(?:\.0+)?(?:%|x)?)$")


def column_labels(df: pd.DataFrame) -> dict:
    """Every column headed as a person reads it (units in brackets); the CSV keeps the names."""
    return {column: st.column_config.Column(column_title(column)) for column in df.columns}


_TEXT_COLUMNS = ("unit", "assumption_unit", "label", "name")


def screen_table(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``df`` as a table shows it, and its column settings: readable headers; numbers kept as
    numbers (so they still sort) and written by their column's kind with Streamlit's formats,
    rounded to what is shown so no "-0.00" appears; a column whose unit changes row by row (a
    ``unit`` column beside it) written cell by cell with :func:`cell_text`. Empty cells show
    ``MISSING`` through ``st.dataframe(placeholder=...)``."""
    shown = df.copy(deep=False)
    config = column_labels(df)
    for column in df.columns:
        series = df[column]
        if series.dtype.kind == "b":
            continue
        kind = column_kind(column)
        units = _unit_column(df, column)
        title = column_title(column)
        if kind is None and units is not None and column not in _TEXT_COLUMNS and series.dtype.kind in "fiO":
            shown[column] = [
                cell_text(_unit_kind(unit), value) if _is_number(value) or is_missing(value) else value
                for unit, value in zip(df[units], series, strict=True)
            ]
        elif series.dtype.kind in "fi" and kind in _SCREEN_FORMATS:
            form, step, decimals = _SCREEN_FORMATS[kind]
            if decimals is not None and series.dtype.kind == "f":
                shown[column] = series.round(decimals) + 0.0  # -0.0 + 0.0 is 0.0
            config[column] = st.column_config.NumberColumn(title, format=form, step=step)
        elif series.dtype.kind == "f" or (kind is not None and series.dtype.kind == "O"):
            shown[column] = [cell_text(kind, value) for value in series]
    return shown, config


def _unit_column(df: pd.DataFrame, column: str) -> str | None:
    # The tornado's low/value/high are the assumption's values; its other figures are the result's.
    if "assumption_unit" in df.columns and column in ("low", "value", "high", "most_likely"):
        return "assumption_unit"
    return "unit" if "unit" in df.columns else None


def _unit_kind(unit: Any) -> str | None:
    return unit_kind(unit) if isinstance(unit, str) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


# A row tall enough for three lines: Streamlit's table wraps a cell's text only in rows taller than 4rem.
WRAPPED_ROW_PX = 76


def rows_height(rows: int, wrap: bool = False) -> int:
    """The height in pixels that shows ``rows`` rows and the header whole (no scroll inside the table)."""
    return (WRAPPED_ROW_PX if wrap else 35) * rows + 35 + 3


def dataframe(df: pd.DataFrame, *, column_config: Mapping | None = None, height: int | str = "auto",
              key: str | None = None, heading: Sequence[str] = (), wrap: bool = False) -> None:
    """A table on screen: readable headers, numbers in their units, a dash for an empty cell.
    With a ``key``, a :func:`wide_table` (cards on a phone, each headed by its ``heading`` columns).
    With ``wrap``, long texts wrap onto up to three lines in taller rows instead of being cut. A
    ``column_config`` entry adds to what the column's kind gives: ``st.column_config.Column("Loss
    share")`` retitles a money column and keeps its number format; None hides the column."""
    shown, config = screen_table(df)
    for column, given in (column_config or {}).items():
        config[column] = None if given is None else {
            **config.get(column, {}), **{k: v for k, v in given.items() if v is not None}}
    if key is None:
        st.dataframe(shown, hide_index=True, column_config=config, height=height, width="stretch",
                     placeholder=MISSING, row_height=WRAPPED_ROW_PX if wrap else None)
    else:
        wide_table(shown, key=key, heading=heading, column_config=config, height=height, wrap=wrap)


# Streamlit's own phone breakpoint (its columns stack below it). The sortable table shows above it,
# the cards below. What is hidden is the keyed block's wrapper, so it leaves no gap in the page either.
PHONE_WIDTH_PX = 640
WIDE_PREFIX, CARDS_PREFIX = "table_wide_", "table_cards_"
FIRST_CARDS = 8  # cards shown at once; the rest of a long table opens below them
_CARDS_CSS = f"""<style>
@media (width <= {PHONE_WIDTH_PX}px) {{ div:has(> [class*="st-key-{WIDE_PREFIX}"]) {{ display: none; }} }}
@media (width > {PHONE_WIDTH_PX}px) {{ div:has(> [class*="st-key-{CARDS_PREFIX}"]) {{ display: none; }} }}
.table-cards {{ display: flex; flex-direction: column; gap: 0.5rem; overflow-wrap: anywhere; }}
.table-card {{ border: 1px solid rgba(128, 128, 128, 0.35); border-radius: 0.5rem; padding: 0.5rem 0.75rem;
  line-height: 1.45; font-size: 0.9rem; }}
.table-card-heading {{ font-weight: 600; font-size: 1rem; margin-bottom: 0.25rem; }}
.table-card-key {{ opacity: 0.7; }}
.table-cards details > summary {{ cursor: pointer; padding: 0.5rem 0; font-weight: 600; }}
.table-cards details[open] > summary {{ margin-bottom: 0.5rem; }}
.table-cards details {{ display: flex; flex-direction: column; gap: 0.5rem; }}
</style>"""


def wide_table(shown: pd.DataFrame, *, key: str, heading: Sequence[str], column_config: Mapping,
               height: int | str = "auto", first_cards: int = FIRST_CARDS, wrap: bool = False,
               static: bool = False) -> None:
    """A table too wide for a phone: on a wider screen the sortable ``st.dataframe`` (its
    ``column_config`` as given, a readable title for any column without one); on a phone one card a
    row, headed by the row's ``heading`` columns, then every other column as "Title: value" written as
    the table writes it (:func:`card_text`). Past ``first_cards`` rows, the rest wait in a closed
    "Show n more" below, so a long table does not make an endless page. With ``wrap``, the desktop
    table's long texts wrap in taller rows (:data:`WRAPPED_ROW_PX`). With ``static``, the desktop table
    is a plain ``st.table`` of texts, every cell wrapped to its length (``shown`` already written as
    text, headed by the configs' titles): for many short columns whose texts differ in length."""
    config = {**column_labels(shown), **column_config}
    with st.container(key=f"{WIDE_PREFIX}{key}"):
        if static:
            # Only the configured columns are retitled: the others are the caller's own words (a scenario's name).
            st.table(shown.rename(columns={column: _title(column, config) for column in column_config}),
                     hide_index=True, border="horizontal")
        else:
            st.dataframe(shown, hide_index=True, column_config=config, height=height, width="stretch",
                         placeholder=MISSING, key=key, row_height=WRAPPED_ROW_PX if wrap else None)
    with st.container(key=f"{CARDS_PREFIX}{key}"):
        st.html(_CARDS_CSS + cards_html(shown, heading, config, first_cards))


def _title(column: str, config: Mapping) -> str:
    return (config.get(column) or {}).get("label") or column_title(column)


def cards_html(shown: pd.DataFrame, heading: Sequence[str], config: Mapping, first_cards: int = FIRST_CARDS) -> str:
    """The rows of ``shown`` as cards (see :func:`wide_table`); the heading's title names its columns."""
    heading_title = " · ".join(_title(column, config) for column in heading)
    lines = [column for column in shown.columns if column not in heading]

    def card(row: Mapping) -> str:
        head = " ".join(card_text(row[column], column, config.get(column), link=False) for column in heading)
        body = "".join(f'<div><span class="table-card-key">{html.escape(_title(column, config))}:</span> '
                       f"{card_text(row[column], column, config.get(column))}</div>" for column in lines)
        return (f'<section class="table-card"><div class="table-card-heading" title="{html.escape(heading_title)}">'
                f"{head}</div>{body}</section>")

    cards = [card(row) for row in shown.to_dict("records")]
    # One or two rows behind a tap would save nothing: a table that short shows whole.
    more = cards[first_cards:] if len(cards) > first_cards + 2 else []
    rest = f"<details><summary>Show {len(more)} more</summary>{''.join(more)}</details>" if more else ""
    return f'<div class="table-cards">{"".join(cards[:len(cards) - len(more)])}{rest}</div>'


def card_text(value: Any, column: str, config: Mapping | None, *, link: bool = True) -> str:
    """One cell as HTML for a card, written as the desktop table writes it: by the column's number
    format (localized to its step, percent, or a printf format), else by the column's kind
    (:func:`cell_text`); a link as a link, its text by the column's ``display_text``; an empty cell as
    ``MISSING`` (an empty text too: a card line needs a value); a tick box as yes or no.

    >>> card_text(0.2051, "share", {"type_config": {"type": "number", "format": "percent", "step": 0.001}})
    '20.5%'
    >>> card_text(1234.56, "amount_usd_bn", None), card_text(None, "note", None)
    ('1,234.6', '–')
    """
    type_config = (config or {}).get("type_config") or {}
    if type_config.get("type") == "link" and isinstance(value, str) and value:
        shown = _link_text(value, type_config.get("display_text"))
        if not link:
            return html.escape(shown)
        return f'<a href="{html.escape(value)}" target="_blank" rel="noopener noreferrer">{html.escape(shown)}</a>'
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if not _is_number(value) or is_missing(value):
        return html.escape(cell_text(None, value) or MISSING)
    form, step = type_config.get("format"), type_config.get("step")
    decimals = max(0, -math.floor(math.log10(step))) if step else None
    if form == "localized" and decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif form == "percent" and decimals is not None:
        text = f"{value * 100:.{max(decimals - 2, 0)}f}%"
    elif isinstance(form, str) and form.startswith("%"):
        text = form % (int(value) if form.endswith("d") else value)
    else:
        text = cell_text(column_kind(column), value)
    return html.escape(_NEGATIVE_ZERO.sub(r"\1", text))


def _link_text(url: str, display_text: str | None) -> str:
    """What a link column shows: its display text, or a regular expression's first group of the URL."""
    if not display_text:
        return url
    try:
        found = re.search(display_text, url)
    except re.error:
        return display_text
    return found.group(1) if found and found.groups() else display_text


def table(
    df: pd.DataFrame,
    name: str,
    *,
    title: str | None = None,
    caption: str | None = None,
    column_config: Mapping | None = None,
    height: int | str = "auto",
    shown: pd.DataFrame | None = None,
    heading: Sequence[str] = (),
    wrap: bool = False,
) -> None:
    """A table with its CSV: on screen with readable headers and numbers in their units
    (:func:`dataframe`), in the CSV as exported (snake_case names with units, full precision).

    With a ``title``, the table sits in a closed expander of that name and is made and sent only
    while the reader has it open (a table that changes with the sliders costs a rerun about 15 ms
    in the server and the browser); its CSV download stays in view below. Without one, it is drawn
    in place. ``shown``, if given, is what the page displays instead (e.g. values written in their
    units); the download is always ``df``. With a ``heading``, a :func:`wide_table`: one card a row
    on a phone, headed by those columns; ``wrap`` as for :func:`dataframe`.
    """
    def draw() -> None:
        if caption:
            st.caption(caption)
        dataframe(df if shown is None else shown, column_config=column_config, height=height,
                  key=name if heading else None, heading=heading, wrap=wrap)

    if title is None:
        draw()
    else:
        with on_demand(title, key=f"_table_{name}", icon=":material/table_rows:") as is_open:
            if is_open:
                draw()
    download_csv(df, name)


def download_exports(bundle: Callable[[], ExportBundle], tag: str, settings: MonteCarloSettings) -> None:
    """The workbook, the "download everything" zip and the PDF tear sheet of one export bundle.

    ``bundle`` is called only on click (the scenario comparison and Monte Carlo take many runs, and
    the cover records the moment of the export); ``tag`` names the files now, as the link does."""
    # Imported here for start-up time: the tear sheet's renderers load only when the sidebar's downloads open.
    from model.export.tearsheet import PDF_MIME, tearsheet_pdf

    runs = f"{settings.draws:,} Monte Carlo draws, seed {settings.seed}"
    buttons = (
        ("workbook", "Download every table (Excel)", lambda: bundle().workbook(), f"openai-exposure_{tag}.xlsx",
         XLSX_MIME, ":material/table_view:",
         "A cover (scenario link, MSFT price, dates), the inputs, NPV and IRR as formulas that follow the "
         f"discount rate, charts, one sheet per table ({runs}), the scenario and every source."),
        ("everything", "Download everything (CSV, zip)", lambda: zip_bytes(bundle()),
         f"openai-exposure_{tag}.zip", ZIP_MIME, ":material/folder_zip:",
         "Every table as CSV, scenario.json and a README of the columns."),
        ("tearsheet", "Download the tear sheet (PDF)", lambda: tearsheet_pdf(bundle()),
         f"openai-exposure_{tag}.pdf", PDF_MIME, ":material/picture_as_pdf:",
         "One page: the headline figures against the reported terms, key charts, the assumptions "
         "changed, the price and sources, and the link."),
    )
    for name, label, make, file_name, mime, icon, help_text in buttons:
        st.download_button(label, data=_register(name, make), file_name=file_name, mime=mime,
                           key=f"_download_{name}", on_click="ignore", icon=icon, help=help_text)
