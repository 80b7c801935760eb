"""The data files in data/: where they are, how one is read, and the error that names what is wrong.

Every YAML file of facts, presets, events and calibration targets is read through :func:`load_file`:
``yaml.safe_load``, then the file's pydantic model. A file that cannot be read, is not YAML or breaks
its model raises :class:`DataFileError`, whose message names the file, the record and the field, so
nothing half-loaded is ever used. Dates in the files are only as precise as their source
(``2021``, ``2024-10``, ``2019-07-22``).

>>> to_date("2024-10"), month_index("2024-10") - month_index("2023-10")
(datetime.date(2024, 10, 1), 12)
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ValidationError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class DataFileError(ValueError):
    """A data file that cannot be used; the message names the file, the record and the field."""


def _partial_date(value: str) -> str:
    """'2021', '2024-10' or '2019-07-22': only as precise as the source."""
    if not _PARTIAL_DATE.match(value):
        raise ValueError("expected YYYY, YYYY-MM or YYYY-MM-DD")
    to_date(value)  # rejects 2025-13 or 2025-02-30
    return value


def _month(value: str) -> str:
    if not _MONTH.match(value):
        raise ValueError("expected a month as YYYY-MM")
    return value


PartialDate = Annotated[str, AfterValidator(_partial_date)]
Month = Annotated[str, AfterValidator(_month)]


def to_date(value: str) -> date:
    """The first day a partial date can mean ('2024-10' -> 2024-10-01)."""
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], *(parts[1:] + [1, 1])[:2])


def month_index(value: str) -> int:
    """Months since year 0, so that spans of months are plain subtraction."""
    year, month = (int(p) for p in value.split("-"))
    return year * 12 + month - 1


_RECORD_KEYS = ("id", "name", "measure", "period", "item", "year", "date")


def _where(data: Any, loc: tuple) -> str:
    """'record commitments[2] (id 'aws'), field total_usd_bn' from a pydantic error location."""
    path, node, record = [], data, None
    fields = list(loc)
    while fields:
        key = fields.pop(0)
        if isinstance(node, list) and isinstance(key, int):
            path[-1:] = [f"{path[-1]}[{key}]" if path else f"[{key}]"]
            node = node[key] if key < len(node) else None
            if isinstance(node, dict):
                label = next((node[k] for k in _RECORD_KEYS if node.get(k) is not None), None)
                record = f"{path[-1]}" + (f" ({label})" if label else "")
        elif isinstance(node, dict):
            path.append(str(key))
            node = node.get(key)
        else:
            path.append(str(key))
    if record:
        field = ".".join(path).split(record.split(" ")[0], 1)[-1].lstrip(".")
        return f"record {record}, field {field or '(record)'}"
    return f"field {'.'.join(path)}" if path else "whole-file check"


def load_file(path: Path, model: type[BaseModel], *, wrap: str | None = None) -> Any:
    """One data file through its pydantic model; DataFileError names file, record and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataFileError(f"{path.name}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise DataFileError(f"{path.name}: not valid YAML{where}") from None
    if wrap is not None:
        data = {wrap: data}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        raise DataFileError(f"{path.name}: {_where(data, first['loc'])}: {message}") from None
