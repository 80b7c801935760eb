"""An export written to disk, all of it or nothing: a folder of CSV files or one workbook.

Everything is rendered in memory first and each file lands through a rename, so a failure leaves
nothing half-written; a new folder appears complete or not at all. In an existing folder only this
export's own files are replaced; other files are left alone.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from model.export.tables import all_tables, csv_bytes
from model.export.workbook import Cover, workbook_bytes
from model.scenario import Scenario


def _file_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._")
    return cleaned or "table"


def _write_atomically(path: Path, data: bytes) -> None:
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
        if out.is_dir():
            raise ExportError(f"{out} is a folder; give a file name such as {out / 'model.xlsx'}")
        data = workbook_bytes(tables, scenario, sources, cover)
        out.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(out, data)
        return [out]
    if fmt != "csv":
        raise ExportError(f"unknown export format {fmt!r}; allowed: csv, xlsx")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; CSV export writes a folder of files")
    files = csv_files(tables, scenario, sources)
    if out.is_dir():
        for file_name, data in files.items():
            _write_atomically(out / file_name, data)
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
