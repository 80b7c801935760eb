"""An export written to disk, all of it or nothing: a folder of CSV files, one workbook or one PDF;
and the "download everything" zip (every table as CSV, ``scenario.json`` and a README of the columns).

Everything is rendered in memory first and each file lands through a rename, so a failure leaves
nothing half-written; a new folder appears complete or not at all. In an existing folder only this
export's own files are replaced; other files are left alone.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from model.export.bundle import ExportBundle
from model.export.columns import column_kind, column_title
from model.export.shape import typed_columns
from model.export.tables import all_tables, csv_bytes, tidy
from model.export.workbook import Cover, workbook_bytes
from model.scenario import Scenario

ZIP_MIME = "application/zip"
_KIND_WORDS = {"usd_bn": "USD billions", "usd": "USD", "percent": "a fraction (0.27 is 27%)", "year": "a year",
               "count": "a count", "number": "a number"}


def _file_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._")
    return cleaned or "table"


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` to ``path`` through a temporary file in the same folder and a rename."""
    temporary = _temporary_sibling(path)
    try:
        with temporary.open("xb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _temporary_sibling(path: Path) -> Path:
    # Named by hand rather than with tempfile.mkstemp/mkdtemp, which create private (0600/0700)
    # entries: an export should get the same permissions as any other file the user writes.
    return path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"


def csv_files(tables: Mapping[str, pd.DataFrame], scenario: Scenario, sources: pd.DataFrame) -> dict[str, bytes]:
    """File name -> CSV bytes for every table plus scenario.csv and sources.csv."""
    files: dict[str, bytes] = {}
    for name, df in all_tables(tables, scenario, sources).items():
        file_name = _file_name(name) + ".csv"
        while file_name in files:
            file_name = file_name[: -len(".csv")] + "_.csv"
        files[file_name] = csv_bytes(df)
    return files


def columns_readme(tables: Mapping[str, pd.DataFrame], bundle: ExportBundle | None = None) -> str:
    """A README for a folder of CSVs: what the export is, then every file's columns and what they hold."""
    lines = ["# Microsoft–OpenAI exposure: the model's tables as CSV", ""]
    if bundle is not None:
        cover = bundle.cover
        lines += [f"- Scenario tag: {bundle.tag} (the same in every file name of this export)",
                  f"- Scenario link: {bundle.link or 'none (no dashboard address was given)'}",
                  f"- Model date (today): {cover.today}",
                  f"- MSFT price: {cover.msft_price_usd} USD, as of {cover.msft_price_as_of} "
                  f"({cover.msft_price_source})",
                  f"- Exported at (UTC): {cover.exported_at:%Y-%m-%d %H:%M:%S}" if cover.exported_at else "",
                  *[f"- {note}" for note in cover.notes], ""]
    lines += ["Conventions: one header row, one record per row, UTF-8, ISO dates (YYYY-MM-DD), TRUE/FALSE, "
              "empty cells for missing values, no thousands separators. From Microsoft's point of view money in "
              "is positive. A column ending in _choice holds the option chosen where its neighbour is not a "
              "number; one ending in _as_reported holds a date as the source gave it (a year, a month or a day).",
              ""]
    for name, df in tables.items():
        frame = typed_columns(tidy(df))
        lines += [f"## {_file_name(name)}.csv ({len(frame)} rows)", ""]
        for column in frame.columns:
            kind = column_kind(str(column))
            holds = _KIND_WORDS.get(kind, "") if kind else ""
            lines.append(f"- `{column}`: {column_title(str(column))}" + (f"; {holds}" if holds else ""))
        lines.append("")
    return "\n".join(line for line in lines if line is not None) + "\n"


def bundle_files(bundle: ExportBundle) -> dict[str, bytes]:
    """Every table as CSV, plus scenario.json and README.md: what the CSV folder and the zip hold."""
    files = csv_files(bundle.tables, bundle.scenario, bundle.sources)
    files["scenario.json"] = (json.dumps(bundle.scenario.model_dump(mode="json"), indent=2) + "\n").encode("utf-8")
    files["README.md"] = columns_readme(all_tables(bundle.tables, bundle.scenario, bundle.sources), bundle).encode()
    return files


def zip_bytes(bundle: ExportBundle) -> bytes:
    """The "download everything" zip: a folder named by the scenario's tag holding :func:`bundle_files`."""
    folder = f"openai-exposure_{bundle.tag}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file_name, data in bundle_files(bundle).items():
            archive.writestr(f"{folder}/{file_name}", data)
    return buffer.getvalue()


class ExportError(ValueError):
    """An export that cannot be written where it was asked to go; nothing was written."""


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    scenario: Scenario,
    sources: pd.DataFrame,
    out: Path,
    fmt: Literal["csv", "xlsx"],
    cover: Cover | None = None,
) -> list[Path]:
    """Write ``tables`` (plus the scenario and the sources) and return the paths written.

    ``csv``: ``out`` is a folder holding one ``<table>.csv`` per table. ``xlsx``: ``out`` is one
    workbook (:mod:`model.export.workbook`, with ``cover`` on its first sheet). Everything is rendered in
    memory first and each file lands through a rename, so a failure leaves nothing half-written; a
    new folder appears complete or not at all. In an existing folder only this export's own files
    are replaced; other files are left alone.
    """
    out = Path(out)
    if fmt == "xlsx":
        return _write_file(out, lambda: workbook_bytes(tables, scenario, sources, cover), "model.xlsx")
    if fmt != "csv":
        raise ExportError(f"unknown export format {fmt!r}; allowed: csv, xlsx")
    return _write_folder(out, csv_files(tables, scenario, sources))


def write_bundle(bundle: ExportBundle, out: Path, fmt: Literal["csv", "xlsx", "pdf"]) -> list[Path]:
    """Write ``bundle`` as a folder of CSVs (with scenario.json and README.md), a workbook or a PDF."""
    out = Path(out)
    if fmt == "xlsx":
        return _write_file(out, bundle.workbook, "model.xlsx")
    if fmt == "pdf":
        # Imported here for start-up time: the tear sheet's renderers load only when a PDF is asked for.
        from model.export.tearsheet import tearsheet_pdf

        return _write_file(out, lambda: tearsheet_pdf(bundle), "tear-sheet.pdf")
    if fmt != "csv":
        raise ExportError(f"unknown export format {fmt!r}; allowed: csv, xlsx, pdf")
    return _write_folder(out, bundle_files(bundle))


def _write_file(out: Path, render, example: str) -> list[Path]:
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name such as {out / example}")
    data = render()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, data)
    return [out]


def _write_folder(out: Path, files: Mapping[str, bytes]) -> list[Path]:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; CSV export writes a folder of files")
    if out.is_dir():
        for file_name, data in files.items():
            write_atomically(out / file_name, data)
        return [out / file_name for file_name in files]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = _temporary_sibling(out)
    try:
        staging.mkdir()
        for file_name, data in files.items():
            (staging / file_name).write_bytes(data)
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / file_name for file_name in files]
